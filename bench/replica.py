"""The consumer page's reads on a streaming replica (issue 17: "the consumer
pages read from a streaming replica"), measured on this machine.

Makes a streaming replica of the local PostgreSQL 15 cluster on a second
local cluster: `pg_basebackup -R -X stream` into a temporary folder, started
with `pg_ctl` on port 5440, both as the postgres OS user (the whole cluster
is copied: a few GB, about a minute). pg_hba.conf must let 127.0.0.1 in for
replication; if /etc/postgresql/15/main/pg_hba.conf has no `host replication
all 127.0.0.1/32 trust` line, the script adds it, reloads the primary and
says so (the line stays).

Then, --rounds times (5) in turn, primary and replica, which first alternating:

- the reads a lot's page needs when a worker renders it (`Cards.load` in
  oilchain/public/scan.py: services.resolve, media.consumer_extras,
  services.copied_thresholds), the same functions with a session bound to
  the primary or to the replica, for --bottles real bottles (drawn as
  bench/consumer_page.py draws them: most from the last shelf life);
- the replication lag: a row written on the primary (autocommit) in a
  scratch table of the database oilchain_replica_lag, timed until the replica
  sees it, --probes times a round.

Prints each round, then RESULT lines: ms per page's reads on each side and
replica/primary (medians, spread min..max), and the lag's median and p95
over all probes. The replica is stopped and its folder removed at the end,
also after an error or SIGTERM; oilchain_replica_lag is dropped.

    python bench/replica.py --database postgresql://postgres@127.0.0.1:5432/b10y [--rounds 5] [--bottles 300] [--probes 100]
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

from sqlalchemy import create_engine, text
from sqlmodel import Session

from _common import median
from consumer_page import bottle_paths

PG_BIN = "/usr/lib/postgresql/15/bin"
PG_HBA = "/etc/postgresql/15/main/pg_hba.conf"
REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"
REPLICA_PORT = 5440
SCRATCH = "oilchain_replica_lag"


def as_postgres(*command: str, timeout: float = 600) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, timeout=timeout)


def allow_replication(primary) -> None:
    with open(PG_HBA) as handle:
        if any(line.split() == REPLICATION_LINE.split() for line in handle):
            return
    with open(PG_HBA, "a") as handle:
        handle.write(f"\n# bench/replica.py: streaming replicas on this machine\n{REPLICATION_LINE}\n")
    with primary.connect() as connection:
        connection.execute(text("SELECT pg_reload_conf()"))
    print(f"added `{REPLICATION_LINE}` to {PG_HBA} and reloaded the primary (the line stays)")


class Replica:
    """A hot standby of the local cluster in a temporary folder, on REPLICA_PORT."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="cr_replica-")
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = os.path.join(self.folder, "data")

    def start(self, primary_port: int) -> None:
        started = time.monotonic()
        as_postgres(f"{PG_BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
                    "-D", self.data, "-R", "-X", "stream", "-c", "fast")
        self.copied_in = time.monotonic() - started
        # Debian keeps the configuration outside the data folder: the replica gets its own.
        with open(os.path.join(self.data, "postgresql.conf"), "w") as handle:
            handle.write(f"port = {REPLICA_PORT}\nlisten_addresses = '127.0.0.1'\n"
                         f"unix_socket_directories = '{self.folder}'\nhot_standby = on\nshared_buffers = 256MB\n")
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as handle:
            handle.write("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        for name in ("postgresql.conf", "pg_hba.conf"):
            shutil.chown(os.path.join(self.data, name), "postgres", "postgres")
        as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.folder, "log"), "-w", "-t", "120", "start")

    def log_tail(self, lines: int = 15) -> str:
        try:
            with open(os.path.join(self.folder, "log")) as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", timeout=120)
            except (subprocess.SubprocessError, OSError) as error:
                print(f"could not stop the replica: {error}")
        shutil.rmtree(self.folder, ignore_errors=True)


def caught_up(primary, replica, timeout: float = 300) -> float:
    """Wait until the replica has replayed the primary's WAL as of now (it
    starts behind by what was written during the copy); returns the seconds."""
    with primary.connect() as connection:
        target = connection.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
    started = time.monotonic()
    with replica.connect() as connection:
        while not connection.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:target AS pg_lsn)"),
                                     {"target": target}).scalar_one():
            if time.monotonic() - started > timeout:
                raise SystemExit(f"the replica did not catch up with {target} within {timeout:.0f} s")
            time.sleep(0.2)
    return time.monotonic() - started


def page_reads(session: Session, gtin: str, lot_code: str) -> None:
    """What a worker reads to render a lot's page (Cards.load), without the rendering."""
    from oilchain.public import media, services

    level = services.resolve(session, key="", gtin=gtin, lot_code=lot_code)
    media.consumer_extras(level, session)
    services.copied_thresholds(session)


def time_reads(engine, bottles: list[tuple[str, str]]) -> float:
    """Milliseconds per page's reads, one session per page as Cards.load has."""
    started = time.perf_counter()
    for gtin, lot_code in bottles:
        with Session(engine) as session:
            page_reads(session, gtin, lot_code)
    return (time.perf_counter() - started) * 1000 / len(bottles)


def lag_probes(primary, replica, count: int) -> list[float]:
    """Milliseconds from a row's commit on the primary until the replica sees it."""
    lags = []
    with primary.connect() as writer, replica.connect() as reader:
        for _ in range(count):
            row = writer.execute(text("INSERT INTO lag_probe (written_at) VALUES (now()) RETURNING id")).scalar_one()
            writer.commit()
            committed = time.perf_counter()
            while reader.execute(text("SELECT 1 FROM lag_probe WHERE id = :id"), {"id": row}).first() is None:
                reader.rollback()  # a fresh snapshot for the next look
                if time.perf_counter() - committed > 30:
                    raise SystemExit(f"the replica did not see probe {row} within 30 s")
            reader.rollback()
            lags.append((time.perf_counter() - committed) * 1000)
    return lags


def spread(values: list[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f}..{max(values):.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description="The consumer page's reads on a streaming replica, and its lag")
    parser.add_argument("--database", default=os.environ.get("OILCHAIN_DATABASE_URL"),
                        help="the loaded database on the local cluster (default OILCHAIN_DATABASE_URL)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bottles", type=int, default=300, help="lots' pages read per side a round")
    parser.add_argument("--probes", type=int, default=100, help="lag probes a round")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if not args.database or not args.database.startswith("postgresql://"):
        raise SystemExit("Give --database postgresql://postgres@127.0.0.1:5432/NAME (a loaded database).")
    os.environ["OILCHAIN_DATABASE_URL"] = args.database  # the app below, for url_for in consumer_extras
    from oilchain import create_app
    from oilchain.db import make_engine

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit("terminated")))
    primary = make_engine(args.database)
    primary_port = primary.url.port or 5432
    admin = create_engine(primary.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    paths, drawn = bottle_paths(args.database, args.bottles, args.seed, 0.9)
    bottles = [(path.split("/")[2], path.split("/")[4]) for path in paths]
    print(f"bottles: {drawn}")
    replica, engines = None, [primary]
    try:
        allow_replication(primary)
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH}"))
            connection.execute(text(f"CREATE DATABASE {SCRATCH}"))
        scratch_primary = create_engine(primary.url.set(database=SCRATCH))
        engines.append(scratch_primary)
        with scratch_primary.begin() as connection:
            connection.execute(text("CREATE TABLE lag_probe (id serial PRIMARY KEY, written_at timestamptz NOT NULL)"))
        replica = Replica()
        replica.start(primary_port)
        print(f"replica: pg_basebackup -R -X stream -c fast into {replica.data} ({replica.copied_in:.0f} s), "
              f"pg_ctl start on 127.0.0.1:{REPLICA_PORT}")
        on_replica = make_engine(primary.url.set(port=REPLICA_PORT).render_as_string(hide_password=False))
        scratch_replica = create_engine(scratch_primary.url.set(port=REPLICA_PORT))
        engines += [on_replica, scratch_replica]
        with on_replica.connect() as connection:
            assert connection.execute(text("SELECT pg_is_in_recovery()")).scalar_one(), "the replica is not a standby"
        print(f"replica caught up with the primary in {caught_up(primary, on_replica):.1f} s")
        app = create_app()
        with app.test_request_context():
            for engine in (primary, on_replica):  # each side's caches warm before the rounds
                time_reads(engine, bottles)
            lag_probes(scratch_primary, scratch_replica, 10)
            on_primary_ms, on_replica_ms, ratios, lags = [], [], [], []
            for n in range(1, args.rounds + 1):
                sides = [("primary", primary), ("replica", on_replica)]
                timed = {name: time_reads(engine, bottles) for name, engine in (sides if n % 2 else sides[::-1])}
                on_primary_ms.append(timed["primary"])
                on_replica_ms.append(timed["replica"])
                ratios.append(timed["replica"] / timed["primary"])
                round_lags = lag_probes(scratch_primary, scratch_replica, args.probes)
                lags += round_lags
                print(f"  round {n}: page reads primary {timed['primary']:.2f} ms, replica {timed['replica']:.2f} ms, "
                      f"replica/primary {ratios[-1]:.3f}; lag median {median(round_lags):.2f} ms, "
                      f"max {max(round_lags):.2f} ms ({args.probes} probes)")
        p95 = statistics.quantiles(lags, n=20)[-1]
        print(f"RESULT page reads (resolve, consumer_extras, copied_thresholds) of {len(bottles)} lots: primary "
              f"{median(on_primary_ms):.2f} ms (spread {spread(on_primary_ms)}), replica {median(on_replica_ms):.2f} ms "
              f"(spread {spread(on_replica_ms)}) per page; replica/primary = {median(ratios):.3f} "
              f"(median of {args.rounds} rounds, spread {spread(ratios, 3)})")
        round_medians = [median(lags[i:i + args.probes]) for i in range(0, len(lags), args.probes)]
        print(f"RESULT replication lag (commit on the primary until visible on the replica): median {median(lags):.2f} ms, "
              f"p95 {p95:.2f} ms over {len(lags)} probes (round medians {spread(round_medians)} ms)")
    except BaseException:
        if replica is not None:
            print(f"the replica's log ends:\n{replica.log_tail()}")
        raise
    finally:
        for engine in engines:
            engine.dispose()
        if replica is not None:
            replica.stop()
            print(f"replica stopped, {replica.folder} removed")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
        admin.dispose()


if __name__ == "__main__":
    main()
