from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .. import clock

PLANTING_KINDS = ("new", "renovation")
# How a low-yield plantation is renovated (低产林改造).
RENOVATION_METHODS = ("replanting", "top_grafting", "tending")
# Methods whose young trees are counted at a survival check before acceptance.
NEEDS_SURVIVAL_CHECK = ("new", "replanting", "top_grafting")


class Plot(SQLModel, table=True):
    """A place, not a lot: harvest lots name their plot, and a trace or a
    recall may start from one. A cooperative's plot names are unique within
    a village (people tell plots apart by name)."""

    __table_args__ = (UniqueConstraint("cooperative_id", "township_id", "village", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    township_id: int = Field(foreign_key="township.id", index=True)
    village: str = Field(max_length=40)
    cooperative_id: int = Field(foreign_key="organization.id", index=True)
    area_centimu: int  # hundredths of a mu
    # Microdegrees (WGS-84), exact integers like every other quantity.
    latitude_e6: int
    longitude_e6: int
    year_planted: int
    created_at: datetime = Field(default_factory=clock.utcnow)


class PlantingRecord(SQLModel, table=True):
    """A new planting or a renovation on a plot."""

    __tablename__ = "planting_record"
    id: int | None = Field(default=None, primary_key=True)
    plot_id: int = Field(foreign_key="plot.id", index=True)
    kind: str = Field(max_length=12)
    method: str | None = Field(default=None, max_length=20)  # renovations only
    area_centimu: int
    variety_id: int = Field(foreign_key="variety.id")
    seedlings: int = 0
    # The ledger event that consumed the dispatched seedlings, if any were used.
    event_id: int | None = Field(default=None, foreign_key="event.id")
    planted_on: date
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=clock.utcnow)


class SurvivalCheck(SQLModel, table=True):
    """Young trees counted some months after planting (成活率检查)."""

    __tablename__ = "survival_check"
    id: int | None = Field(default=None, primary_key=True)
    planting_id: int = Field(foreign_key="planting_record.id", index=True)
    checked_on: date
    survival_permille: int  # 0..1000
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=clock.utcnow)


class Acceptance(SQLModel, table=True):
    """The bureau's acceptance (验收) of a planting: only the accepted area
    counts toward the year's targets."""

    id: int | None = Field(default=None, primary_key=True)
    planting_id: int = Field(foreign_key="planting_record.id", unique=True)
    accepted_on: date
    accepted_area_centimu: int
    note: str = Field(default="", max_length=500)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=clock.utcnow)
