"""Bottle labels for a product lot's serial range: the A4 sheet (vector QR
codes of each bottle's GS1 Digital Link) and the same data as CSV rows for
industrial label printers."""

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from .. import codes
from ..auth.models import Organization
from ..documents.labels import BottleLabel, Notice
from ..errors import Invalid
from ..gi.services import marked_ranges
from ..public.services import digital_link
from .models import Product, ProductLot
from .services import get_product_lot

MAX_LABELS = 100_000  # per sheet (or CSV asked for in a request); a larger run is printed in parts
MAX_CSV_ROWS = 1_000_000  # per serial CSV made in the background (downloads)
# What a web request makes at once; more is made in the background (downloads/).
SYNC_LABELS = 210  # ten A4 pages, about two seconds
SYNC_ROWS = 20_000


def serial_range(session: Session, lot_code: str, first: int | None, last: int | None, limit: int = MAX_LABELS):
    """The lot, its product and the chosen serials (default: all of them),
    at most `limit` of them."""
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
    if last - first + 1 > limit:
        raise Invalid(_l("At most %(n)s labels at a time.", n=format(limit, ",")), field="last")
    return lot, product_lot, session.get(Product, product_lot.product_id), first, last


@dataclass
class GIMark:
    """The GI mark area of an eligible lot's labels: the GI product's name,
    the producer's credit code, and the serial ranges the bureau issued
    marks for. Only a serial inside a range carries the mark."""

    name: str
    credit: str
    ranges: list[tuple[int, int]]

    def covers(self, number: int) -> bool:
        return any(first <= number <= last for first, last in self.ranges)

    def uncovered(self, first: int, last: int) -> int:
        """How many of the serials first..last carry no mark."""
        marked = sum(max(0, min(last, b) - max(first, a) + 1) for a, b in self.ranges)
        return last - first + 1 - marked

    def ranges_text(self) -> str:
        return ", ".join(f"{a}–{b}" for a, b in self.ranges) or _("none")


def gi_mark(session: Session, lot, product_lot: ProductLot, product: Product) -> GIMark | None:
    """The mark area for an eligible lot (None for any other)."""
    status = json.loads(product_lot.gi_status or "{}")
    if not status.get("eligible"):
        return None
    return GIMark(status["name"], session.get(Organization, product.org_id).credit_code or "", marked_ranges(session, lot.id))


def beyond_marks(mark: GIMark | None, lot, first: int, last: int) -> str | None:
    """What a GI lot's labels must say when some of the asked serials have no
    issued mark (they are printed without it)."""
    if mark is None:
        return None
    missing = mark.uncovered(first, last)
    if not missing:
        return None
    if not mark.ranges:
        return _("Lot %(code)s: no GI marks have been issued for it yet, so its %(asked)s labels (serials "
                 "%(first)s–%(last)s) are printed without the GI mark.",
                 code=lot.code, asked=format(last - first + 1, ","), first=first, last=last)
    return _("Lot %(code)s: GI marks were issued for serials %(ranges)s only. %(missing)s of the %(asked)s labels "
             "asked for (serials %(first)s–%(last)s) are beyond them and are printed without the GI mark.",
             code=lot.code, ranges=mark.ranges_text(), missing=format(missing, ","), asked=format(last - first + 1, ","),
             first=first, last=last)


def bottles(key: str, base_url: str, product: Product, lot, first: int, last: int):
    """(number, serial, Digital Link) of each bottle of the range, the link as
    its QR code carries it (scheme and host in capitals: codes.qr_payload)."""
    payload_base = codes.qr_payload(base_url)
    for number in range(first, last + 1):
        serial = codes.serial_text(key, product.gtin, lot.code, number)
        yield number, serial, digital_link(payload_base, product.gtin, lot.code, serial)


@dataclass
class Sheet:
    labels: list[BottleLabel]
    notice: Notice | None  # printed on a first page of its own when set


def bottle_labels(session: Session, *, key: str, base_url: str, lot_code: str, first: int | None = None,
                  last: int | None = None) -> Sheet:
    """The labels of a serial range; the GI mark only on serials inside an
    issued range, and a notice when some asked-for labels lack it."""
    lot, product_lot, product, first, last = serial_range(session, lot_code, first, last)
    mark = gi_mark(session, lot, product_lot, product)
    gi = _("GI product %(name)s · special mark user %(credit)s", name=mark.name, credit=mark.credit) if mark else None
    warning = beyond_marks(mark, lot, first, last)
    notice = Notice(title=_("Read before printing: labels without the GI mark"), lines=[
        warning, _("The labels start on the next page."),
    ]) if warning else None
    dates = [
        _("Bottled %(day)s", day=lot.produced_on.isoformat()),
        _("Best before %(day)s", day=product_lot.best_before.isoformat()),
    ]
    labels = []
    for number, serial, url in bottles(key, base_url, product, lot, first, last):
        labels.append(
            BottleLabel(
                url=url,
                product=product.name,
                lot=_("Lot %(code)s", code=lot.code),
                serial=_("Serial %(serial)s", serial=serial),
                lines=dates,
                gi=gi if mark and mark.covers(number) else None,
            )
        )
    return Sheet(labels, notice)


CSV_HEADER = ("serial_number", "serial", "url", "gtin", "lot", "product", "net_content_ml", "bottled_on", "best_before",
              "gi_product", "credit_code", "gi_mark", "gi_note")


def csv_rows(session: Session, *, key: str, base_url: str, lot_code: str, first: int | None = None,
             last: int | None = None) -> list[list]:
    return list(iter_csv_rows(session, key=key, base_url=base_url, lot_code=lot_code, first=first, last=last))


def iter_csv_rows(session: Session, *, key: str, base_url: str, lot_code: str, first: int | None = None,
                  last: int | None = None, limit: int = MAX_LABELS):
    """One row per bottle, in CSV_HEADER's order (the field names are the
    printers' interface, so they are not translated). `gi_mark` is "yes"
    for a serial with an issued mark, else "no" (values for the printer's
    software, not translated); on a GI lot's other serials `gi_note` says
    why there is none, and the GI columns stay empty."""
    lot, product_lot, product, first, last = serial_range(session, lot_code, first, last, limit)
    mark = gi_mark(session, lot, product_lot, product)
    beyond = _("beyond the GI marks issued for this lot (serials %(ranges)s)", ranges=mark.ranges_text()) if mark else ""
    for number, serial, url in bottles(key, base_url, product, lot, first, last):
        marked = bool(mark and mark.covers(number))
        yield ([number, serial, url, product.gtin, lot.code, product.name, product.net_content_ml,
                     lot.produced_on.isoformat(), product_lot.best_before.isoformat(),
                     mark.name if marked else "", mark.credit if marked else "", "yes" if marked else "no",
                     "" if marked else beyond])
