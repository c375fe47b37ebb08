"""The indices at the top of the brain: each a figure of this season read
from the roll-up (reports.services.sums over DailyActual, the same rows the
dashboard sums), the nightly forecast or one aggregate query, with the page
it sums (an endpoint and its arguments; the view makes the link)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import case, func, select
from sqlmodel import Session

from ..ledger.models import Lot
from ..gi.models import GIMarkIssue
from ..processing.models import QualityTest
from ..public.models import SerialScan
from ..reports import services as reports
from ..trace.models import Recall
from . import forecast as forecast_data
from .models import Warning

STANDING_STATES = ("open", "acknowledged")


@dataclass
class Index:
    key: str
    value: int | None  # None: nothing to show yet
    unit: str  # centimu, g, fen, permille, milli (thousandths), count
    endpoint: str | None = None
    args: dict = field(default_factory=dict)


def season_of(session: Session, today: date) -> int:
    """The season on show: this year."""
    return today.year


def mean_acid_milli(session: Session, start: date, end: date) -> int | None:
    mean = session.execute(
        select(func.avg(QualityTest.acid_value_milli))
        .where(QualityTest.tested_on.between(start, end), QualityTest.withdrawn_at.is_(None))
    ).scalar()
    return None if mean is None else int(round(float(mean)))


def gi_share_permille(session: Session, start: date, end: date) -> int | None:
    """GI-marked bottles of the season's marks per mille of the season's bottles."""
    bottled = session.execute(
        select(func.sum(Lot.quantity)).where(Lot.kind == "product", Lot.produced_on.between(start, end),
                                             Lot.status != "reversed")
    ).scalar()
    if not bottled:
        return None
    marked = session.execute(select(func.sum(GIMarkIssue.units)).where(GIMarkIssue.issued_on.between(start, end))).scalar()
    return int(marked or 0) * 1000 // int(bottled)


def scanned_serials(session: Session, start: date) -> int:
    """Bottles whose code a consumer scanned this season."""
    since = datetime.combine(start, time.min, tzinfo=timezone.utc)
    return int(session.execute(select(func.count()).select_from(SerialScan).where(SerialScan.last_scan_at >= since)).scalar())


def open_recalls(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Recall).where(Recall.closed_at.is_(None))).scalar())


def standing_warnings(session: Session, org_id: int | None = None) -> int:
    """Open and acknowledged warnings (an organization's own, when given)."""
    query = select(func.count()).select_from(Warning).where(Warning.state.in_(STANDING_STATES))
    if org_id is not None:
        query = query.where(Warning.organization_id == org_id)
    return int(session.execute(query).scalar())


def indices(session: Session, season: int) -> list[Index]:
    start, end = date(season, 1, 1), date(season, 12, 31)
    rolled = reports.sums(session, start, end)
    forecast = next((row for row in forecast_data.latest(session, season) if row.township_id is None), None)
    processed = rolled.get("seed_processed", 0)
    harvested = forecast.harvested_seed_g if forecast else None
    records = "reports.records"
    return [
        Index("bearing_area", forecast.bearing_centimu if forecast else None, "centimu"),
        Index("forecast_seed", forecast.forecast_seed_g if forecast else None, "g"),
        Index("forecast_oil", forecast.forecast_oil_g if forecast else None, "g"),
        Index("seed_processed", processed, "g", records, {"metric": "seed_processed", "year": season}),
        Index("processing_rate", processed * 1000 // harvested if harvested else None, "permille",
              records, {"metric": "seed_processed", "year": season}),
        Index("mean_acid", mean_acid_milli(session, start, end), "milli", "trace.lots", {"kind": "oil"}),
        Index("gi_share", gi_share_permille(session, start, end), "permille", "gi.index"),
        Index("output_value", rolled.get("output_value", 0), "fen", records, {"metric": "output_value", "year": season}),
        Index("scans", scanned_serials(session, start), "count", "trace.lots", {"kind": "product"}),
        Index("open_recalls", open_recalls(session), "count", "trace.recall_list"),
        Index("open_warnings", standing_warnings(session), "count", "brain.warnings"),
    ]


def standing_list(session: Session, limit: int = 20) -> list[Warning]:
    """The latest open and acknowledged warnings, the most severe first."""
    severity = case({"critical": 0, "warning": 1}, value=Warning.severity, else_=2)
    return list(session.execute(
        select(Warning).where(Warning.state.in_(STANDING_STATES)).order_by(severity, Warning.last_seen.desc()).limit(limit)
    ).scalars())
