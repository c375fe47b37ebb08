"""The bottle scan's hot path. A consumer's scan must answer in a blink on a
rural network, many at once. Everything on the page that is the same for
every bottle of a lot (product, dates, GI status, quality, origin story) is
rendered once per lot and language and kept in the worker's memory; each
scan then costs two short autocommit statements, prepared once: the live
facts (the lot not withdrawn, the story's version, an open recall) and the
scan count, and a small template for the live part of the page.

A lot's page is rendered again when its story or GI status has been
recomputed (`product_lot.story_version`, read on every scan), so nothing a
scan shows is older than the database."""

import threading
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import Integer, String, bindparam, text
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from .. import clock, codes, db
from . import services

PAGES_LIMIT = 20_000  # lots kept per worker (a few kB each); the cache starts afresh beyond it
LIVE_MARK = "<!--live-->"

# The live facts of a lot, and the scan's upsert, as SQL prepared once (built
# per scan, statements cost more than the query itself).
LIVE = (
    "SELECT l.status, p.story_version, "
    "(SELECT r.reason FROM recall r JOIN recall_lot rl ON rl.recall_id = r.id "
    " WHERE rl.lot_id = l.id AND r.closed_at IS NULL ORDER BY r.id LIMIT 1) AS recall "
    "FROM lot l JOIN product_lot p ON p.lot_id = l.id WHERE l.id = :lot"
)
UPSERT = (
    "INSERT INTO serial_scan (lot_id, serial, first_scan_at, last_scan_at, count) {rows} "
    "ON CONFLICT (lot_id, serial) DO UPDATE SET count = serial_scan.count + 1, last_scan_at = excluded.last_scan_at "
    "RETURNING count, first_scan_at"
)
TYPES = dict(status=String, story_version=Integer, recall=String, count=Integer, first_scan_at=UTCDateTime())
NOW = bindparam("now", type_=UTCDateTime())
# PostgreSQL: one round trip; the scan is counted only if the lot still stands.
LIVE_AND_COUNT = text(
    f"WITH live AS ({LIVE}), counted AS ("
    + UPSERT.format(rows="SELECT :lot, :serial, :now, :now, 1 FROM live WHERE live.status <> 'reversed'")
    + ") SELECT live.status, live.story_version, live.recall, counted.count, counted.first_scan_at "
    "FROM live LEFT JOIN counted ON true"
).bindparams(NOW).columns(**TYPES)
# SQLite (embedded, no round trips to save) cannot write inside WITH: two statements.
LIVE_ONLY = text(LIVE).columns(status=String, story_version=Integer, recall=String)
COUNT_ONLY = text(UPSERT.format(rows="VALUES (:lot, :serial, :now, :now, 1)")).bindparams(NOW).columns(
    count=Integer, first_scan_at=UTCDateTime())


def live_and_count(connection, lot_id: int, serial: int):
    """The lot's live facts and, unless it was withdrawn, the scan counted:
    status, story_version, recall, count, first_scan_at (None if no such lot)."""
    values = {"lot": lot_id, "serial": serial, "now": clock.utcnow()}
    if connection.dialect.name == "postgresql":
        return connection.execute(LIVE_AND_COUNT, values).first()
    live = connection.execute(LIVE_ONLY, values).first()
    if live is None:
        return None
    if live.status == "reversed":
        return SimpleNamespace(**live._asdict(), count=None, first_scan_at=None)
    counted = connection.execute(COUNT_ONLY, values).one()
    return SimpleNamespace(**live._asdict(), **counted._asdict())


@dataclass
class Card:
    """A lot as its bottles' pages need it, without the ORM objects."""

    product_id: int
    lot_id: int
    lot_code: str
    serial_first: int
    serial_last: int
    story_version: int
    pages: dict = field(default_factory=dict)  # locale -> (page before the live part, page after it)


@dataclass
class Scan:
    card: Card
    serial: int
    count: int
    first_scan_at: object
    recall_reason: str | None

    def page(self, locale: str, serial_text: str) -> str:
        before, after = self.card.pages[locale]
        # Straight from the Jinja environment: the site's context processors
        # (navigation for signed-in users) have nothing to add here.
        live = current_app.jinja_env.get_template("public/_live.html").render(found=self, serial=serial_text)
        return before + live + after


class Cards:
    def __init__(self):
        self._cards: dict[tuple[str, str], Card] = {}
        self._lock = threading.Lock()

    def get(self, gtin: str, lot_code: str, locale: str) -> Card:
        card = self._cards.get((gtin, lot_code))
        if card is None or locale not in card.pages:
            card = self.load(gtin, lot_code, locale, card)
        return card

    def load(self, gtin: str, lot_code: str, locale: str, previous: Card | None = None) -> Card:
        """Read a lot and render its page for `locale` (raising NotIssued for
        an unknown product or lot, or a withdrawn one)."""
        with Session(db.engine(), expire_on_commit=False) as session:
            level = services.resolve(session, key="", gtin=gtin, lot_code=lot_code)
            page = render_template("public/bottle.html", level=level, story=level.story, live=Markup(LIVE_MARK))
        before, _mark, after = page.partition(LIVE_MARK)
        product_lot = level.product_lot
        same = previous is not None and previous.story_version == product_lot.story_version
        card = previous if same else Card(
            product_id=level.product.id, lot_id=level.lot.id, lot_code=level.lot.code,
            serial_first=product_lot.serial_first, serial_last=product_lot.serial_last,
            story_version=product_lot.story_version,
        )
        card.pages[locale] = (before, after)
        with self._lock:
            if len(self._cards) >= PAGES_LIMIT:
                self._cards.clear()
            self._cards[(gtin, lot_code)] = card
        return card

    def drop(self, gtin: str, lot_code: str) -> None:
        with self._lock:
            self._cards.pop((gtin, lot_code), None)


def cards() -> Cards:
    return current_app.extensions.setdefault("oilchain.cards", Cards())


def scan(*, key: str, gtin: str, lot_code: str, serial: str, locale: str) -> Scan:
    """Check a bottle's code down to its keyed serial, read the live facts and
    count the scan; each way a code can be wrong raises its own NotIssued."""
    if not codes.is_valid_gtin(gtin):
        raise services.NotIssued(services.MESSAGES["gtin"], "gtin")
    lot_code = lot_code.upper()
    store = cards()
    card = store.get(gtin, lot_code, locale)
    number = codes.parse_serial(key, gtin, card.lot_code, serial.upper())
    if number is None:
        raise services.NotIssued(services.MESSAGES["check"], "check", card.product_id, card.lot_id)
    if not card.serial_first <= number <= card.serial_last:
        raise services.NotIssued(services.MESSAGES["range"], "range", card.product_id, card.lot_id)
    with db.scan_engine().connect() as connection:
        live = live_and_count(connection, card.lot_id, number)
    if live is None:  # the database was emptied and filled again (demo --reset): read the lot afresh
        store.drop(gtin, lot_code)
        return scan(key=key, gtin=gtin, lot_code=lot_code, serial=serial, locale=locale)
    if live.status == "reversed":
        store.drop(gtin, lot_code)
        raise services.NotIssued(services.MESSAGES["withdrawn"], "withdrawn", card.product_id, card.lot_id)
    if live.story_version != card.story_version:  # the story was recomputed: render the lot again
        store.drop(gtin, lot_code)
        card = store.get(gtin, lot_code, locale)
    return Scan(card=card, serial=number, count=live.count, first_scan_at=live.first_scan_at, recall_reason=live.recall)
