from datetime import date, datetime

from sqlalchemy import BigInteger, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from .. import clock

class Target(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("year", "metric"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    metric: str = Field(max_length=30)
    value: int = Field(sa_type=BigInteger)


class DailyActual(SQLModel, table=True):
    """The nightly roll-up: what a metric gained on one day in one township
    (None: organizations without a township). Rebuilt, never edited."""

    __tablename__ = "daily_actual"
    __table_args__ = (UniqueConstraint("day", "metric", "township_id"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    metric: str = Field(max_length=30)
    township_id: int | None = Field(default=None, foreign_key="township.id")
    value: int = Field(sa_type=BigInteger)


class Rollup(SQLModel, table=True):
    """How far the roll-up of a year reaches, and when it was computed."""

    year: int = Field(primary_key=True)
    through_day: date
    computed_at: datetime = Field(default_factory=clock.utcnow)


class ReportArchive(SQLModel, table=True):
    """Output reports rendered by the scheduler (or on demand), kept for download."""

    __tablename__ = "report_archive"
    __table_args__ = (UniqueConstraint("year", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    month: int | None = None  # None: the whole year
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=clock.utcnow)
    created_by: str = Field(default="", max_length=60)
