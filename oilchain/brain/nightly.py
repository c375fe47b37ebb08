"""The brain's nightly run (jobs.py "nightly_brain", for yesterday): the
season's forecast as of the day, then the backtest of the last finished
season, then the early warnings (after the forecast, which harvest_behind
reads; the job runs after the nightly roll-up, which target_behind reads).
Each step returns a line for the job's record.

Not one long transaction: the forecast and the backtest are committed
together, then each warning rule on its own, each through db.transaction.
So a writer racing the run (a sale's price_outlier, a survival check's
low_survival, a quality test's quality_below_grade inserting the same
standing warning; another run of the job, an admin's "run now") only makes
that step run again from a fresh transaction, where it sees the other's
rows (the warning to update, the forecast rows to replace): it never fails
the night, nor rolls back the forecast with a warning."""

from datetime import date

from sqlmodel import Session

from .. import db
from . import forecast, warnings

# How many times a step runs again after a racing writer committed first.
# Each retry means another writer finished (two runs of the job at once both
# replace the day's forecast: the later one loses once to each earlier one),
# so this is how many writers may race one step, well over the scheduled
# run, an admin's "run now" and the reactions of the moment.
RETRIES = 8


def run(session: Session, day: date) -> str:
    return "; ".join([*forecast_step(session, day), warnings_line(session, day)])


def forecast_step(session: Session, day: date) -> list[str]:
    """The forecast and the backtest, committed together."""
    return db.transaction(session, lambda: [forecast_line(session, day), backtest_line(session, day)], RETRIES)


def forecast_line(session: Session, day: date) -> str:
    made = forecast.compute(session, day)
    county = made.county
    how = "curve only" if county.curve_only else f"{county.harvested_seed_g // 1_000_000:,} t harvested"
    return f"forecast {made.season} as of {day}: {county.forecast_seed_g // 1_000_000:,} t of seed ({how})"


def backtest_line(session: Session, day: date) -> str:
    season = forecast.last_finished_season(session, day)
    if season is None:
        return "no finished season to backtest yet"
    rows = forecast.backtest(session, season)
    errors = ", ".join(f"{row.as_of:%m-%d} {row.error_permille / 10:+.1f}%" for row in rows)
    return f"backtest {season}: {errors}"


def warnings_line(session: Session, day: date) -> str:
    """Every kind's evaluation (warnings.evaluate_kind), each committed on its own."""
    found = {}
    for kind in warnings.kinds_to_evaluate(session):
        found[kind] = db.transaction(session, lambda kind=kind: warnings.evaluate_kind(session, day, kind), RETRIES)
    standing = sum(counts["found"] for counts in found.values())
    new = sum(counts["new"] for counts in found.values())
    resolved = sum(counts["resolved"] for counts in found.values())
    return f"warnings: {standing} standing ({new} new), {resolved} resolved"
