from datetime import date

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

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
