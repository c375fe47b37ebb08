from datetime import date

from sqlmodel import Field, SQLModel

PROPAGATION_METHODS = ("grafting", "cutting", "seedling", "tissue_culture")


class SeedlingBatch(SQLModel, table=True):
    """What is special to a nursery's seedling batch; its lot holds the
    dispatchable (grade I + grade II) plants."""

    __tablename__ = "seedling_batch"
    lot_id: int = Field(foreign_key="lot.id", primary_key=True)
    variety_id: int = Field(foreign_key="variety.id")
    propagation: str = Field(max_length=20)
    raised_quantity: int
    grade1: int
    grade2: int
    rejected: int
    licence_no: str = Field(max_length=40)  # 林木种苗生产经营许可证
    certificate_no: str = Field(max_length=40)  # 苗木质量检验合格证
    graded_on: date
