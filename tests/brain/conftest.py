"""The county-scale database the brain's browser test opens: loaded once per
backend (per test session) into a database of its own, not the per-test one
(conftest's `database_url` is emptied before every test): a SQLite file in the
session's temporary folder, or on PostgreSQL a fresh database named after
OILCHAIN_TEST_DATABASE_URL with `_county`. Every xdist worker
asks for it; the first loads it (see county_url). The generator runs with the test
clock (its demo year is the year before 2025-12-20's) and ends as the
scheduler leaves a deployment the morning after the season's last day: the
roll-up and the brain's nightly run (forecast, backtest, warnings), which the
browser test reads."""

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from oilchain import clock, create_app, db, demo, migrate
from oilchain.reference import seed_reference_data

from ..browser_server import LiveServer
from ..chain import TODAY
from ..conftest import _drop_postgres_database, _recreate_postgres_database

PUBLIC_BASE_URL = "https://trace.example.cn"


@contextmanager
def locked(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def load(url: str) -> None:
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERIAL_KEY": "test-serial-key", "PUBLIC_BASE_URL": PUBLIC_BASE_URL})
    with app.app_context(), clock.frozen(TODAY):
        session = db.session()
        seed_reference_data(session)
        session.commit()
        demo.load_county(session, PUBLIC_BASE_URL, "test-serial-key", echo=lambda *_: None)
        session.commit()
    app.extensions["oilchain.engine"].dispose()
    app.extensions["oilchain.scan_engine"].dispose()


@pytest.fixture(scope="session")
def county_url(tmp_path_factory, worker_id):
    """Loaded by the first worker that asks (the others wait on a lock in the
    run's shared temporary folder and reuse it; each counts itself in and
    out, and the last one out drops a PostgreSQL database). The xdist_group
    of the browser module would keep it on one worker, but pytest-xdist 3.8's
    loadgroup does not group under pytest 9 (the nodeid suffix it sets is not
    used), so the lock is what makes it once per backend."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    lock, state = shared / "county.lock", shared / "county.json"
    base = os.environ.get("OILCHAIN_TEST_DATABASE_URL")
    with locked(lock):
        if state.exists():
            info = json.loads(state.read_text())
        else:
            if base:
                server = make_url(db.normalize_url(base))
                name = f"{server.database}_county"
                _recreate_postgres_database(server, name)
                url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
            else:
                url = "sqlite:///" + str(shared / "county.db")
            load(url)
            info = {"url": url, "users": 0, "name": name if base else None}
        info["users"] += 1
        state.write_text(json.dumps(info))
    yield info["url"]
    with locked(lock):
        info = json.loads(state.read_text())
        info["users"] -= 1
        state.write_text(json.dumps(info))
        if info["users"] == 0 and info["name"]:
            _drop_postgres_database(make_url(db.normalize_url(base)), info["name"])


@pytest.fixture(scope="session")
def county_server(county_url, tmp_path_factory):
    """The app served on the county database for the module's tests."""
    server = LiveServer(county_url, tmp_path_factory.mktemp("county-server"))
    server.start()
    yield server
    server.stop()
