from datetime import date

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

class PriceBound(SQLModel, table=True):
    """What price is plausible for a kind of lot (bottled product, and later
    bulk oil and by-products): within `low_percent`..`high_percent` of the
    median of the same product's standing sales of the last `window_days`
    when there are at least `min_sales` of them, else within the per-kg
    floor and ceiling. A sale outside needs a reason. Data the bureau edits;
    the brain's price warning reads the same rows."""

    __tablename__ = "price_bound"
    kind: str = Field(max_length=12, primary_key=True)
    window_days: int
    min_sales: int
    low_percent: int
    high_percent: int
    floor_fen_per_kg: int = Field(sa_type=BigInteger)
    ceiling_fen_per_kg: int = Field(sa_type=BigInteger)


class Sale(SQLModel, table=True):
    """Units sold from a product lot to a named buyer."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", unique=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    buyer: str = Field(max_length=100)
    channel: str = Field(max_length=20)
    quantity: int
    unit_price_fen: int = Field(sa_type=BigInteger)
    amount_fen: int = Field(sa_type=BigInteger)
    sold_on: date
    # Why a price outside the plausible bounds is right (given by the seller).
    price_note: str = Field(default="", max_length=200)
