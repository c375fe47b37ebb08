"""The indices at the top of the brain: each a figure of this season read
from the roll-up (reports.services.sums over DailyActual, the same rows the
dashboard sums), the nightly forecast or one aggregate query, with the page
it sums (an endpoint and its arguments; the view makes the link)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from ..auth.actor import Actor
from ..ledger.models import Lot
from ..processing.models import ProductLot, QualityTest
from ..public.models import SerialScan
from ..reports import services as reports
from ..trace.models import Recall
from . import forecast as forecast_data
from .warnings import standing

# The county's reader (the bureau's view) for brain.warnings.standing's functions.
COUNTY = Actor(user_id=None, org_id=0, role="manager")


@dataclass
class Index:
    key: str
    value: int | None  # None: nothing to show yet
    unit: str  # centimu, g, fen, permille, milli (thousandths), count
    endpoint: str | None = None
    args: dict = field(default_factory=dict)


def mean_acid_milli(session: Session, start: date, end: date) -> int | None:
    mean = session.execute(
        select(func.avg(QualityTest.acid_value_milli))
        .where(QualityTest.tested_on.between(start, end), QualityTest.withdrawn_at.is_(None))
    ).scalar()
    return None if mean is None else int(round(float(mean)))


def gi_share_permille(session: Session, start: date, end: date) -> int | None:
    """Bottles carrying the GI mark per mille of the bottles, both of the
    product lots produced in the season (a lot's gi_marked counts its marked
    serials, so the share stays within 100%)."""
    units = ProductLot.serial_last - ProductLot.serial_first + 1
    bottled, marked = session.execute(
        select(func.sum(units), func.sum(ProductLot.gi_marked))
        .join(Lot, Lot.id == ProductLot.lot_id)
        # Naming the kind lets the planner take the season's few product lots
        # by date instead of reading every year's product_lot (stories and all).
        .where(Lot.produced_on.between(start, end), Lot.kind == "product", Lot.status != "reversed")
    ).one()
    if not bottled:
        return None
    return int(marked or 0) * 1000 // int(bottled)


def scanned_serials(session: Session, season: int) -> int:
    """Bottles whose latest consumer scan fell in the season (its county
    day, `last_day`, Jan 1 to Dec 31: by its index, not every year's scans)."""
    return int(session.execute(select(func.count()).select_from(SerialScan)
                               .where(SerialScan.last_day.between(date(season, 1, 1), date(season, 12, 31)))).scalar())


def open_recalls(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Recall).where(Recall.closed_at.is_(None))).scalar())


def indices(session: Session, season: int) -> list[Index]:
    start, end = date(season, 1, 1), date(season, 12, 31)
    rolled = reports.sums(session, start, end)
    forecast = next((row for row in forecast_data.latest(session, season) if row.township_id is None), None)
    processed = rolled.get("seed_processed", 0)
    harvested = forecast.harvested_seed_g if forecast else None
    records = "reports.records"
    panel = {"season": season, "_anchor": "forecast"}  # the forecast section lists what these sum
    return [
        Index("bearing_area", forecast.bearing_centimu if forecast else None, "centimu", "brain.index", panel),
        Index("forecast_seed", forecast.forecast_seed_g if forecast else None, "g", "brain.index", panel),
        Index("forecast_oil", forecast.forecast_oil_g if forecast else None, "g", "brain.index", panel),
        Index("seed_processed", processed, "g", records, {"metric": "seed_processed", "year": season}),
        Index("processing_rate", processed * 1000 // harvested if harvested else None, "permille",
              records, {"metric": "seed_processed", "year": season}),
        Index("mean_acid", mean_acid_milli(session, start, end), "milli", "trace.lots", {"kind": "oil"}),
        Index("gi_share", gi_share_permille(session, start, end), "permille", "gi.index"),
        Index("output_value", rolled.get("output_value", 0), "fen", records, {"metric": "output_value", "year": season}),
        Index("scans", scanned_serials(session, season), "count", "trace.lots", {"kind": "product"}),
        Index("open_recalls", open_recalls(session), "count", "trace.recall_list"),
        Index("open_warnings", standing.open_count(session, COUNTY), "count", "brain.warnings"),
    ]
