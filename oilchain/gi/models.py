from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .. import clock
from ..lab import LabValues


class GIProduct(SQLModel, table=True):
    """A geographical-indication product (地理标志产品): its registration, the
    specification's quality thresholds (thousandths of their unit, as quality
    tests store them) and, in GIProtectedTownship, where it may come from."""

    __tablename__ = "gi_product"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    registration: str = Field(max_length=120)
    specification: str = Field(default="", max_length=500)
    max_acid_value_milli: int
    max_peroxide_value_milli: int
    max_moisture_milli: int
    active: bool = Field(default=True)

    @property
    def limits(self) -> LabValues:
        return LabValues.of(self, prefix="max_")


class GIProtectedTownship(SQLModel, table=True):
    __tablename__ = "gi_protected_township"
    gi_id: int = Field(foreign_key="gi_product.id", primary_key=True)
    township_id: int = Field(foreign_key="township.id", primary_key=True)


class GIProducer(SQLModel, table=True):
    """A period in which a producer may use the special mark (专用标志): from
    its authorization until it is revoked. A renewal is a new period; the
    database holds that a producer has one open period at most."""

    __tablename__ = "gi_producer"
    __table_args__ = (
        Index("uq_gi_producer_open", "gi_id", "org_id", unique=True,
              sqlite_where=text("revoked_on IS NULL"), postgresql_where=text("revoked_on IS NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    gi_id: int = Field(foreign_key="gi_product.id")
    org_id: int = Field(foreign_key="organization.id")
    authorized_on: date
    revoked_on: date | None = None


class GIMarkIssue(SQLModel, table=True):
    """Special marks issued for a product lot, for the serials first..last
    of its range: issues follow each other from the lot's first unmarked
    serial (product_lot.gi_marked, a guarded counter), so they never overlap
    and never pass the lot's units. A label carries the mark only for a
    serial inside an issued range."""

    __tablename__ = "gi_mark_issue"
    id: int | None = Field(default=None, primary_key=True)
    gi_id: int = Field(foreign_key="gi_product.id")
    lot_id: int = Field(foreign_key="lot.id", index=True)
    units: int
    serial_first: int
    serial_last: int
    issued_on: date
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=clock.utcnow)
