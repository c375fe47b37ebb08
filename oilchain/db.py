"""Engine and per-request session, the one commit path every caller uses,
and row locks. Alembic owns the schema: nothing here creates tables."""

import functools
import os

from flask import current_app, g
from sqlalchemy import BigInteger, Integer, MetaData, SmallInteger, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, SQLModel

from .errors import DomainError

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
INTEGER_MAX = 2**31 - 1  # what an INTEGER column holds (4 bytes, on both backends' terms)


def int_limit(column) -> int:
    """The largest value an integer column holds, read from the model's type
    (`db.int_limit(Lot.remaining)`, or a table's Column)."""
    if hasattr(column, "property"):  # a model's attribute: its column
        column = column.property.columns[0]
    kind = column.type
    if isinstance(kind, BigInteger):
        return 2**63 - 1
    if isinstance(kind, SmallInteger):
        return 2**15 - 1
    if isinstance(kind, Integer):
        return INTEGER_MAX
    raise TypeError(f"{column} is not an integer column")


@functools.cache
def max_id() -> int:
    """The largest id that can name a row: the narrowest `id` column of the
    schema, read from the models (every id a URL, form or tablet sends is
    checked against it, so a larger one is "not found", not an overflow)."""
    return min(int_limit(table.c.id) for table in metadata.tables.values() if "id" in table.c)


def normalize_url(url: str) -> str:
    """Accept the plain postgresql:// form that hosts hand out; we drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


WRITES = "oilchain_writes"  # execution option: a transaction opened to write (db.transaction)


def make_engine(url: str, pool_size: int = 5) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, pool_size=pool_size, max_overflow=10,
                               connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A deferred transaction that read and then writes fails at once
            # with "database is locked" when another writer came between; the
            # commit path's transactions begin IMMEDIATE, taking the write
            # lock first (waiting up to the busy timeout), so SQLite runs
            # writers one at a time and every rule that reads, checks and
            # writes holds. Reading stays deferred and never waits for writers.
            options = connection.get_execution_options()
            if options.get("isolation_level") == "AUTOCOMMIT":
                return
            connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITES) else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=5)


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


# PostgreSQL's codes for a transaction that lost to another and may simply
# be run again: deadlock detected, serialization failure.
RETRY_SQLSTATES = ("40P01", "40001")


def _lost_a_race(error: DBAPIError) -> bool:
    """A unique or check constraint that another request's commit made us
    break, or a deadlock: running the same work again gives the answer a
    request sent after the other one would get."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.orig, "sqlstate", None) in RETRY_SQLSTATES


def transaction(session: Session, call, retries: int = 2):
    """The one commit path (forms, the field sync, CLI, jobs, races): run
    `call()`, commit its work, and return what it returned. A DomainError
    rolls everything back and goes up to the caller to show. When the
    database refuses the work because a racing request committed first (a
    unique or check constraint, a deadlock), the work is run again from a
    clean transaction, where the service sees the winner's rows and refuses
    by its own rules, as it would have one request later."""
    for attempt in range(retries + 1):
        try:
            begin_writing(session)
            result = call()
            session.commit()
            return result
        except DomainError:
            session.rollback()
            raise
        except DBAPIError as error:
            session.rollback()
            if attempt == retries or not _lost_a_race(error):
                raise
        except BaseException:
            session.rollback()
            raise


def begin_writing(session: Session) -> None:
    """Start the transaction that will write: what the session read before
    (a form's choices, the signed-in user) is closed first, since on SQLite a
    transaction that began reading cannot safely start writing."""
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITES: True})


def lock(session: Session, model, ids) -> list:
    """Lock rows of `model` by id for the rest of the transaction, always in
    id order (so two requests locking overlapping rows cannot deadlock), and
    return them as the database has them now, refreshing any copy the session
    held. On PostgreSQL: SELECT ... FOR UPDATE; a racing request waits here
    until the first commits, then reads what it wrote. SQLite needs no row
    locks: its writing transactions run one at a time (BEGIN IMMEDIATE)."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return []
    key = model.__table__.primary_key.columns.values()[0]
    statement = (
        select(model).where(key.in_(ids)).order_by(key).with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.execute(statement).scalars())


def _close_session(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()  # rolls back whatever was not committed


def column_length(column) -> int:
    """The length a text column holds, read from the model (Event.note -> 500)."""
    return column.property.columns[0].type.length


def fit(text: str | None, column) -> str:
    """Text stripped and cut to what its column holds (forms refuse longer
    text; this keeps a service's own writes inside the column too)."""
    return (text or "").strip()[: column_length(column)]


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
