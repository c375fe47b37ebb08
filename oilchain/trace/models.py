from datetime import datetime

from sqlmodel import Field, SQLModel

from .. import clock


class Recall(SQLModel, table=True):
    """A recall started from a lot or a plot by the bureau: every lot and plot
    it reaches is put on hold (ledger.models.Hold, PlotHold), and each of its
    bottles' pages shows the warning, until the recall is closed (by whom,
    and how it ended, recorded)."""

    id: int | None = Field(default=None, primary_key=True)
    start_kind: str = Field(max_length=8)  # lot or plot
    start_id: int
    start_label: str = Field(max_length=120)
    reason: str = Field(max_length=500)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=clock.utcnow)
    closed_at: datetime | None = None
    closed_note: str = Field(default="", max_length=500)
    closed_by: int | None = Field(default=None, foreign_key="user.id")
