"""Bottle labels for a product lot's serial range: the A4 sheet (vector QR
codes of each bottle's GS1 Digital Link) and the same data as CSV rows for
industrial label printers."""

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from .. import codes
from ..auth.models import Organization
from ..documents.labels import BottleLabel
from ..errors import Invalid
from ..public.services import digital_link
from .models import Product, ProductLot
from .services import get_product_lot

MAX_LABELS = 100_000  # per request; a larger run is printed in parts


def serial_range(session: Session, lot_code: str, first: int | None, last: int | None):
    """The lot, its product and the chosen serials (default: all of them)."""
    lot, product_lot = get_product_lot(session, lot_code)
    if lot.status == "reversed":
        raise Invalid(_l("Lot %(code)s was withdrawn: its codes are void, no labels are printed.", code=lot.code), field="code")
    first = product_lot.serial_first if first is None else first
    last = product_lot.serial_last if last is None else last
    if not product_lot.serial_first <= first <= last <= product_lot.serial_last:
        raise Invalid(
            _l("Choose serials between %(first)s and %(last)s, the first not after the last.",
               first=product_lot.serial_first, last=product_lot.serial_last),
            field="first",
        )
    if last - first + 1 > MAX_LABELS:
        raise Invalid(_l("At most %(n)s labels at a time.", n=MAX_LABELS), field="last")
    return lot, product_lot, session.get(Product, product_lot.product_id), first, last


def gi_mark(session: Session, product_lot: ProductLot, product: Product) -> tuple[str, str] | None:
    """The GI product's name and the producer's credit code for the mark
    area: only for an eligible lot."""
    status = json.loads(product_lot.gi_status or "{}")
    if not status.get("eligible"):
        return None
    return status["name"], session.get(Organization, product.org_id).credit_code or ""


def bottles(key: str, base_url: str, product: Product, lot, first: int, last: int):
    """(number, serial, Digital Link) of each bottle of the range."""
    for number in range(first, last + 1):
        serial = codes.serial_text(key, product.gtin, lot.code, number)
        yield number, serial, digital_link(base_url, product.gtin, lot.code, serial)


def bottle_labels(session: Session, *, key: str, base_url: str, lot_code: str, first: int | None = None,
                  last: int | None = None) -> list[BottleLabel]:
    lot, product_lot, product, first, last = serial_range(session, lot_code, first, last)
    mark = gi_mark(session, product_lot, product)
    gi = _("GI product %(name)s · special mark user %(credit)s", name=mark[0], credit=mark[1]) if mark else None
    dates = [
        _("Bottled %(day)s", day=lot.produced_on.isoformat()),
        _("Best before %(day)s", day=product_lot.best_before.isoformat()),
    ]
    labels = []
    for _number, serial, url in bottles(key, base_url, product, lot, first, last):
        labels.append(
            BottleLabel(
                url=url,
                product=product.name,
                lot=_("Lot %(code)s", code=lot.code),
                serial=_("Serial %(serial)s", serial=serial),
                lines=dates,
                gi=gi,
            )
        )
    return labels


CSV_HEADER = ("serial_number", "serial", "url", "gtin", "lot", "product", "net_content_ml", "bottled_on", "best_before",
              "gi_product", "credit_code")


def csv_rows(session: Session, *, key: str, base_url: str, lot_code: str, first: int | None = None,
             last: int | None = None) -> list[list]:
    """One row per bottle, in CSV_HEADER's order (the field names are the
    printers' interface, so they are not translated)."""
    lot, product_lot, product, first, last = serial_range(session, lot_code, first, last)
    gi_name, credit = gi_mark(session, product_lot, product) or ("", "")
    return [
        [number, serial, url, product.gtin, lot.code, product.name, product.net_content_ml,
         lot.produced_on.isoformat(), product_lot.best_before.isoformat(), gi_name, credit]
        for number, serial, url in bottles(key, base_url, product, lot, first, last)
    ]
