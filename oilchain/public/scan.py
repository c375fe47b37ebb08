"""The bottle scan's hot path. A consumer's scan must answer in a blink on a
rural network, many at once. Everything on the page that is the same for
every bottle of a lot (product, dates, GI status, quality, origin story) is
rendered once per lot and language and kept in the worker's memory; each
scan then costs one short autocommit statement (two on SQLite): the live
facts (the lot not withdrawn, the story's version, an open recall) and the
scan counted (with its network's key and its day: public/networks.py), and
a small template for the live part of the page.

A lot's page is rendered again when its story or GI status has been
recomputed, or what it shows beside them changed (a contact, the product's
photo, the copied-code thresholds: events.PageFactsChanged):
`product_lot.story_version` goes up, it is read on every scan, and a scan is
counted only against the version its page shows, so nothing a scan shows
is older than the database.

`FastScans` answers the common scan (a cached lot, an anonymous consumer)
in front of Flask, with the same code; anything else goes to the Flask view
(public/views.py), which fills the cache."""

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import NamedTuple

import psycopg
from babel.support import Translations
from cachetools import LRUCache
from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import Date, Integer, String, bindparam, text
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from .. import clock, codes, db, security
from ..i18n import DEFAULT_LOCALE, LANG_COOKIE, LOCALES, browser_language, format_local_time
from . import linkset, media, networks, services

DATABASE_ERRORS = (DBAPIError, psycopg.Error)
PAGES_LIMIT = 20_000  # lots kept per worker (a few kB each); beyond it the least recently scanned goes
LIVE_MARK = "<!--live-->"

# The live facts of a lot, and the scan's upsert, as SQL prepared once (built
# per scan, statements cost more than the query itself).
LIVE = (
    "SELECT l.status, p.story_version, "
    "(SELECT r.reason FROM recall r JOIN lot_hold h ON h.recall_id = r.id "
    " WHERE h.lot_id = l.id AND h.lifted_at IS NULL ORDER BY r.id LIMIT 1) AS recall "
    "FROM lot l JOIN product_lot p ON p.lot_id = l.id WHERE l.id = :lot"
)
# The upsert also keeps where and when the serial was scanned (for telling a
# copied label from honest rescans, public/networks.py): the scan's network
# key added to `network_keys` unless it is there or the cap is reached
# (`networks` is their number), a day more when the county day is not the
# last one. Keys are fixed-length hex, space-separated: a key found anywhere
# in the text is one of them. In SET, columns are the row's before the scan.
NEW_NETWORK = (
    "serial_scan.networks < {cap} AND {find}(serial_scan.network_keys, excluded.network_keys) = 0"
)
UPSERT = (
    "INSERT INTO serial_scan (lot_id, serial, first_scan_at, last_scan_at, count, network_keys, networks, days, last_day) "
    "{rows} "
    "ON CONFLICT (lot_id, serial) DO UPDATE SET count = serial_scan.count + 1, last_scan_at = excluded.last_scan_at, "
    "network_keys = CASE WHEN serial_scan.network_keys = '' THEN excluded.network_keys "  # scanned before keys were kept
    "WHEN {new} THEN serial_scan.network_keys || ' ' || excluded.network_keys ELSE serial_scan.network_keys END, "
    "networks = CASE WHEN serial_scan.network_keys = '' THEN 1 "
    "WHEN {new} THEN serial_scan.networks + 1 ELSE serial_scan.networks END, "
    "days = CASE WHEN serial_scan.last_day = excluded.last_day THEN serial_scan.days ELSE serial_scan.days + 1 END, "
    "last_day = excluded.last_day "
    "RETURNING count, first_scan_at, networks, days"
)
NEW_ROW = ":lot, :serial, :now, :now, 1, :network, 1, 1, :today"
NOW = bindparam("now", type_=UTCDateTime())
TODAY = bindparam("today", type_=Date())
# PostgreSQL: one round trip; the scan is counted only if the lot still
# stands and its story is the one the page shows. Run on the driver itself
# (psycopg prepares it on the server after a few runs): SQLAlchemy's work per
# execution costs as much as the query does.
LIVE_AND_COUNT = str(text(
    f"WITH live AS ({LIVE}), counted AS ("
    + UPSERT.format(rows=f"SELECT {NEW_ROW} FROM live "
                         "WHERE live.status <> 'reversed' AND live.story_version = :version",
                    new=NEW_NETWORK.format(cap=networks.CAP, find="strpos"))
    + ") SELECT live.status, live.story_version, live.recall, counted.count, counted.first_scan_at, "
    "counted.networks, counted.days FROM live LEFT JOIN counted ON true"
).compile(dialect=PGDialect_psycopg()))
# SQLite (embedded, no round trips to save) cannot write inside WITH: two statements.
LIVE_ONLY = text(LIVE).columns(status=String, story_version=Integer, recall=String)
COUNT_ONLY = text(UPSERT.format(rows=f"VALUES ({NEW_ROW})", new=NEW_NETWORK.format(cap=networks.CAP, find="instr"))
                  ).bindparams(NOW, TODAY).columns(count=Integer, first_scan_at=UTCDateTime(), networks=Integer, days=Integer)


class Live(NamedTuple):
    status: str
    story_version: int
    recall: str | None
    count: int | None  # None: not counted
    first_scan_at: datetime | None
    networks: int | None
    days: int | None


def live_and_count(connection, lot_id: int, serial: int, version: int, network: str) -> Live | None:
    """The lot's live facts and, unless it was withdrawn or its story is no
    longer `version`, the scan counted (from the network keyed `network`).
    None if there is no such lot."""
    now = clock.now()
    values = {"lot": lot_id, "serial": serial, "now": now.astimezone(timezone.utc), "today": now.date(),
              "version": version, "network": network}
    if connection.dialect.name == "postgresql":
        row = connection.connection.driver_connection.execute(LIVE_AND_COUNT, values).fetchone()
        return None if row is None else Live(*row)
    live = connection.execute(LIVE_ONLY, values).first()
    if live is None:
        return None
    if live.status == "reversed" or live.story_version != version:
        return Live(*live, count=None, first_scan_at=None, networks=None, days=None)
    return Live(*live, *connection.execute(COUNT_ONLY, values).one())


@dataclass
class Card:
    """A lot as its bottles' pages need it, without the ORM objects."""

    product_id: int
    lot_id: int
    lot_code: str
    serial_first: int
    serial_last: int
    story_version: int
    pages: dict = field(default_factory=dict)  # locale -> (page before the live part, page after it), UTF-8
    # What the live part reads besides the scan: services.copied_thresholds (and
    # networks.CAP as "cap") and the bureau's hotline, as the card was rendered.
    copied: dict = field(default_factory=dict)
    hotline: str | None = None


@dataclass
class Scan:
    card: Card
    serial: int
    count: int
    first_scan_at: object
    recall_reason: str | None
    networks: int = 1  # distinct networks it was scanned from (up to networks.CAP)
    days: int = 1  # county days it was scanned on


class NotCached(Exception):
    """The lot's page is not in this worker's memory (or is out of date):
    the Flask view renders it. Nothing was counted."""


class Cards:
    """The lots' rendered pages of this worker, least recently scanned out
    first (cachetools' LRUCache: scans crowd on the bottles of the last shelf
    life, so ten years of lots keep the recent ones warm rather than starting
    afresh). The LRU is not thread-safe: every read and write takes the lock."""

    def __init__(self, limit: int = PAGES_LIMIT):
        self._cards: LRUCache = LRUCache(maxsize=limit)
        self._lock = threading.Lock()

    def get(self, gtin: str, lot_code: str, locale: str, cached_only: bool = False) -> Card:
        with self._lock:
            card = self._cards.get((gtin, lot_code))
        if card is None or locale not in card.pages:
            if cached_only:
                raise NotCached
            card = self.load(gtin, lot_code, locale, card)
        return card

    def load(self, gtin: str, lot_code: str, locale: str, previous: Card | None = None) -> Card:
        """Read a lot and render its page for `locale` (raising NotIssued for
        an unknown product or lot, or a withdrawn one). In a request."""
        with Session(db.engine(), expire_on_commit=False) as session:
            level = services.resolve(session, key="", gtin=gtin, lot_code=lot_code)
            extras = media.consumer_extras(level, session)
            page = render_template("public/bottle.html", level=level, story=level.story, live=Markup(LIVE_MARK),
                                   extras=extras)
            copied = {**services.copied_thresholds(session), "cap": networks.CAP}
        before, _mark, after = page.partition(LIVE_MARK)
        product_lot = level.product_lot
        same = previous is not None and previous.story_version == product_lot.story_version
        card = previous if same else Card(
            product_id=level.product.id, lot_id=level.lot.id, lot_code=level.lot.code,
            serial_first=product_lot.serial_first, serial_last=product_lot.serial_last,
            story_version=product_lot.story_version,
        )
        # Kept as UTF-8: a str holding any Chinese takes 2 bytes a character, the page's ASCII (the map) too.
        card.pages[locale], card.copied, card.hotline = (before.encode(), after.encode()), copied, extras["contact"]["hotline"]
        self.keep(gtin, lot_code, card)
        return card

    def keep(self, gtin: str, lot_code: str, card: Card) -> None:
        with self._lock:
            self._cards[(gtin, lot_code)] = card

    def drop(self, gtin: str, lot_code: str) -> None:
        with self._lock:
            self._cards.pop((gtin, lot_code), None)


class LiveParts:
    """The scan's own part of the page (public/_live.html), rendered without a
    request: one Jinja environment per language with that language's
    translations and time format bound, shared by the Flask view and the
    fast path so both render the same bytes."""

    def __init__(self, app):
        self._templates = {}
        for name, locale in LOCALES.items():
            env = app.jinja_env.overlay(cache_size=50)  # its own cache: cached templates are bound to their environment
            env.globals = dict(app.jinja_env.globals)  # an overlay shares these dicts; its gettext differs
            env.filters = dict(app.jinja_env.filters, local_time=partial(format_local_time, locale=locale))
            translations = Translations.load(app.config["BABEL_TRANSLATION_DIRECTORIES"], [locale])
            env.extensions["jinja2.ext.InternationalizationExtension"]._install(translations, newstyle=True)
            self._templates[name] = env.get_template("public/_live.html")

    def body(self, found: Scan, locale: str, serial_text: str) -> bytes:
        before, after = found.card.pages[locale]
        return before + self._templates[locale].render(found=found, serial=serial_text).encode() + after

    def page(self, found: Scan, locale: str, serial_text: str) -> str:
        return self.body(found, locale, serial_text).decode()


class Scanner:
    """The hot path of one app: its lot pages, its live part, its scan engine."""

    def __init__(self, app):
        self.app = app
        self.cards = Cards()
        self.live = LiveParts(app)
        self.network_key = networks.server_key(app.config["SERIAL_KEY"])

    def scan(self, *, gtin: str, lot_code: str, serial: str, locale: str, address: str | None,
             cached_only: bool = False) -> Scan:
        """Check a bottle's code down to its keyed serial, read the live facts
        and count the scan from the client's `address` (REMOTE_ADDR, after the
        trusted proxies: only its network's key is kept); each way a code can
        be wrong raises its own NotIssued, before anything is counted.
        `cached_only` (outside a request) raises NotCached where the lot's
        page must be rendered."""
        if not codes.is_valid_gtin(gtin):
            raise services.NotIssued(services.MESSAGES["gtin"], "gtin")
        lot_code = lot_code.upper()
        card = self.cards.get(gtin, lot_code, locale, cached_only)
        number = codes.parse_serial(self.app.config["SERIAL_KEY"], gtin, card.lot_code, serial.upper())
        if number is None:
            raise services.NotIssued(services.MESSAGES["check"], "check", card.product_id, card.lot_id)
        if not card.serial_first <= number <= card.serial_last:
            raise services.NotIssued(services.MESSAGES["range"], "range", card.product_id, card.lot_id)
        engine = self.app.extensions["oilchain.scan_engine"]
        try:
            with engine.connect() as connection:
                live = live_and_count(connection, card.lot_id, number, card.story_version,
                                      networks.network_key(self.network_key, address))
        except DATABASE_ERRORS:
            # Perhaps every pooled connection is dead (the database restarted):
            # start the pool afresh. (On PostgreSQL the statement ran on the
            # driver itself, outside SQLAlchemy's own handling of lost connections.)
            engine.dispose()
            raise
        if live is not None and live.status == "reversed":
            self.cards.drop(gtin, lot_code)
            raise services.NotIssued(services.MESSAGES["withdrawn"], "withdrawn", card.product_id, card.lot_id)
        if live is None or live.count is None:
            # The story was recomputed (or the database emptied and filled
            # again, demo --reset): render the lot afresh, then count.
            self.cards.drop(gtin, lot_code)
            if cached_only:
                raise NotCached
            return self.scan(gtin=gtin, lot_code=lot_code, serial=serial, locale=locale, address=address)
        return Scan(card=card, serial=number, count=live.count, first_scan_at=live.first_scan_at, recall_reason=live.recall,
                    networks=live.networks, days=live.days)


def scanner() -> Scanner:
    return current_app.extensions["oilchain.scanner"]


BOTTLE_PATH = re.compile(r"/01/([^/]+)/10/([^/]+)/21/([^/]+)")
LANG_QUERIES = {f"lang={name}": name for name in LOCALES}


class FastScans:
    """WSGI in front of Flask for the request that comes by the million: a
    bottle scan by an anonymous consumer of a lot whose page this worker
    keeps. It answers as the Flask view would (same code, same bytes and
    headers) without Flask's request machinery; every other request, and
    every scan it cannot answer alone (unknown or wrong codes, a signed-in
    user's saved language, pages to render), goes on to Flask untouched."""

    HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), ("Vary", linkset.VARY),
               *linkset.CORS]

    def __init__(self, wsgi_app, scanner: Scanner, headers: list[tuple[str, str]] = ()):
        self.wsgi_app = wsgi_app
        self.scanner = scanner
        self.headers = self.HEADERS + list(headers)  # and the security headers Flask adds (oilchain/security.py)
        self.config = scanner.app.config  # PUBLIC_BASE_URL may follow the bind address (cli.run), read per answer

    def __call__(self, environ, start_response):
        body = self.answer(environ)
        if body is None:
            return self.wsgi_app(environ, start_response)
        start_response("200 OK", self.headers + [("Link", linkset.link_header(self.config["PUBLIC_BASE_URL"], environ["PATH_INFO"])),
                                                 ("Content-Length", str(len(body)))])
        return [body]

    def answer(self, environ) -> bytes | None:
        # Only a consumer's GET of the page (HEAD, OPTIONS and a client
        # asking for the linkset go to Flask, which counts nothing for them).
        if environ["REQUEST_METHOD"] != "GET" or linkset.wants_linkset(environ.get("HTTP_ACCEPT", "")):
            return None
        path = environ.get("PATH_INFO", "")
        # Not ASCII: gunicorn hands the path over as Latin-1 and Flask decodes it as UTF-8; no code is spelled so.
        match = path.isascii() and BOTTLE_PATH.fullmatch(path)
        locale = match and self.locale(environ)
        if not locale:
            return None
        gtin, lot_code, serial = match.groups()
        try:
            # REMOTE_ADDR as Flask's request.remote_addr reads it: ProxyFix
            # (OILCHAIN_TRUSTED_PROXIES) wraps this, so it has set the client's address already.
            found = self.scanner.scan(gtin=gtin, lot_code=lot_code, serial=serial, locale=locale,
                                      address=environ.get("REMOTE_ADDR"), cached_only=True)
        except (NotCached, services.NotIssued, *DATABASE_ERRORS):
            # Flask answers: nothing was counted. After a database error it
            # tries once more on a fresh connection, or shows its error page (a
            # connection lost in mid-statement may have counted the scan: one
            # count too many beats an error page for the consumer).
            return None
        return self.scanner.live.body(found, locale, serial)

    @staticmethod
    def locale(environ) -> str | None:
        """The language as i18n.select_locale picks it for an anonymous
        visitor: ?lang=, then the lang cookie, then the browser's
        Accept-Language, then Chinese. None when Flask must decide (another
        query, or a cookie that may sign a user in)."""
        cookies = environ.get("HTTP_COOKIE", "").strip()
        name, _, value = cookies.partition("=")
        if cookies and not (name == LANG_COOKIE and value in LOCALES):
            return None  # perhaps a signed-in user: Flask-Login looks after the session on every request
        query = environ.get("QUERY_STRING", "")
        if query:
            return LANG_QUERIES.get(query)
        return value if cookies else (browser_language(environ.get("HTTP_ACCEPT_LANGUAGE", "")) or DEFAULT_LOCALE)


def init_app(app) -> None:
    app.extensions["oilchain.scanner"] = hot_path = Scanner(app)
    app.wsgi_app = FastScans(app.wsgi_app, hot_path, security.fixed_headers(app))
