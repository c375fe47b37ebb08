from datetime import datetime

from sqlmodel import Field, SQLModel

from .. import clock


class ByProduct(SQLModel, table=True):
    """A product the county's mills make from by-products (茶皂素洗洁精 from
    saponin, 茶粕有机肥 from seed cake, 茶壳活性炭 from husks): one county-wide
    registry, so two mills making one product count it once. When it was
    first made comes from the ledger (the first standing `make` event that
    produced a lot of it), never a typed date."""

    __tablename__ = "by_product"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    source_kind: str = Field(max_length=12)  # the by-product lot kind it is made from (ledger BY_PRODUCT_KINDS)
    unit: str = Field(max_length=8)  # "g" (sold by weight) or "unit" (packed)
    unit_grams: int | None = None  # a packed unit's weight, for the balance
    gtin: str | None = Field(default=None, max_length=14, unique=True)
    registered_by_org_id: int = Field(foreign_key="organization.id", index=True)
    created_at: datetime = Field(default_factory=clock.utcnow)


class GoodsLot(SQLModel, table=True):
    """Which by-product product a `goods` lot is."""

    __tablename__ = "goods_lot"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    by_product_id: int = Field(foreign_key="by_product.id", index=True)
