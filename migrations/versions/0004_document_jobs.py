"""document jobs (long documents made by a worker) and the job queue's
tables (huey's SQL storage: oilchain.downloads.queue)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

text = sqlmodel.sql.sqltypes.AutoString
when = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "document_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", text(length=20), nullable=False),
        sa.Column("parameters", text(length=500), nullable=False),
        sa.Column("title", text(length=200), nullable=False),
        sa.Column("locale", text(length=10), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", text(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("file_name", text(length=200), nullable=True),
        sa.Column("download_name", text(length=200), nullable=False),
        sa.Column("mimetype", text(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("error", text(length=2000), nullable=False),
        sa.Column("created_at", when(), nullable=False),
        sa.Column("started_at", when(), nullable=True),
        sa.Column("finished_at", when(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], name=op.f("fk_document_job_organization_id_organization")),
        sa.ForeignKeyConstraint(["requested_by"], ["user.id"], name=op.f("fk_document_job_requested_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_job")),
    )
    with op.batch_alter_table("document_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_job_organization_id"), ["organization_id"], unique=False)

    # The queue (huey.contrib.sql_huey's four tables, as peewee would make them, named huey_*).
    op.create_table(
        "huey_kv",
        sa.Column("queue", sa.String(255), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_huey_kv")),
    )
    op.create_table(
        "huey_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_huey_schedule")),
    )
    op.create_index("huey_schedule_queue_timestamp", "huey_schedule", ["queue", "timestamp"])
    op.create_table(
        "huey_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_huey_task")),
    )
    op.create_index("huey_task_priority_id", "huey_task", ["priority", "id"])
    op.create_table(
        "huey_counter",
        sa.Column("queue", sa.String(255), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_huey_counter")),
    )


def downgrade() -> None:
    op.drop_table("huey_counter")
    op.drop_index("huey_task_priority_id", table_name="huey_task")
    op.drop_table("huey_task")
    op.drop_index("huey_schedule_queue_timestamp", table_name="huey_schedule")
    op.drop_table("huey_schedule")
    op.drop_table("huey_kv")
    with op.batch_alter_table("document_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_job_organization_id"))
    op.drop_table("document_job")
