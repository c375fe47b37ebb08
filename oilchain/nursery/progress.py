"""The nursery's progress on its start page: seedlings raised, certified
and dispatched in the plan year, its own and the county's, beside the
county's seedling target (nurseries have no targets of their own).

Raised is the target metric itself (reports.metrics' seedlings_raised:
grade I + II of the batches graded in the year); certified and dispatched
count the same way for one nursery (`org_id`) or the whole county (None).
The start page's filtered batch and dispatch lists read the same rows.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import Session

from ..ledger.models import STANDING, Event, Lot
from ..planting.models import Plot
from ..reports.progress import Total, metric_rows, plan_year, total, year_bounds
from ..reports.services import Progress, targets_of
from .models import SeedlingBatch, SeedlingDispatch

SEEDLING_METRIC = "seedlings_raised"
FILTERS = ("graded", "certified", "dispatched")


def raised(year: int, org_id: int | None = None) -> Select:
    return metric_rows(SEEDLING_METRIC, year, org_id)


def certified(year: int, org_id: int | None = None) -> Select:
    """Batches certified in `year`: their grade I + II seedlings (a reversed
    grading clears the certification, so every certified batch stands)."""
    query = (
        select(SeedlingBatch.certified_on.label("day"), (SeedlingBatch.grade1 + SeedlingBatch.grade2).label("value"),
               Lot.code)
        .join(Lot, Lot.id == SeedlingBatch.lot_id)
        .where(SeedlingBatch.certified_on.between(*year_bounds(year)))
    )
    return query if org_id is None else query.where(Lot.owner_org_id == org_id)


def dispatched(year: int, org_id: int | None = None) -> Select:
    """Standing dispatches of `year`, each with its seedlings, batch and destination."""
    query = (
        select(SeedlingDispatch.dispatched_on.label("day"), SeedlingDispatch.quantity.label("value"), Lot.code,
               SeedlingDispatch.grade, SeedlingDispatch.id, Plot.id.label("plot_id"), Plot.name.label("plot"),
               SeedlingDispatch.destination)
        .join(Event, Event.id == SeedlingDispatch.event_id)
        .join(Lot, Lot.id == SeedlingDispatch.batch_lot_id)
        .outerjoin(Plot, Plot.id == SeedlingDispatch.plot_id)
        .where(STANDING, SeedlingDispatch.dispatched_on.between(*year_bounds(year)))
    )
    return query if org_id is None else query.where(Event.org_id == org_id)


ROWS = {"graded": raised, "certified": certified, "dispatched": dispatched}


@dataclass(frozen=True)
class NurseryProgress:
    year: int
    own: dict[str, Total]  # graded (raised), certified, dispatched
    county: dict[str, Total]
    target: int | None  # the county's seedling target of the year

    @property
    def percent(self) -> int | None:
        """Whole percent of the county's target the county has raised (as the dashboard reckons it)."""
        return Progress(SEEDLING_METRIC, "plant", self.target, self.county["graded"].value).percent


def progress(session: Session, org_id: int, year: int | None = None) -> NurseryProgress:
    year = plan_year(session) if year is None else year
    return NurseryProgress(
        year=year,
        own={key: total(session, rows(year, org_id)) for key, rows in ROWS.items()},
        county={key: total(session, rows(year)) for key, rows in ROWS.items()},
        target=targets_of(session, year).get(SEEDLING_METRIC),
    )


def codes_of(which: str, year: int, org_id: int) -> Select:
    """The batch codes a figure counts (`which`: graded or certified), for the batch list's filter."""
    rows = ROWS[which](year, org_id).subquery()
    return select(rows.c.code)


def dispatch_rows(session: Session, year: int, org_id: int) -> list:
    """The dispatches the dispatched figure counts, in date order."""
    rows = dispatched(year, org_id).subquery()
    return list(session.execute(select(rows).order_by(rows.c.day, rows.c.id)))
