"""Engine and per-request session. Alembic owns the schema: nothing here
creates tables."""

import os

from flask import current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

# Stable constraint names, so the migrations and the models compare equal on
# both backends and a later ALTER can name what it drops.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata
MAX_ID = 2**63 - 1  # the largest id a BIGINT column holds: a larger one names no row


def normalize_url(url: str) -> str:
    """Accept the plain postgresql:// form that hosts hand out; we drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def make_scan_engine(url: str) -> Engine:
    """For counting consumer scans on the hot path: autocommit (no BEGIN and
    COMMIT round trips) and, on PostgreSQL, without waiting for the disk
    (synchronous_commit off: a crash may forget the last fraction of a
    second of scan counts, never ledger data, which never goes through it)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = make_engine(url)
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return create_engine(
        url, isolation_level="AUTOCOMMIT", pool_size=5, max_overflow=5, pool_recycle=300,
        connect_args={"options": "-c synchronous_commit=off"},
    )


def init_app(app) -> None:
    app.extensions["oilchain.engine"] = make_engine(app.config["DATABASE_URL"])
    app.extensions["oilchain.scan_engine"] = make_scan_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["oilchain.engine"]


def scan_engine() -> Engine:
    return current_app.extensions["oilchain.scan_engine"]


def session() -> Session:
    """The session of this request (or CLI command), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()  # rolls back whatever was not committed


def erase_all(db_session: Session) -> None:
    """Delete every row of every table (children first), keeping the schema.
    For `oilchain demo --reset` and for tests; never called by the web app."""
    for table in reversed(metadata.sorted_tables):
        db_session.execute(table.delete())
    db_session.commit()


def insert_for(db_session: Session, table):
    """An INSERT that can say ON CONFLICT, on whichever backend this is."""
    if db_session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
