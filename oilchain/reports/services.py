"""The year's targets against the actuals: the nightly roll-up, the figures
the dashboard and the printed report read from it, the records behind each
figure, and the managers' editing of targets."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func
from sqlmodel import Session, select

from .. import clock, db
from ..admin.models import Township
from ..admin.services import audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid
from ..i18n import chart_value
from .metrics import LISTED, METRICS, RATIOS, SHOWN, TARGETED
from .models import DailyActual, Rollup, Target


# --- the roll-up ----------------------------------------------------------------


def rollup_year(session: Session, year: int, through: date) -> int:
    """Rebuild the daily actuals of `year` from 1 January through `through`:
    delete and insert in one transaction, so running it again for the same
    day gives the same rows. Returns the number of rows written."""
    start = date(year, 1, 1)
    through = min(through, date(year, 12, 31))
    session.execute(delete(DailyActual).where(DailyActual.day.between(start, date(year, 12, 31))))
    written = 0
    for key, metric in METRICS.items():
        rows = metric.rows(start, through).subquery()
        grouped = session.execute(
            select(rows.c.day, rows.c.township_id, func.sum(rows.c.value))
            .group_by(rows.c.day, rows.c.township_id)
            .order_by(rows.c.day, rows.c.township_id)
        ).all()
        for day, township_id, value in grouped:
            session.add(DailyActual(day=day, metric=key, township_id=township_id, value=int(value)))
            written += 1
    state = session.get(Rollup, year) or Rollup(year=year, through_day=through)
    state.through_day, state.computed_at = through, clock.utcnow()
    session.add(state)
    session.flush()
    return written


def nightly_rollup(session: Session, day: date) -> int:
    """The nightly job for `day` (yesterday): its year through that day, and
    the whole previous year again, for what is entered or accepted late (a
    planting of last autumn accepted this spring counts toward last year)."""
    written = rollup_year(session, day.year, day)
    written += rollup_year(session, day.year - 1, date(day.year - 1, 12, 31))
    return written


def rollup_state(session: Session, year: int) -> Rollup | None:
    return session.get(Rollup, year)


# --- figures -----------------------------------------------------------------------


@dataclass
class Progress:
    metric: str
    unit: str
    target: int | None
    actual: int | None  # a ratio without a denominator has none
    period_actual: int | None = None  # for a month report: that month alone
    # A ratio's stored sums (numerator, denominator and those shown beside), to date.
    parts: dict = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        """Whole percent of the target reached (exact integer arithmetic)."""
        if not self.target or self.actual is None:
            return None
        return self.actual * 100 // self.target

    @property
    def ratio(self):
        return RATIOS.get(self.metric)


@dataclass
class Figures:
    """Everything the dashboard and the printed report show for a period."""

    year: int
    month: int | None
    through: date | None
    computed_at: object
    rows: list[Progress]
    townships: list[dict] = field(default_factory=list)
    monthly: dict[str, list[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing in the period: the month for a month report, else the year."""
        if self.month:
            return not any(row.period_actual for row in self.rows)
        return not any(row.actual for row in self.rows)

    @property
    def months(self) -> int:
        """How many months the monthly series run (January to the period's month)."""
        return len(next(iter(self.monthly.values()), []))


@dataclass
class Series:
    """One metric's monthly bars in the unit its chart names, and the
    target's monthly share (a twelfth) for the dashed line."""

    metric: str
    unit: str  # the metric's base unit
    values: list[int]
    per_month: int | None


def chart_series(found: Figures) -> list[Series]:
    """The charted metrics of the dashboard and the printed report (the
    by-product count is no monthly quantity: it has no chart)."""
    targets = {row.metric: row.target for row in found.rows}
    return [
        Series(
            metric=key,
            unit=METRICS[key].unit,
            values=[chart_value(value, METRICS[key].unit) for value in series],
            per_month=chart_value(targets[key] // 12, METRICS[key].unit) if targets.get(key) else None,
        )
        for key, series in found.monthly.items()
        if key != "by_products"
    ]


def period_bounds(year: int, month: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def sums(session: Session, start: date, end: date, by_township: bool = False) -> dict:
    columns = [DailyActual.metric] + ([DailyActual.township_id] if by_township else [])
    rows = session.exec(
        select(*columns, func.sum(DailyActual.value)).where(DailyActual.day.between(start, end)).group_by(*columns)
    ).all()
    if by_township:
        return {(metric, township): int(total) for metric, township, total in rows}
    return {metric: int(total) for metric, total in rows}


def figures(session: Session, year: int, month: int | None = None) -> Figures:
    """Targets against the roll-up: for a year, the year; for a month, that
    month and the year to its end."""
    targets = targets_of(session, year)
    start, end = period_bounds(year, month)
    to_date = sums(session, date(year, 1, 1), end)
    in_period = sums(session, start, end) if month else None
    rows = []
    for key in LISTED:
        ratio = RATIOS.get(key)
        if ratio is None:
            rows.append(Progress(key, METRICS[key].unit, targets.get(key), to_date.get(key, 0),
                                 None if in_period is None else in_period.get(key, 0)))
            continue
        parts = {part: to_date.get(part, 0) for part in (ratio.numerator, ratio.denominator, *ratio.beside)}
        rows.append(Progress(key, ratio.unit, targets.get(key), ratio.share(to_date),
                             None if in_period is None else ratio.share(in_period), parts))
    state = rollup_state(session, year)
    return Figures(
        year=year,
        month=month,
        through=min(state.through_day, end) if state else None,  # the period's figures go no further
        computed_at=state.computed_at if state else None,
        rows=rows,
        townships=township_table(session, start, end),
        monthly=monthly(session, year, end.month if month else 12),
    )


def township_table(session: Session, start: date, end: date) -> list[dict]:
    """One row per township with any actual in the period (all metrics):
    the sums, and each ratio's share (None without a denominator)."""
    totals = sums(session, start, end, by_township=True)
    township_ids = {township for _, township in totals}
    names = {t.id: t.name for t in session.exec(select(Township))}
    table = []
    for township_id in sorted(township_ids, key=lambda t: (t is None, t or 0)):
        values = {key: totals.get((key, township_id), 0) for key in METRICS}
        values.update({key: ratio.share(values) for key, ratio in RATIOS.items()})
        table.append({"township_id": township_id, "name": names.get(township_id) if township_id is not None else None,
                      "values": values})
    return table


def monthly(session: Session, year: int, last_month: int = 12) -> dict[str, list[int]]:
    """Each shown metric's actual per month, January to `last_month` (a
    ratio's parts have no chart)."""
    month_of = func.extract("month", DailyActual.day)
    rows = session.exec(
        select(DailyActual.metric, month_of, func.sum(DailyActual.value))
        .where(DailyActual.day.between(date(year, 1, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])))
        .group_by(DailyActual.metric, month_of)
    ).all()
    series = {key: [0] * last_month for key in SHOWN}
    for metric, month, total in rows:
        if metric in series:
            series[metric][int(month) - 1] = int(total)
    return series


def records(session: Session, metric_key: str, year: int, month: int | None = None, township_id: int | None = None,
            unassigned: bool = False) -> tuple[list, int]:
    """The records behind a figure: the metric's rows of the year through the
    roll-up's day, inside the period and township. Returns (rows, total).
    A ratio's records are its denominator's (each row carries its share of
    the numerator: `share.share_totals`)."""
    ratio = RATIOS.get(metric_key)
    metric = METRICS.get(ratio.denominator if ratio else metric_key)
    if metric is None:
        raise Invalid(_l("Unknown metric."), field="metric")
    state = rollup_state(session, year)
    if state is None:
        return [], 0
    start, end = period_bounds(year, month)
    rows = metric.rows(date(year, 1, 1), state.through_day).subquery()
    query = select(rows).where(rows.c.day.between(start, min(end, state.through_day)))
    if unassigned:
        query = query.where(rows.c.township_id.is_(None))
    elif township_id is not None:
        query = query.where(rows.c.township_id == township_id)
    found = session.execute(query.order_by(rows.c.day)).all()
    return found, sum(int(row.value) for row in found)


# --- targets -----------------------------------------------------------------------


def target_years(session: Session) -> list[int]:
    return sorted(set(session.exec(select(Target.year))), reverse=True)


def default_year(session: Session) -> int:
    """The latest year with targets that has begun; else this year."""
    this_year = clock.today().year
    years = [y for y in target_years(session) if y <= this_year]
    return years[0] if years else this_year


def targets_of(session: Session, year: int) -> dict[str, int]:
    return {t.metric: t.value for t in session.exec(select(Target).where(Target.year == year))}


def set_targets(session: Session, *, actor: Actor, year: int, values: dict[str, int | None]) -> bool:
    """Managers set the year's targets; None removes a metric's target."""
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau sets targets."))
    if not 2000 <= year <= 2100:
        raise Invalid(_l("Choose a year between 2000 and 2100."), field="year")
    for metric, value in values.items():
        if metric not in TARGETED:
            raise Invalid(_l("Unknown metric %(metric)s: a target must name one of the metrics listed.", metric=metric))
        if value is not None and value < 0:
            raise Invalid(_l("A target cannot be negative."), field=metric)
        if value is not None and metric in RATIOS and value > 1000:
            raise Invalid(_l("A share cannot be more than 100%."), field=metric)
    existing = {t.metric: t for t in session.exec(select(Target).where(Target.year == year))}
    for metric, value in values.items():
        target = existing.get(metric)
        old = target.value if target else None
        if value is None and target is not None:
            session.delete(target)
        elif value is not None:
            target = target or Target(year=year, metric=metric, value=value)
            target.value = value
            session.add(target)
        if old != value:
            audit(session, user_id=actor.user_id, action="target", entity="target", entity_id=year, metric=metric, old=old, new=value)
    session.flush()
    return True


def copy_targets(session: Session, *, actor: Actor, from_year: int, to_year: int) -> int:
    """Copy every target of `from_year` (ratios too) into `to_year`, to be
    edited there after. Refused when `from_year` has none, or when `to_year`
    has any already: a copy never mixes into a year the bureau has begun
    (its own figures stay as set; the missing ones are typed by hand).

    One INSERT ... ON CONFLICT DO NOTHING on (year, metric): when two
    managers copy at once, the database lets one write the rows; the other
    inserts none, and is refused as if it had come after. Returns the
    number of targets copied."""
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau sets targets."))
    for year in (from_year, to_year):
        if not 2000 <= year <= 2100:
            raise Invalid(_l("Choose a year between 2000 and 2100."), field="year")
    if to_year <= from_year:
        raise Invalid(_l("Targets are copied into a later year."), field="year")
    source = targets_of(session, from_year)
    if not source:
        raise Invalid(_l("%(year)s has no targets to copy.", year=from_year), field="copy")
    if targets_of(session, to_year):
        raise already_set(to_year)
    rows = [{"year": to_year, "metric": metric, "value": value} for metric, value in sorted(source.items())]
    table = Target.__table__
    inserted = len(session.execute(  # RETURNING: the rows this copy wrote (rowcount is -1 on psycopg for this)
        db.insert_for(session, table).values(rows).on_conflict_do_nothing(index_elements=["year", "metric"])
        .returning(table.c.metric)
    ).all())
    if inserted != len(rows):  # another copy (or an edit) of to_year committed first
        raise already_set(to_year)
    audit(session, user_id=actor.user_id, action="target_copy", entity="target", entity_id=to_year,
          from_year=from_year, targets=dict(sorted(source.items())))
    session.flush()
    return inserted


def already_set(year: int) -> Invalid:
    return Invalid(_l("%(year)s already has targets: a copy would mix two years' plans. "
                      "Edit the targets of %(year)s instead.", year=year), field="copy")


def copy_source(session: Session, year: int) -> int | None:
    """The latest year before `year` with targets: where a copy into `year` comes from."""
    earlier = [y for y in target_years(session) if y < year]
    return earlier[0] if earlier else None


def yesterday() -> date:
    return clock.today() - timedelta(days=1)
