"""The job queue: huey with its SQL storage (peewee) on the app's own
database, so SQLite and PostgreSQL alike need nothing beside the app (no
Redis). A job's record is ours (DocumentJob); huey only carries its id to a
worker. With DOCUMENTS_INLINE (development without a worker, and tests)
huey runs in immediate mode: the job runs inside the request that asks."""

import logging
from urllib.parse import unquote, urlsplit

from huey import Huey
from huey.contrib.sql_huey import SqlStorage
from peewee import PostgresqlDatabase, SqliteDatabase

from .models import QUEUE_TABLES

QUEUE_NAME = "documents"
log = logging.getLogger(__name__)


class Storage(SqlStorage):
    """huey's SqlStorage with its tables named huey_* (Alembic creates them)."""

    def create_models(self):
        models = super().create_models()
        for model in models:
            model._meta.set_table_name(QUEUE_TABLES[model._meta.table_name])
        return models


def peewee_database(url: str):
    """The app's database URL as a peewee database (SQLite: WAL and the same
    busy timeout as the app's engine; PostgreSQL: psycopg 3)."""
    if url.startswith("sqlite"):
        return SqliteDatabase(url.split("///", 1)[-1], pragmas={"journal_mode": "wal", "busy_timeout": 30000},
                              check_same_thread=False)
    parts = urlsplit(url)
    return PostgresqlDatabase(
        parts.path.lstrip("/"), host=parts.hostname, port=parts.port, user=unquote(parts.username or "") or None,
        password=unquote(parts.password) if parts.password else None, prefer_psycopg3=True,
    )


def make_queue(app) -> Huey:
    inline = bool(app.config.get("DOCUMENTS_INLINE"))
    if inline:
        queue = Huey(QUEUE_NAME, immediate=True, results=False)
    else:
        queue = Huey(QUEUE_NAME, results=False, storage_class=Storage,
                     database=peewee_database(app.config["DATABASE_URL"]), create_tables=False)

    @queue.task(name="make_document")
    def make_document(job_id: int) -> None:
        from .running import run_job

        with app.app_context():
            run_job(job_id)

    app.extensions["oilchain.queue"] = queue
    app.extensions["oilchain.make_document"] = make_document
    return queue


def enqueue(app, job_id: int) -> None:
    """Hand a committed job to the workers (in immediate mode: run it now)."""
    app.extensions["oilchain.make_document"](job_id)
