"""Splitting a lot: part of it becomes a lot of its own (a cooperative ships
part of a seed lot to a second processor). The original keeps its code for
what stays; the part gets a new code. One balanced `split` event: the
original's input line and the part's output line."""

from datetime import date

from sqlmodel import Session

from .. import events
from ..auth.actor import Actor
from ..errors import Invalid
from ..errors import Message as _l
from ..units import show_quantity
from .models import Lot
from .recording import NewLot, get_lot, record_event, require_owned

# Bottled lots carry a serial range: they are sold by units, never split.
NOT_SPLIT = ("product", "seedling")


def split_lot(session: Session, *, actor: Actor, code: str, quantity: int, occurred_on: date,
              field: str = "quantity") -> Lot:
    """The part (a new lot of `quantity`) split off lot `code`, which keeps
    the rest. Refused for a part not smaller than the lot: a whole lot is
    shipped or sold as it is."""
    lot = get_lot(session, code, for_update=True)
    require_owned(lot, actor)  # before any number of another organization's lot is named
    if lot.kind in NOT_SPLIT:
        raise Invalid(_l("Lot %(code)s cannot be split: its units are sold or dispatched one by one.", code=lot.code),
                      field="code")
    if lot.status == "active" and quantity >= lot.remaining and quantity > 0:
        raise Invalid(
            _l("A part of %(part)s is not smaller than what lot %(code)s holds (%(remaining)s): "
               "ship or sell the whole lot instead.",
               part=show_quantity(quantity, lot.unit), code=lot.code, remaining=show_quantity(lot.remaining, lot.unit)),
            field=field, lot=lot.code,
        )
    recorded = record_event(
        session, actor=actor, kind="split", occurred_on=occurred_on, inputs=[(lot, quantity)],
        outputs=[NewLot(lot.kind, quantity, field=field, unit=lot.unit)], input_fields={lot.id: field},
    )
    part = recorded.outputs[0]
    events.publish(session, events.LotSplit(lot.id, part.id))
    return part
