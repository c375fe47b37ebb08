"""The brain map's data: plots by status, nurseries and processors, township
circles and this season's flows, for the whole county or limited to one
organization's own records. Every figure is aggregated in SQL; the forecast
is read from the nightly run's table (brain.models.Forecast), never computed
here."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlmodel import Session

from ..admin.models import Township
from ..auth.models import Organization
from ..harvest.models import HarvestRecord
from ..ledger import trace
from ..ledger.models import STANDING, Event, EventKind, EventLine, Shipment
from ..nursery.models import SeedlingDispatch
from ..planting.models import PlantingRecord, Plot

STATUSES = ("planted", "renovated", "young", "bearing")


@dataclass(frozen=True)
class Scope:
    """Whose records the map shows: the county (org_id None) or one organization's."""

    org_id: int | None = None
    kind: str = "county"  # county, cooperative, processor, nursery

    @classmethod
    def of(cls, actor) -> "Scope":
        if actor.is_bureau:
            return cls()
        return cls(actor.org_id, actor.role)

    @property
    def county(self) -> bool:
        return self.org_id is None


def season_bounds(season: int) -> tuple[date, date]:
    return date(season, 1, 1), date(season, 12, 31)


def plot_ids_query(scope: Scope):
    """A SELECT of the ids of the plots in scope (None: every plot)."""
    if scope.county:
        return None
    if scope.kind == "cooperative":
        return select(Plot.id).where(Plot.cooperative_id == scope.org_id)
    if scope.kind == "nursery":
        return (select(SeedlingDispatch.plot_id).join(Event, Event.id == SeedlingDispatch.event_id)
                .where(Event.org_id == scope.org_id, SeedlingDispatch.plot_id.is_not(None), STANDING))
    if scope.kind == "processor":
        shipped = select(Shipment.lot_id).where(Shipment.to_org_id == scope.org_id, Shipment.receive_event_id.is_not(None))
        # Fruit shipped as it was picked, or the fruit dried and hulled into a shipped seed lot.
        output = EventLine.__table__.alias("output_line")
        hulled = (
            select(EventLine.lot_id)
            .join(output, and_(output.c.event_id == EventLine.event_id, output.c.role == "output"))
            .join(Event, Event.id == EventLine.event_id)
            .where(EventLine.role == "input", Event.kind == "dry_hull", STANDING, output.c.lot_id.in_(shipped))
        )
        return select(HarvestRecord.plot_id).where(or_(HarvestRecord.lot_id.in_(shipped), HarvestRecord.lot_id.in_(hulled)))
    return select(Plot.id).where(False)


def plots(session: Session, season: int, scope: Scope) -> list[dict]:
    """Each plot in scope with its status this season."""
    start, end = season_bounds(season)
    this_year = (
        select(
            PlantingRecord.plot_id.label("plot_id"),
            func.max(case((PlantingRecord.kind == "new", 1), else_=0)).label("new"),
            func.max(case((PlantingRecord.kind == "renovation", 1), else_=0)).label("renovation"),
        )
        .outerjoin(Event, Event.id == PlantingRecord.event_id)
        .where(PlantingRecord.planted_on.between(start, end),
               or_(PlantingRecord.event_id.is_(None), Event.reversed_by_event_id.is_(None)))
        .group_by(PlantingRecord.plot_id)
        .subquery()
    )
    query = (
        select(Plot.id, Plot.name, Plot.township_id, Plot.cooperative_id, Plot.area_centimu, Plot.latitude_e6,
               Plot.longitude_e6, Plot.year_planted, this_year.c.new, this_year.c.renovation)
        .outerjoin(this_year, this_year.c.plot_id == Plot.id)
        .order_by(Plot.id)
    )
    ids = plot_ids_query(scope)
    if ids is not None:
        query = query.where(Plot.id.in_(ids))
    # A plot's colour keeps the simple rule (planted at least the smallest
    # bearing age ago): a plot is one point of one colour, while the forecast
    # counts its stands per variety group, a share of a plot possibly young.
    # The township table and the indices take the forecast's bearing area.
    bearing_from = season - trace.bearing_years(session)
    found = []
    for plot_id, name, township_id, cooperative_id, area, lat, lon, planted, new, renovation in session.execute(query):
        status = "planted" if new else "renovated" if renovation else "young" if planted > bearing_from else "bearing"
        found.append({"id": plot_id, "name": name, "township_id": township_id, "cooperative_id": cooperative_id,
                      "area_centimu": area, "lat": lat, "lon": lon, "status": status, "bearing": planted <= bearing_from})
    return found


def organizations(session: Session, ids: set[int] | None) -> list[dict]:
    """Nurseries and processors with a position (those without stay off the
    map); `ids` limits them to the organizations in scope."""
    query = select(Organization).where(Organization.kind.in_(("nursery", "processor")),
                                       Organization.latitude_e6.is_not(None), Organization.longitude_e6.is_not(None))
    if ids is not None:
        query = query.where(Organization.id.in_(ids or {-1}))
    return [{"id": o.id, "name": o.name, "kind": o.kind, "lat": o.latitude_e6, "lon": o.longitude_e6}
            for o in session.execute(query).scalars()]


def dispatch_flows(session: Session, season: int, scope: Scope) -> list[dict]:
    """Seedlings dispatched this season, nursery to plot, summed per pair."""
    start, end = season_bounds(season)
    query = (
        select(Event.org_id, SeedlingDispatch.plot_id, func.sum(SeedlingDispatch.quantity))
        .join(Event, Event.id == SeedlingDispatch.event_id)
        .where(STANDING, SeedlingDispatch.plot_id.is_not(None), SeedlingDispatch.dispatched_on.between(start, end))
        .group_by(Event.org_id, SeedlingDispatch.plot_id)
    )
    if scope.kind == "nursery":
        query = query.where(Event.org_id == scope.org_id)
    elif scope.kind == "processor":  # nurseries' records, not the processor's (as a nursery sees no shipments)
        query = query.where(False)
    elif not scope.county:
        query = query.where(SeedlingDispatch.plot_id.in_(plot_ids_query(scope)))
    return [{"from": org, "plot": plot, "quantity": int(total)} for org, plot, total in session.execute(query)]


def shipment_flows(session: Session, season: int, scope: Scope) -> list[dict]:
    """Lots shipped this season from cooperatives to processors, in grams,
    summed per pair. The ship events are named by kind as well (a shipment's
    is always a `ship`; written out, so that the planner matches it) and found by the
    partial index on their day (migration 0011), not among all the season's events."""
    start, end = season_bounds(season)
    of_kind = lambda kind: select(Organization.id).where(Organization.kind == kind)  # noqa: E731
    query = (
        select(Shipment.from_org_id, Shipment.to_org_id, func.sum(Shipment.declared_quantity))
        .join(Event, Event.id == Shipment.ship_event_id)
        .where(STANDING, ~Shipment.cancelled, Event.kind == literal_column(f"'{EventKind.SHIP.value}'"), Event.occurred_on.between(start, end),
               Shipment.from_org_id.in_(of_kind("cooperative")), Shipment.to_org_id.in_(of_kind("processor")))
        .group_by(Shipment.from_org_id, Shipment.to_org_id)
    )
    if scope.kind == "cooperative":
        query = query.where(Shipment.from_org_id == scope.org_id)
    elif scope.kind == "processor":
        query = query.where(Shipment.to_org_id == scope.org_id)
    elif not scope.county:
        query = query.where(False)
    return [{"from": a, "to": b, "quantity": int(total)} for a, b, total in session.execute(query)]


def township_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Township.id, Township.name)).all())


def cooperative_positions(session: Session, ids: set[int]) -> dict[int, tuple[int, int, str]]:
    """Where a cooperative's flows start: the mean position of its plots
    (cooperatives have no position of their own), with its name."""
    if not ids:
        return {}
    rows = session.execute(
        select(Organization.id, func.avg(Plot.latitude_e6), func.avg(Plot.longitude_e6), Organization.name)
        .join(Plot, Plot.cooperative_id == Organization.id)
        .where(Organization.id.in_(ids))
        .group_by(Organization.id, Organization.name)
    )
    return {org: (int(lat), int(lon), name) for org, lat, lon, name in rows}


def org_townships(session: Session, ids: set[int]) -> dict[int, int | None]:
    if not ids:
        return {}
    return dict(session.execute(select(Organization.id, Organization.township_id).where(Organization.id.in_(ids))).all())


def involved_orgs(scope: Scope, dispatches: list[dict], shipments: list[dict]) -> set[int] | None:
    if scope.county:
        return None
    return {scope.org_id} | {d["from"] for d in dispatches} | {s["to"] for s in shipments}
