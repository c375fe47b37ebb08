"""Shipment and receipt: a whole lot goes to a named organization, in
transit until the addressee weighs it in; ownership passes at receipt.
Part of a lot is shipped by splitting it off first (ship_part)."""

from datetime import date

from sqlalchemy import text, update
from sqlmodel import Session, select

from ..auth.actor import Actor
from ..auth.models import Organization
from ..errors import Invalid, Label
from ..errors import Message as _l
from ..units import g_to_kg, normalized
from .holds import refuse_held
from .models import OPEN_SHIPMENT, Event, EventLine, Lot, Shipment
from ..units import show_quantity
from .recording import change_remaining, check_date, check_in_hands, get_lot, require_owned, too_little, unknown_lot
from .splits import split_lot


RECEIVE_TOLERANCE_PERMILLE = 20  # 2%: a larger weighbridge difference needs a reason


RECEIVE_GAIN_LIMIT_PERMILLE = 50  # more than 5% heavier than declared is refused


def ship_lot(session: Session, *, actor: Actor, code: str, to_org_id: int, occurred_on: date, note: str = "") -> Shipment:
    """A whole lot leaves for a named organization and is in transit until
    received. The lot is locked, so of racing shipments one wins; the open
    shipment's unique index stands behind it."""
    lot = get_lot(session, code, for_update=True)
    require_owned(lot, actor)
    if lot.status != "active":
        raise Invalid(_l("Lot %(code)s cannot be shipped: it is %(status)s.", code=lot.code, status=Label("lot_status", lot.status)), field="code")
    if lot.remaining <= 0:
        raise Invalid(_l("Lot %(code)s is used up.", code=lot.code), field="code")
    refuse_held(session, [lot])
    check_date(occurred_on)
    check_in_hands(session, [lot], occurred_on)
    to_org = destination(session, actor, to_org_id)
    event = Event(kind="ship", org_id=actor.org_id, user_id=actor.user_id, occurred_on=occurred_on, note=note)
    session.add(event)
    session.flush()
    shipment = Shipment(
        lot_id=lot.id,
        from_org_id=actor.org_id,
        to_org_id=to_org.id,
        declared_quantity=lot.remaining,
        ship_event_id=event.id,
    )
    lot.status = "in_transit"
    session.add_all([shipment, lot])
    session.flush()
    return shipment


def destination(session: Session, actor: Actor, to_org_id: int) -> Organization:
    """The organization a shipment goes to, if the actor may ship to it."""
    to_org = session.get(Organization, to_org_id)
    if to_org is None:
        raise Invalid(_l("Choose an organization to ship to."), field="to_org_id")
    if to_org.id == actor.org_id:
        raise Invalid(_l("A lot cannot be shipped to its own owner."), field="to_org_id")
    return to_org


def ship_part(session: Session, *, actor: Actor, code: str, to_org_id: int, occurred_on: date,
              quantity: int | None = None, note: str = "") -> Shipment:
    """`quantity` of lot `code` leaves for a named organization: split off
    (split_lot: the part is a lot of its own) and shipped, in the caller's
    one transaction. No quantity, or all the lot holds, ships the whole lot.
    Refusals (field `quantity`) name the lot and the numbers."""
    if quantity is None:
        return ship_lot(session, actor=actor, code=code, to_org_id=to_org_id, occurred_on=occurred_on, note=note)
    lot = get_lot(session, code, for_update=True)
    require_owned(lot, actor)
    if quantity <= 0:
        raise Invalid(_l("The part of lot %(code)s to ship must be more than zero; %(asked)s was given.",
                         code=lot.code, asked=show_quantity(quantity, lot.unit)), field="quantity", lot=lot.code)
    if quantity > lot.remaining:
        raise too_little(lot, quantity, "quantity")
    if quantity == lot.remaining:
        return ship_lot(session, actor=actor, code=lot.code, to_org_id=to_org_id, occurred_on=occurred_on, note=note)
    destination(session, actor, to_org_id)
    part = split_lot(session, actor=actor, code=lot.code, quantity=quantity, occurred_on=occurred_on)
    return ship_lot(session, actor=actor, code=part.code, to_org_id=to_org_id, occurred_on=occurred_on, note=note)


def open_shipment(session: Session, lot: Lot) -> Shipment | None:
    return session.exec(
        select(Shipment).where(
            Shipment.lot_id == lot.id, Shipment.receive_event_id.is_(None), Shipment.cancelled.is_(False)
        )
    ).first()


def receive_lot(
    session: Session,
    *,
    actor: Actor,
    code: str,
    weighed: int,
    occurred_on: date,
    note: str = "",
    tolerance_permille: int = RECEIVE_TOLERANCE_PERMILLE,
) -> Shipment:
    """The addressee weighs a shipped lot in; ownership passes now. A weight
    that differs from the declared one beyond the tolerance needs a reason.
    The lot is locked, so of racing receipts one wins and the others see it
    received; the shipment is closed by a guarded UPDATE behind that."""
    lot = get_lot(session, code, for_update=True)
    shipment = receivable(session, actor, lot)
    check_date(occurred_on, not_before=session.get(Event, shipment.ship_event_id).occurred_on)
    check_weighing(lot, shipment.declared_quantity, weighed, note, tolerance_permille)
    event = Event(kind="receive", org_id=actor.org_id, user_id=actor.user_id, occurred_on=occurred_on, note=note)
    session.add(event)
    session.flush()
    closed = session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id, text(OPEN_SHIPMENT))
        .values(receive_event_id=event.id, received_quantity=weighed)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # unreachable while the lot is locked; never two receipts
        raise Invalid(_l("Lot %(code)s is already yours: it was received before.", code=lot.code), field="code")
    # Always a line, even of zero: it names the lot the receipt was about,
    # also after a reversal has reopened the shipment.
    difference = weighed - shipment.declared_quantity
    if not change_remaining(session, lot, difference):
        raise too_little(lot, -difference, "weighed")
    session.add(EventLine(event_id=event.id, lot_id=lot.id, role="adjust", delta=difference))
    lot.owner_org_id = actor.org_id
    lot.status = "active"
    session.add(lot)
    session.flush()
    session.refresh(shipment)
    return shipment


def receivable(session: Session, actor: Actor, lot: Lot) -> Shipment:
    """The lot's open shipment to the actor, or the refusal that says why not.
    A lot that is neither the actor's nor on its way to it answers as a code
    that names no lot: whether it exists, and where it went, are other
    organizations' facts."""
    shipment = open_shipment(session, lot)
    if shipment is not None and shipment.to_org_id == actor.org_id:
        return shipment
    if lot.owner_org_id != actor.org_id:
        raise unknown_lot(lot.code)
    if shipment is None:
        raise Invalid(_l("Lot %(code)s is already yours: it was received before.", code=lot.code), field="code")
    # The sender itself, typing a lot it shipped.
    raise Invalid(_l("Lot %(code)s was shipped to another organization.", code=lot.code), field="code")


def check_weighing(lot: Lot, declared: int, weighed: int, note: str, tolerance_permille: int) -> None:
    """A weight that differs from the declared one beyond the tolerance needs
    a reason; more than 5% heavier is a weighing or typing error."""
    if weighed <= 0:
        raise Invalid(_l("The weighed quantity must be more than zero."), field="weighed")
    difference = weighed - declared
    if abs(difference) * 1000 > tolerance_permille * declared and not note.strip():
        raise Invalid(
            _l("Weighed %(weighed)s differs from the declared %(declared)s by more than %(tolerance)s%%: give a reason.",
               weighed=show_quantity(weighed, lot.unit), declared=show_quantity(declared, lot.unit),
               tolerance=normalized(g_to_kg(tolerance_permille * 100))),
            field="note",
        )
    if difference * 1000 > RECEIVE_GAIN_LIMIT_PERMILLE * declared:
        # Seed and fruit do not gain weight in transit.
        raise Invalid(
            _l("Weighed %(weighed)s is more than 5%% above the declared %(declared)s: check the weighing.",
               weighed=show_quantity(weighed, lot.unit), declared=show_quantity(declared, lot.unit)),
            field="weighed",
        )
