"""A document job (what was asked, by whom, how far it got, where the file
is) and the tables of the job queue (huey's SQL storage, under Alembic)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .. import clock
from ..db import metadata

STATUSES = ("queued", "running", "done", "failed", "expired")


class DocumentJob(SQLModel, table=True):
    """One document asked for. The worker moves it queued -> running ->
    done (the file is on disk under DOCUMENTS_DIR) or failed (the error, in
    the requester's language); the retention job moves done -> expired."""

    __tablename__ = "document_job"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # labels_pdf, serials_csv, year_report
    parameters: str = Field(default="{}", max_length=500)  # JSON: lot code, serials, year
    title: str = Field(default="", max_length=200)  # what it is, in the requester's language
    locale: str = Field(default="zh_CN", max_length=10)
    requested_by: int = Field(foreign_key="user.id")
    organization_id: int = Field(foreign_key="organization.id", index=True)
    status: str = Field(default="queued", max_length=10)
    done: int = Field(default=0)
    total: int = Field(default=0)
    file_name: str | None = Field(default=None, max_length=200)  # under DOCUMENTS_DIR
    download_name: str = Field(default="", max_length=200)
    mimetype: str = Field(default="application/pdf", max_length=40)
    size: int | None = Field(default=None, sa_type=sa.BigInteger)
    error: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=clock.utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


# huey's SqlStorage (huey.contrib.sql_huey) keeps its queue in four tables;
# queue.Storage gives them these names and never creates them (Alembic does,
# in 0004_document_jobs). Their columns are the ones peewee would make.
QUEUE_TABLES = {"kv": "huey_kv", "schedule": "huey_schedule", "task": "huey_task", "counter": "huey_counter"}

huey_kv = sa.Table(
    "huey_kv", metadata,
    sa.Column("queue", sa.String(255), nullable=False, primary_key=True),
    sa.Column("key", sa.String(255), nullable=False, primary_key=True),
    sa.Column("value", sa.LargeBinary(), nullable=False),
)
huey_schedule = sa.Table(
    "huey_schedule", metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("queue", sa.String(255), nullable=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
    sa.Column("timestamp", sa.BigInteger(), nullable=False),
    sa.Index("huey_schedule_queue_timestamp", "queue", "timestamp"),
)
huey_task = sa.Table(
    "huey_task", metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("queue", sa.String(255), nullable=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
    sa.Column("priority", sa.Float(), nullable=False),
    sa.Index("huey_task_priority_id", "priority", "id"),
)
huey_counter = sa.Table(
    "huey_counter", metadata,
    sa.Column("queue", sa.String(255), nullable=False, primary_key=True),
    sa.Column("key", sa.String(255), nullable=False, primary_key=True),
    sa.Column("value", sa.Integer(), nullable=False),
)
