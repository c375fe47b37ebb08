"""Reference data an admin keeps: townships and varieties; and the audit trail
of changes outside the ledger."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from .. import clock

TOWNSHIP_KINDS = ("街道", "镇", "乡")


class Township(SQLModel, table=True):
    """A township-level division. Retired or merged townships stay, so the
    records that name them keep their history."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    kind: str = Field(max_length=8)
    active: bool = Field(default=True)
    merged_into_id: int | None = Field(default=None, foreign_key="township.id")


class Variety(SQLModel, table=True):
    """A camellia variety, e.g. 长林4号."""

    __table_args__ = (
        CheckConstraint("NOT improved OR approval_number IS NOT NULL", name="improved_has_approval_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    active: bool = Field(default=True)
    # Which of the yield curve's groups its trees follow (ledger.models.YieldCurve).
    yield_group: str = Field(default="improved", max_length=12)
    # An approved improved variety (良种, 审定/认定), with its approval number
    # (e.g. 国S-SC-CO-006-2008); `approval_pending`: the number is recorded but
    # still to be confirmed against the approval notice (the demo's are).
    # Plantings of improved varieties count toward the improved-variety share.
    improved: bool = Field(default=False)
    approval_number: str | None = Field(default=None, max_length=40)
    approval_pending: bool = Field(default=False)


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, for records the ledger does not cover."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=clock.utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    detail: str = Field(default="")


class JobRun(SQLModel, table=True):
    """One run of a scheduled job for one period (a day, a month). A period
    with a successful run is done; the scheduler catches up the others."""

    __tablename__ = "job_run"
    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=40, index=True)
    period: str = Field(max_length=20)
    started_at: datetime = Field(default_factory=clock.utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=10)  # running, ok, failed
    message: str = Field(default="", max_length=2000)
    trigger: str = Field(default="schedule", max_length=20)  # schedule, catch-up, manual


class Heartbeat(SQLModel, table=True):
    """The last sign of life of a long-running process (the scheduler's
    "clock", the document "worker"): one row per process, written over on
    each beat (oilchain/heartbeat.py), read by /admin/jobs."""

    name: str = Field(primary_key=True, max_length=20)
    beat_at: datetime = Field(default_factory=clock.utcnow)
    started_at: datetime = Field(default_factory=clock.utcnow)
    host: str = Field(default="", max_length=100)
    pid: int = 0
