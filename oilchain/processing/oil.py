"""The oil mill's steps on oil lots: refining crude oil, blending oil lots
into one, and the tanks oil is kept in (oil put into an occupied tank is
blended with what it holds). Each writes through the ledger, which checks
the balance and the yield bounds of `refine` and `blend`."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import db
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, NotFound
from ..labels import OIL_METHODS, REFINING_STEPS
from ..ledger import NewLot, get_lot, lock_lots, record_event, require_owned
from ..ledger.models import Lot
from ..units import show_quantity
from .models import OilLot, Refining, Tank


def require_processor(actor: Actor) -> None:
    """The mill's steps (oil and by-products alike) are a processor's."""
    if actor.role != "processor":
        raise Forbidden(_l("Only a processor records processing steps."))


def oil_of(session: Session, lot: Lot, field: str | None = "code") -> OilLot:
    """The oil lot's method and state; Invalid naming the lot for any other lot."""
    oil = session.get(OilLot, lot.id) if lot.kind == "oil" else None
    if oil is None:
        raise Invalid(_l("Lot %(code)s is not an oil lot.", code=lot.code), field=field, lot=lot.code)
    return oil


def state_label(oil: OilLot):
    return _l("refined") if oil.refined else _l("crude")


def refine(session: Session, *, actor: Actor, lot_code: str, oil_used_g: int, refined_g: int, steps: list[str],
           occurred_on: date) -> Lot:
    """Crude oil the processor owns in; refined oil of the same method and
    the loss out, with the refining steps done (at least one)."""
    require_processor(actor)
    lot = get_lot(session, lot_code)
    require_owned(lot, actor)
    oil = session.get(OilLot, lot.id) if lot.kind == "oil" else None
    if oil is None or oil.refined:
        raise Invalid(_l("Lot %(code)s is not crude oil: a refining step on a lot that is not crude oil is refused.",
                         code=lot.code), field="code")
    chosen = [step for step in REFINING_STEPS if step in set(steps)]
    if not chosen or len(chosen) != len(set(steps)):
        raise Invalid(_l("Tick the refining steps done (at least one)."), field="steps")
    if refined_g <= 0:
        raise Invalid(_l("The refined oil's weight must be more than zero."), field="refined")
    recorded = record_event(
        session, actor=actor, kind="refine", occurred_on=occurred_on, inputs=[(lot, oil_used_g)],
        outputs=[NewLot("oil", refined_g, field="refined")], step="refine", input_fields={lot.id: "oil_used"},
    )
    refined = recorded.outputs[0]
    session.add(OilLot(lot_id=refined.id, method=oil.method, refined=True))
    session.add(Refining(event_id=recorded.event.id, steps=",".join(chosen)))
    session.flush()
    return refined


def blend(session: Session, *, actor: Actor, inputs: list[tuple[Lot, int]], oil_g: int, occurred_on: date) -> Lot:
    """Several oil lots the processor owns in; one oil lot of their method
    and state, and the loss, out. Oils of different methods, or crude with
    refined, are not blended: the refusal names the lots."""
    require_processor(actor)
    if len({lot.id for lot, _amount in inputs}) < 2:
        raise Invalid(_l("A blend takes at least two oil lots."), field="oil")
    for lot, _amount in inputs:
        require_owned(lot, actor, field_name=None)
    oils = [(lot, oil_of(session, lot, field=None)) for lot, _amount in inputs]
    first_lot, first = oils[0]
    for lot, oil in oils[1:]:
        if oil.method != first.method:
            raise Invalid(_l("Lots %(first)s (%(first_method)s) and %(other)s (%(other_method)s) were extracted "
                             "differently: oils of different methods are not blended.", first=first_lot.code,
                             first_method=OIL_METHODS[first.method], other=lot.code, other_method=OIL_METHODS[oil.method]),
                          field="oil")
        if oil.refined != first.refined:
            raise Invalid(_l("Lot %(first)s is %(first_state)s and %(other)s is %(other_state)s: crude oil is not "
                             "blended with refined oil.", first=first_lot.code, first_state=state_label(first),
                             other=lot.code, other_state=state_label(oil)), field="oil")
    if oil_g <= 0:
        raise Invalid(_l("The blended oil's weight must be more than zero."), field="oil")
    recorded = record_event(session, actor=actor, kind="blend", occurred_on=occurred_on, inputs=inputs,
                            outputs=[NewLot("oil", oil_g, field="oil")], step="blend")
    made = recorded.outputs[0]
    session.add(OilLot(lot_id=made.id, method=first.method, refined=first.refined))
    session.flush()
    return made


def create_tank(session: Session, *, actor: Actor, name: str, capacity_g: int | None = None) -> Tank:
    require_processor(actor)
    name = (name or "").strip()
    if not name:
        raise Invalid(_l("Give the tank a name."), field="name")
    if session.exec(select(Tank).where(Tank.org_id == actor.org_id, Tank.name == name)).first():
        raise Invalid(_l("You have a tank named %(name)s already.", name=name), field="name")
    if capacity_g is not None and capacity_g <= 0:
        raise Invalid(_l("The capacity must be more than zero."), field="capacity")
    tank = Tank(org_id=actor.org_id, name=db.fit(name, Tank.name), capacity_g=capacity_g)
    session.add(tank)
    session.flush()
    return tank


def held_lot(session: Session, tank: Tank) -> Lot | None:
    """The lot the tank holds with oil left in it, or None: the tank is empty."""
    lot = session.get(Lot, tank.lot_id) if tank.lot_id is not None else None
    return lot if lot is not None and lot.status == "active" and lot.remaining > 0 else None


def put_into_tank(session: Session, *, actor: Actor, tank_id: int, lot_code: str, occurred_on: date) -> tuple[Tank, Lot]:
    """All that is left of an oil lot into a tank. An empty tank then holds
    the lot; a tank holding oil holds the blend of the two (a new lot). The
    tank row is locked first, so two racing puts into one empty tank give
    one put and one blend (the unique tank.lot_id stands behind it)."""
    require_processor(actor)
    lot = get_lot(session, lot_code)
    require_owned(lot, actor)
    oil = oil_of(session, lot)
    # Every tank named is locked before it is read, then the lot: always tanks first, in id order.
    tanks = {locked.id: locked for locked in db.lock(session, Tank, [tank_id, oil.tank_id])}
    tank = tanks.get(tank_id)
    if tank is None or tank.org_id != actor.org_id:
        raise NotFound(_l("Choose one of your tanks."), field="tank_id")
    lock_lots(session, [lot])
    session.refresh(oil)
    if tank.lot_id == lot.id:
        raise Invalid(_l("Lot %(code)s is in tank %(tank)s already.", code=lot.code, tank=tank.name), field="code")
    if lot.status != "active" or lot.remaining <= 0:
        raise Invalid(_l("Lot %(code)s has no oil left to put into a tank.", code=lot.code), field="code")
    held = held_lot(session, tank)
    total = lot.remaining + (held.remaining if held else 0)
    if tank.capacity_g is not None and total > tank.capacity_g:
        raise Invalid(_l("Tank %(tank)s holds at most %(capacity)s; with lot %(code)s it would hold %(total)s.",
                         tank=tank.name, capacity=show_quantity(tank.capacity_g, lot.unit), code=lot.code,
                         total=show_quantity(total, lot.unit)), field="code")
    if held is None:
        into = lot
    else:
        into = blend(session, actor=actor, inputs=[(held, held.remaining), (lot, lot.remaining)], oil_g=total,
                     occurred_on=occurred_on)
    before = session.get(OilLot, tank.lot_id) if tank.lot_id is not None else None
    if before is not None:
        before.tank_id = None
    leave_tank(session, oil, tank)
    tank.lot_id = None
    session.flush()  # the old lot leaves before the new one comes in (tank.lot_id is unique)
    tank.lot_id = into.id
    session.get(OilLot, into.id).tank_id = tank.id
    session.flush()
    return tank, into


def leave_tank(session: Session, oil: OilLot, tank: Tank) -> None:
    """The lot put in leaves the tank it was in before, if another (locked
    with the tank put into; one a racing put moved it to since, now)."""
    if oil.tank_id is not None and oil.tank_id != tank.id:
        for other in db.lock(session, Tank, [oil.tank_id]):
            if other.lot_id == oil.lot_id:
                other.lot_id = None
    oil.tank_id = None


def tanks_of(session: Session, org_id: int) -> list[tuple[Tank, Lot | None, OilLot | None]]:
    """The organization's tanks, each with the lot it holds (None: empty) and that lot's oil."""
    rows = []
    for tank in session.exec(select(Tank).where(Tank.org_id == org_id).order_by(Tank.name)):
        lot = held_lot(session, tank)
        rows.append((tank, lot, session.get(OilLot, lot.id) if lot else None))
    return rows
