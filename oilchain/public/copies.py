"""Genuine bottle codes that look copied: a serial scanned from at least
`networks` networks or on at least `days` days (the scan record of
public/scan.py, serial_scan.networks and .days; the thresholds are the
brain's `copied_code` warning rule, public.services.copied_thresholds).

One predicate for one idea: the processor's and the bureau's list of such
serials (`copied_serials`) and the brain's per-lot warning (`copied_lots`,
brain/warnings/market.py) both select with `looks_copied`.

At county scale (tens of thousands of scanned serials) the filter reads the
whole scan record, a few milliseconds; the list is paged, newest scan first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..ledger.models import Lot
from ..processing.models import Product, ProductLot
from .models import SerialScan

PAGE_SIZE = 100


def looks_copied(thresholds: dict):
    """SQL: the serial was scanned from `networks` networks or on `days` days."""
    return or_(SerialScan.networks >= int(thresholds["networks"]), SerialScan.days >= int(thresholds["days"]))


def _scans_with_products(*columns):
    return (
        select(*columns)
        .select_from(SerialScan)
        .join(Lot, Lot.id == SerialScan.lot_id)
        .join(ProductLot, ProductLot.lot_id == SerialScan.lot_id)
        .join(Product, Product.id == ProductLot.product_id)
    )


@dataclass
class Copied:
    lot_id: int
    lot_code: str
    product: str
    gtin: str
    serial: int
    scans: int
    networks: int
    days: int
    first_scan_at: datetime
    last_scan_at: datetime


@dataclass
class CopiedPage:
    rows: list[Copied]
    total: int
    page: int
    pages: int


def copied_serials(session: Session, thresholds: dict, org_id: int | None = None, page: int = 1,
                   page_size: int = PAGE_SIZE) -> CopiedPage:
    """The serials that look copied, latest scan first: all of them for the
    bureau (`org_id` None), or those of one processor's products."""
    condition = [looks_copied(thresholds)]
    if org_id is not None:
        condition.append(Product.org_id == org_id)
    total = session.exec(_scans_with_products(func.count()).where(*condition)).one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = session.exec(
        _scans_with_products(Lot.id, Lot.code, Product.name, Product.gtin, SerialScan.serial, SerialScan.count,
                             SerialScan.networks, SerialScan.days, SerialScan.first_scan_at, SerialScan.last_scan_at)
        .where(*condition)
        .order_by(SerialScan.last_scan_at.desc(), SerialScan.lot_id, SerialScan.serial)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return CopiedPage([Copied(*row) for row in rows], total, page, pages)


def copied_lots(session: Session, thresholds: dict) -> list[tuple[Lot, int, int, int, int, int]]:
    """Per product lot with serials that look copied: (lot, its processor's
    id, how many serials, most networks, most days, lowest serial)."""
    return session.exec(
        _scans_with_products(Lot, Product.org_id, func.count(), func.max(SerialScan.networks),
                             func.max(SerialScan.days), func.min(SerialScan.serial))
        .where(looks_copied(thresholds))
        .group_by(Lot.id, Product.org_id)
        .order_by(Lot.id)
    ).all()
