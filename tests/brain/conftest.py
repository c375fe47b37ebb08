"""The county-scale database the brain's browser test opens: loaded once per
backend (per test session) into a database of its own, not the per-test one
(conftest's `database_url` is emptied before every test): a SQLite file in the
session's temporary folder, or on PostgreSQL a fresh database named after
OILCHAIN_TEST_DATABASE_URL with `_county`. The generator runs with the test
clock (its demo year is the year before 2025-12-20's)."""

import os

import pytest
from sqlalchemy.engine import make_url

from oilchain import clock, create_app, db, demo, migrate

from ..browser_server import LiveServer
from ..chain import TODAY
from ..conftest import _drop_postgres_database, _recreate_postgres_database

PUBLIC_BASE_URL = "https://trace.example.cn"


@pytest.fixture(scope="session")
def county_url(tmp_path_factory):
    base = os.environ.get("OILCHAIN_TEST_DATABASE_URL")
    server = None
    if base:
        server = make_url(db.normalize_url(base))
        name = f"{server.database}_county"
        _recreate_postgres_database(server, name)
        url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("county") / "county.db")
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERIAL_KEY": "test-serial-key", "PUBLIC_BASE_URL": PUBLIC_BASE_URL})
    with app.app_context(), clock.frozen(TODAY):
        session = db.session()
        from oilchain.reference import seed_reference_data

        seed_reference_data(session)
        session.commit()
        demo.load_county(session, PUBLIC_BASE_URL, "test-serial-key", echo=lambda *_: None)
        session.commit()
    app.extensions["oilchain.engine"].dispose()
    app.extensions["oilchain.scan_engine"].dispose()
    yield url
    if server is not None:
        _drop_postgres_database(server, name)


@pytest.fixture(scope="session")
def county_server(county_url, tmp_path_factory):
    """The app served on the county database for the module's tests."""
    server = LiveServer(county_url, tmp_path_factory.mktemp("county-server"))
    server.start()
    yield server
    server.stop()
