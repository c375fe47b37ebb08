"""The consumer's scan: a GS1 Digital Link URI checked down to its keyed
serial, the lot's stored origin story and GI status (computed when the lot
was bottled, and again when anything upstream changed), and the live part:
the scan counted, the first scan's time, an open recall. Codes that were
never issued are logged."""

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock, codes, db
from ..auth.models import Organization
from ..brain.models import WarningRule
from ..brain.warnings import thresholds_of
from ..errors import NotFound
from ..ledger.models import Lot
from ..processing.models import Product, ProductLot
from ..trace.models import Recall
from ..trace.recalls import open_recall
from .models import UnknownScan


class NotIssued(NotFound):
    """A code this system never issued; `reason` says which part is wrong."""

    def __init__(self, message, reason: str, product_id: int | None = None, lot_id: int | None = None):
        super().__init__(message)
        self.reason, self.product_id, self.lot_id = reason, product_id, lot_id


# What a consumer reads when a code was never issued, by reason.
MESSAGES = {
    "gtin": _l("This code is not valid: the product number (GTIN) has a wrong check digit."),
    "product": _l("This product number is not known to the Youyang camellia oil system."),
    "lot": _l("This batch number is not known for this product."),
    "withdrawn": _l("This batch was withdrawn by its producer as recorded in error; its codes are not valid."),
    "check": _l("This serial number is not genuine: its check code does not match. The bottle may be counterfeit."),
    "range": _l("This serial number was never issued to this batch."),
    "variant": _l("This code names a product variant or a third-party serial; this system issues neither."),
    "serial": _l("This serial number was never issued to this product."),
}
# Requests a resolver refuses as malformed (answered 400), by reason.
SYNTAX = {
    "gtin": MESSAGES["gtin"],
    "syntax": _l("This is not a valid GS1 Digital Link address: the path after the product number is not "
                 "batch (10) and serial (21) in that order."),
    "compressed": _l("This short code does not decompress to a GS1 Digital Link address."),
    "linktype": _l("The link type asked for (linkType) is neither a URI nor a compact URI such as gs1:pip."),
}
NO_LINK = _l("This code has no link of the type asked for (linkType).")


@dataclass
class Level:
    """What a Digital Link path names: a product, a lot of it, or one bottle."""

    product: Product
    processor: Organization
    lot: Lot | None = None
    product_lot: ProductLot | None = None
    serial: int | None = None
    story: dict | None = None
    gi: dict | None = None
    recall: Recall | None = None


def find_product(session: Session, gtin: str) -> Product:
    if not codes.is_valid_gtin(gtin):
        raise NotIssued(MESSAGES["gtin"], "gtin")
    product = session.exec(select(Product).where(Product.gtin == gtin)).first()
    if product is None:
        raise NotIssued(MESSAGES["product"], "product")
    return product


def find_lot(session: Session, product: Product, lot_code: str) -> tuple[Lot, ProductLot]:
    row = session.exec(
        select(Lot, ProductLot)
        .join(ProductLot, ProductLot.lot_id == Lot.id)
        .where(Lot.code == lot_code.upper(), ProductLot.product_id == product.id)
    ).first()
    if row is None:
        raise NotIssued(MESSAGES["lot"], "lot", product.id)
    lot, product_lot = row
    if lot.status == "reversed":
        raise NotIssued(MESSAGES["withdrawn"], "withdrawn", product.id, lot.id)
    return lot, product_lot


def resolve(session: Session, *, key: str, gtin: str, lot_code: str | None = None, serial: str | None = None) -> Level:
    """The product, lot or bottle a path names, each way a code can be wrong
    with its own message. Nothing is counted here: a consumer's scan is
    counted on the hot path (public/scan.py)."""
    product = find_product(session, gtin)
    level = Level(product=product, processor=session.get(Organization, product.org_id))
    if lot_code is None:
        return level
    level.lot, level.product_lot = find_lot(session, product, lot_code)
    level.story = json.loads(level.product_lot.origin_story or "{}")
    level.gi = json.loads(level.product_lot.gi_status or "{}")
    level.recall = open_recall(session, level.lot.id)
    if serial is None:
        return level
    number = codes.parse_serial(key, gtin, level.lot.code, serial.upper())
    if number is None:
        raise NotIssued(MESSAGES["check"], "check", product.id, level.lot.id)
    if not level.product_lot.serial_first <= number <= level.product_lot.serial_last:
        raise NotIssued(MESSAGES["range"], "range", product.id, level.lot.id)
    level.serial = number
    return level


def lot_of_serial(session: Session, *, key: str, gtin: str, serial: str) -> str:
    """The code of the lot whose serial range holds `serial` (a path that
    gave the GTIN and serial only: /01/{gtin}/21/{serial}); NotIssued when
    none does or its check code does not match. Serials are numbered per
    product (processing.services), so at most one lot's range holds it."""
    product = find_product(session, gtin)
    match = codes.SERIAL_RE.fullmatch(serial.upper())
    number = int(match.group(1)) if match else None
    row = number is not None and session.exec(
        select(Lot.code)
        .join(ProductLot, ProductLot.lot_id == Lot.id)
        .where(ProductLot.product_id == product.id, ProductLot.serial_first <= number, ProductLot.serial_last >= number)
    ).first()
    if not row:
        raise NotIssued(MESSAGES["serial"], "serial", product.id)
    if codes.parse_serial(key, gtin, row, serial.upper()) is None:
        raise NotIssued(MESSAGES["check"], "check", product.id)
    return row


def log_unknown(session: Session, *, path: str, error: NotIssued, user_agent: str, address: str | None = None) -> None:
    """Keep a scan of a code that was never issued, for the processor and the bureau."""
    session.add(
        UnknownScan(
            at=clock.utcnow(), path=path[: db.column_length(UnknownScan.path)], reason=error.reason,
            product_id=error.product_id, lot_id=error.lot_id,
            user_agent=(user_agent or "")[: db.column_length(UnknownScan.user_agent)],
            address=db.fit(address, UnknownScan.address),
        )
    )


def unknown_scans(session: Session, org_id: int | None, limit: int = 200) -> list[tuple[UnknownScan, str | None]]:
    """Scans of codes never issued: all for the bureau, or those naming one of
    the processor's products."""
    query = select(UnknownScan, Product.name).outerjoin(Product, Product.id == UnknownScan.product_id)
    if org_id is not None:
        query = query.where(Product.org_id == org_id)
    return list(session.exec(query.order_by(UnknownScan.id.desc()).limit(limit)))


def copied_thresholds(session: Session) -> dict[str, int]:
    """When a genuine serial looks copied: scanned from at least `networks`
    networks or on at least `days` days. The brain's `copied_code` warning
    rule holds them (one table for the warning and the consumer's page);
    the documented defaults where a value is missing (warnings.thresholds_of,
    the evaluation's own reading)."""
    rule = session.exec(select(WarningRule).where(WarningRule.kind == "copied_code")).first()
    return {name: int(value) for name, value in thresholds_of(rule or WarningRule(kind="copied_code", thresholds={})).items()}


def bottle_url(base_url: str, key: str, gtin: str, lot_code: str, number: int) -> str:
    return digital_link(base_url, gtin, lot_code, codes.serial_text(key, gtin, lot_code, number))


def digital_link(base_url: str, gtin: str, lot_code: str, serial: str) -> str:
    """A bottle's GS1 Digital Link: what its QR code carries."""
    return f"{base_url}/01/{gtin}/10/{lot_code}/21/{serial}"
