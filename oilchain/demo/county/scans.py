"""Consumers' scans of the county's bottles (`serial_scan`), as the scan's
upsert (public/scan.py) would have left them: a small share of the bottles
scanned, most once or a few times from one network on a day or two, and a
few dozen genuine serials whose label was copied onto other bottles, seen
from many networks on many days, so the brain's copied-code warning has
something to find at county scale.

Network keys are made as a scan makes them (public/networks.py, under the
configured serial key) from made-up addresses: the record is the one real
scans would leave."""

from datetime import datetime, time, timedelta, timezone
from random import Random

from sqlalchemy import insert

from ... import clock
from ...public import networks
from ...public.models import SerialScan
from .plan import BATCH_ROWS
from .state import County

SCANNED_PERMILLE = (10, 40)  # of a product lot's bottles, scanned at least once (7 million bottles: about 170,000 a year)
OFTEN_PERMILLE = 25  # of the bottles scanned, scanned again and again (a bottle on a shop's counter, a curious family)
COPIED = 36  # genuine serials a year whose label was copied
FIRST_SCAN_AFTER = (7, 120)  # days after bottling a bottle is first scanned (sold, opened)
SHELF_LIFE_DAYS = 540  # the products' shelf life: nobody scans a bottle long after it


def scans(county: County, serial_key: str, seed: int) -> int:
    """Write the scan records of the year's bottles (scanned from bottling
    to the end of their shelf life, or yesterday); returns how many."""
    rng = Random(seed + 3 + 7_919 * (county.year - county.first_year))
    key = networks.server_key(serial_key)
    yesterday = clock.today() - timedelta(days=1)
    lots = [(lot, county.serials[lot.id]) for _processor, _product, lot, _oil in county.product_lots
            if lot.status != "reversed"]
    copied = set(rng.sample(range(len(lots)), min(COPIED, len(lots))))
    rows = []
    for index, (lot, (first, last)) in enumerate(lots):
        wanted = max(1, (last - first + 1) * rng.randint(*SCANNED_PERMILLE) // 1000)
        serials = rng.sample(range(first, last + 1), min(last - first + 1, wanted))
        end = min(lot.produced_on + timedelta(days=SHELF_LIFE_DAYS), yesterday)
        for position, serial in enumerate(serials):
            begin = min(lot.produced_on + timedelta(days=rng.randint(*FIRST_SCAN_AFTER)), end)
            rows.append(record(rng, key, lot.id, serial, begin, end, copied=index in copied and position == 0))
    connection = county.session.connection()
    for start in range(0, len(rows), BATCH_ROWS):
        connection.execute(insert(SerialScan.__table__), rows[start: start + BATCH_ROWS])
    return len(rows)


def record(rng: Random, key: bytes, lot_id: int, serial: int, begin, end, copied: bool) -> dict:
    """One serial's record: an honest bottle (a scan or a few, at home, on a
    day or two) or a copied label (many networks over weeks)."""
    if copied:
        places, days = rng.randint(networks.CAP - 3, networks.CAP + 20), rng.randint(10, 60)
    else:
        places, days = rng.choice((1, 1, 1, 1, 2)), rng.choice((1, 1, 1, 2, 3))
    span = max(0, (end - begin).days)
    days = min(days, span + 1)
    seen = sorted(rng.sample(range(span + 1), days))
    first_day, last_day = begin + timedelta(days=seen[0]), begin + timedelta(days=seen[-1])
    count = days + rng.randint(0, 3 if not copied else 4 * days)
    if not copied and rng.randrange(1000) < OFTEN_PERMILLE:
        count += rng.randint(5, 40)
    places = min(places, count)
    addresses = [f"{rng.choice((27, 58, 113, 171, 182, 223))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                 for _ in range(places)]
    keys = list(dict.fromkeys(networks.network_key(key, address) for address in addresses))[: networks.CAP]
    first_at, last_at = sorted((moment(rng, first_day), moment(rng, last_day)))
    return dict(lot_id=lot_id, serial=serial, first_scan_at=first_at, last_scan_at=last_at,
                count=count, network_keys=" ".join(keys), networks=len(keys), days=days, last_day=last_day)


def moment(rng: Random, day) -> datetime:
    """A time in the county's waking hours of `day`, stored as UTC."""
    local = datetime.combine(day, time(rng.randint(8, 21), rng.randint(0, 59)), tzinfo=clock.COUNTY_TZ)
    return local.astimezone(timezone.utc)
