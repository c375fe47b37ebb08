from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .. import clock


class HarvestRecord(SQLModel, table=True):
    """What is special to a fresh-fruit lot: its plot, day and pickers."""

    __tablename__ = "harvest_record"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    plot_id: int = Field(foreign_key="plot.id", index=True)
    harvested_on: date
    pickers: int
    # Entries from the field app: the tablet's id for the entry (sending it
    # twice makes one lot), when the member recorded it, and when it arrived.
    client_uuid: str | None = Field(default=None, max_length=36, unique=True)
    recorded_at: datetime | None = None
    received_at: datetime = Field(default_factory=clock.utcnow)
