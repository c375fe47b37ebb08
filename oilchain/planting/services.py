"""Planting: plots, new plantings and renovations."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock
from ..admin.services import active_township, active_variety, audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, NotFound
from ..ledger.services import get_lot, record_event
from .models import PLANTING_KINDS, PlantingRecord, Plot

# Youyang county lies within these bounds (WGS-84, microdegrees), with a margin.
LATITUDE_RANGE = (28_000_000, 29_600_000)
LONGITUDE_RANGE = (108_000_000, 109_600_000)
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
    if not LATITUDE_RANGE[0] <= latitude_e6 <= LATITUDE_RANGE[1]:
        raise Invalid(_l("This latitude lies outside Youyang county (about 28.0 to 29.6)."), field="latitude")
    if not LONGITUDE_RANGE[0] <= longitude_e6 <= LONGITUDE_RANGE[1]:
        raise Invalid(_l("This longitude lies outside Youyang county (about 108.0 to 109.6)."), field="longitude")
    if not 1950 <= year_planted <= clock.today().year:
        raise Invalid(_l("The year planted must lie between 1950 and this year."), field="year_planted")
    plot = Plot(
        name=name.strip(),
        township_id=township_id,
        village=village.strip(),
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


def own_plot(session: Session, actor: Actor, plot_id: int, field: str = "plot_id") -> Plot:
    """A plot of the actor's cooperative, or a refusal that says whose it is not."""
    plot = session.get(Plot, plot_id)
    if plot is None:
        raise NotFound(_l("Choose a plot from the list."), field=field)
    if plot.cooperative_id != actor.org_id:
        raise Forbidden(_l("Plot %(name)s belongs to another cooperative.", name=plot.name), field=field)
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
) -> PlantingRecord:
    """A new planting or a renovation. Seedlings come from a dispatch lot the
    cooperative holds, so each tree's nursery batch stays known."""
    plot = own_plot(session, actor, plot_id)
    if kind not in PLANTING_KINDS:
        raise Invalid(_l("Choose new planting or renovation."), field="kind")
    active_variety(session, variety_id)
    if area_centimu <= 0:
        raise Invalid(_l("The area must be more than zero."), field="area")
    if area_centimu > plot.area_centimu:
        raise Invalid(_l("The area is larger than the plot itself."), field="area")
    inputs = []
    if seedlings < 0:
        raise Invalid(_l("The number of seedlings cannot be negative."), field="seedlings")
    if seedlings:
        if not dispatch_code.strip():
            raise Invalid(_l("Say which dispatch the seedlings came from."), field="dispatch_code")
        lot = get_lot(session, dispatch_code)
        if lot.kind != "dispatch":
            raise Invalid(_l("Lot %(code)s is not a seedling dispatch.", code=lot.code), field="dispatch_code")
        if lot.owner_org_id != actor.org_id:
            raise Forbidden(_l("Lot %(code)s does not belong to your organization.", code=lot.code), field="dispatch_code")
        # density in plants per mu: seedlings / (area / 100)
        low, high = DENSITY_RANGE
        if not low * area_centimu <= seedlings * 100 <= high * area_centimu:
            raise Invalid(
                _l("%(n)s seedlings on this area is outside the plausible %(low)s to %(high)s plants per mu.",
                   n=seedlings, low=low, high=high),
                field="seedlings",
            )
        inputs = [(lot, seedlings)]
    elif kind == "new":
        raise Invalid(_l("A new planting needs the seedlings it used."), field="seedlings")
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


def plots_of(session: Session, org_id: int) -> list[Plot]:
    return list(session.exec(select(Plot).where(Plot.cooperative_id == org_id).order_by(Plot.name)))
