"""How long the early warnings' evaluation takes on a loaded database
(e.g. after `oilchain demo --scale county`), rule by rule, and that a rerun
finds the same warnings (nothing new). Rolls back: the database is left as
it was.

    OILCHAIN_DATABASE_URL=... python bench/warnings_county.py [--day 2025-12-20]
"""

import argparse
import time
from datetime import date

from _common import app as make_app  # puts the checkout on sys.path

from oilchain import clock, db  # noqa: E402
from oilchain.brain import warnings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--day", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    app = make_app()
    with app.app_context():
        session = db.session()
        day = args.day or clock.today()
        total = 0.0
        print(f"evaluate() for {day}, rule by rule:")
        for kind in warnings.RULES:
            started = time.perf_counter()
            found = warnings.evaluate(session, day, kinds=(kind,)).get(kind, {})
            took = time.perf_counter() - started
            total += took
            print(f"  {kind:22} {took * 1000:8.0f} ms  {found}")
        started = time.perf_counter()
        again = warnings.evaluate(session, day)
        rerun = time.perf_counter() - started
        new = sum(found["new"] for found in again.values())
        print(f"all rules: {total:.2f} s; rerun of all: {rerun:.2f} s, {new} new (expected 0)")
        session.rollback()


if __name__ == "__main__":
    main()
