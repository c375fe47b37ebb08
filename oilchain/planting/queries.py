"""Read-only views of plots and plantings for pages."""

from sqlalchemy import func
from sqlmodel import Session, select

from ..admin.models import Township, Variety
from ..auth.models import Organization
from ..harvest.models import HarvestRecord
from ..ledger.models import Event, Lot
from .models import PlantingRecord, Plot


def plot_choices(session: Session) -> list[tuple[int, str]]:
    """Every plot in the county, named with its township and cooperative."""
    rows = session.exec(
        select(Plot, Township.name, Organization.name)
        .join(Township, Township.id == Plot.township_id)
        .join(Organization, Organization.id == Plot.cooperative_id)
        .order_by(Township.id, Plot.name)
    ).all()
    return [(plot.id, f"{township} · {coop} · {plot.name}") for plot, township, coop in rows]


def plot_rows(session: Session, org_id: int) -> list[tuple[Plot, str]]:
    return list(
        session.exec(
            select(Plot, Township.name)
            .join(Township, Township.id == Plot.township_id)
            .where(Plot.cooperative_id == org_id)
            .order_by(Township.id, Plot.name)
        )
    )


def planting_rows(session: Session, org_id: int, plot_id: int | None = None) -> list[tuple[PlantingRecord, Plot, str, Event]]:
    query = (
        select(PlantingRecord, Plot, Variety.name, Event)
        .join(Plot, Plot.id == PlantingRecord.plot_id)
        .join(Variety, Variety.id == PlantingRecord.variety_id)
        .join(Event, Event.id == PlantingRecord.event_id)
        .order_by(PlantingRecord.planted_on.desc(), PlantingRecord.id.desc())
    )
    query = query.where(Plot.id == plot_id) if plot_id is not None else query.where(Plot.cooperative_id == org_id)
    return list(session.exec(query))


def plot_detail(session: Session, plot: Plot) -> dict:
    township = session.get(Township, plot.township_id)
    cooperative = session.get(Organization, plot.cooperative_id)
    harvests = session.exec(
        select(Lot, HarvestRecord)
        .join(HarvestRecord, HarvestRecord.lot_id == Lot.id)
        .where(HarvestRecord.plot_id == plot.id)
        .order_by(HarvestRecord.harvested_on.desc())
    ).all()
    fruit_total = session.exec(
        select(func.coalesce(func.sum(Lot.quantity), 0))
        .join(HarvestRecord, HarvestRecord.lot_id == Lot.id)
        .where(HarvestRecord.plot_id == plot.id, Lot.status != "reversed")
    ).one()
    return {
        "plot": plot,
        "township": township,
        "cooperative": cooperative,
        "harvests": harvests,
        "fruit_total": fruit_total,
        "plantings": planting_rows(session, plot.cooperative_id, plot_id=plot.id),
    }
