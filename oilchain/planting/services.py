"""Planting: plots, new plantings and renovations."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from .. import clock, db, events, geo
from ..admin.models import Variety
from ..admin.services import active_township, active_variety, audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, NotFound
from ..ledger.models import STANDING, Event, Lot
from ..nursery.models import SeedlingBatch, SeedlingDispatch
from ..events import MayReverse
from ..ledger import check_date, get_lot, record_event, refuse_held, require_owned
from ..units import centimu_to_mu, normalized
from .models import (
    NEEDS_SURVIVAL_CHECK,
    PLANTING_KINDS,
    RENOVATION_METHODS,
    Acceptance,
    PlantingRecord,
    Plot,
    SurvivalCheck,
)

# Plausible planting density, plants per mu (the plan assumes 74 to 111).
DENSITY_RANGE = (40, 200)


def create_plot(
    session: Session,
    *,
    actor: Actor,
    name: str,
    township_id: int,
    village: str,
    area_centimu: int,
    latitude_e6: int,
    longitude_e6: int,
    year_planted: int,
) -> Plot:
    if actor.role != "cooperative":
        raise Forbidden(_l("Only a cooperative registers its plots."))
    active_township(session, township_id)
    if area_centimu <= 0:
        raise Invalid(_l("The area must be more than zero."), field="area")
    geo.check_position(latitude_e6, longitude_e6)
    if not 1950 <= year_planted <= clock.today().year:
        raise Invalid(_l("The year planted must lie between 1950 and this year."), field="year_planted")
    name, village = name.strip(), village.strip()
    # The unique constraint on (cooperative, township, village, name) stands
    # behind this check when two clerks register the same plot at once.
    same = session.exec(select(Plot).where(
        Plot.cooperative_id == actor.org_id, Plot.township_id == township_id, Plot.village == village, Plot.name == name
    )).first()
    if same is not None:
        raise Invalid(_l("Your cooperative already has a plot named %(name)s in %(village)s.", name=name, village=village),
                      field="name")
    plot = Plot(
        name=name,
        township_id=township_id,
        village=village,
        cooperative_id=actor.org_id,
        area_centimu=area_centimu,
        latitude_e6=latitude_e6,
        longitude_e6=longitude_e6,
        year_planted=year_planted,
    )
    session.add(plot)
    session.flush()
    audit(session, user_id=actor.user_id, action="create", entity="plot", entity_id=plot.id, name=plot.name)
    return plot


def own_plot(session: Session, actor: Actor, plot_id: int, field: str = "plot_id", *, for_update: bool = False) -> Plot:
    """A plot of the actor's cooperative, or a refusal that says whose it is
    not. `for_update` locks it: a step that reads the plot's year so far
    (harvest, planting area) and adds to it takes its turn."""
    plot = session.get(Plot, plot_id)
    if plot is None:
        raise NotFound(_l("Choose a plot from the list."), field=field)
    if plot.cooperative_id != actor.org_id:
        raise Forbidden(_l("Plot %(name)s belongs to another cooperative.", name=plot.name), field=field)
    if for_update:
        db.lock(session, Plot, [plot.id])
    return plot


def record_planting(
    session: Session,
    *,
    actor: Actor,
    plot_id: int,
    kind: str,
    area_centimu: int,
    variety_id: int,
    planted_on: date,
    dispatch_code: str = "",
    seedlings: int = 0,
    method: str | None = None,
) -> PlantingRecord:
    """A new planting or a renovation (replanting, top grafting, tending).
    Seedlings come from a dispatch lot the cooperative holds, so each tree's
    nursery batch stays known. The plot is locked, so racing records of one
    plot's work cannot together exceed its area."""
    plot = own_plot(session, actor, plot_id, for_update=True)
    if kind not in PLANTING_KINDS:
        raise Invalid(_l("Choose new planting or renovation."), field="kind")
    if kind == "renovation" and method not in RENOVATION_METHODS:
        raise Invalid(_l("Choose how the plantation is renovated."), field="method")
    if kind == "new":
        method = None
    active_variety(session, variety_id)
    check_area(session, plot, kind, method, area_centimu, planted_on.year)
    if seedlings < 0:
        raise Invalid(_l("The number of seedlings cannot be negative."), field="seedlings")
    inputs = []
    if seedlings:
        inputs = [(seedlings_used(session, actor, dispatch_code, seedlings, area_centimu, variety_id), seedlings)]
    elif kind == "new" or method == "replanting":
        raise Invalid(_l("Planting needs the seedlings it used."), field="seedlings")
    recorded = record_event(
        session,
        actor=actor,
        kind="plant",
        occurred_on=planted_on,
        inputs=inputs,
        plot_id=plot.id,
        input_fields={lot.id: "seedlings" for lot, _ in inputs},
    )
    record = PlantingRecord(
        plot_id=plot.id,
        kind=kind,
        method=method,
        area_centimu=area_centimu,
        variety_id=variety_id,
        seedlings=seedlings,
        event_id=recorded.event.id,
        planted_on=planted_on,
        user_id=actor.user_id,
    )
    session.add(record)
    session.flush()
    return record


def check_area(session: Session, plot: Plot, kind: str, method: str | None, area_centimu: int, year: int) -> None:
    """The area of one kind of work on a plot in a year fits the plot."""
    if area_centimu <= 0:
        raise Invalid(_l("The area must be more than zero."), field="area")
    if area_centimu > plot.area_centimu:
        raise Invalid(_l("The area is larger than the plot itself."), field="area")
    already = area_this_year(session, plot.id, kind, method, year)
    if already + area_centimu > plot.area_centimu:
        raise Invalid(
            _l(
                "This plot already has %(done)s mu of this work recorded in %(year)s; with %(area)s mu more it would exceed its %(plot)s mu.",
                done=normalized(centimu_to_mu(already)),
                year=year,
                area=normalized(centimu_to_mu(area_centimu)),
                plot=normalized(centimu_to_mu(plot.area_centimu)),
            ),
            field="area",
        )


def seedlings_used(session: Session, actor: Actor, dispatch_code: str, seedlings: int, area_centimu: int,
                   variety_id: int) -> Lot:
    """The cooperative's dispatch lot the seedlings came from: not on hold,
    of the planting's variety, at a plausible density."""
    if not dispatch_code.strip():
        raise Invalid(_l("Say which dispatch the seedlings came from."), field="dispatch_code")
    lot = get_lot(session, dispatch_code)
    if lot.kind != "dispatch":
        raise Invalid(_l("Lot %(code)s is not a seedling dispatch.", code=lot.code), field="dispatch_code")
    require_owned(lot, actor, "dispatch_code")
    refuse_held(session, [lot], "dispatch_code")
    dispatched_variety = variety_of_dispatch(session, lot.id)
    if dispatched_variety is not None and dispatched_variety.id != variety_id:
        raise Invalid(
            _l("The seedlings of %(code)s are %(variety)s: record the planting with their variety.",
               code=lot.code, variety=dispatched_variety.name),
            field="variety_id",
        )
    low, high = DENSITY_RANGE  # plants per mu: seedlings / (area / 100)
    if not low * area_centimu <= seedlings * 100 <= high * area_centimu:
        raise Invalid(
            _l("%(n)s seedlings on this area is outside the plausible %(low)s to %(high)s plants per mu.",
               n=seedlings, low=low, high=high),
            field="seedlings",
        )
    return lot


def variety_of_dispatch(session: Session, dispatch_lot_id: int) -> Variety | None:
    """The variety of the nursery batch a dispatch lot came from."""
    return session.exec(
        select(Variety)
        .join(SeedlingBatch, SeedlingBatch.variety_id == Variety.id)
        .join(SeedlingDispatch, SeedlingDispatch.batch_lot_id == SeedlingBatch.lot_id)
        .where(SeedlingDispatch.dispatch_lot_id == dispatch_lot_id)
    ).first()


def area_this_year(session: Session, plot_id: int, kind: str, method: str | None, year: int) -> int:
    """Standing plantings of one kind (and renovation method) on a plot in a year."""
    total = session.exec(
        select(func.coalesce(func.sum(PlantingRecord.area_centimu), 0))
        .join(Event, Event.id == PlantingRecord.event_id)
        .where(
            PlantingRecord.plot_id == plot_id,
            PlantingRecord.kind == kind,
            PlantingRecord.method == method if method else PlantingRecord.method.is_(None),
            PlantingRecord.planted_on.between(date(year, 1, 1), date(year, 12, 31)),
            STANDING,
        )
    ).one()
    return int(total)


def needs_survival_check(record: PlantingRecord) -> bool:
    return (record.method or record.kind) in NEEDS_SURVIVAL_CHECK


def standing_planting(session: Session, planting_id: int) -> tuple[PlantingRecord, Event]:
    """A planting that stands, locked: survival checks and the acceptance
    read what it has and add to it, one request at a time."""
    locked = db.lock(session, PlantingRecord, [planting_id])
    record = locked[0] if locked else None
    if record is None:
        raise NotFound(_l("No such planting record."))
    event = session.get(Event, record.event_id)
    if event.reversed_by_event_id is not None:
        raise Invalid(_l("This planting record was reversed."))
    return record, event


def record_survival(session: Session, *, actor: Actor, planting_id: int, checked_on: date, survival_permille: int) -> SurvivalCheck:
    """The cooperative counts the young trees some months after planting."""
    record, _event = standing_planting(session, planting_id)
    own_plot(session, actor, record.plot_id)
    check_date(checked_on)
    if not 0 <= survival_permille <= 1000:
        raise Invalid(_l("A survival rate lies between 0 and 100%."), field="survival")
    if checked_on <= record.planted_on:
        # Survival is counted once the young trees have had time to take (or not).
        raise Invalid(
            _l("A survival check is made on a day after the planting (%(day)s), not on the planting day or before it.",
               day=record.planted_on.isoformat()),
            field="occurred_on",
        )
    if session.exec(select(Acceptance).where(Acceptance.planting_id == record.id)).first():
        raise Invalid(_l("This planting has been accepted already."))
    check = SurvivalCheck(planting_id=record.id, checked_on=checked_on, survival_permille=survival_permille, user_id=actor.user_id)
    session.add(check)
    session.flush()
    events.publish(session, events.SurvivalChecked(record.id))
    return check


def latest_survival_checks():
    """Each planting's latest survival check (planting_id, check_id): the
    latest day, and of one day the last entered."""
    ranked = select(
        SurvivalCheck.planting_id,
        SurvivalCheck.id.label("check_id"),
        func.row_number().over(
            partition_by=SurvivalCheck.planting_id, order_by=(SurvivalCheck.checked_on.desc(), SurvivalCheck.id.desc())
        ).label("rank"),
    ).subquery()
    return select(ranked.c.planting_id, ranked.c.check_id).where(ranked.c.rank == 1).subquery()


def latest_survival(session: Session, planting_id: int) -> SurvivalCheck | None:
    latest = latest_survival_checks()
    return session.exec(
        select(SurvivalCheck).join(latest, latest.c.check_id == SurvivalCheck.id).where(latest.c.planting_id == planting_id)
    ).first()


def accept_planting(
    session: Session, *, actor: Actor, planting_id: int, accepted_area_centimu: int, accepted_on: date, note: str = ""
) -> Acceptance:
    """A bureau manager accepts (验收) a planting fully or partly; only the
    accepted area counts toward the year's targets."""
    if actor.role != "manager":
        raise Forbidden(_l("Only a bureau manager accepts plantings."))
    record, _event = standing_planting(session, planting_id)
    check_date(accepted_on)
    if session.exec(select(Acceptance).where(Acceptance.planting_id == record.id)).first():
        raise Invalid(_l("This planting has been accepted already."))
    if accepted_area_centimu < 0:
        raise Invalid(_l("The accepted area cannot be negative."), field="accepted_area")
    if accepted_area_centimu > record.area_centimu:
        raise Invalid(
            _l("The accepted area is more than the %(area)s mu planted.", area=normalized(centimu_to_mu(record.area_centimu))),
            field="accepted_area",
        )
    if accepted_on < record.planted_on:
        raise Invalid(_l("A planting cannot be accepted before it was planted."), field="occurred_on")
    survival = latest_survival(session, record.id)
    if needs_survival_check(record) and survival is None:
        raise Invalid(_l("Record a survival check before accepting this planting."))
    if survival is not None and accepted_on < survival.checked_on:
        raise Invalid(
            _l("The acceptance cannot come before the survival check of %(day)s.", day=survival.checked_on.isoformat()),
            field="occurred_on",
        )
    acceptance = Acceptance(
        planting_id=record.id,
        accepted_on=accepted_on,
        accepted_area_centimu=accepted_area_centimu,
        note=db.fit(note, Acceptance.note),
        user_id=actor.user_id,
    )
    session.add(acceptance)
    audit(session, user_id=actor.user_id, action="accept", entity="planting_record", entity_id=record.id,
          accepted_area_centimu=accepted_area_centimu)
    session.flush()
    return acceptance


def refuse_reversing_accepted(session: Session, question: MayReverse) -> None:
    """An accepted planting counts toward the county's targets: it stays."""
    if question.kind != "plant":
        return
    record = session.exec(select(PlantingRecord).where(PlantingRecord.event_id == question.event_id)).one()
    if session.exec(select(Acceptance).where(Acceptance.planting_id == record.id)).first():
        raise Invalid(_l("This planting has been accepted by the bureau and can no longer be reversed."))


def plots_of(session: Session, org_id: int) -> list[Plot]:
    return list(session.exec(select(Plot).where(Plot.cooperative_id == org_id).order_by(Plot.name)))
