"""The brain's indices (brain/indices.py) as the map page shows them: each
counted over the season (county time), shares within 100%, and the links to
what they sum."""

import re
from datetime import datetime, timezone

import pytest

from oilchain.processing.models import ProductLot
from oilchain.public.models import SerialScan

from .. import chain

pytestmark = pytest.mark.usefixtures("english")
SEASON = 2025


def index_value(html: str, key: str) -> str:
    return re.search(rf'data-index="{key}">.*?class="index-value">([^<]*)<', html, re.S).group(1).strip()


def scan(lot_id: int, serial: int, at: datetime) -> SerialScan:
    return SerialScan(lot_id=lot_id, serial=serial, first_scan_at=at, last_scan_at=at)


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
