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
    """A quantity sold from any lot its owner holds to a named buyer: a
    bottled product lot by units (`unit` "unit", `unit_price_fen` a unit),
    bulk oil and by-products by weight (`unit` "g", `quantity` in grams,
    `unit_price_fen` a kilogram). A sale to a registered organization
    (`buyer_org_id`) is a shipment with a price: its event is the `ship`
    event and the buyer receives the lot."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", unique=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    buyer: str = Field(max_length=100)
    channel: str = Field(max_length=20)
    quantity: int = Field(sa_type=BigInteger)
    unit: str = Field(default="unit", max_length=8)
    unit_price_fen: int = Field(sa_type=BigInteger)
    amount_fen: int = Field(sa_type=BigInteger)
    sold_on: date
    buyer_org_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    # Why a price outside the plausible bounds is right (given by the seller).
    price_note: str = Field(default="", max_length=200)
