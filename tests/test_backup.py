"""Backups that restore (oilchain/backup.py, oilchain/restore.py), on the
backend the suite runs on: a backup taken while threads write the ledger
through the services holds every row committed before it began, restores
into a fresh database whole (revision, row counts, invariants), and a
database with data is refused unless forced."""

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from oilchain import backup, db, jobs, restore
from oilchain.backup import BackupError
from oilchain.harvest import services as harvest
from oilchain.ledger.models import Lot

from . import chain
from .chain import HARVESTED_ON, KG
from .conftest import _drop_postgres_database, _recreate_postgres_database
from .writers import HarvestWriters

WRITERS = 3
KEY = "test-serial-key"  # the app fixture's


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """Another database, empty (not even migrated), to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = make_url(database_url)
    name = f"{server.database}_restore"
    _recreate_postgres_database(server, name)
    yield server.set(database=name).render_as_string(hide_password=False)
    _drop_postgres_database(server, name)


def wait_for(writers: HarvestWriters, rows: int) -> None:
    deadline = time.monotonic() + 30
    while len(writers.so_far()) < rows and time.monotonic() < deadline and not writers.errors:
        time.sleep(0.01)


def lot_codes(url: str) -> set[str]:
    engine = db.make_engine(url)
    with Session(engine) as session:
        codes = set(session.exec(select(Lot.code)))
    engine.dispose()
    return codes


def test_a_backup_taken_while_the_ledger_is_written_restores_every_row_committed_before_it(
        app, world, database_url, fresh_url, tmp_path):
    with app.app_context():
        chain.full_chain(db.session(), world)  # every kind of ledger row, then harvests racing the backup
    before = lot_codes(database_url)
    with HarvestWriters(app, database_url, world, WRITERS) as writers:
        wait_for(writers, 20)
        before |= writers.so_far()
        path, manifest = backup.backup(database_url, str(tmp_path / "backups") + "/", serial_key=KEY)
        during = writers.so_far() - before
        wait_for(writers, len(writers.so_far()) + 10)
    assert not writers.errors
    assert during, "no write was committed while the backup ran"
    assert path.exists() and backup.manifest_path(path).exists()
    assert not list(path.parent.glob(".*.tmp"))

    restored = restore.restore(fresh_url, str(path), serial_key=KEY)

    assert restored.ok, restored.checks
    assert [check.name for check in restored.checks] == [
        "backup file", "serial key", "schema revision", "row counts", "ledger invariants"]
    codes = lot_codes(fresh_url)
    assert before <= codes  # every lot committed before the backup began
    assert len(codes) == manifest.tables["lot"]
    assert len(codes - before) < len(during) + WRITERS + 1  # what came after it (but for the ones in flight) is not
    with app.app_context():  # the restored database goes on: its counters and sequences come back too
        engine = db.make_engine(fresh_url)
        with Session(engine, expire_on_commit=False) as session:
            lot = db.transaction(session, lambda: harvest.log_harvest(
                session, actor=world.actors["coop"], plot_id=world.plots["mawang"].id, weight_g=KG,
                harvested_on=HARVESTED_ON, pickers=1))
            assert lot.code not in codes and session.exec(select(func.count()).select_from(Lot)).one() == len(codes) + 1
        engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(app, world, database_url, tmp_path, monkeypatch):
    with app.app_context():
        chain.harvest_lot(db.session(), world)
    path, manifest = backup.backup(database_url, str(tmp_path / "b") + "/", serial_key=KEY)
    with app.app_context():
        later = chain.harvest_lot(db.session(), world, grams=2 * KG)
    with pytest.raises(BackupError, match="not empty"):
        restore.restore(database_url, str(path), serial_key=KEY)
    assert later.code in lot_codes(database_url)  # nothing was touched
    if database_url.startswith("postgresql"):  # a forced restore that cannot run drops nothing first
        with monkeypatch.context() as patched:
            patched.setattr(backup.shutil, "which", lambda name: None)
            with pytest.raises(BackupError, match="pg_restore is not installed"):
                restore.restore(database_url, str(path), force=True, serial_key=KEY)
        assert later.code in lot_codes(database_url)

    forced = restore.restore(database_url, str(backup.manifest_path(path)), force=True, serial_key=KEY)
    assert forced.ok, forced.checks
    assert later.code not in lot_codes(database_url) and len(lot_codes(database_url)) == manifest.tables["lot"] == 1


def test_restore_refuses_a_damaged_file_and_another_serial_key(app, world, database_url, fresh_url, tmp_path):
    path, _ = backup.backup(database_url, str(tmp_path / "b") + "/", serial_key=KEY)
    with pytest.raises(BackupError, match="serial key"):
        restore.restore(fresh_url, str(path), serial_key="another-key")
    assert restore.data_rows(fresh_url) == {}
    with path.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff\x00")
    with pytest.raises(BackupError, match="damaged"):
        restore.restore(fresh_url, str(path), serial_key=KEY)
    with pytest.raises(BackupError, match="not a complete backup"):
        restore.restore(fresh_url, str(tmp_path / "elsewhere.sqlite3"), serial_key=KEY)


def test_the_backup_and_restore_commands(app, runner, world, tmp_path):
    made = runner.invoke(args=["backup", "--to", str(tmp_path / "cli") + "/"])
    assert made.exit_code == 0, made.output
    (path,) = [p for p in (tmp_path / "cli").glob("oilchain-*") if not p.name.endswith(".json")]
    assert str(path) in made.output and "OILCHAIN_SERIAL_KEY" in made.output
    manifest = json.loads(backup.manifest_path(path).read_text())
    assert manifest["tables"]["organization"] == len(world.orgs) and manifest["revision"]
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1 and "not empty" in refused.output and "--force" in refused.output
    forced = runner.invoke(args=["restore", str(path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "ok   row counts" in forced.output and "ok   ledger invariants: all" in forced.output


def test_the_nightly_job_backs_up_and_keeps_what_retention_says(app, world):
    with app.app_context():
        record = jobs.execute(db.session(), jobs.JOBS["nightly_backup"], "2025-12-20")
        folder = app.config["BACKUP_DIR"]
    assert record.status == "ok", record.message
    assert "1 backups kept" in record.message
    assert len(backup.backups_in(folder)) == 1


def test_retention_keeps_the_last_days_and_weeks_and_nothing_else(tmp_path):
    start = datetime(2025, 9, 1, 19, 0, tzinfo=timezone.utc)  # 03:00 the next day in the county
    for day in range(60):
        for hour in (0, 2):  # two a day: only the day's newest is kept
            stamp = (start + timedelta(days=day, hours=hour)).strftime(backup.STAMP)
            (tmp_path / f"oilchain-{stamp}.sqlite3").write_bytes(b"x")
            (tmp_path / f"oilchain-{stamp}.sqlite3.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "oilchain-20250101T000000Z.sqlite3").write_bytes(b"no manifest: not ours to judge")

    removed = backup.prune(tmp_path, keep_daily=7, keep_weekly=4)

    kept = [taken.astimezone(backup.clock.COUNTY_TZ) for taken, _ in backup.backups_in(tmp_path)]
    days = [moment.date() for moment in kept]
    # the last 7 days (25 to 31 October) straddle two ISO weeks: the weeks add two more
    assert len(kept) == 7 + 2
    assert len(set(days)) == len(days) and all(moment.hour == 5 for moment in kept)  # each day's newest
    assert days[:7] == [days[0] - timedelta(days=n) for n in range(7)]
    assert len({day.isocalendar()[:2] for day in days}) == 4
    assert len(removed) == 120 - len(kept) and len(list(tmp_path.iterdir())) == 2 * len(kept) + 2  # file and manifest
    assert (tmp_path / "notes.txt").exists() and (tmp_path / "oilchain-20250101T000000Z.sqlite3").exists()


def test_backups_in_a_folder_of_any_name_restore(tmp_path, world, app, database_url):
    """Names SQLite's URIs and libpq's connection strings would misread: ?, #, % in the backup folder,
    quotes and backslashes in connection values."""
    assert backup.libpq("postgresql://o'ne:pw@127.0.0.1:5432/db\\x")[0] == [
        "--dbname=host='127.0.0.1' port='5432' user='o\\'ne' dbname='db\\\\x'"]
    if not database_url.startswith("sqlite"):
        return
    odd = tmp_path / "back?ups #%41 it's"
    path, _manifest = backup.backup(database_url, str(odd) + "/", serial_key=KEY)
    restored = restore.restore(f"sqlite:///{tmp_path / 'restored.db'}", str(path), serial_key=KEY)
    assert restored.ok, restored.checks
    source = f"sqlite:///{tmp_path / 'an odd one' / 'it' / 'source.db'}"  # and back up from a database restored there
    (tmp_path / "an odd one" / "it").mkdir(parents=True)
    assert restore.restore(source, str(path), serial_key=KEY).ok
    again, _manifest = backup.backup(source, str(odd / "again") + "/", serial_key=KEY)
    assert restore.restore(f"sqlite:///{tmp_path / 'restored2.db'}", str(again), serial_key=KEY).ok
