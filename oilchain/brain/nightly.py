"""The brain's nightly run (jobs.py "nightly_brain", for yesterday): the
season's forecast as of the day, then the backtest of the last finished
season, then the early warnings (after the forecast, which harvest_behind
reads; the job runs after the nightly roll-up, which target_behind reads).
Each step returns a line for the job's record."""

from datetime import date

from sqlmodel import Session

from . import forecast, warnings


def run(session: Session, day: date) -> str:
    lines = [forecast_line(session, day), backtest_line(session, day), warnings_line(session, day)]
    return "; ".join(lines)


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
    found = warnings.evaluate(session, day)
    standing = sum(counts["found"] for counts in found.values())
    new = sum(counts["new"] for counts in found.values())
    resolved = sum(counts["resolved"] for counts in found.values())
    return f"warnings: {standing} standing ({new} new), {resolved} resolved"
