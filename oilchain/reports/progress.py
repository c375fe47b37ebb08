"""One organization's part of the figures, for the start pages: a count
and a sum over rows that name their `value` (the first columns of every
metric's rows, reports.metrics), of the plan year the reports use.

What a target counts is counted by its metric's own rows (`own`: the rows
of one organization, or the county's); what no target counts (plots,
plantings waiting, stock, sales) by the query of the list its figure links
to, so a figure and the records its link shows always agree.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from ..auth.models import Organization
from .metrics import METRICS, transformation
from .services import default_year


@dataclass(frozen=True)
class Total:
    """How many records a figure counts, and the sum of their values."""

    count: int
    value: int


def plan_year(session: Session) -> int:
    """The year the start pages show: the one the dashboard opens on."""
    return default_year(session)


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def own(rows: Select, org_id: int | None) -> Select:
    """A metric's rows of one organization (None: the whole county). Every
    metric's rows join the organization they count toward (who recorded the
    step; for plantings the plot's cooperative)."""
    return rows if org_id is None else rows.where(Organization.id == org_id)


def metric_rows(key: str, year: int, org_id: int | None = None) -> Select:
    """The records a target metric counts in `year`, of one organization or the county."""
    return own(METRICS[key].rows(*year_bounds(year)), org_id)


def made_rows(event_kind: str, lot_kind: str | tuple[str, ...], year: int, org_id: int | None = None) -> Select:
    """The lots of `lot_kind` (or of these kinds) that the organization's standing `event_kind`
    events of `year` made (fruit harvested, seed dried and hulled, oil
    pressed), their output quantities as values (reports.metrics.transformation)."""
    kinds = (lot_kind,) if isinstance(lot_kind, str) else lot_kind
    return own(transformation(event_kind, "output", kinds)(*year_bounds(year)), org_id)


def made_codes(event_kind: str, lot_kind: str | tuple[str, ...], year: int, org_id: int | None) -> Select:
    """The codes of those lots, for a lot list's filter."""
    rows = made_rows(event_kind, lot_kind, year, org_id).subquery()
    return select(rows.c.code)


def total(session: Session, rows: Select) -> Total:
    """The count and the sum of `value` of the rows."""
    found = rows.subquery()
    count, value = session.execute(
        select(func.count(), func.coalesce(func.sum(found.c.value), 0)).select_from(found)).one()
    return Total(int(count), int(value))
