"""Configuration, the database connection and the schema's migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import oilchain.models  # noqa: F401
from oilchain import config, create_app, db, migrate


def test_production_refuses_a_missing_or_default_secret(tmp_path):
    for secret in ("", config.DEV_SECRET, "short"):
        environ = {"OILCHAIN_ENV": "production", "OILCHAIN_SECRET_KEY": secret}
        with pytest.raises(config.ConfigError, match="OILCHAIN_SECRET_KEY"):
            config.from_environment(str(tmp_path), environ)


def test_production_with_a_real_secret_starts(tmp_path):
    settings = config.from_environment(
        str(tmp_path), {"OILCHAIN_ENV": "production", "OILCHAIN_SECRET_KEY": "x" * 40,
                        "OILCHAIN_PUBLIC_BASE_URL": "https://trace.example.cn/"}
    )
    assert settings["SECRET_KEY"] == "x" * 40
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["PUBLIC_BASE_URL"] == "https://trace.example.cn"


def test_production_needs_the_public_base_url_printed_on_the_codes(tmp_path):
    with pytest.raises(config.ConfigError, match="OILCHAIN_PUBLIC_BASE_URL must be set in production"):
        config.from_environment(str(tmp_path), {"OILCHAIN_ENV": "production", "OILCHAIN_SECRET_KEY": "x" * 40})


def test_in_development_the_public_base_url_follows_the_bind_address_unless_set(tmp_path):
    assert config.from_environment(str(tmp_path), {})["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    bound = config.from_environment(str(tmp_path), {"PORT": "5077", "HOST": "127.0.0.2"})
    assert (bound["PUBLIC_BASE_URL"], bound["PUBLIC_BASE_URL_FROM_BIND"]) == ("http://127.0.0.2:5077", True)
    chosen = config.from_environment(str(tmp_path), {"PORT": "5077", "OILCHAIN_PUBLIC_BASE_URL": "https://t.example.cn"})
    assert (chosen["PUBLIC_BASE_URL"], chosen["PUBLIC_BASE_URL_FROM_BIND"]) == ("https://t.example.cn", False)
    assert config.bind_base_url("::1", 8000) == "http://[::1]:8000"
    assert not config.bind_base_url("0.0.0.0", 8000).startswith("http://0.0.0.0")


def test_the_request_size_limit_is_a_setting_with_bounds(tmp_path):
    assert config.from_environment(str(tmp_path), {})["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert config.from_environment(str(tmp_path), {"OILCHAIN_MAX_REQUEST_KB": "64"})["MAX_CONTENT_LENGTH"] == 65536
    for wrong in ("0", "lots", "1e3", "99999999"):
        with pytest.raises(config.ConfigError, match="OILCHAIN_MAX_REQUEST_KB"):
            config.from_environment(str(tmp_path), {"OILCHAIN_MAX_REQUEST_KB": wrong})


def test_unknown_environment_is_an_error(tmp_path):
    with pytest.raises(config.ConfigError, match="OILCHAIN_ENV"):
        config.from_environment(str(tmp_path), {"OILCHAIN_ENV": "staging"})


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    settings = config.from_environment(str(tmp_path), {})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path}/oilchain.db"
    assert settings["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


def test_create_app_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OILCHAIN_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("OILCHAIN_PUBLIC_BASE_URL", "https://trace.youyang.example/")
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["PUBLIC_BASE_URL"] == "https://trace.youyang.example"


def test_postgres_urls_are_driven_by_psycopg3():
    assert db.normalize_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalize_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_connections_enforce_foreign_keys_wal_and_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path}/pragmas.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


def test_models_and_migrations_do_not_differ(database_url):
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_run_down_to_empty_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path}/roundtrip.db"
    migrate.upgrade(url)
    engine = create_engine(url)
    assert "lot" in inspect(engine).get_table_names()
    migrate.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert set(db.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_check_constraint_stops_a_negative_remaining(app, world):
    """The last line of defence behind the ledger's own checks."""
    from sqlalchemy.exc import IntegrityError

    from oilchain.harvest import services as harvest

    with app.app_context():
        session = db.session()
        lot = harvest.log_harvest(
            session, actor=world.actors["coop"], plot_id=world.plots["mawang"].id, weight_g=1000, harvested_on=world_day(), pickers=1
        )
        session.commit()
        with pytest.raises(IntegrityError):
            session.execute(text("UPDATE lot SET remaining = -1 WHERE id = :id"), {"id": lot.id})
            session.flush()
        session.rollback()


def world_day():
    from datetime import date

    return date(2025, 10, 30)


def test_the_command_line_reports_a_missing_production_secret_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("OILCHAIN_")}
    env["OILCHAIN_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "-c", "from oilchain.cli import main; main()", "db", "current"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Error: OILCHAIN_SECRET_KEY must be set")
    assert "Traceback" not in result.stderr
