from datetime import date

from sqlmodel import Field, SQLModel

PROPAGATION_METHODS = ("grafting", "cutting", "seedling", "tissue_culture")
# A batch moves through these stages in order; "dispatched" once nothing is left.
STAGES = ("sown", "grafted", "growing", "graded", "certified", "dispatched")
GRADES = (1, 2)


class SeedlingBatch(SQLModel, table=True):
    """What is special to a nursery's seedling batch, as the seedling
    regulations ask: variety and seed source, grading against the standard's
    thresholds, and the documents ("两证一签" plus quarantine). Its lot holds
    the living plants: all that were started until grading, then grade I + II."""

    __tablename__ = "seedling_batch"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    variety_id: int = Field(foreign_key="variety.id")
    propagation: str = Field(max_length=20)
    seed_source: str = Field(max_length=100)  # 种源: scion orchard or seed stand
    started_on: date  # sown or grafted
    started_quantity: int
    stage: str = Field(default="sown", max_length=12)
    growing_on: date | None = None
    # Grading (分级), with the thresholds that were in force.
    graded_on: date | None = None
    grade_event_id: int | None = Field(default=None, foreign_key="event.id")
    grade1: int | None = None
    grade2: int | None = None
    rejected: int | None = None
    grade1_min_height_mm: int | None = None
    grade1_min_diameter_dmm: int | None = None  # tenths of a millimetre
    grade2_min_height_mm: int | None = None
    grade2_min_diameter_dmm: int | None = None
    # Certification: 林木种苗生产经营许可证, 苗木质量检验合格证, 标签, 植物检疫证书.
    certified_on: date | None = None
    licence_no: str | None = Field(default=None, max_length=40)
    certificate_no: str | None = Field(default=None, max_length=40)
    label_no: str | None = Field(default=None, max_length=40)
    quarantine_no: str | None = Field(default=None, max_length=40)


class GradingStandard(SQLModel, table=True):
    """The minimum height and ground diameter of each grade: editable data,
    seeded with defaults that the bureau sets to the standard it follows."""

    __tablename__ = "grading_standard"
    grade: int = Field(primary_key=True)
    min_height_mm: int
    min_diameter_dmm: int  # tenths of a millimetre
    # Seedlings of this grade tied in one bundle: one 标签 per bundle (seedling labels).
    plants_per_bundle: int = Field(default=100)


class DispatchAgeLimit(SQLModel, table=True):
    """How old (days since sown or grafted) a batch of each propagation
    method may be when its seedlings leave: older plants transplant badly.
    Data the bureau edits."""

    __tablename__ = "dispatch_age_limit"
    propagation: str = Field(max_length=20, primary_key=True)
    max_age_days: int


class SeedlingDispatch(SQLModel, table=True):
    """Certified seedlings of one grade leaving the nursery: to a plot in the
    county (a dispatch lot for the plot's cooperative) or to a buyer outside it."""

    __tablename__ = "seedling_dispatch"
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", unique=True)
    batch_lot_id: int = Field(foreign_key="lot.id", index=True)
    grade: int
    quantity: int
    plot_id: int | None = Field(default=None, foreign_key="plot.id")
    dispatch_lot_id: int | None = Field(default=None, foreign_key="lot.id")
    destination: str = Field(default="", max_length=200)  # outside the county: who and where
    dispatched_on: date
