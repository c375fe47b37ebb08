"""Putting a backup back (`oilchain restore`), then checking that it came
back whole: the schema revision and every table's row count as the manifest
says, and the ledger's invariants (invariants.py). A database that holds data
is refused unless the caller says so (`force`)."""

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from . import invariants, migrate
from .admin.models import Township, Variety
from .backup import (BackupError, Manifest, backend_of, count_rows, file_sha256, fingerprint, libpq, manifest_path,
                     pg_tool, read_only_uri, revision_of, run_tool, sqlite_path)
from .db import normalize_url
from .ledger.models import YieldBound
from .nursery.models import DispatchAgeLimit, GradingStandard
from .processing.models import GradeLimit, QualityGrade
from .reports.models import Target
from .sales.models import PriceBound

# What `oilchain db upgrade` puts into a new database: a database holding
# only these (and the schema) counts as empty.
REFERENCE_TABLES = {"alembic_version"} | {model.__tablename__ for model in (
    Township, Variety, YieldBound, DispatchAgeLimit, GradingStandard, QualityGrade, GradeLimit, Target, PriceBound)}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Restored:
    manifest: Manifest
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def locate(path: str) -> tuple[Path, Manifest]:
    """The backup file and its manifest, from either's name."""
    path = Path(path)
    if path.name.endswith(".json"):
        manifest = Manifest.read(path)
        return path.with_name(manifest.file), manifest
    if not manifest_path(path).exists():
        raise BackupError(f"No manifest {manifest_path(path).name} beside {path}: not a complete backup.")
    return path, Manifest.read(manifest_path(path))


def _engine(url: str):
    return create_engine(normalize_url(url), poolclass=NullPool)


def data_rows(url: str) -> dict[str, int]:
    """Tables of the database at `url` that hold more than reference data."""
    if backend_of(url) == "sqlite" and not sqlite_path(url).exists():
        return {}
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return {name: n for name, n in count_rows(connection).items() if n and name not in REFERENCE_TABLES}
    except Exception as error:  # the driver's own words say best what is wrong with the address
        raise BackupError(f"Cannot open the database to restore into (create it first, e.g. with createdb): "
                          f"{error}".splitlines()[0])
    finally:
        engine.dispose()


def restore(url: str, path: str, *, force: bool = False, serial_key: str | None = None,
            ignore_serial_key: bool = False) -> Restored:
    """Restore the backup at `path` into the database at `url` and check it."""
    backup_file, manifest = locate(path)
    done = Restored(manifest)
    if not backup_file.exists():
        raise BackupError(f"The backup file {backup_file} is missing.")
    if file_sha256(backup_file) != manifest.sha256:
        raise BackupError(f"{backup_file.name} does not match its manifest's SHA-256: the file is damaged.")
    done.checks.append(Check("backup file", True, f"{backup_file.name}, {manifest.size:,} bytes, SHA-256 as recorded"))
    backend = backend_of(url)
    if backend != manifest.backend:
        raise BackupError(f"This is a {manifest.backend} backup; it cannot be restored into a {backend} database.")
    done.checks.append(_serial_key_check(manifest, serial_key, ignore_serial_key))
    held = data_rows(url)
    if held and not force:
        some = ", ".join(f"{name} ({n} rows)" for name, n in sorted(held.items())[:4])
        raise BackupError(f"The database is not empty: {some}. Restore into an empty database, "
                          f"or say --force to replace everything in it.")
    (_restore_sqlite if backend == "sqlite" else _restore_postgres)(url, backup_file)
    done.checks.extend(verify(url, manifest))
    return done


def _serial_key_check(manifest: Manifest, serial_key: str | None, ignore: bool) -> Check:
    recorded, configured = manifest.serial_key_fingerprint, fingerprint(serial_key)
    if recorded is None or configured is None:
        return Check("serial key", True, "not compared (no fingerprint recorded or no key configured)")
    if recorded == configured:
        return Check("serial key", True, "the configured OILCHAIN_SERIAL_KEY is the one the backup was made with")
    if not ignore:
        raise BackupError(
            "The configured serial key (OILCHAIN_SERIAL_KEY, or OILCHAIN_SECRET_KEY when it is unset) is not the "
            "one this backup was made with: every bottle code already printed would be void. Set the old key, "
            "or say --ignore-serial-key if you really mean to change it.")
    return Check("serial key", True, "DIFFERENT from the backup's (--ignore-serial-key): printed bottle codes are void")


def _restore_sqlite(url: str, backup_file: Path) -> None:
    target_path = sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(read_only_uri(backup_file), uri=True)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)  # replaces every page of the target
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        target.close()


def _restore_postgres(url: str, backup_file: Path) -> None:
    arguments, env = libpq(url)
    pg_restore = pg_tool("pg_restore")
    # Before anything is dropped: the tool is there and reads this dump (its
    # version takes the dump's format), so a failure cannot leave the target empty.
    run_tool([pg_restore, "--list", str(backup_file)], env)
    engine = _engine(url)
    try:
        with engine.begin() as connection:  # --force: what is there goes first, in one transaction
            found = inspect(connection)
            for name in found.get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
            for name in found.get_sequence_names():
                connection.execute(text(f'DROP SEQUENCE IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()
    run_tool([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *arguments, str(backup_file)], env)


def verify(url: str, manifest: Manifest) -> list[Check]:
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            tables = count_rows(connection)
            revision = revision_of(tables, connection)
        with Session(engine) as session:
            broken = invariants.violations(session)
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()
    later = "" if revision == head else f"; the app's migrations are at {head}: run `oilchain db upgrade`"
    differ = {name: (manifest.tables.get(name), tables.get(name)) for name in set(tables) | set(manifest.tables)
              if manifest.tables.get(name) != tables.get(name)}
    rows = sum(tables.values())
    return [
        Check("schema revision", revision == manifest.revision, f"{revision} (backup: {manifest.revision}){later}"),
        Check("row counts", not differ,
              f"{len(tables)} tables, {rows:,} rows, as the manifest says" if not differ else
              "differ (table: backup, restored): " + ", ".join(f"{n}: {a}, {b}" for n, (a, b) in sorted(differ.items()))),
        Check("ledger invariants", not broken, f"all {len(invariants.INVARIANTS)} hold" if not broken else
              "broken: " + "; ".join(f"{name} ({n} rows)" for name, n in broken.items())),
    ]
