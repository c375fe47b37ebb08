"""Consumers' scans of the small demo's bottles: a few honest scans of each
product lot and, on each processor's first lot, one genuine serial whose
label was copied (many networks over weeks), so the copied-code list
(/scans/copied) and the brain's warning show something. Records as the
county data makes them (demo/county/scans.py), which are the scan upsert's."""

from datetime import timedelta

from sqlalchemy import insert

from .. import clock
from ..processing.models import ProductLot
from ..public import networks
from ..public.models import SerialScan
from .county.scans import FIRST_SCAN_AFTER, record

HONEST = 3  # serials scanned per product lot


def consumer_scans(demo, serial_key: str) -> None:
    key = networks.server_key(serial_key)
    yesterday = clock.today() - timedelta(days=1)
    rows, copied_for = [], set()
    for lot, product in demo.bottles:
        if lot.status == "reversed":
            continue
        product_lot = demo.session.get(ProductLot, lot.id)
        copied = product.org_id not in copied_for
        copied_for.add(product.org_id)
        for offset in range(HONEST + copied):
            serial = product_lot.serial_first + 3 + offset * 11
            if serial > product_lot.serial_last:
                break
            begin = min(lot.produced_on + timedelta(days=demo.rng.randint(*FIRST_SCAN_AFTER)), yesterday)
            rows.append(record(demo.rng, key, lot.id, serial, begin, yesterday, copied=copied and offset == 0))
    if rows:
        demo.session.connection().execute(insert(SerialScan.__table__), rows)
