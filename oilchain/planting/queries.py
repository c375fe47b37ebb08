"""Read-only views of plots and plantings for pages."""

from sqlalchemy import and_
from sqlmodel import Session, select

from .. import geo
from ..admin.models import Township, Variety
from ..auth.models import Organization
from ..harvest.models import HarvestRecord
from ..ledger.models import STANDING, Event, Lot
from flask import abort

from ..units import from_base, normalized
from .models import Acceptance, PlantingRecord, Plot, SurvivalCheck
from .services import latest_survival_checks


def plot_choices(session: Session) -> list[tuple[int, str]]:
    """Every plot in the county, named with its township and cooperative."""
    rows = session.exec(
        select(Plot, Township.name, Organization.name)
        .join(Township, Township.id == Plot.township_id)
        .join(Organization, Organization.id == Plot.cooperative_id)
        .order_by(Township.id, Plot.name)
    ).all()
    return [(plot.id, f"{township} · {coop} · {plot.name}") for plot, township, coop in rows]


# A standing planting the bureau has not accepted yet (its Event and Acceptance joined).
WAITING = and_(STANDING, Acceptance.id.is_(None))


def plot_rows(session: Session, org_id: int) -> list[tuple[Plot, str]]:
    return list(
        session.exec(
            select(Plot, Township.name)
            .join(Township, Township.id == Plot.township_id)
            .where(Plot.cooperative_id == org_id)
            .order_by(Township.id, Plot.name)
        )
    )


def plots_counted(org_id: int):
    """The cooperative's plots with their areas as values, as plot_rows lists them (the start page's figure)."""
    return (select(Plot.id, Plot.area_centimu.label("value")).join(Township, Township.id == Plot.township_id)
            .where(Plot.cooperative_id == org_id))


def waiting_plantings(org_id: int):
    """The cooperative's plantings waiting for acceptance, their areas as values (the start page's figure)."""
    return (
        select(PlantingRecord.id, PlantingRecord.planted_on.label("day"), PlantingRecord.area_centimu.label("value"))
        .join(Plot, Plot.id == PlantingRecord.plot_id)
        .join(Event, Event.id == PlantingRecord.event_id)
        .outerjoin(Acceptance, Acceptance.planting_id == PlantingRecord.id)
        .where(Plot.cooperative_id == org_id, WAITING)
    )


def planting_rows(session: Session, org_id: int, plot_id: int | None = None, waiting: bool = False) -> list:
    """(record, plot, variety, event, latest survival check, acceptance),
    newest first (`waiting`: only those waiting for acceptance)."""
    latest = latest_survival_checks()
    query = (
        select(PlantingRecord, Plot, Variety.name, Event, SurvivalCheck, Acceptance)
        .join(Plot, Plot.id == PlantingRecord.plot_id)
        .join(Variety, Variety.id == PlantingRecord.variety_id)
        .join(Event, Event.id == PlantingRecord.event_id)
        .outerjoin(latest, latest.c.planting_id == PlantingRecord.id)
        .outerjoin(SurvivalCheck, SurvivalCheck.id == latest.c.check_id)
        .outerjoin(Acceptance, Acceptance.planting_id == PlantingRecord.id)
        .order_by(PlantingRecord.planted_on.desc(), PlantingRecord.id.desc())
    )
    query = query.where(Plot.id == plot_id) if plot_id is not None else query.where(Plot.cooperative_id == org_id)
    return list(session.exec(query.where(WAITING) if waiting else query))


def planting_or_404(session: Session, planting_id: int) -> PlantingRecord:
    record = session.get(PlantingRecord, planting_id)
    if record is None:
        abort(404)
    return record


def own_planting_or_404(session: Session, org_id: int, planting_id: int) -> PlantingRecord:
    """A planting on one of the cooperative's plots (another's is a 403, as
    another cooperative's plot is)."""
    record = planting_or_404(session, planting_id)
    if session.get(Plot, record.plot_id).cooperative_id != org_id:
        abort(403)
    return record


def acceptance_rows(session: Session, *, township_id: int | None, waiting: bool) -> list:
    """Standing plantings across the county, waiting for acceptance or done:
    (record, plot, township, cooperative, variety, latest survival check, acceptance)."""
    latest = latest_survival_checks()
    query = (
        select(PlantingRecord, Plot, Township.name, Organization.name, Variety.name, SurvivalCheck, Acceptance)
        .join(Plot, Plot.id == PlantingRecord.plot_id)
        .join(Township, Township.id == Plot.township_id)
        .join(Organization, Organization.id == Plot.cooperative_id)
        .join(Variety, Variety.id == PlantingRecord.variety_id)
        .join(Event, Event.id == PlantingRecord.event_id)
        .outerjoin(latest, latest.c.planting_id == PlantingRecord.id)
        .outerjoin(SurvivalCheck, SurvivalCheck.id == latest.c.check_id)
        .outerjoin(Acceptance, Acceptance.planting_id == PlantingRecord.id)
        .order_by(PlantingRecord.planted_on, PlantingRecord.id)
    )
    query = query.where(WAITING) if waiting else query.where(STANDING, Acceptance.id.is_not(None))
    if township_id:
        query = query.where(Plot.township_id == township_id)
    return list(session.exec(query))


MAP_MARGIN = 20_000  # about 2 km around the plots shown
MAP_MIN_SPAN = 250_000  # at least about 25 km across: the plots with the county around them


def plot_map(session: Session, org_id: int | None) -> dict:
    """Plot positions as SVG coordinates in a 1000 x 1000 box (north up),
    framed on the plots shown (the whole county when there are none), and
    the county's outline projected the same way behind them: a map drawn
    without any tile service."""
    query = select(Plot, Township.name).join(Township, Township.id == Plot.township_id)
    if org_id is not None:
        query = query.where(Plot.cooperative_id == org_id)
    rows = list(session.exec(query))
    county = geo.bounds()
    if rows:
        south = max(min(p.latitude_e6 for p, _ in rows) - MAP_MARGIN, county[0])
        north = min(max(p.latitude_e6 for p, _ in rows) + MAP_MARGIN, county[1])
        west = max(min(p.longitude_e6 for p, _ in rows) - MAP_MARGIN, county[2])
        east = min(max(p.longitude_e6 for p, _ in rows) + MAP_MARGIN, county[3])
    else:
        south, north, west, east = county
    # A square frame (one scale for both axes), centred, at least MAP_MIN_SPAN
    # across and at most the county's own extent.
    span = min(max(north - south, east - west, MAP_MIN_SPAN), max(county[1] - county[0], county[3] - county[2]))
    south, west = south - (span - (north - south)) // 2, west - (span - (east - west)) // 2
    north, east = south + span, west + span

    def project(lat: int, lon: int) -> tuple[int, int]:
        return (lon - west) * 1000 // span, (north - lat) * 1000 // span

    points = [dict(zip(("x", "y"), project(plot.latitude_e6, plot.longitude_e6)), id=plot.id, name=plot.name,
                   township=township) for plot, township in rows]
    return {"points": points, "bounds": (south, north, west, east), "outline": outline_path(project)}


def outline_path(project) -> str:
    """The county's outline as an SVG path's data, in the map's projection
    (whole SVG units; a point that projects onto the one before is left out)."""
    parts = []
    for ring in geo.rings():
        projected = [project(lat, lon) for lat, lon in ring]
        kept = [p for i, p in enumerate(projected) if i == 0 or p != projected[i - 1]]
        parts.append("M" + " L".join(f"{x},{y}" for x, y in kept) + " Z")
    return " ".join(parts)


def plots_geojson(session: Session, org_id: int | None) -> dict:
    query = select(Plot, Township.name, Organization.name).join(Township, Township.id == Plot.township_id).join(
        Organization, Organization.id == Plot.cooperative_id
    )
    if org_id is not None:
        query = query.where(Plot.cooperative_id == org_id)
    features = []
    for plot, township, coop in session.exec(query.order_by(Plot.id)):
        features.append(
            {
                "type": "Feature",
                # GeoJSON wants numbers; microdegrees as exact decimals, written out.
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(normalized(from_base(plot.longitude_e6, 6))), float(normalized(from_base(plot.latitude_e6, 6)))],
                },
                "properties": {
                    "id": plot.id,
                    "name": plot.name,
                    "township": township,
                    "village": plot.village,
                    "cooperative": coop,
                    "area_mu": normalized(from_base(plot.area_centimu, 2)),
                    "year_planted": plot.year_planted,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def plot_detail(session: Session, plot: Plot) -> dict:
    township = session.get(Township, plot.township_id)
    cooperative = session.get(Organization, plot.cooperative_id)
    harvests = session.exec(
        select(Lot, HarvestRecord)
        .join(HarvestRecord, HarvestRecord.lot_id == Lot.id)
        .where(HarvestRecord.plot_id == plot.id)
        .order_by(HarvestRecord.harvested_on.desc())
    ).all()
    from ..harvest.services import harvested_from

    fruit_total = harvested_from(session, plot)
    return {
        "plot": plot,
        "township": township,
        "cooperative": cooperative,
        "harvests": harvests,
        "fruit_total": fruit_total,
        "plantings": planting_rows(session, plot.cooperative_id, plot_id=plot.id),
    }
