from datetime import date

from sqlmodel import Field, SQLModel


class HarvestRecord(SQLModel, table=True):
    """What is special to a fresh-fruit lot: its plot, day and pickers."""

    __tablename__ = "harvest_record"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    plot_id: int = Field(foreign_key="plot.id", index=True)
    harvested_on: date
    pickers: int
