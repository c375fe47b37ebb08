"""Sales: units of a product lot sold to a named buyer."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..auth.actor import Actor
from ..errors import Invalid
from ..labels import CHANNELS
from ..ledger.models import Event, Lot
from ..ledger.services import record_event
from ..processing.services import get_product_lot
from .models import Sale


def sell(
    session: Session,
    *,
    actor: Actor,
    lot_code: str,
    buyer: str,
    channel: str,
    quantity: int,
    unit_price_fen: int,
    sold_on: date,
) -> Sale:
    lot, _product_lot = get_product_lot(session, lot_code)
    if not buyer.strip():
        raise Invalid(_l("Name the buyer."), field="buyer")
    if channel not in CHANNELS:  # the codes the form offers
        raise Invalid(_l("Choose a sales channel from the list."), field="channel")
    if unit_price_fen < 0:
        raise Invalid(_l("The price cannot be negative."), field="unit_price")
    if sold_on < lot.produced_on:
        raise Invalid(_l("The sale cannot come before the lot was bottled."), field="occurred_on")
    recorded = record_event(
        session,
        actor=actor,
        kind="sell",
        occurred_on=sold_on,
        inputs=[(lot, quantity)],
        input_fields={lot.id: "quantity"},
    )
    sale = Sale(
        event_id=recorded.event.id,
        lot_id=lot.id,
        buyer=buyer.strip(),
        channel=channel,
        quantity=quantity,
        unit_price_fen=unit_price_fen,
        amount_fen=quantity * unit_price_fen,
        sold_on=sold_on,
    )
    session.add(sale)
    session.flush()
    return sale


def sales_of(session: Session, org_id: int, limit: int | None = 200) -> list[tuple[Sale, Lot, Event]]:
    """The organization's sales, newest first (the latest `limit`, or all)."""
    query = (
        select(Sale, Lot, Event)
        .join(Lot, Lot.id == Sale.lot_id)
        .join(Event, Event.id == Sale.event_id)
        .where(Event.org_id == org_id)
        .order_by(Sale.sold_on.desc(), Sale.id.desc())
    )
    return list(session.exec(query if limit is None else query.limit(limit)))
