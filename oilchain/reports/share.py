"""The improved-variety share's records: each accepted planting that
counts toward it, with where its plants came from (reports.metrics stores
its parts in the roll-up; RATIOS derives the share)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from ..admin.models import Variety
from ..auth.models import Organization
from ..ledger.models import STANDING, Event, EventLine, Lot
from ..nursery.models import SeedlingBatch, SeedlingDispatch
from ..planting.models import Acceptance, PlantingRecord, Plot

# Planting that counts toward the improved-variety share: accepted new
# planting, replanting and top grafting (tending plants nothing).
SHARE_METHODS = ("replanting", "top_grafting")


def _planting_sources(start: date, end: date):
    """One row per standing accepted planting that counts toward the
    improved-variety share, with where its plants came from: the dispatch
    its event consumed, the nursery batch behind that dispatch, the batch's
    variety and certification. `improved`: certified seedlings of an
    improved variety from a batch on record (for top grafting: scions of an
    improved variety, the planting's own); `unknown`: new planting or
    replanting without dispatched seedlings from a batch on record."""
    line = aliased(EventLine)
    batch_lot = aliased(Lot)
    batch_variety = aliased(Variety)
    scions = aliased(Variety)
    grafting = PlantingRecord.method == "top_grafting"
    on_record = SeedlingBatch.lot_id.is_not(None)
    improved = case(
        (grafting, case((scions.improved, 1), else_=0)),
        (and_(on_record, SeedlingBatch.certified_on.is_not(None), batch_variety.improved.is_(True)), 1),
        else_=0,
    )
    unknown = case((grafting, 0), (on_record, 0), else_=1)
    return (
        select(
            PlantingRecord.planted_on.label("day"),
            Plot.township_id.label("township_id"),
            Acceptance.accepted_area_centimu.label("area"),
            PlantingRecord.seedlings.label("plants"),
            improved.label("improved"),
            unknown.label("unknown"),
            Plot.name.label("plot"),
            Organization.name.label("cooperative"),
            func.coalesce(PlantingRecord.method, PlantingRecord.kind).label("work"),
            case((grafting, scions.name), else_=func.coalesce(batch_variety.name, scions.name)).label("variety"),
            case((grafting, scions.approval_number), else_=batch_variety.approval_number).label("approval_number"),
            case((grafting, scions.approval_pending), else_=batch_variety.approval_pending).label("approval_pending"),
            batch_lot.code.label("batch"),
            SeedlingBatch.certified_on.label("certified_on"),
        )
        .join(Acceptance, Acceptance.planting_id == PlantingRecord.id)
        .join(Event, Event.id == PlantingRecord.event_id)
        .join(Plot, Plot.id == PlantingRecord.plot_id)
        .join(Organization, Organization.id == Plot.cooperative_id)
        .join(scions, scions.id == PlantingRecord.variety_id)
        .outerjoin(line, and_(line.event_id == PlantingRecord.event_id, line.role == "input"))
        .outerjoin(SeedlingDispatch, SeedlingDispatch.dispatch_lot_id == line.lot_id)
        .outerjoin(SeedlingBatch, SeedlingBatch.lot_id == SeedlingDispatch.batch_lot_id)
        .outerjoin(batch_lot, batch_lot.id == SeedlingBatch.lot_id)
        .outerjoin(batch_variety, batch_variety.id == SeedlingBatch.variety_id)
        .where(
            STANDING,
            or_(PlantingRecord.kind == "new", PlantingRecord.method.in_(SHARE_METHODS)),
            PlantingRecord.planted_on.between(start, end),
        )
    )


def planted(measure: str, which: str | None = None):
    """rows(start, end) of the share's plantings: `measure` (area or plants)
    of all of them, or of the `improved` or `unknown`-source ones only. The
    reading columns say for each what its plants were and where they came from."""

    def rows(start: date, end: date) -> Select:
        q = _planting_sources(start, end).subquery()
        query = select(
            q.c.day, q.c.township_id, q.c[measure].label("value"),
            q.c.plot, q.c.cooperative, q.c.work, q.c.variety, q.c.approval_number, q.c.approval_pending,
            q.c.batch, q.c.certified_on, q.c.plants, q.c.improved, q.c.unknown,
        )
        return query.where(q.c[which] == 1) if which else query

    return rows


SHARE_COLUMNS = (_l("Plot"), _l("Cooperative"), _l("Work"), _l("Variety"), _l("Approval number"), _l("To be confirmed"),
                 _l("Seedling batch"), _l("Certified on"), _l("Plants"), _l("Improved variety"), _l("Unknown source"))


def per_mille(numerator: int, denominator: int) -> int | None:
    """A share in per mille, rounded down; None without a denominator (metrics.Ratio.share too)."""
    return numerator * 1000 // denominator if denominator else None


def share_totals(rows) -> dict:
    """What the records of the improved-variety share add up to: the
    numerator and denominator by area, the plants beside, and the unknown
    source, summed from the rows themselves (metrics.planted)."""
    totals = {"improved_area": 0, "planted_area": 0, "improved_plants": 0, "planted_plants": 0,
              "unknown_area": 0, "unknown_plants": 0}
    for row in rows:
        totals["planted_area"] += int(row.value)
        totals["planted_plants"] += int(row.plants)
        if row.improved:
            totals["improved_area"] += int(row.value)
            totals["improved_plants"] += int(row.plants)
        if row.unknown:
            totals["unknown_area"] += int(row.value)
            totals["unknown_plants"] += int(row.plants)
    totals["share"] = per_mille(totals["improved_area"], totals["planted_area"])
    return totals
