"""The ledger's races, to rerun on any commit: for each rule, N threads
(each its own session) send the same request at once, and this prints how
many won, how many were refused and how many failed, the lone request's
refusal after the race, and any invariant the race broke.

    python bench/races.py                      # PostgreSQL at 127.0.0.1:5432, a fresh database
    python bench/races.py --url sqlite:///races.db --threads 30 --only receive,dispatch
    python bench/races.py --http 100 --http-threads 4   # also 100 receipts at once through gunicorn -w 2

The scenarios are the test suite's (tests/races.py); tests/test_races.py
asserts what this prints. Not a benchmark: it measures correctness.
"""

import argparse
import os
import sys
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from oilchain import clock, create_app, db, migrate  # noqa: E402
from oilchain.reference import seed_reference_data  # noqa: E402
from tests import chain, races  # noqa: E402

TODAY = datetime(2025, 12, 20, 10, 0)  # the suite's pinned day: the scenarios' dates come before it


def fresh_postgres(server_url: str) -> tuple[str, callable]:
    name = f"oilchain_races_{int(time.time())}_{os.getpid()}"
    server = make_url(db.normalize_url(server_url))
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def http_race(app, url: str, requests: int, threads: int) -> bool:
    """`requests` receipts of one shipment at once, over HTTP, through
    gunicorn with two workers (and `threads` threads each)."""
    from consumer_page import Server, free_port
    from oilchain import invariants

    with app.app_context():
        session = db.session()
        db.erase_all(session)
        seed_reference_data(session)
        session.commit()
        world = chain.make_world(session)
        code = races.shipped_seed_code(session, world)
    port = free_port()
    os.environ["OILCHAIN_DATABASE_URL"] = url
    server = Server(port, 2, threads=threads)
    try:
        server.wait_ready()
        answers = races.http_receipts(f"http://127.0.0.1:{port}", code, requests)
    finally:
        server.stop()
    statuses = sorted(status for status, _ in answers)
    received = statuses.count(303)
    told = sum(1 for status, body in answers if status == 422 and "it was received before" in body)
    with app.app_context():
        broken = invariants.violations(db.session())
    ok = received == 1 and told == requests - 1 and not broken
    print(f"RESULT race http_receive    winners {received:>2}/{requests} over gunicorn -w 2 --threads {threads}: "
          f"{told} told it was received, {sum(1 for s in statuses if s >= 500)} answered 5xx, "
          f"{'invariants hold' if not broken else 'BROKEN: ' + '; '.join(broken)}  [{'ok' if ok else 'FAIL'}]")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=None, help="a database URL to use as it is (default: a fresh PostgreSQL database)")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server for the fresh database")
    parser.add_argument("--threads", type=int, default=races.THREADS)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--http", type=int, default=0, help="also race this many receipts over HTTP (gunicorn -w 2)")
    parser.add_argument("--http-threads", type=int, default=1, help="gunicorn's --threads for the HTTP race")
    args = parser.parse_args()
    url, drop = (args.url, lambda: None) if args.url else fresh_postgres(args.server)
    names = [n for n in args.only.split(",") if n] or [s.name for s in races.SCENARIOS]
    try:
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SERIAL_KEY": "races", "PUBLIC_BASE_URL": "https://trace.example.cn"})
        engine = races.race_engine(url, args.threads)
        print(f"{args.threads} threads per race on {make_url(db.normalize_url(url)).get_backend_name()}")
        failed = 0
        with clock.frozen(TODAY):
            for name in names:
                scenario = races.BY_NAME[name]
                with app.app_context():
                    session = db.session()
                    db.erase_all(session)
                    seed_reference_data(session)
                    session.commit()
                    world = chain.make_world(session)
                result = races.run_scenario(app, engine, world, scenario, args.threads)
                outcome, broken = result.outcome, result.broken
                clean = not result.differing
                ok = len(outcome.won) == scenario.expected_winners(args.threads) and not outcome.errors and clean and not broken
                failed += not ok
                print(f"RESULT race {name:<15} winners {len(outcome.won):>2}/{args.threads} "
                      f"refused {len(outcome.refused):>2} errors {len(outcome.errors):>2} "
                      f"{'same refusal as alone' if clean else 'refusals differ from alone'} "
                      f"{'invariants hold' if not broken else 'BROKEN: ' + '; '.join(f'{k} ({v})' for k, v in broken.items())}"
                      f"  [{'ok' if ok else 'FAIL'}] ({scenario.rule})")
                if not ok:
                    print(f"    {outcome.summary()}")
                    print(f"    alone: {result.alone}")
                    for i, message in result.differing[:2]:
                        print(f"    request {i} was told: {message}")
            if args.http:
                failed += not http_race(app, url, args.http, args.http_threads)
        engine.dispose()
        app.extensions["oilchain.engine"].dispose()
        app.extensions["oilchain.scan_engine"].dispose()
        print(f"{failed} of {len(names)} races failed")
        return 1 if failed else 0
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
