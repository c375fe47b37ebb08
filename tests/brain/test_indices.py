"""The brain's indices (brain/indices.py) as the map page shows them: each
counted over the season (county time), shares within 100%, and the links to
what they sum."""

import re
from datetime import date, datetime, timezone

import pytest
from flask import render_template_string

from oilchain import clock
from oilchain.brain.models import Forecast
from oilchain.processing.models import ProductLot
from oilchain.public.models import SerialScan

from .. import chain

pytestmark = pytest.mark.usefixtures("english")
SEASON = 2025


def index_value(html: str, key: str) -> str:
    return re.search(rf'data-index="{key}">.*?class="index-value">([^<]*)<', html, re.S).group(1).strip()


def scan(lot_id: int, serial: int, at: datetime) -> SerialScan:
    """As a scan at `at` leaves the record: its county day is the last day."""
    return SerialScan(lot_id=lot_id, serial=serial, first_scan_at=at, last_scan_at=at,
                      last_day=at.astimezone(clock.COUNTY_TZ).date())


def test_scans_and_gi_share_are_the_seasons(app, auth, client, world):
    with chain.db_session(app) as session:
        built = chain.full_chain(session, world)
        product_lot = session.get(ProductLot, built.product_lot.id)
        product_lot.gi_marked = 250  # a quarter of the season's 1,000 bottles carry the mark
        session.add(product_lot)
        first = product_lot.serial_first
        session.add_all([
            scan(product_lot.lot_id, first, datetime(2024, 12, 31, 17, 0, tzinfo=timezone.utc)),  # Jan 1, 01:00 in the county
            scan(product_lot.lot_id, first + 1, datetime(2025, 6, 1, 2, 0, tzinfo=timezone.utc)),
            scan(product_lot.lot_id, first + 2, datetime(2025, 12, 31, 17, 0, tzinfo=timezone.utc)),  # the next season's
            scan(product_lot.lot_id, first + 3, datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)),
        ])
        session.commit()
    auth.login("bureau")
    html = client.get(f"/brain/?season={SEASON}").get_data(as_text=True)
    assert index_value(html, "scans") == "2"
    assert index_value(html, "gi_share") == "25.0%"


def index_link(html: str, key: str) -> str | None:
    found = re.search(rf'data-index="{key}">\s*<a href="([^"]+)"', html)
    return found and found.group(1).replace("&amp;", "&")


def test_the_forecasts_indices_open_the_forecast_section(app, auth, client, world):
    with chain.db_session(app) as session:
        session.add(Forecast(season=SEASON, as_of=date(2025, 12, 19), township_id=None, bearing_centimu=5000,
                             curve_seed_g=10, harvested_seed_g=0, forecast_seed_g=10, forecast_oil_g=2,
                             oil_permille=250, curve_only=True))
        session.commit()
    auth.login("bureau")
    html = client.get(f"/brain/?season={SEASON}").get_data(as_text=True)
    for key in ("bearing_area", "forecast_seed", "forecast_oil"):
        assert index_link(html, key) == f"/brain/?season={SEASON}#forecast", key
    assert 'id="forecast"' in html


def test_a_click_on_an_organization_opens_its_own_lots(app, auth, client, world):
    with chain.db_session(app) as session:
        chain.seed_at_processor(session, world)
        for name in ("nursery", "processor"):
            org = session.merge(world.orgs[name])
            org.latitude_e6, org.longitude_e6 = 28_840_000, 108_770_000
            session.add(org)
        session.commit()
    auth.login("bureau")
    data = client.get("/brain/map.json", query_string={"season": SEASON}).get_json()
    urls = {o["kind"]: o["url"] for o in data["orgs"]}
    assert urls == {"nursery": f"/lots?kind=seedling&owner={world.orgs['nursery'].id}",
                    "processor": f"/lots?kind=oil&owner={world.orgs['processor'].id}"}


def test_permille_is_one_percentage_filter(app):
    with app.test_request_context():
        assert render_template_string("{{ 1000 | permille }} {{ 1234567 | permille }} {{ 5 | permille }}") == \
            "100.0% 123,456.7% 0.5%"
