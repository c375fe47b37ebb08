"""The ledger's rules, shared by every module: ownership, mass balance, yield
bounds, shipment and receipt, and corrections by reversing events.

Module services call `record_event` for every step of the chain; nothing else
writes lots or lines. A refused event raises before anything is committed.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, text, update
from sqlmodel import Session, select

from .. import clock, codes, db, events
from ..auth.actor import Actor
from ..auth.models import Organization
from ..errors import Forbidden, Invalid, NotFound
from ..units import g_to_kg, normalized
from .models import HOLD_EXEMPT_KINDS, LOT_UNITS, OPEN_SHIPMENT, Event, EventLine, Hold, Lot, PlotHold, Shipment, YieldBound

RECEIVE_TOLERANCE_PERMILLE = 20  # 2%: a larger weighbridge difference needs a reason
RECEIVE_GAIN_LIMIT_PERMILLE = 50  # more than 5% heavier than declared is refused


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

    @property
    def balance_amount(self) -> int:
        return self.quantity if self.equivalent is None else self.equivalent


@dataclass
class Recorded:
    event: Event
    outputs: list[Lot] = field(default_factory=list)


def input_field(lot: Lot) -> str:
    """The form field that carries the quantity taken from `lot`."""
    return f"input-{lot.code}"


def show_quantity(amount: int, unit: str) -> str:
    """A quantity for a message: grams as kg, others as they are."""
    if unit == "g":
        return f"{normalized(g_to_kg(amount))} kg"
    return f"{amount:,}"


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
        raise NotFound(_l("No lot has the code %(code)s.", code=normalized_code), field="code")
    if for_update:
        db.lock(session, Lot, [lot.id])
    return lot


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


def holds_on(session: Session, lot_ids) -> dict[int, int]:
    """The lots among `lot_ids` on hold, each with the (first) recall holding it."""
    ids = list(set(lot_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Hold.lot_id, func.min(Hold.recall_id)).where(Hold.lot_id.in_(ids), Hold.lifted_at.is_(None)).group_by(Hold.lot_id)
    )
    return dict(rows.all())


def refuse_held(session: Session, lots: list[Lot], field_for=lambda lot: "code") -> None:
    """A held lot may not be consumed, shipped, sold or marked: the refusal names the recall."""
    held = holds_on(session, [lot.id for lot in lots])
    for lot in lots:
        if lot.id in held:
            raise Invalid(
                _l("Lot %(code)s is on hold under recall #%(recall)s: it cannot be used, shipped or sold until the "
                   "bureau closes the recall (it may still be received, corrected or disposed of).",
                   code=lot.code, recall=held[lot.id]),
                field=field_for(lot),
            )


def hold_outputs(session: Session, inputs: list[Lot], outputs: list[Lot], plot_id: int | None, occurred_on: date) -> None:
    """What is made from held lots, or harvested on a held plot, is held by
    the same recalls, in the same transaction."""
    if not outputs:
        return
    recalls = set(session.exec(
        select(Hold.recall_id).where(Hold.lot_id.in_([lot.id for lot in inputs] or [0]), Hold.lifted_at.is_(None))
    ))
    if plot_id is not None:
        for recall_id, from_day in session.exec(
            select(PlotHold.recall_id, PlotHold.from_day).where(PlotHold.plot_id == plot_id, PlotHold.lifted_at.is_(None))
        ):
            if from_day is None or occurred_on >= from_day:
                recalls.add(recall_id)
    for recall_id in sorted(recalls):
        for lot in outputs:
            session.add(Hold(recall_id=recall_id, lot_id=lot.id))
    session.flush()


def require_owned(lot: Lot, actor: Actor, field_name: str = "code") -> None:
    if lot.owner_org_id != actor.org_id:
        raise Forbidden(_l("Lot %(code)s does not belong to your organization.", code=lot.code), field=field_name)


def too_little(lot: Lot, amount: int, field_name: str) -> Invalid:
    return Invalid(
        _l(
            "Lot %(code)s has only %(remaining)s left; %(asked)s were asked for.",
            code=lot.code,
            remaining=show_quantity(lot.remaining, lot.unit),
            asked=show_quantity(amount, lot.unit),
        ),
        field=field_name,
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


def owned_lots(session: Session, org_id: int, kinds: tuple[str, ...]) -> list[Lot]:
    """An organization's lots of these kinds that have something left to use."""
    return list(
        session.exec(
            select(Lot)
            .where(Lot.owner_org_id == org_id, Lot.kind.in_(kinds), Lot.status == "active", Lot.remaining > 0)
            .order_by(Lot.produced_on, Lot.id)
        )
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
) -> Recorded:
    """Write one event: consume `inputs`, create `outputs`.

    When `step` names a transformation the inputs must balance: what goes in
    equals what comes out plus loss, loss is not negative, and each output's
    share of the input lies inside its yield bounds. `input_fields` names the
    form field of an input lot when it is not the usual `input-<code>`.
    `adjustments` change a lot the actor owns by a signed amount (a grading's
    rejects); `loss` records what left the chain when no step computes it.

    Every lot it names is locked first (in id order), so the checks below
    read what racing requests committed, and a lot on hold is refused."""
    named = [lot for lot, _ in [*inputs, *adjustments]]
    lock_lots(session, named)
    check_date(occurred_on)
    check_in_hands(session, named, occurred_on)
    fields = {lot.id: (input_fields or {}).get(lot.id) or input_field(lot) for lot, _ in inputs}
    if kind not in HOLD_EXEMPT_KINDS:
        refuse_held(session, named, lambda lot: fields.get(lot.id))
    seen = set()
    for lot, amount in inputs:
        if lot.id in seen:
            raise Invalid(_l("Lot %(code)s is listed twice.", code=lot.code), field=fields[lot.id])
        seen.add(lot.id)
        check_usable(lot, actor, amount, fields[lot.id])
    for lot, delta in adjustments:
        require_owned(lot, actor, field_name=None)
    if step is not None:
        loss = check_balance(session, step, inputs, outputs)

    event = Event(
        kind=kind,
        org_id=actor.org_id,
        user_id=actor.user_id,
        occurred_on=occurred_on,
        plot_id=plot_id,
        loss=loss,
        note=note,
    )
    session.add(event)
    session.flush()
    for lot, amount in inputs:
        take(session, event, lot, amount, fields[lot.id])
    for lot, delta in adjustments:
        if not change_remaining(session, lot, delta, only_active=True):
            raise too_little(lot, -delta, None)
        session.add(EventLine(event_id=event.id, lot_id=lot.id, role="adjust", delta=delta))
    created = []
    for spec in outputs:
        lot = Lot(
            code=codes.new_lot_code(session, spec.kind, occurred_on.year),
            kind=spec.kind,
            unit=LOT_UNITS[spec.kind],
            quantity=spec.quantity,
            remaining=spec.quantity,
            owner_org_id=spec.owner_org_id or actor.org_id,
            produced_on=occurred_on,
        )
        session.add(lot)
        session.flush()
        session.add(EventLine(event_id=event.id, lot_id=lot.id, role="output", delta=spec.quantity))
        created.append(lot)
    session.flush()
    hold_outputs(session, named, created, plot_id, occurred_on)
    return Recorded(event=event, outputs=created)


def dispose_lot(session: Session, *, actor: Actor, code: str, quantity: int, occurred_on: date, reason: str) -> Event:
    """A quantity destroyed or written off (a recalled lot's way out, spoiled
    seed), with the reason; what remains of the lot stays as it was."""
    lot = get_lot(session, code)
    if not reason.strip():
        raise Invalid(_l("Give the reason for the disposal."), field="reason")
    recorded = record_event(
        session, actor=actor, kind="dispose", occurred_on=occurred_on, inputs=[(lot, quantity)],
        input_fields={lot.id: "quantity"}, note=reason.strip()[:500], loss=quantity,
    )
    return recorded.event


def check_usable(lot: Lot, actor: Actor, amount: int, field_name: str) -> None:
    """May `actor` take `amount` from `lot`? Refusals name the lot and the numbers."""
    require_owned(lot, actor, field_name)
    if lot.status == "in_transit":
        raise Invalid(_l("Lot %(code)s has been shipped and is not yet received.", code=lot.code), field=field_name)
    if lot.status == "reversed":
        raise Invalid(_l("Lot %(code)s was reversed and cannot be used.", code=lot.code), field=field_name)
    if amount <= 0:
        raise Invalid(_l("The quantity taken from lot %(code)s must be more than zero.", code=lot.code), field=field_name)
    if amount > lot.remaining:
        raise too_little(lot, amount, field_name)


def take(session: Session, event: Event, lot: Lot, amount: int, field_name: str) -> None:
    """Consume `amount` of `lot` in `event`. The guarded UPDATE is the last
    word when two requests race for the same lot."""
    if not change_remaining(session, lot, -amount, only_active=True):
        raise too_little(lot, amount, field_name)
    session.add(EventLine(event_id=event.id, lot_id=lot.id, role="input", delta=-amount))


def yield_bounds(session: Session, step: str) -> dict[str, YieldBound]:
    return {b.output_kind: b for b in session.exec(select(YieldBound).where(YieldBound.step == step))}


def check_balance(session: Session, step: str, inputs, outputs) -> int:
    """Return the loss that closes the balance, or refuse the transformation."""
    total_in = sum(amount for _, amount in inputs)
    if total_in <= 0:
        raise Invalid(_l("Choose at least one input lot and a quantity."), field="inputs")
    total_out = sum(spec.balance_amount for spec in outputs)
    loss = total_in - total_out
    unit = inputs[0][0].unit
    if loss < 0:
        raise Invalid(
            _l(
                "The outputs (%(out)s) weigh more than the inputs (%(in)s).",
                out=show_quantity(total_out, unit),
                **{"in": show_quantity(total_in, unit)},
            ),
            field=outputs[0].field if outputs else None,
        )
    bounds = yield_bounds(session, step)
    shares = [(spec.kind, spec.balance_amount, spec.field) for spec in outputs] + [("loss", loss, None)]
    for kind, amount, field_name in shares:
        bound = bounds.get(kind)
        if bound is None:
            continue
        # Exact integer comparison: amount / total_in within [min, max] per mille.
        if not (bound.min_permille * total_in <= amount * 1000 <= bound.max_permille * total_in):
            raise Invalid(
                _l(
                    "%(what)s of %(amount)s is %(share)s%% of the %(total)s put in, outside the plausible "
                    "%(low)s%%–%(high)s%%.",
                    what=kind_label(kind),
                    amount=show_quantity(amount, unit),
                    share=normalized(round_share(amount, total_in)),
                    total=show_quantity(total_in, unit),
                    low=normalized(g_to_kg(bound.min_permille * 100)),
                    high=normalized(g_to_kg(bound.max_permille * 100)),
                ),
                field=field_name,
            )
    return loss


def round_share(amount: int, total: int):
    """amount/total as a percentage with one decimal, exactly (no floats)."""
    from decimal import ROUND_HALF_UP, Decimal

    return (Decimal(amount) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def kind_label(kind: str):
    return {
        "seedling": _l("Seedlings"),
        "dispatch": _l("Dispatched seedlings"),
        "fruit": _l("Fresh fruit"),
        "seed": _l("Seed"),
        "husk": _l("Husks"),
        "oil": _l("Oil"),
        "cake": _l("Seed cake"),
        "product": _l("Bottled product"),
        "loss": _l("Loss"),
    }.get(kind, kind)


def event_label(kind: str):
    return {
        "commission": _l("Batch registered"),
        "grade": _l("Grading"),
        "dispatch": _l("Seedlings dispatched"),
        "plant": _l("Planting"),
        "harvest": _l("Harvest"),
        "dry_hull": _l("Drying and hulling"),
        "ship": _l("Shipped"),
        "receive": _l("Received"),
        "press": _l("Pressing"),
        "bottle": _l("Bottling"),
        "sell": _l("Sale"),
        "dispose": _l("Disposal"),
        "reverse": _l("Correction (reversal)"),
    }.get(kind, kind)


# --- shipment and receipt -------------------------------------------------


def ship_lot(session: Session, *, actor: Actor, code: str, to_org_id: int, occurred_on: date, note: str = "") -> Shipment:
    """A whole lot leaves for a named organization and is in transit until
    received. The lot is locked, so of racing shipments one wins; the open
    shipment's unique index stands behind it."""
    lot = get_lot(session, code, for_update=True)
    require_owned(lot, actor)
    if lot.status != "active":
        raise Invalid(_l("Lot %(code)s cannot be shipped: it is %(status)s.", code=lot.code, status=status_label(lot.status)), field="code")
    if lot.remaining <= 0:
        raise Invalid(_l("Lot %(code)s is used up.", code=lot.code), field="code")
    refuse_held(session, [lot])
    check_date(occurred_on)
    check_in_hands(session, [lot], occurred_on)
    to_org = session.get(Organization, to_org_id)
    if to_org is None:
        raise Invalid(_l("Choose an organization to ship to."), field="to_org_id")
    if to_org.id == actor.org_id:
        raise Invalid(_l("A lot cannot be shipped to its own owner."), field="to_org_id")
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
    shipment = open_shipment(session, lot)
    if shipment is None:
        if lot.owner_org_id == actor.org_id:
            raise Invalid(_l("Lot %(code)s is already yours: it was received before.", code=lot.code), field="code")
        raise Invalid(_l("Lot %(code)s has not been shipped to you.", code=lot.code), field="code")
    if shipment.to_org_id != actor.org_id:
        raise Forbidden(_l("Lot %(code)s was shipped to another organization.", code=lot.code), field="code")
    check_date(occurred_on, not_before=session.get(Event, shipment.ship_event_id).occurred_on)
    if weighed <= 0:
        raise Invalid(_l("The weighed quantity must be more than zero."), field="weighed")
    declared = shipment.declared_quantity
    difference = weighed - declared
    if abs(difference) * 1000 > tolerance_permille * declared and not note.strip():
        raise Invalid(
            _l(
                "Weighed %(weighed)s differs from the declared %(declared)s by more than %(tolerance)s%%: give a reason.",
                weighed=show_quantity(weighed, lot.unit),
                declared=show_quantity(declared, lot.unit),
                tolerance=normalized(g_to_kg(tolerance_permille * 100)),
            ),
            field="note",
        )
    if difference * 1000 > RECEIVE_GAIN_LIMIT_PERMILLE * declared:
        # Seed and fruit do not gain weight in transit: this is a weighing or typing error.
        raise Invalid(
            _l("Weighed %(weighed)s is more than 5%% above the declared %(declared)s: check the weighing.",
               weighed=show_quantity(weighed, lot.unit), declared=show_quantity(declared, lot.unit)),
            field="weighed",
        )
    event = Event(kind="receive", org_id=actor.org_id, user_id=actor.user_id, occurred_on=occurred_on, note=note)
    session.add(event)
    session.flush()
    # Always a line, even of zero: it names the lot the receipt was about,
    # also after a reversal has reopened the shipment.
    closed = session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id, text(OPEN_SHIPMENT))
        .values(receive_event_id=event.id, received_quantity=weighed)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # unreachable while the lot is locked; never two receipts
        raise Invalid(_l("Lot %(code)s is already yours: it was received before.", code=lot.code), field="code")
    if not change_remaining(session, lot, difference):
        raise too_little(lot, -difference, "weighed")
    session.add(EventLine(event_id=event.id, lot_id=lot.id, role="adjust", delta=difference))
    lot.owner_org_id = actor.org_id
    lot.status = "active"
    session.add(lot)
    session.flush()
    session.refresh(shipment)
    return shipment


def status_label(status: str):
    return {"active": _l("in stock"), "in_transit": _l("in transit"), "reversed": _l("reversed")}.get(status, status)


# --- corrections ------------------------------------------------------------


class Blocked(Invalid):
    """A reversal refused because later records depend on the event."""

    def __init__(self, message, dependents: list[dict]):
        super().__init__(message)
        self.dependents = dependents


def dependents_of(session: Session, event: Event) -> list[dict]:
    """Later, standing records that rest on what `event` made, changed or received."""
    if event.kind == "ship":
        shipment = session.exec(select(Shipment).where(Shipment.ship_event_id == event.id)).one()
        if shipment.receive_event_id is None:
            return []
        return [describe_event(session, session.get(Event, shipment.receive_event_id))]
    lot_ids = set(
        session.exec(
            select(EventLine.lot_id).where(EventLine.event_id == event.id, EventLine.role.in_(("output", "adjust")))
        )
    )
    if event.kind == "receive":
        lot_ids |= set(session.exec(select(Shipment.lot_id).where(Shipment.receive_event_id == event.id)))
    if not lot_ids:
        return []
    later = session.exec(
        select(Event)
        .join(EventLine, EventLine.event_id == Event.id)
        .where(
            EventLine.lot_id.in_(lot_ids),
            Event.id > event.id,
            Event.reversed_by_event_id.is_(None),
            Event.kind != "reverse",
        )
        .distinct()
    ).all()
    shipped = session.exec(
        select(Event)
        .join(Shipment, Shipment.ship_event_id == Event.id)
        .where(Shipment.lot_id.in_(lot_ids), Event.id > event.id, Event.reversed_by_event_id.is_(None))
    ).all()
    return [describe_event(session, e) for e in sorted({e.id: e for e in [*later, *shipped]}.values(), key=lambda e: e.id)]


def inputs_gone(session: Session, event: Event) -> list[Lot]:
    """Input lots the recording organization no longer holds (shipped away,
    in transit, or reversed): giving their quantities back would hand mass to
    someone who never had it."""
    lots = session.exec(
        select(Lot).join(EventLine, EventLine.lot_id == Lot.id).where(EventLine.event_id == event.id, EventLine.role == "input")
    ).all()
    return [lot for lot in lots if lot.owner_org_id != event.org_id or lot.status != "active"]


def describe_event(session: Session, event: Event) -> dict:
    lots = session.exec(
        select(Lot.code).join(EventLine, EventLine.lot_id == Lot.id).where(EventLine.event_id == event.id)
    ).all()
    if event.kind == "ship":
        lots = session.exec(select(Lot.code).join(Shipment, Shipment.lot_id == Lot.id).where(Shipment.ship_event_id == event.id)).all()
    return {"id": event.id, "kind": event.kind, "occurred_on": event.occurred_on.isoformat(), "lots": sorted(set(lots))}


def reverse_event(session: Session, *, actor: Actor, event_id: int, reason: str) -> Event:
    """Undo an event with a reversing event. Nothing is deleted; an event
    that later records depend on is refused with the list of them.

    The event is locked, then every lot it touched (in id order), so of
    racing reversals one wins and a racing use of its lots is seen."""
    locked = db.lock(session, Event, [event_id])
    event = locked[0] if locked else None
    if event is None:
        raise NotFound(_l("No such event."))
    if event.org_id != actor.org_id:
        raise Forbidden(_l("Only the organization that recorded an event can reverse it."))
    if event.kind == "reverse":
        raise Invalid(_l("A reversal cannot itself be reversed; record the step again instead."))
    if event.reversed_by_event_id is not None:
        raise Invalid(_l("This event has already been reversed."))
    if not reason.strip():
        raise Invalid(_l("Give the reason for the correction."), field="reason")
    touched = set(session.exec(select(EventLine.lot_id).where(EventLine.event_id == event.id)))
    touched |= set(session.exec(select(Shipment.lot_id).where(
        (Shipment.ship_event_id == event.id) | (Shipment.receive_event_id == event.id))))
    db.lock(session, Lot, touched)
    blockers = dependents_of(session, event)
    if blockers:
        raise Blocked(
            _l(
                "It cannot be reversed: %(count)s later records depend on it. Reverse them first: %(list)s.",
                count=len(blockers),
                list="; ".join(f"#{b['id']} {event_label(b['kind'])} {b['occurred_on']} {', '.join(b['lots'])}" for b in blockers),
            ),
            dependents=blockers,
        )
    gone = inputs_gone(session, event)
    if gone:
        raise Blocked(
            _l(
                "It cannot be reversed: what it used has left your organization since (%(lots)s); "
                "the quantities cannot be given back.",
                lots=", ".join(lot.code for lot in gone),
            ),
            dependents=[],
        )
    events.ask(session, events.MayReverse(event.id, event.kind))  # what the domains say (reactions.py)
    reversal = Event(
        kind="reverse",
        org_id=actor.org_id,
        user_id=actor.user_id,
        occurred_on=clock.today(),
        plot_id=event.plot_id,
        loss=-event.loss,
        reverses_event_id=event.id,
        note=reason.strip()[:500],
    )
    session.add(reversal)
    session.flush()
    lines = session.exec(select(EventLine).where(EventLine.event_id == event.id)).all()
    for line in lines:
        lot = session.get(Lot, line.lot_id)
        if not change_remaining(session, lot, -line.delta):
            raise too_little(lot, line.delta, None)
        session.add(EventLine(event_id=reversal.id, lot_id=line.lot_id, role=line.role, delta=-line.delta))
        if line.role == "output":
            lot.status = "reversed"
            session.add(lot)
    if event.kind == "ship":
        shipment = session.exec(select(Shipment).where(Shipment.ship_event_id == event.id)).one()
        shipment.cancelled = True
        lot = session.get(Lot, shipment.lot_id)
        lot.status = "active"
        session.add_all([shipment, lot])
    elif event.kind == "receive":
        shipment = session.exec(select(Shipment).where(Shipment.receive_event_id == event.id)).one()
        lot = session.get(Lot, shipment.lot_id)
        lot.owner_org_id = shipment.from_org_id
        lot.status = "in_transit"
        shipment.receive_event_id = None
        shipment.received_quantity = None
        session.add_all([shipment, lot])
    event.reversed_by_event_id = reversal.id
    session.add(event)
    session.flush()
    events.publish(session, events.EventReversed(event.id, event.kind, tuple(sorted({line.lot_id for line in lines})),
                                                 event.plot_id))
    return reversal


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
