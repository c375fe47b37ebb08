"""The year's targets against the actuals the ledger holds."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from .. import clock
from ..ledger.models import BY_PRODUCT_KINDS, Event, EventLine, Lot
from ..planting.models import PlantingRecord
from ..sales.models import Sale
from .models import METRICS, Target

METRIC_LABELS = {
    "seedlings_raised": _l("Improved-variety seedlings raised"),
    "planted_new": _l("New plantations"),
    "renovated": _l("Renovated low-yield plantations"),
    "seed_processed": _l("Seed processed"),
    "oil_output": _l("Oil pressed"),
    "output_value": _l("Processing output value"),
    "by_products": _l("By-products developed"),
}


@dataclass
class Progress:
    metric: str
    unit: str
    target: int | None
    actual: int

    @property
    def percent(self) -> int | None:
        """Whole percent reached, exact integer arithmetic."""
        if not self.target:
            return None
        return self.actual * 100 // self.target


def _year(column, year: int):
    return column.between(date(year, 1, 1), date(year, 12, 31))


STANDING = Event.reversed_by_event_id.is_(None)


def actuals(session: Session, year: int) -> dict[str, int]:
    """Each metric's actual for a calendar year, from standing events only."""

    def scalar(query) -> int:
        return int(session.exec(query).one() or 0)

    def lines(kind: str, role: str, lot_kinds=None):
        query = (
            select(func.coalesce(func.sum(EventLine.delta), 0))
            .join(Event, Event.id == EventLine.event_id)
            .where(Event.kind == kind, EventLine.role == role, _year(Event.occurred_on, year), STANDING)
        )
        if lot_kinds:
            query = query.join(Lot, Lot.id == EventLine.lot_id).where(Lot.kind.in_(lot_kinds))
        return query

    def planted(kind: str):
        return (
            select(func.coalesce(func.sum(PlantingRecord.area_centimu), 0))
            .join(Event, Event.id == PlantingRecord.event_id)
            .where(PlantingRecord.kind == kind, _year(PlantingRecord.planted_on, year), STANDING)
        )

    by_product_kinds = session.exec(
        select(func.count(func.distinct(Lot.kind)))
        .join(EventLine, EventLine.lot_id == Lot.id)
        .join(Event, Event.id == EventLine.event_id)
        .where(Lot.kind.in_(BY_PRODUCT_KINDS), EventLine.role == "output", _year(Event.occurred_on, year), STANDING)
    ).one()
    return {
        "seedlings_raised": scalar(lines("commission", "output")),
        "planted_new": scalar(planted("new")),
        "renovated": scalar(planted("renovation")),
        "seed_processed": -scalar(lines("press", "input")),
        "oil_output": scalar(lines("press", "output", ("oil",))),
        "output_value": scalar(
            select(func.coalesce(func.sum(Sale.amount_fen), 0))
            .join(Event, Event.id == Sale.event_id)
            .where(_year(Sale.sold_on, year), STANDING)
        ),
        "by_products": int(by_product_kinds or 0),
    }


def progress(session: Session, year: int) -> list[Progress]:
    targets = {t.metric: t.value for t in session.exec(select(Target).where(Target.year == year))}
    actual = actuals(session, year)
    return [Progress(metric, unit, targets.get(metric), actual[metric]) for metric, unit in METRICS.items()]


def target_years(session: Session) -> list[int]:
    return sorted(set(session.exec(select(Target.year))), reverse=True)


def default_year(session: Session) -> int:
    """The latest year with targets that has begun; else this year."""
    this_year = clock.today().year
    years = [y for y in target_years(session) if y <= this_year]
    return years[0] if years else this_year
