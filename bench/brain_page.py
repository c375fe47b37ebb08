"""Brain page benchmark: the server time of the brain (/brain/, and its data
/brain/map.json, which the big screen fetches again every few minutes)
against the dashboard (/reports/dashboard) in the same run, signed in as the
county's manager, through Flask's test client (the whole request in the app:
routing, sign-in check, queries, template; no network). Rounds are taken in
turn (brain, map data, dashboard); the figures are the medians of the
per-round times and of the per-round ratios time(brain)/time(dashboard).
Target: the brain page under 0.5 s on the county-scale data.

    OILCHAIN_DATABASE_URL=sqlite:///county.db python bench/brain_page.py [--rounds 9] [--season 2025]

Any backend: the county database made by `oilchain db upgrade && oilchain demo
--scale county` (bench/run makes one on PostgreSQL; a SQLite file works too).
"""

import argparse
import re
import time

from sqlalchemy import func, select

from _common import app as make_app
from _common import median, verdict

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def sign_in(client, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    match = CSRF.search(page)
    response = client.post("/login", data={"username": "manager", "password": password,
                                           "csrf_token": match.group(1) or match.group(2)})
    assert response.status_code == 303, "the manager could not sign in (is this the county demo database?)"


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    spent = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return spent


def main():
    parser = argparse.ArgumentParser(description="The brain page against the dashboard")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--season", type=int, help="the season on show (default: the dashboard's year)")
    args = parser.parse_args()
    from oilchain import db
    from oilchain.brain.models import Forecast, Warning
    from oilchain.demo import DEMO_PASSWORD
    from oilchain.planting.models import Plot
    from oilchain.ledger.models import Lot
    from oilchain.reports import services as reports

    app = make_app()
    with app.app_context():
        session = db.session()
        season = args.season or reports.default_year(session)
        counted = {name: session.execute(select(func.count()).select_from(model)).scalar()
                   for name, model in (("plots", Plot), ("lots", Lot), ("forecast rows", Forecast), ("warnings", Warning))}
        backend = session.connection().dialect.name
        session.close()
    print(f"Brain page benchmark ({backend}; season {season}; " + ", ".join(f"{n:,} {name}" for name, n in counted.items()) + ")")
    client = app.test_client()
    sign_in(client, DEMO_PASSWORD)
    urls = {"brain": f"/brain/?season={season}", "map": f"/brain/map.json?season={season}",
            "dashboard": f"/reports/dashboard?year={season}"}
    for url in urls.values():  # warm-up: templates compiled, caches of the database filled
        timed(client, url)
    times = {name: [] for name in urls}
    ratios = []
    for n in range(1, args.rounds + 1):
        for name, url in urls.items():
            times[name].append(timed(client, url))
        ratios.append(times["brain"][-1] / times["dashboard"][-1])
        print(f"  round {n}: brain {1000 * times['brain'][-1]:7.1f} ms   map.json {1000 * times['map'][-1]:7.1f} ms   "
              f"dashboard {1000 * times['dashboard'][-1]:7.1f} ms   ratio {ratios[-1]:.2f}")
    brain, data, dashboard, ratio = (median(times["brain"]), median(times["map"]), median(times["dashboard"]),
                                     median(ratios))
    print(f"  medians of {args.rounds} rounds: brain {1000 * brain:.1f} ms, map.json {1000 * data:.1f} ms, "
          f"dashboard {1000 * dashboard:.1f} ms")
    print(f"RESULT brain page {1000 * brain:.0f} ms; {verdict(brain, 0.5, higher_is_better=False)}")
    print(f"RESULT brain map.json {1000 * data:.0f} ms; {verdict(data, 0.5, higher_is_better=False)}")
    print(f"RESULT brain page time(brain)/time(dashboard) = {ratio:.2f} (median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
