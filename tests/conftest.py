"""Fixtures in the shape of Flask's tutorial: app, client, runner, auth; plus
a migrated database per test session (SQLite, or PostgreSQL when
OILCHAIN_TEST_DATABASE_URL is set), emptied before every test, and the clock
pinned to a day in the county. The language fixtures (english,
english_services, en) are tests/http.py's, imported here for every test."""

import os
import re

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from oilchain import clock, create_app, db, migrate
from oilchain.reference import seed_reference_data

from .chain import PASSWORD, TODAY  # noqa: F401  (tests import them from here)
from .browser_server import browser, live_server, playwright  # noqa: F401  (one Chromium per worker, for every module)
from .http import en, english, english_services  # noqa: F401  (fixtures any test may ask for)
# Real hashes, cheaper work factor: scrypt for every test user would dominate
# the run (tests/test_access.py checks that hashes are stored).
QUICK_HASHING = "pbkdf2:sha256:1000"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _postgres_admin(url):
    return create_engine(url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")


def _recreate_postgres_database(url, name: str) -> None:
    admin = _postgres_admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _drop_postgres_database(url, name: str) -> None:
    admin = _postgres_admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """Migrated from empty once per test session: a SQLite file, or a fresh
    PostgreSQL database per xdist worker named after the run's database."""
    base = os.environ.get("OILCHAIN_TEST_DATABASE_URL")
    if not base:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "oilchain-test.db")
        migrate.upgrade(url)
        yield url
        return
    server = make_url(db.normalize_url(base))
    name = f"{server.database}_{worker_id}"
    _recreate_postgres_database(server, name)
    url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    _drop_postgres_database(server, name)


@pytest.fixture(autouse=True)
def frozen_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def app(database_url, tmp_path):
    # Documents are made inline (huey's immediate mode); tests/downloads runs a real worker too.
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SERIAL_KEY": "test-serial-key",
                      "PUBLIC_BASE_URL": "https://trace.example.cn", "PASSWORD_HASH_METHOD": QUICK_HASHING,
                      "BACKUP_DIR": str(tmp_path / "backups"),
                      "DOCUMENTS_INLINE": True, "DOCUMENTS_DIR": str(tmp_path / "documents")})
    with app.app_context():
        session = db.session()
        db.erase_all(session)
        seed_reference_data(session)
    yield app
    app.extensions["oilchain.engine"].dispose()
    app.extensions["oilchain.scan_engine"].dispose()


@pytest.fixture
def app_with_base(database_url, app, tmp_path):
    """Another app on the test database (its data kept), on the public base URL given."""
    made = []

    def make(base_url: str):
        other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SERIAL_KEY": "test-serial-key",
                            "PUBLIC_BASE_URL": base_url, "PASSWORD_HASH_METHOD": QUICK_HASHING,
                            "BACKUP_DIR": str(tmp_path / "backups"),
                            "DOCUMENTS_INLINE": True, "DOCUMENTS_DIR": str(tmp_path / "documents")})
        made.append(other)
        return other

    yield make
    for other in made:
        other.extensions["oilchain.engine"].dispose()
        other.extensions["oilchain.scan_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A database session inside an app context, for service tests."""
    with app.app_context():
        yield db.session()


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class AuthActions:
    """Sign in as a user and send forms with the page's CSRF token."""

    def __init__(self, client):
        self.client = client
        self._token = None

    def token(self) -> str:
        if self._token is None:
            self._token = csrf_token(self.client.get("/login").get_data(as_text=True))
        return self._token

    def login(self, username: str, password: str = PASSWORD):
        self._token = None
        response = self.client.post("/login", data={"username": username, "password": password, "csrf_token": self.token()})
        assert response.status_code == 303, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.token()})

    def post(self, url: str, data: dict | None = None, **kwargs):
        payload = {"csrf_token": self.token(), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def world(app):
    from .chain import make_world

    with app.app_context():
        return make_world(db.session())
