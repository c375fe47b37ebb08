"""The harvest forecast's backtest on the county-scale data: the forecast
"as of" earlier days of the demo season (`oilchain.brain.forecast.backtest`,
which reads and computes, writing only the season's ForecastBacktest rows)
against the seed the season's harvest gave. The generator draws each plot's
yield from the same yield curve, renovation effects and harvest window the
database holds, with noise per plot and per township's year, so the error
is what that noise and the window rule leave, not zero by construction.

    OILCHAIN_DATABASE_URL=... python bench/forecast_backtest.py [--season YEAR]
"""

import argparse
import time

from _common import app as make_app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--season", type=int, help="a finished season (default: the demo year)")
    args = parser.parse_args()
    app = make_app()
    with app.app_context():
        from oilchain import db
        from oilchain.brain import forecast
        from oilchain.demo.common import demo_year

        season = args.season or demo_year()
        session = db.session()
        started = time.perf_counter()
        rows = forecast.backtest(session, season)
        elapsed = time.perf_counter() - started
        session.commit()
        if not rows:
            print(f"season {season}: no harvest, nothing to backtest")
            return 1
        curve = forecast.estimate(session, rows[0].as_of).county.curve_seed_g
        print(f"season {season}: the curve alone expects {curve / 1e6:,.1f} t of seed; "
              f"harvested in the end {rows[0].actual_seed_g / 1e6:,.1f} t")
        print(f"{'as of':<12}{'forecast t':>14}{'actual t':>14}{'error':>9}")
        for row in rows:
            print(f"{row.as_of.isoformat():<12}{row.forecast_seed_g / 1e6:>14,.1f}{row.actual_seed_g / 1e6:>14,.1f}"
                  f"{row.error_permille / 10:>+8.1f}%")
        print(f"RESULT forecast backtest {season}: "
              + ", ".join(f"{row.as_of:%m-%d} {row.error_permille / 10:+.1f}%" for row in rows)
              + f" ({elapsed:.1f} s for {len(rows) + 1} forecasts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
