"""The bureau's brain (油茶大脑): what the nightly run computes for it, and
the rules it computes with, as data. Pages read these tables; they never
compute a forecast or evaluate a warning on a request.

- RenovationEffect, SeasonCurve: the forecast's editable data beside the
  yield curve (`ledger.models.YieldCurve`, which the trace's bearing rule
  reads too).
- Forecast, ForecastOutlook, ForecastBacktest: the season's forecast of dry
  seed per township and for the county, the five-year outlook, and how far
  earlier forecasts of a finished season were from what it gave.
- WarningRule, Warning: early warnings, one rule per kind with its
  thresholds, and the warnings the evaluation found.
"""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .. import clock


class RenovationEffect(SQLModel, table=True):
    """What a renovation does to the renovated area's yield, by years since
    it, per mille of what the curve gives the plot's trees (tending: more;
    top grafting: little until the scions bear). Replanting needs no row:
    its trees start again at age 0 on the curve of their variety."""

    __tablename__ = "renovation_effect"
    __table_args__ = (UniqueConstraint("method", "years_since"),)
    id: int | None = Field(default=None, primary_key=True)
    method: str = Field(max_length=20)
    years_since: int  # 0 = the renovation's own season; the last row holds for later years
    permille: int


class SeasonCurve(SQLModel, table=True):
    """A seasonal profile: the share of a season's total reached by a day
    of the year, cumulative per mille (linear between points, 0 before the
    first point, 1000 after the last). `harvest` is the harvest window (seed
    picked); each target metric has its month-by-month profile, the pace
    the brain's target warning measures against."""

    __tablename__ = "season_curve"
    __table_args__ = (UniqueConstraint("curve", "month", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    curve: str = Field(max_length=20)  # "harvest" or a target metric
    month: int
    day: int
    cumulative_permille: int


class Forecast(SQLModel, table=True):
    """The season's forecast of dry seed as of one day, for one township
    (township_id) or the county (NULL). Rebuilt by the nightly run for its
    day (a rerun replaces the day's rows); the rows of earlier days stay,
    the history the accuracy is measured on. One row per township and day,
    and one county row (township_id NULL, which a unique constraint would
    take as distinct: a partial unique index of its own), so two runs at
    once cannot both write the day: the later one replaces the other's rows
    (brain.nightly retries it)."""

    __tablename__ = "forecast"
    __table_args__ = (
        UniqueConstraint("season", "as_of", "township_id"),
        Index("uq_forecast_county", "season", "as_of", unique=True,
              sqlite_where=text("township_id IS NULL"), postgresql_where=text("township_id IS NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    season: int
    as_of: date
    township_id: int | None = Field(default=None, foreign_key="township.id")
    bearing_centimu: int  # area of bearing trees
    curve_seed_g: int = Field(sa_type=BigInteger)  # what the curve expects from that area for the whole season
    harvested_seed_g: int = Field(sa_type=BigInteger)  # dry seed from the fruit harvested up to as_of
    forecast_seed_g: int = Field(sa_type=BigInteger)  # harvested + what the plots not yet harvested are expected to give
    forecast_oil_g: int = Field(sa_type=BigInteger)  # forecast seed times this season's seed-to-oil ratio
    oil_permille: int  # that ratio (pressings of the season, else the default)
    curve_only: bool = True  # no harvest yet: the curve alone
    computed_at: datetime = Field(default_factory=clock.utcnow)


class ForecastOutlook(SQLModel, table=True):
    """The next seasons' seed from the plantations' ages (each year's new
    plantings coming into bearing), computed with the day's forecast."""

    __tablename__ = "forecast_outlook"
    __table_args__ = (UniqueConstraint("computed_for", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    computed_for: int  # the season whose nightly run made it
    year: int
    bearing_centimu: int
    seed_g: int = Field(sa_type=BigInteger)
    computed_at: datetime = Field(default_factory=clock.utcnow)


class ForecastBacktest(SQLModel, table=True):
    """A finished season's forecast as of an earlier day against what the
    season gave: the error the page shows beside this season's forecast."""

    __tablename__ = "forecast_backtest"
    __table_args__ = (UniqueConstraint("season", "as_of"),)
    id: int | None = Field(default=None, primary_key=True)
    season: int
    as_of: date
    forecast_seed_g: int = Field(sa_type=BigInteger)
    actual_seed_g: int = Field(sa_type=BigInteger)
    error_permille: int  # (forecast - actual) / actual, signed
    computed_at: datetime = Field(default_factory=clock.utcnow)


class WarningRule(SQLModel, table=True):
    """One kind of early warning: whether it runs, how severe it is, and its
    thresholds (names and bounds declared per kind in brain/rules.py),
    editable by managers."""

    __tablename__ = "warning_rule"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, unique=True)
    severity: str = Field(default="warning", max_length=10)  # info, warning, critical
    enabled: bool = True
    thresholds: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=clock.utcnow)


WARNING_STATES = ("open", "acknowledged", "resolved")
SUBJECT_KINDS = ("lot", "plot", "planting", "township", "organization", "sale", "target", "product")


class Warning(SQLModel, table=True):
    """A warning the evaluation found: at most one standing (open or
    acknowledged) per kind and subject, so a rerun finds the same row and
    only moves last_seen; resolved when its condition no longer holds (a
    later recurrence is a new row)."""

    __tablename__ = "warning"
    __table_args__ = (
        Index("uq_warning_standing", "kind", "subject_kind", "subject_id", unique=True,
              sqlite_where=text("state <> 'resolved'"), postgresql_where=text("state <> 'resolved'")),
        Index("ix_warning_state_org", "state", "organization_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    severity: str = Field(max_length=10)
    subject_kind: str = Field(max_length=20)
    subject_id: int  # the lot, plot, planting, township, organization, sale, product (or target year)
    subject_label: str = Field(default="", max_length=120)  # a lot code, a plot's name, ... as found
    organization_id: int | None = Field(default=None, foreign_key="organization.id")  # whose records; NULL: the bureau's
    township_id: int | None = Field(default=None, foreign_key="township.id")
    message: str = Field(max_length=300)  # an English message id, translated on display
    values: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # its numbers, as display strings
    first_seen: datetime = Field(default_factory=clock.utcnow)
    last_seen: datetime = Field(default_factory=clock.utcnow)
    state: str = Field(default="open", max_length=12)
    acknowledged_by: int | None = Field(default=None, foreign_key="user.id")
    acknowledged_at: datetime | None = None
    acknowledgement: str = Field(default="", max_length=500)
    resolved_at: datetime | None = None
