from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

# metric -> unit of its stored value. Each target names the metric it counts.
METRICS = {
    "seedlings_raised": "plant",
    "planted_new": "centimu",
    "renovated": "centimu",
    "seed_processed": "g",
    "oil_output": "g",
    "output_value": "fen",
    "by_products": "count",
}


class Target(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("year", "metric"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    metric: str = Field(max_length=30)
    value: int = Field(sa_type=BigInteger)
