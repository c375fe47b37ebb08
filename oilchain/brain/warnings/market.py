"""Rules on what reaches the market: a sale price outside the product's
usual range, a genuine bottle code scanned like a copied label, GI marks
near the units eligible for them."""

from datetime import date, timedelta

from sqlmodel import Session, select

from ...auth.models import Organization
from ...errors import Message as _l
from ...gi.services import status_of
from ...ledger.models import Event, Lot
from ...processing.models import Product, ProductLot
from ...public.copies import copied_lots
from ...sales.pricing import price_outliers
from .base import Finding


def price_outlier(session: Session, day: date, thresholds: dict, sale_ids: set | None = None) -> list[Finding]:
    """Sales of the last `days` outside the bounds the sale form checks
    (sales.pricing.price_outliers): bottled products by the unit, bulk oil
    and by-products by the kg."""
    findings = []
    for sale, pricing, bounds in price_outliers(session, day - timedelta(days=thresholds["days"]), day, sale_ids):
        event = session.get(Event, sale.event_id)
        lot = session.get(Lot, sale.lot_id)
        seller = session.get(Organization, event.org_id)
        values = dict(lot=lot.code, buyer=sale.buyer, sold_on=sale.sold_on.isoformat(),
                      price_fen=sale.unit_price_fen, low_fen=bounds.low_fen, high_fen=bounds.high_fen)
        if pricing.unit == "g":
            message = (_l("Sale of %(lot)s to %(buyer)s on %(sold_on)s at ¥%(price_fen)s a kg, outside the "
                          "usual ¥%(low_fen)s to ¥%(high_fen)s a kg (median ¥%(median_fen)s of %(n)s sales).",
                          **values, median_fen=bounds.median_fen, n=bounds.sales)
                       if bounds.median_fen is not None else
                       _l("Sale of %(lot)s to %(buyer)s on %(sold_on)s at ¥%(price_fen)s a kg, outside the "
                          "plausible ¥%(low_fen)s to ¥%(high_fen)s a kg.", **values))
        else:
            message = (_l("Sale of %(lot)s (%(product)s) to %(buyer)s on %(sold_on)s at ¥%(price_fen)s a unit, outside the "
                          "usual ¥%(low_fen)s to ¥%(high_fen)s (median ¥%(median_fen)s of %(n)s sales).",
                          **values, product=pricing.name, median_fen=bounds.median_fen, n=bounds.sales)
                       if bounds.median_fen is not None else
                       _l("Sale of %(lot)s (%(product)s) to %(buyer)s on %(sold_on)s at ¥%(price_fen)s a unit, outside the "
                          "plausible ¥%(low_fen)s to ¥%(high_fen)s for its %(grams)s g unit.", **values,
                          product=pricing.name, grams=pricing.grams)
                       if pricing.bound == "goods" else  # a packed by-product product: no oil in it
                       _l("Sale of %(lot)s (%(product)s) to %(buyer)s on %(sold_on)s at ¥%(price_fen)s a unit, outside the "
                          "plausible ¥%(low_fen)s to ¥%(high_fen)s for its oil.", **values, product=pricing.name))
        findings.append(Finding.of("sale", sale.id, f"{lot.code} {sale.sold_on.isoformat()}", message, org=seller.id,
                                   township=seller.township_id))
    return findings


def copied_code(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """Product lots with serials scanned from `networks` networks or on `days` days: the serials the
    processor's and the bureau's list of copied codes shows (public/copies.py), counted per lot."""
    rows = copied_lots(session, thresholds)
    return [
        Finding.of("lot", lot.id, lot.code, _l(
            "Lot %(code)s: %(serials)s bottle codes scanned like a copied label (up to %(networks)s networks, "
            "%(days)s days; first serial %(serial)s).", code=lot.code, serials=serials, networks=networks, days=days,
            serial=serial), org=org_id)
        for lot, org_id, serials, networks, days, serial in rows
    ]


def gi_marks_near(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """Per bottler, the GI marks issued on its lots bottled this year against
    the units of those lots that are eligible now."""
    marks: dict[int, int] = {}
    eligible: dict[int, int] = {}
    for lot, product_lot, org_id in session.exec(
        select(Lot, ProductLot, Product.org_id)
        .join(ProductLot, ProductLot.lot_id == Lot.id)
        .join(Product, Product.id == ProductLot.product_id)
        .where(Lot.produced_on.between(date(day.year, 1, 1), day), Lot.status != "reversed")
    ):
        marks[org_id] = marks.get(org_id, 0) + product_lot.gi_marked
        if status_of(product_lot).get("eligible"):
            eligible[org_id] = eligible.get(org_id, 0) + lot.quantity
    findings = []
    for org_id in sorted(marks):
        issued, units = marks[org_id], eligible.get(org_id, 0)
        if issued == 0 or (units and issued * 1000 < units * thresholds["permille"]):
            continue
        org = session.get(Organization, org_id)
        findings.append(Finding.of("organization", org.id, org.name, _l(
            "%(org)s: %(issued)s GI marks issued this year for %(eligible)s eligible units (%(share_permille)s).",
            org=org.name, issued=issued, eligible=units, share_permille=issued * 1000 // units if units else 1000),
            org=org.id, township=org.township_id))
    return findings
