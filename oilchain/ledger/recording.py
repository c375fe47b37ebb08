"""Recording: every step of the chain is one event that consumes quantities
of input lots and makes output lots. Module services call `record_event`;
nothing else writes lots or lines. A refused event raises before anything is
committed (the caller's transaction rolls back)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, update
from sqlmodel import Session, select

from .. import clock, codes, db
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, Label, NotFound
from ..errors import Message as _l
from ..units import show_quantity
from .balance import check_balance
from .holds import hold_outputs, refuse_held
from .models import HOLD_EXEMPT_KINDS, LOT_UNITS, Event, EventLine, Lot, Shipment


@dataclass
class NewLot:
    """An output of an event. `equivalent` is its amount in the inputs' unit
    for the mass balance (bottling: units x fill grams); `field` names the
    form field a refusal belongs to."""

    kind: str
    quantity: int
    field: str | None = None
    equivalent: int | None = None
    owner_org_id: int | None = None
    unit: str | None = None  # the kind's unit unless given (a by-product product packed in units)

    @property
    def balance_amount(self) -> int:
        return self.quantity if self.equivalent is None else self.equivalent


@dataclass
class Recorded:
    event: Event
    outputs: list[Lot] = field(default_factory=list)


def get_lot(session: Session, code: str, *, for_update: bool = False) -> Lot:
    """The lot a typed, pasted or scanned code names (the bare code or the
    lot's URL, any case), with its own message for a code that is not one.
    `for_update` locks it for the transaction (a step about to act on it):
    a racing request on the same lot waits, then sees what this one did."""
    normalized_code = codes.normalize_lot_code(code)
    if not codes.is_lot_code(normalized_code):
        raise Invalid(
            _l("“%(code)s” is not a lot code (they look like YY-H25-000123).", code=(code or "").strip()[:60]), field="code"
        )
    lot = session.exec(select(Lot).where(Lot.code == normalized_code)).first()
    if lot is None:
        raise unknown_lot(normalized_code)
    if for_update:
        db.lock(session, Lot, [lot.id])
    return lot


def unknown_lot(code: str) -> NotFound:
    """The refusal for a code that names no lot, also given for a lot the
    reader may not learn about (so the two answers cannot be told apart)."""
    return NotFound(_l("No lot has the code %(code)s.", code=code), field="code")


def lock_lots(session: Session, lots) -> None:
    """Lock these lots (in id order) and bring the session's copies up to date."""
    db.lock(session, Lot, [lot.id for lot in lots])


EARLIEST_DATE = date(2000, 1, 1)


def check_date(occurred_on: date, field_name: str = "occurred_on", not_before: date | None = None) -> None:
    """Not in the future (county time), not before 2000, and not before the
    date of what the step acts on (`not_before`)."""
    if occurred_on > clock.today():
        raise Invalid(_l("The date %(day)s is in the future.", day=occurred_on.isoformat()), field=field_name)
    if occurred_on < EARLIEST_DATE:
        raise Invalid(_l("The date %(day)s is too early to be right.", day=occurred_on.isoformat()), field=field_name)
    if not_before is not None and occurred_on < not_before:
        raise Invalid(
            _l("The date %(day)s comes before %(earlier)s, the date of what it acts on.",
               day=occurred_on.isoformat(), earlier=not_before.isoformat()),
            field=field_name,
        )


def in_hands_since(session: Session, lots: list[Lot]) -> dict[int, tuple[date, str]]:
    """Since when each lot's owner has held it, and how it came: the latest
    standing receipt by which it came in ("received"), else the day it was
    made ("made"). No step may be dated before it."""
    since = {lot.id: (lot.produced_on, "made") for lot in lots}
    ids = [lot.id for lot in lots]
    if ids:
        for lot_id, day in session.exec(
            select(Shipment.lot_id, func.max(Event.occurred_on))
            .join(Event, Event.id == Shipment.receive_event_id)
            .join(Lot, Lot.id == Shipment.lot_id)
            .where(Shipment.lot_id.in_(ids), Shipment.to_org_id == Lot.owner_org_id, Event.reversed_by_event_id.is_(None))
            .group_by(Shipment.lot_id)
        ):
            if day is not None and day >= since[lot_id][0]:
                since[lot_id] = (day, "received")
    return since


def check_in_hands(session: Session, lots: list[Lot], occurred_on: date, field_name: str = "occurred_on") -> None:
    """A step is not dated before its lots were in the actor's hands: before
    the receipt that brought one in, or the event that made it."""
    for lot_id, (day, how) in in_hands_since(session, lots).items():
        if occurred_on < day:
            code = next(lot.code for lot in lots if lot.id == lot_id)
            message = (
                _l("The date %(day)s comes before %(since)s, when lot %(code)s was received.",
                   day=occurred_on.isoformat(), since=day.isoformat(), code=code)
                if how == "received" else
                _l("The date %(day)s comes before %(since)s, when lot %(code)s was made.",
                   day=occurred_on.isoformat(), since=day.isoformat(), code=code)
            )
            raise Invalid(message, field=field_name)


def require_owned(lot: Lot, actor: Actor, field_name: str = "code") -> None:
    if lot.owner_org_id != actor.org_id:
        raise Forbidden(_l("Lot %(code)s does not belong to your organization.", code=lot.code), field=field_name)


def too_little(lot: Lot, amount: int, field_name: str | None) -> Invalid:
    return Invalid(
        _l(
            "Lot %(code)s has only %(remaining)s left; %(asked)s were asked for.",
            code=lot.code,
            remaining=show_quantity(lot.remaining, lot.unit),
            asked=show_quantity(amount, lot.unit),
        ),
        field=field_name,
        lot=lot.code,
    )


def change_remaining(session: Session, lot: Lot, delta: int, *, only_active: bool = False) -> bool:
    """Add `delta` to a lot's remaining quantity in one guarded UPDATE, so two
    requests racing for the same lot can neither overdraw it nor lose a
    change. Returns False (and changes nothing) when it would go below zero."""
    condition = [Lot.id == lot.id, Lot.remaining + delta >= 0]
    if only_active:
        condition.append(Lot.status == "active")
    result = session.execute(
        update(Lot).where(*condition).values(remaining=Lot.remaining + delta).execution_options(synchronize_session=False)
    )
    session.refresh(lot)
    return result.rowcount == 1


def in_stock(org_id: int):
    """A condition on Lot: the organization holds it and something is left to use
    (its stock: the start pages' figures, the lot list's filter, owned_lots)."""
    return and_(Lot.owner_org_id == org_id, Lot.status == "active", Lot.remaining > 0)


def owned_lots(session: Session, org_id: int, kinds: tuple[str, ...]) -> list[Lot]:
    """An organization's lots of these kinds that have something left to use."""
    return list(
        session.exec(select(Lot).where(in_stock(org_id), Lot.kind.in_(kinds)).order_by(Lot.produced_on, Lot.id))
    )


def record_event(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    occurred_on: date,
    inputs: list[tuple[Lot, int]] = (),
    outputs: list[NewLot] = (),
    step: str | None = None,
    plot_id: int | None = None,
    note: str = "",
    input_fields: dict[int, str] | None = None,
    adjustments: list[tuple[Lot, int]] = (),
    loss: int = 0,
    untraced: int = 0,
) -> Recorded:
    """Write one event: consume `inputs`, create `outputs`.

    When `step` names a transformation the inputs must balance: what goes in
    equals what comes out plus loss, loss is not negative, and each output's
    share of the input lies inside its yield bounds. `input_fields` names the
    field a refusal about an input lot belongs to, when the caller's form
    has one quantity field for it; else the refusal names the lot (a form
    with a field per lot places it there).
    `adjustments` change a lot the actor owns by a signed amount (a grading's
    rejects); `loss` records what left the chain when no step computes it;
    `untraced` is what a step adds from outside the chain (in the inputs'
    unit), which the balance counts with the inputs.

    Every lot it names is locked first (in id order), so the checks below
    read what racing requests committed, and a lot on hold is refused."""
    named = [lot for lot, _ in [*inputs, *adjustments]]
    fields = {lot.id: (input_fields or {}).get(lot.id) for lot, _ in inputs}
    check_step(session, actor, kind, occurred_on, inputs, adjustments, fields)
    if untraced < 0:
        raise Invalid(_l("The untraced ingredients cannot weigh less than nothing."), field="untraced")
    if step is not None:
        loss = check_balance(session, step, inputs, outputs, untraced)
    event = Event(kind=kind, org_id=actor.org_id, user_id=actor.user_id, occurred_on=occurred_on, plot_id=plot_id,
                  loss=loss, untraced=untraced, note=note)
    session.add(event)
    session.flush()
    for lot, amount in inputs:
        take(session, event, lot, amount, fields[lot.id])
    for lot, delta in adjustments:
        if not change_remaining(session, lot, delta, only_active=True):
            raise too_little(lot, -delta, None)
        session.add(EventLine(event_id=event.id, lot_id=lot.id, role="adjust", delta=delta))
    created = [make_lot(session, event, spec, actor) for spec in outputs]
    session.flush()
    hold_outputs(session, named, created, plot_id, occurred_on)
    return Recorded(event=event, outputs=created)


def check_step(session: Session, actor: Actor, kind: str, occurred_on: date, inputs, adjustments, fields) -> None:
    """Every lot the step names, locked (in id order) and checked as it is
    now: its date, time order, holds, ownership, state and quantity."""
    named = [lot for lot, _ in [*inputs, *adjustments]]
    lock_lots(session, named)
    check_date(occurred_on)
    check_in_hands(session, named, occurred_on)
    if kind not in HOLD_EXEMPT_KINDS:
        refuse_held(session, named, fields)
    seen = set()
    for lot, amount in inputs:
        if lot.id in seen:
            raise Invalid(_l("Lot %(code)s is listed twice.", code=lot.code), field=fields[lot.id], lot=lot.code)
        seen.add(lot.id)
        check_usable(lot, actor, amount, fields[lot.id])
    for lot, _delta in adjustments:
        require_owned(lot, actor, field_name=None)


def make_lot(session: Session, event: Event, spec: NewLot, actor: Actor) -> Lot:
    """An output of `event`: a new lot with its code and its output line."""
    lot = Lot(
        code=codes.new_lot_code(session, spec.kind, event.occurred_on.year),
        kind=spec.kind,
        unit=spec.unit or LOT_UNITS[spec.kind],
        quantity=spec.quantity,
        remaining=spec.quantity,
        owner_org_id=spec.owner_org_id or actor.org_id,
        produced_on=event.occurred_on,
    )
    session.add(lot)
    session.flush()
    session.add(EventLine(event_id=event.id, lot_id=lot.id, role="output", delta=spec.quantity))
    return lot


def dispose_lot(session: Session, *, actor: Actor, code: str, quantity: int, occurred_on: date, reason: str) -> Event:
    """A quantity destroyed or written off (a recalled lot's way out, spoiled
    seed), with the reason; what remains of the lot stays as it was."""
    lot = get_lot(session, code)
    if not reason.strip():
        raise Invalid(_l("Give the reason for the disposal."), field="reason")
    recorded = record_event(
        session, actor=actor, kind="dispose", occurred_on=occurred_on, inputs=[(lot, quantity)],
        input_fields={lot.id: "quantity"}, note=db.fit(reason, Event.note), loss=quantity,
    )
    return recorded.event


def check_usable(lot: Lot, actor: Actor, amount: int, field_name: str | None) -> None:
    """May `actor` take `amount` from `lot`? Refusals name the lot and the numbers."""
    if lot.owner_org_id != actor.org_id:
        raise Forbidden(_l("Lot %(code)s does not belong to your organization.", code=lot.code), field=field_name,
                        lot=lot.code)
    if lot.status == "in_transit":
        raise Invalid(_l("Lot %(code)s has been shipped and is not yet received.", code=lot.code), field=field_name,
                      lot=lot.code)
    if lot.status == "reversed":
        raise Invalid(_l("Lot %(code)s was reversed and cannot be used.", code=lot.code), field=field_name, lot=lot.code)
    if amount <= 0:
        raise Invalid(_l("The quantity taken from lot %(code)s must be more than zero.", code=lot.code), field=field_name,
                      lot=lot.code)
    if amount > lot.remaining:
        raise too_little(lot, amount, field_name)


def take(session: Session, event: Event, lot: Lot, amount: int, field_name: str | None) -> None:
    """Consume `amount` of `lot` in `event`. The guarded UPDATE is the last
    word when two requests race for the same lot."""
    if not change_remaining(session, lot, -amount, only_active=True):
        raise too_little(lot, amount, field_name)
    session.add(EventLine(event_id=event.id, lot_id=lot.id, role="input", delta=-amount))


def lot_history(session: Session, lot: Lot) -> list[tuple[Event, EventLine | None]]:
    """Every event that touched the lot, oldest first, with its line on the lot."""
    rows = session.exec(
        select(Event, EventLine)
        .join(EventLine, EventLine.event_id == Event.id)
        .where(EventLine.lot_id == lot.id)
        .order_by(Event.id)
    ).all()
    shipments = session.exec(select(Shipment).where(Shipment.lot_id == lot.id)).all()
    seen = {event.id for event, _ in rows}
    extra = []
    for shipment in shipments:
        for event_id in (shipment.ship_event_id, shipment.receive_event_id):
            if event_id and event_id not in seen:
                extra.append((session.get(Event, event_id), None))
                seen.add(event_id)
    reversal_ids = [e.reversed_by_event_id for e, _ in rows + extra if e.reversed_by_event_id and e.reversed_by_event_id not in seen]
    for reversal_id in reversal_ids:
        extra.append((session.get(Event, reversal_id), None))
    return sorted(rows + extra, key=lambda pair: pair[0].id)


def remaining_from_lines(session: Session, lot_id: int) -> int:
    """The remaining quantity as the sum of the lot's lines (the stored
    `remaining` must always equal it)."""
    return session.exec(select(func.coalesce(func.sum(EventLine.delta), 0)).where(EventLine.lot_id == lot_id)).one()
