"""Backups taken while the app writes: how many lots each way loses.

Threads log 1 kg harvests through the service (each its own session and
transaction, as requests would) the whole time. Each round notes every lot
committed so far, then takes a backup the naive way and the oilchain way,
puts each back into a fresh database and counts the lots that were committed
before the backup began and are missing from it:

- SQLite: `cp` of the database file (the WAL's recent commits are not in
  it) versus `oilchain backup` (the online backup API), put back with
  `oilchain restore`;
- PostgreSQL: a plain `pg_dump --format=custom` + `pg_restore` versus
  `oilchain backup` + `oilchain restore` (pg_dump is a consistent snapshot
  already; oilchain's adds the manifest and the checks).

    python bench/backup_under_load.py [--rounds 3] [--writers 4] [--warmup 3] [--pg postgresql://postgres@127.0.0.1:5432]
    python bench/backup_under_load.py --no-pg

Prints one RESULT line per way and backend: lots lost of lots committed, summed over the rounds.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from oilchain import clock, create_app, db, migrate  # noqa: E402
from oilchain.reference import seed_reference_data  # noqa: E402
from tests import chain  # noqa: E402
from tests.writers import HarvestWriters  # noqa: E402

TODAY = datetime(2025, 12, 20, 10, 0)
OILCHAIN = [sys.executable, "-c", "from oilchain.cli import main; main()"]


def codes_in(url):
    """The lot codes in a database, or None when it cannot be read at all."""
    engine = create_engine(db.normalize_url(url))
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT code FROM lot")).scalars())
    except Exception as error:
        print(f"  unreadable: {str(error).splitlines()[0][:120]}")
        return None
    finally:
        engine.dispose()


def oilchain(url, *arguments):
    env = {**os.environ, "OILCHAIN_DATABASE_URL": url, "OILCHAIN_SERIAL_KEY": "bench"}
    done = subprocess.run([*OILCHAIN, *arguments], env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"oilchain {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(url):
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SERIAL_KEY": "bench", "PUBLIC_BASE_URL": "https://trace.example.cn"})
    with app.app_context():
        session = db.session()
        seed_reference_data(session)
        world = chain.make_world(session)
        return app, world


def measure(label, writers, take, rounds, base):
    lost = committed = 0
    for n in range(rounds):
        before = writers.so_far() | base
        restored_codes = take(n)
        missing = len(before) if restored_codes is None else len(before - restored_codes)
        lost, committed = lost + missing, committed + len(before)
        print(f"  {label} round {n + 1}: {missing} of {len(before)} lots committed before it are missing")
    return lost, committed


def sqlite_ways(work, rounds, count, warmup):
    url = f"sqlite:///{work}/app.db"
    app, world = prepare(url)
    base = codes_in(url)
    writers = HarvestWriters(app, url, world, count, keep_going=True)
    writers.start()
    time.sleep(warmup)

    def copied(n):
        subprocess.run(["cp", f"{work}/app.db", f"{work}/cp-{n}.db"], check=True)  # what an operator might do
        return codes_in(f"sqlite:///{work}/cp-{n}.db")

    def backed_up(n):
        path = oilchain(url, "backup", "--to", f"{work}/backups/").split(":")[0]
        oilchain(f"sqlite:///{work}/restored-{n}.db", "restore", path)
        return codes_in(f"sqlite:///{work}/restored-{n}.db")

    results = {"cp of the database file": measure("cp", writers, copied, rounds, base),
               "oilchain backup + restore": measure("oilchain backup", writers, backed_up, rounds, base)}
    writers.finish()
    return results, writers.errors


def postgres_ways(server_url, rounds, count, warmup):
    server = make_url(db.normalize_url(server_url))
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    stem = f"oilchain_backup_bench_{int(time.time())}"
    names = [stem] + [f"{stem}_{way}_{n}" for way in ("dump", "oc") for n in range(rounds)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url_of = lambda name: server.set(database=name).render_as_string(hide_password=False)  # noqa: E731
    work = tempfile.mkdtemp(prefix="oilchain-backup-bench-")
    try:
        app, world = prepare(url_of(stem))
        base = codes_in(url_of(stem))
        writers = HarvestWriters(app, url_of(stem), world, count, keep_going=True)
        writers.start()
        time.sleep(warmup)

        def dumped(n):
            conninfo = f"--dbname={db.normalize_url(url_of(stem)).replace('+psycopg', '')}"
            subprocess.run(["pg_dump", "--format=custom", f"--file={work}/dump-{n}", conninfo], check=True)
            target = f"--dbname={db.normalize_url(url_of(names[1 + n])).replace('+psycopg', '')}"
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", target, f"{work}/dump-{n}"], check=True)
            return codes_in(url_of(names[1 + n]))

        def backed_up(n):
            path = oilchain(url_of(stem), "backup", "--to", f"{work}/backups/").split(":")[0]
            oilchain(url_of(names[1 + rounds + n]), "restore", path)
            return codes_in(url_of(names[1 + rounds + n]))

        results = {"pg_dump + pg_restore": measure("pg_dump", writers, dumped, rounds, base),
                   "oilchain backup + restore": measure("oilchain backup", writers, backed_up, rounds, base)}
        writers.finish()
        app.extensions["oilchain.engine"].dispose()
        return results, writers.errors
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(backend, results, errors):
    for way, (lost, committed) in results.items():
        print(f"RESULT {backend}: {way}: {lost} of {committed} lots lost")
    if errors:
        print(f"  ({len(errors)} writes failed, e.g. {errors[0][:120]})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of writing before the first backup")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--no-pg", action="store_true")
    options = parser.parse_args()
    with clock.frozen(TODAY):
        work = tempfile.mkdtemp(prefix="oilchain-backup-bench-")
        try:
            print(f"SQLite ({work}), {options.writers} writers")
            report("SQLite", *sqlite_ways(work, options.rounds, options.writers, options.warmup))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if not options.no_pg:
            print(f"PostgreSQL ({options.pg}), {options.writers} writers")
            report("PostgreSQL", *postgres_ways(options.pg, options.rounds, options.writers, options.warmup))


if __name__ == "__main__":
    main()
