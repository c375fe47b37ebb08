from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .. import clock
from ..lab import LabValues


class Product(SQLModel, table=True):
    """A bottled product of a processor, identified by its GTIN-14."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=80)
    gtin: str = Field(max_length=14, unique=True)
    net_content_ml: int
    # Oil per unit in grams: what bottling draws from the oil lot per unit.
    fill_grams: int
    shelf_life_days: int = 540
    # The lowest quality grade it may be sold at (None: any grade there is).
    lowest_grade: str | None = Field(default=None, foreign_key="quality_grade.code", max_length=12)
    # A packed by-product product (byproducts.models.ByProduct) with this GTIN:
    # its units get serials, labels and consumer pages as oil does, but
    # neither a GI mark nor an oil grade. None: camellia oil.
    by_product_id: int | None = Field(default=None, foreign_key="by_product.id", index=True)


class ProductPhoto(SQLModel, table=True):
    """A product's photo for its consumer pages, uploaded by its processor:
    stored in the database (web processes stay stateless, backups hold it),
    already resized to what the page shows (JPEG), served as its own
    cacheable image named by its digest."""

    __tablename__ = "product_photo"
    product_id: int = Field(foreign_key="product.id", primary_key=True)
    image: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    content_type: str = Field(max_length=20)  # image/jpeg
    width: int
    height: int
    digest: str = Field(max_length=64)  # sha256 of `image`: the URL's version and the ETag
    uploaded_at: datetime = Field(default_factory=clock.utcnow)
    uploaded_by: int | None = Field(default=None, foreign_key="user.id")


class ProductLot(SQLModel, table=True):
    """A bottled lot: its serials are the contiguous range first..last."""

    __tablename__ = "product_lot"
    __table_args__ = (
        CheckConstraint("gi_marked >= 0 AND gi_marked <= serial_last - serial_first + 1", name="gi_marked_within_range"),
    )
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    serial_first: int
    serial_last: int
    best_before: date
    # The origin story, the same for every bottle of the lot, computed when
    # the lot is bottled rather than on every scan (JSON).
    origin_story: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    story_updated_at: datetime = Field(default_factory=clock.utcnow)
    # Goes up by one whenever the story or the GI status is recomputed: the
    # consumer page's cached copy of the lot is read again when it changes.
    story_version: int = Field(default=1)
    # Its geographical-indication status with the reasons (gi.services), kept
    # current like the story.
    gi_status: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # How many serials from serial_first carry the GI mark (gi_mark_issue ranges).
    gi_marked: int = Field(default=0)


class QualityTest(SQLModel, table=True):
    """A lab test of an oil lot. Values are thousandths of their unit."""

    __tablename__ = "quality_test"
    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    tested_on: date
    acid_value_milli: int  # mg KOH/g x 1000
    peroxide_value_milli: int  # g/100g x 1000
    moisture_milli: int  # % x 1000
    laboratory: str = Field(max_length=80)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=clock.utcnow)
    # A wrong test is withdrawn, never deleted; bottles then show the latest standing one.
    withdrawn_at: datetime | None = None
    withdrawn_by: int | None = Field(default=None, foreign_key="user.id")
    withdrawn_reason: str = Field(default="", max_length=500)

    @property
    def values(self) -> LabValues:
        return LabValues.of(self)


class QualityGrade(SQLModel, table=True):
    """A quality grade: its code and rank (1 is the best). The largest values
    a test may show to reach it depend on how the oil was extracted
    (GradeLimit). The best grade an oil lot's latest test reaches is shown
    on its bottles."""

    __tablename__ = "quality_grade"
    code: str = Field(max_length=12, primary_key=True)
    rank: int  # 1 is the best


class GradeLimit(SQLModel, table=True):
    """The largest values a test of oil of one extraction method may show to
    reach a grade (thousandths, like the tests). Data the bureau keeps
    (GB/T 11765-2018 has a table per method; the figures must be checked
    against its text)."""

    __tablename__ = "grade_limit"
    method: str = Field(max_length=12, primary_key=True)  # OIL_METHODS
    grade_code: str = Field(max_length=12, primary_key=True, foreign_key="quality_grade.code")
    max_acid_value_milli: int
    max_peroxide_value_milli: int
    max_moisture_milli: int

    @property
    def limits(self) -> LabValues:
        return LabValues.of(self, prefix="max_")


# How oil came out of the seed; the quality grades' limits differ by it.
# Cold and hot pressing are pressing methods; solvent extraction (浸出) is a
# step on seed cake (byproducts: leach), not a way of pressing.
OIL_METHODS = ("cold_pressed", "hot_pressed", "solvent")
PRESSING_METHODS = ("cold_pressed", "hot_pressed")


class Tank(SQLModel, table=True):
    """A named oil tank of a processor. It holds one oil lot at a time
    (`lot_id`, unique): oil put into an occupied tank is blended with what
    is in it into a new lot, which the tank then holds."""

    __table_args__ = (UniqueConstraint("org_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=40)
    capacity_g: int | None = Field(default=None, sa_type=BigInteger)
    lot_id: int | None = Field(default=None, foreign_key="lot.id", unique=True)
    created_at: datetime = Field(default_factory=clock.utcnow)


class OilLot(SQLModel, table=True):
    """What an oil lot is beyond the ledger: how it was extracted, whether it
    is still crude (毛油) or refined, and the tank it is in. Every oil lot
    has one, written by the step that made it."""

    __tablename__ = "oil_lot"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    method: str = Field(max_length=12)  # OIL_METHODS
    refined: bool = Field(default=False)
    tank_id: int | None = Field(default=None, foreign_key="tank.id", index=True)


class Refining(SQLModel, table=True):
    """The refining steps a `refine` event did (comma-separated codes of
    labels.REFINING_STEPS: degumming, deacidification, ...)."""

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    steps: str = Field(max_length=120)
