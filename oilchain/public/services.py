"""The consumer's scan: a GS1 Digital Link URI checked down to its keyed
serial, the lot's stored origin story, and the scan counted."""

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock, codes
from ..db import insert_for
from ..auth.models import Organization
from ..errors import NotFound
from ..ledger.models import Lot
from ..processing.models import Product, ProductLot
from .models import SerialScan


@dataclass
class Bottle:
    product: Product
    lot: Lot
    product_lot: ProductLot
    processor: Organization
    serial: int
    story: dict
    scan_count: int
    first_scan_at: datetime


def resolve(session: Session, *, key: str, gtin: str, lot_code: str, serial: str) -> Bottle:
    """Each way a code can be wrong gets its own message; a genuine code's
    scan is counted."""
    if not codes.is_valid_gtin(gtin):
        raise NotFound(_l("This code is not valid: the product number (GTIN) has a wrong check digit."))
    product = session.exec(select(Product).where(Product.gtin == gtin)).first()
    if product is None:
        raise NotFound(_l("This product number is not known to the Youyang camellia oil system."))
    row = session.exec(
        select(Lot, ProductLot)
        .join(ProductLot, ProductLot.lot_id == Lot.id)
        .where(Lot.code == lot_code.upper(), ProductLot.product_id == product.id)
    ).first()
    if row is None:
        raise NotFound(_l("This batch number is not known for this product."))
    lot, product_lot = row
    if lot.status == "reversed":
        raise NotFound(_l("This batch was withdrawn by its producer as recorded in error; its codes are not valid."))
    number = codes.parse_serial(key, gtin, lot.code, serial.upper())
    if number is None:
        raise NotFound(_l("This serial number is not genuine: its check code does not match. The bottle may be counterfeit."))
    if not product_lot.serial_first <= number <= product_lot.serial_last:
        raise NotFound(_l("This serial number was never issued to this batch."))
    count, first_at = count_scan(session, lot.id, number)
    return Bottle(
        product=product,
        lot=lot,
        product_lot=product_lot,
        processor=session.get(Organization, product.org_id),
        serial=number,
        story=json.loads(product_lot.origin_story or "{}"),
        scan_count=count,
        first_scan_at=first_at,
    )


def count_scan(session: Session, lot_id: int, serial: int) -> tuple[int, datetime]:
    """Count one scan in one statement (an upsert works the same on both backends)."""
    now = clock.utcnow()
    insert = insert_for(session, SerialScan).values(lot_id=lot_id, serial=serial, first_scan_at=now, last_scan_at=now, count=1)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["lot_id", "serial"],
            set_={"count": SerialScan.count + 1, "last_scan_at": now},
        )
    )
    scan = session.exec(select(SerialScan).where(SerialScan.lot_id == lot_id, SerialScan.serial == serial)).one()
    session.refresh(scan)
    return scan.count, scan.first_scan_at


def bottle_url(base_url: str, key: str, gtin: str, lot_code: str, number: int) -> str:
    return f"{base_url}/01/{gtin}/10/{lot_code}/21/{codes.serial_text(key, gtin, lot_code, number)}"
