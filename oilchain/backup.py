"""Backups that restore (`oilchain backup`, `oilchain restore`, the nightly job).

A backup is one file and its manifest beside it (the same name + `.json`):
SQLite through the online backup API (one step, a consistent snapshot while
the app goes on writing), PostgreSQL through `pg_dump --format=custom` run
on a snapshot exported by a transaction of ours, so the manifest's row
counts are counted in the very snapshot the dump holds. Each file is written
under a hidden temporary name and renamed when complete, the manifest last:
a backup without a manifest is not a backup. restore.py puts one back.
"""

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from . import clock
from .db import normalize_url

FORMAT = 1
PREFIX = "oilchain-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
NAME_RE = re.compile(r"^oilchain-(\d{8}T\d{6}Z)(?:-\d+)?\.(sqlite3|pgdump)$")
STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Manifest:
    file: str  # the backup file's name, beside the manifest
    backend: str  # sqlite | postgresql
    created_at: str  # UTC, ISO 8601: when the snapshot was taken
    revision: str | None  # the schema's Alembic revision in the snapshot
    tables: dict  # table name -> rows in the snapshot
    sha256: str  # of the backup file
    size: int
    serial_key_fingerprint: str | None  # which serial key the bottle codes were signed with
    format: int = FORMAT

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise BackupError(f"{path} is not a readable backup manifest ({error})")


def backend_of(url: str) -> str:
    return make_url(normalize_url(url)).get_backend_name()


def sqlite_path(url: str) -> Path:
    database = make_url(normalize_url(url)).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def fingerprint(serial_key: str | None) -> str | None:
    """A fingerprint of the serial key that does not reveal it: restore
    compares it with the key the new machine is configured with."""
    if not serial_key:
        return None
    return hmac.new(serial_key.encode(), b"oilchain serial key fingerprint", hashlib.sha256).hexdigest()[:16]


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".json")


def target_path(to: str | os.PathLike, backend: str, now: datetime) -> Path:
    """`--to` names a folder (existing, or ending in /) to put a timestamped
    file in, or the file itself."""
    folder = str(to).endswith(("/", os.sep))
    to = Path(to)
    if not (folder or to.is_dir()):
        return to
    to.mkdir(parents=True, exist_ok=True)
    base = f"{PREFIX}{now.strftime(STAMP)}"
    path, n = to / (base + SUFFIXES[backend]), 1
    while path.exists() or manifest_path(path).exists():
        path, n = to / f"{base}-{n}{SUFFIXES[backend]}", n + 1
    return path


def count_rows(connection) -> dict[str, int]:
    quote = connection.dialect.identifier_preparer.quote
    return {
        name: int(connection.execute(text(f"SELECT COUNT(*) FROM {quote(name)}")).scalar())
        for name in sorted(inspect(connection).get_table_names())
    }


def revision_of(tables: dict, connection) -> str | None:
    if "alembic_version" not in tables:
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(url: str, to: str | os.PathLike, *, serial_key: str | None = None,
           now: datetime | None = None) -> tuple[Path, Manifest]:
    """Back the database at `url` up to `to` (a folder or a file name) and
    return the file's path and the manifest written beside it."""
    backend = backend_of(url)
    if backend not in SUFFIXES:
        raise BackupError(f"Backups of {backend} databases are not supported.")
    now = now or datetime.now(timezone.utc)
    path = target_path(to, backend, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        snapshot = _sqlite_backup if backend == "sqlite" else _postgres_backup
        tables, revision = snapshot(url, temporary)
        _fsync(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    manifest = Manifest(
        file=path.name, backend=backend, created_at=now.isoformat(timespec="seconds"), revision=revision,
        tables=tables, sha256=file_sha256(path), size=path.stat().st_size, serial_key_fingerprint=fingerprint(serial_key),
    )
    write_manifest(manifest, manifest_path(path))
    return path, manifest


def write_manifest(manifest: Manifest, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(asdict(manifest), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, path)


def _sqlite_backup(url: str, temporary: Path) -> tuple[dict, str | None]:
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"No database at {source_path}.")
    source = sqlite3.connect(read_only_uri(source_path), uri=True, timeout=30)
    target = sqlite3.connect(temporary)
    try:
        # All pages in one step: a read transaction on the source for the
        # whole copy, so it is one snapshot; WAL lets writers go on meanwhile
        # (a copy in several steps restarts whenever another connection writes).
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The copy failed SQLite's quick_check; the database itself may be damaged.")
    finally:
        source.close()
        target.close()
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(temporary))  # any file name, no URL to parse
    try:
        with engine.connect() as connection:
            tables = count_rows(connection)
            return tables, revision_of(tables, connection)
    finally:
        engine.dispose()


def libpq(url: str) -> tuple[list[str], dict]:
    """pg_dump/pg_restore arguments for `url`: a connection string without
    the password, which goes in PGPASSWORD (never on a command line)."""
    parsed = make_url(normalize_url(url))
    parts = {"host": parsed.host, "port": parsed.port, "user": parsed.username, "dbname": parsed.database,
             **{key: value for key, value in parsed.query.items() if isinstance(value, str)}}
    conninfo = " ".join(f"{key}='{conninfo_value(value)}'" for key, value in parts.items() if value)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return [f"--dbname={conninfo}"], env


def conninfo_value(value) -> str:
    """A value for a quoted libpq keyword=value pair: backslashes and quotes escaped."""
    return str(value).replace("\\", "\\\\").replace("'", "\\'")


def read_only_uri(path) -> str:
    """An SQLite URI that opens `path` read-only, whatever characters its name has (?, #, %)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client of your server's version "
                          f"(Debian: apt-get install postgresql-client).")
    return found


def run_tool(arguments: list[str], env: dict) -> None:
    done = subprocess.run(arguments, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _postgres_backup(url: str, temporary: Path) -> tuple[dict, str | None]:
    engine = create_engine(normalize_url(url), isolation_level="REPEATABLE READ", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            # Our snapshot, exported: pg_dump reads exactly what we count.
            connection.execute(text("SET TRANSACTION READ ONLY"))
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
            tables = count_rows(connection)
            revision = revision_of(tables, connection)
            arguments, env = libpq(url)
            run_tool([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={temporary}",
                      *arguments], env)
            connection.rollback()
    finally:
        engine.dispose()
    return tables, revision


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


# --- retention ----------------------------------------------------------------------------


def backups_in(directory: str | os.PathLike) -> list[tuple[datetime, Path]]:
    """The complete backups (file and manifest) in a folder, newest first."""
    found = []
    for path in Path(directory).glob(f"{PREFIX}*"):
        match = NAME_RE.match(path.name)
        if match and manifest_path(path).exists():
            found.append((datetime.strptime(match.group(1), STAMP).replace(tzinfo=timezone.utc), path))
    return sorted(found, reverse=True)


def prune(directory: str | os.PathLike, keep_daily: int, keep_weekly: int, now: datetime | None = None) -> list[str]:
    """Keep the newest backup of each of the last `keep_daily` days that have
    one and of each of the last `keep_weekly` weeks (days and ISO weeks in
    the county); remove the other backups, and temporary files a crashed run
    left over a day ago. Files not named like our backups are never touched."""
    kept, days, weeks = set(), [], []
    for taken, path in backups_in(directory):
        local = taken.astimezone(clock.COUNTY_TZ).date()
        day, week = local, local.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            kept.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            kept.add(path)
    removed = []
    for _, path in backups_in(directory):
        if path not in kept:
            path.unlink(missing_ok=True)
            manifest_path(path).unlink(missing_ok=True)
            removed.append(path.name)
    stale = (now or datetime.now(timezone.utc)) - timedelta(days=1)
    for path in Path(directory).glob(f".{PREFIX}*.tmp"):
        if datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) < stale:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
