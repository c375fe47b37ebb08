"""Helpers shared by the benchmarks: the app on the benchmark database, and
medians of rounds taken in turn."""

import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def app(database_url: str | None = None):
    """The app on `database_url`, else on OILCHAIN_DATABASE_URL (two apps on
    two databases can live in one process: each has its own engines)."""
    from oilchain import create_app

    if database_url:
        return create_app({"DATABASE_URL": database_url})
    if not os.environ.get("OILCHAIN_DATABASE_URL"):
        sys.exit("Set OILCHAIN_DATABASE_URL to the loaded benchmark database (bench/run does).")
    return create_app()


def median(values):
    return statistics.median(values)


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    met = value >= target if higher_is_better else value <= target
    return f"target {'>=' if higher_is_better else '<='} {target:g}: {'MET' if met else 'MISSED'}"
