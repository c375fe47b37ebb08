"""Corrections: nothing is deleted; a wrong entry is undone by a reversing
event with the negated lines, refused while later records depend on it.
What a reversal must also undo elsewhere follows from its event
(oilchain/reactions.py), and the domains may refuse it first (a question)."""

from sqlmodel import Session, select

from .. import clock, db, events
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, Label, NotFound
from ..errors import Message as _l
from .models import Event, EventLine, Lot, Shipment
from .recording import change_remaining, too_little


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
    event = reversible(session, actor, event_id, reason)
    events.ask(session, events.MayReverse(event.id, event.kind))  # what the domains say (reactions.py)
    reversal = Event(
        kind="reverse",
        org_id=actor.org_id,
        user_id=actor.user_id,
        occurred_on=clock.today(),
        plot_id=event.plot_id,
        loss=-event.loss,
        reverses_event_id=event.id,
        note=db.fit(reason, Event.note),
    )
    session.add(reversal)
    session.flush()
    lines = negate_lines(session, event, reversal)
    undo_shipment(session, event)
    event.reversed_by_event_id = reversal.id
    session.add(event)
    session.flush()
    events.publish(session, events.EventReversed(event.id, event.kind, tuple(sorted({line.lot_id for line in lines})),
                                                 event.plot_id))
    return reversal


def reversible(session: Session, actor: Actor, event_id: int, reason: str) -> Event:
    """The event, locked with every lot it touched, if the actor may reverse
    it now; else the refusal that says why (later records that depend on it
    are listed)."""
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
        listed = "; ".join(f"#{b['id']} {Label('event_kind', b['kind'])} {b['occurred_on']} {', '.join(b['lots'])}"
                           for b in blockers)
        raise Blocked(
            _l("It cannot be reversed: %(count)s later records depend on it. Reverse them first: %(list)s.",
               count=len(blockers), list=listed),
            dependents=blockers,
        )
    gone = inputs_gone(session, event)
    if gone:
        raise Blocked(
            _l("It cannot be reversed: what it used has left your organization since (%(lots)s); "
               "the quantities cannot be given back.", lots=", ".join(lot.code for lot in gone)),
            dependents=[],
        )
    return event


def negate_lines(session: Session, event: Event, reversal: Event) -> list[EventLine]:
    """The reversal's lines: each of the event's negated; what it made is reversed."""
    lines = session.exec(select(EventLine).where(EventLine.event_id == event.id)).all()
    for line in lines:
        lot = session.get(Lot, line.lot_id)
        if not change_remaining(session, lot, -line.delta):
            raise too_little(lot, line.delta, None)
        session.add(EventLine(event_id=reversal.id, lot_id=line.lot_id, role=line.role, delta=-line.delta))
        if line.role == "output":
            lot.status = "reversed"
            session.add(lot)
    return lines


def undo_shipment(session: Session, event: Event) -> None:
    """A reversed shipment is cancelled (the lot back in stock); a reversed
    receipt reopens its shipment (the lot back in transit, to its sender)."""
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
