"""The standard's SimpleEventQuery over the ledger and the quality tests,
as the EPCIS 2.0 REST binding names its parameters: parsing and checking
them, narrowing in SQL (exact filters, and the ledger kinds whose mapping
can match), paging with an opaque token (the ledger's events by id, then
the quality tests by id). Messages are English: the API is not translated."""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import clock
from ..errors import NotFound
from ..ledger.models import Event, EventLine, Lot, Shipment
from ..processing.models import QualityTest
from . import quality
from .facts import load_facts, lot_gtins
from .identifiers import QUERY_NAME, SCHEMA_VERSION, Uris, context, first_day_at_or_after, rfc3339_utc
from .mapping import FALLBACK, NOT_EXPORTED, classes, to_epcis

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
ACTIONS = ("OBSERVE", "ADD", "DELETE")
PER_PAGE_DEFAULT = 30
PER_PAGE_MAX = 1000
# A bizStep may be given bare or as either of the CBV's URI forms.
BIZSTEP_PREFIXES = ("https://ref.gs1.org/cbv/BizStep-", "http://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:")
QUANTITY_LISTS = ("quantityList", "inputQuantityList", "outputQuantityList")
# The MATCH_ parameters and the lists of an event they look in. Lots are
# classes, named in quantity lists only; a lot is taken as its own EPC too,
# so each EPC parameter looks where its class counterpart does. No event is
# an aggregation: MATCH_parentID matches nothing.
LOT_PARAMETERS = {
    "MATCH_epc": ("quantityList",),
    "MATCH_epcClass": ("quantityList",),
    "MATCH_inputEPC": ("inputQuantityList",),
    "MATCH_inputEPCClass": ("inputQuantityList",),
    "MATCH_outputEPC": ("outputQuantityList",),
    "MATCH_outputEPCClass": ("outputQuantityList",),
    "MATCH_anyEPC": QUANTITY_LISTS,
    "MATCH_anyEPCClass": QUANTITY_LISTS,
    "MATCH_parentID": (),
}
MULTI_VALUED = ("eventType", "EQ_action", "EQ_bizStep", "EQ_readPoint", "EQ_bizLocation", *LOT_PARAMETERS, "EQ_eventID")
SINGLE_VALUED = ("GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EXISTS_errorDeclaration",
                 "perPage", "nextPageToken")
PARAMETERS = MULTI_VALUED + SINGLE_VALUED
# The parameters that look in an ObjectEvent's quantity list (a quality test's lot).
QUANTITY_PARAMETERS = tuple(name for name, lists in LOT_PARAMETERS.items() if "quantityList" in lists)


class QueryError(Exception):
    """A query parameter the query cannot use (EPCIS QueryParameterException)."""


class NotExported(NotFound):
    """A reversal: exported as the errorDeclaration of the event it reverses."""

    def __init__(self, message, reversed_event_id: int):
        super().__init__(message)
        self.reversed_event_id = reversed_event_id


@dataclass
class EventQuery:
    """A SimpleEventQuery's parameters, parsed and checked."""

    event_types: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    biz_steps: list[str] = field(default_factory=list)
    read_points: list[str] = field(default_factory=list)
    biz_locations: list[str] = field(default_factory=list)
    # MATCH_ parameter -> the lot identifiers given (the lot's URI, or GTIN
    # and lot as a Digital Link on id.gs1.org or this server).
    lots: dict[str, list[str]] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)
    ge_event_time: datetime | None = None
    lt_event_time: datetime | None = None
    ge_record_time: datetime | None = None
    lt_record_time: datetime | None = None
    error_declared: bool = False
    per_page: int = PER_PAGE_DEFAULT
    after_id: int = 0
    in_tests: bool = False  # the token is past the ledger's events, into the quality tests


def parse_time(name: str, raw: str) -> datetime:
    value = raw.strip()
    # An unencoded "+" in a query string arrives as a space: "...T00:00:00 08:00".
    if re.fullmatch(r".+T.+ \d{2}:\d{2}", value):
        value = value[:-6] + "+" + value[-5:]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name}: {raw!r} is not an RFC 3339 date-time, e.g. 2025-11-21T00:00:00+08:00.") from None
    if moment.tzinfo is None:
        raise QueryError(f"{name}: {raw!r} has no time zone offset (add Z or e.g. +08:00).")
    return moment


def encode_page_token(event_id: int, in_tests: bool = False) -> str:
    text = f"{'tests-after' if in_tests else 'after'}:{event_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_page_token(token: str) -> tuple[int, bool]:
    """(the last id listed, whether it was a quality test's)."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        text = ""
    match = re.fullmatch(r"(after|tests-after):([0-9]{1,18})", text)
    if not token.isascii() or match is None:
        raise QueryError("nextPageToken: not a token this server issued.")
    return int(match.group(2)), match.group(1) == "tests-after"


def parse_query(params: dict[str, list[str]]) -> EventQuery:
    """The query parameters as the EPCIS REST binding names them. A list
    parameter takes several values by repetition or separated by `|`. An
    unknown parameter or an unusable value raises QueryError."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise QueryError(f"Unknown query parameter(s): {', '.join(unknown)}. Supported: {', '.join(PARAMETERS)}.")
    query = EventQuery()

    def values(name: str) -> list[str]:
        if name not in params:
            return []
        found = [part.strip() for value in params[name] for part in value.split("|") if part.strip()]
        if not found:
            raise QueryError(f"{name}: give at least one value.")
        return found

    def single(name: str) -> str | None:
        given = params.get(name)
        if not given:
            return None
        if len(given) > 1:
            raise QueryError(f"{name}: give it once.")
        return given[0]

    query.event_types = values("eventType")
    for value in query.event_types:
        if value not in EVENT_TYPES:
            raise QueryError(f"eventType: {value!r} is not an EPCIS event type ({', '.join(EVENT_TYPES)}).")
    query.actions = values("EQ_action")
    for value in query.actions:
        if value not in ACTIONS:
            raise QueryError(f"EQ_action: {value!r} is not an EPCIS action ({', '.join(ACTIONS)}).")
    query.biz_steps = [bare_biz_step(value) for value in values("EQ_bizStep")]
    query.read_points = values("EQ_readPoint")
    query.biz_locations = values("EQ_bizLocation")
    query.lots = {name: values(name) for name in LOT_PARAMETERS if name in params}
    query.event_ids = values("EQ_eventID")
    for name, attribute in (("GE_eventTime", "ge_event_time"), ("LT_eventTime", "lt_event_time"),
                            ("GE_recordTime", "ge_record_time"), ("LT_recordTime", "lt_record_time")):
        raw = single(name)
        if raw is not None:
            setattr(query, attribute, parse_time(name, raw))
    declared = single("EXISTS_errorDeclaration")
    if declared is not None:
        if declared.strip().lower() not in ("", "true"):
            raise QueryError("EXISTS_errorDeclaration takes no value (or true): it keeps events with an errorDeclaration.")
        query.error_declared = True
    per_page = single("perPage")
    if per_page is not None:
        if not re.fullmatch(r"[0-9]{1,7}", per_page.strip()) or not 1 <= int(per_page) <= PER_PAGE_MAX:
            raise QueryError(f"perPage: {per_page!r} is not a whole number from 1 to {PER_PAGE_MAX}.")
        query.per_page = int(per_page)
    token = single("nextPageToken")
    if token is not None:
        query.after_id, query.in_tests = decode_page_token(token.strip())
    return query


def bare_biz_step(value: str) -> str:
    for prefix in BIZSTEP_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def class_matches(query: EventQuery, event_class: tuple) -> bool:
    event_type, action, biz_step = event_class
    return (
        (not query.event_types or event_type in query.event_types)
        and (not query.actions or action in query.actions)
        and (not query.biz_steps or biz_step in query.biz_steps)
    )


def matches(query: EventQuery, doc: dict, uris: Uris, lot_codes: dict[str, set[str]]) -> bool:
    """The filters on fields the mapping derives, applied to its output:
    class, places, and for each MATCH_ parameter a lot it names in the
    lists it looks in."""
    if not class_matches(query, (doc["type"], doc.get("action"), doc.get("bizStep"))):
        return False
    if query.read_points and doc.get("readPoint", {}).get("id") not in query.read_points:
        return False
    if query.biz_locations and doc.get("bizLocation", {}).get("id") not in query.biz_locations:
        return False
    for name, wanted in lot_codes.items():
        named = {(uris.lot_key(element["epcClass"]) or ("",))[0]
                 for key in LOT_PARAMETERS[name] for element in doc.get(key, [])}
        if not named & wanted:
            return False
    return True


def resolve_lots(session: Session, query: EventQuery, uris: Uris) -> dict[str, dict[int, str]]:
    """For each MATCH_ parameter given, the lots its identifiers name (id ->
    code): a lot's own URI names it; a Digital Link names it only with its
    product's GTIN. An identifier of anything else names nothing."""
    keys = {name: [k for k in (uris.lot_key(uri) for uri in given) if k is not None] for name, given in query.lots.items()}
    codes = {code for found in keys.values() for code, _gtin in found}
    lots = dict(session.exec(select(Lot.code, Lot.id).where(Lot.code.in_(codes))).all()) if codes else {}
    gtins = lot_gtins(session, list(lots.values())) if lots else {}
    return {
        name: {lots[code]: code for code, gtin in found if code in lots and (gtin is None or gtins.get(code) == gtin)}
        for name, found in keys.items()
    }


@dataclass
class Page:
    events: list[dict]
    next_token: str | None


def candidates(session: Session, query: EventQuery, uris: Uris, lots: dict[str, dict[int, str]]):
    """The events that can match, oldest first: the exact filters in SQL,
    the derived ones (type, action, bizStep, places) narrowed by kind."""
    reversal = aliased(Event)
    statement = (
        select(Event)
        .outerjoin(reversal, reversal.id == Event.reversed_by_event_id)
        .where(Event.kind.not_in(NOT_EXPORTED))
        .order_by(Event.id)
    )
    impossible = [kind for kind, possible in classes().items() if not any(class_matches(query, c) for c in possible)]
    if not class_matches(query, FALLBACK):
        statement = statement.where(Event.kind.in_([k for k in classes() if k not in impossible]))
    elif impossible:
        statement = statement.where(Event.kind.not_in(impossible))
    if query.ge_event_time is not None:
        statement = statement.where(Event.occurred_on >= first_day_at_or_after(query.ge_event_time))
    if query.lt_event_time is not None:
        statement = statement.where(Event.occurred_on < first_day_at_or_after(query.lt_event_time))
    recorded = func.coalesce(reversal.recorded_at, Event.recorded_at)
    if query.ge_record_time is not None:
        statement = statement.where(recorded >= query.ge_record_time.astimezone(timezone.utc))
    if query.lt_record_time is not None:
        statement = statement.where(recorded < query.lt_record_time.astimezone(timezone.utc))
    if query.error_declared:
        statement = statement.where(Event.reversed_by_event_id.is_not(None))
    if query.event_ids:
        ids = [i for i in (uris.event_id(uri) for uri in query.event_ids) if i is not None]
        statement = statement.where(Event.id.in_(ids) if ids else false())
    for name, lot_ids in lots.items():  # each given parameter must match
        statement = statement.where(naming_lots(list(lot_ids)) if LOT_PARAMETERS[name] and lot_ids else false())
    places = query.read_points + query.biz_locations
    if places:
        plot_ids = [int(p.rsplit("/", 1)[1]) for p in places if re.fullmatch(re.escape(uris.base) + r"/plots/[0-9]{1,18}", p)]
        statement = statement.where(Event.plot_id.in_(plot_ids) if plot_ids else false())
    return statement


def naming_lots(lot_ids: list[int]):
    """Events that name one of these lots: in a line, or as the lot shipped
    or received."""
    return or_(
        Event.id.in_(select(EventLine.event_id).where(EventLine.lot_id.in_(lot_ids))),
        Event.id.in_(select(Shipment.ship_event_id).where(Shipment.lot_id.in_(lot_ids))),
        Event.id.in_(select(Shipment.receive_event_id).where(Shipment.lot_id.in_(lot_ids))),
    )


def query_events(session: Session, *, base: str, query: EventQuery) -> Page:
    """One page of the events the query selects, the ledger's oldest first
    then the quality tests', and the token of the next page when there is one."""
    uris = Uris(base)
    lots = resolve_lots(session, query, uris)
    lot_codes = {name: set(found.values()) for name, found in lots.items()}
    batch = min(max(query.per_page * 2, 100), PER_PAGE_MAX)
    found: list[tuple[int, bool, dict]] = []  # (id, a quality test's, document)

    def walk(statement, id_column, in_tests: bool, after: int, documents):
        while len(found) <= query.per_page:
            rows = list(session.exec(statement.where(id_column > after).limit(batch)))
            for row_id, doc in documents(rows):
                after = row_id
                if matches(query, doc, uris, lot_codes):
                    found.append((row_id, in_tests, doc))
                    if len(found) > query.per_page:
                        return
            if len(rows) < batch:
                return

    def ledger_documents(events):
        facts = load_facts(session, events)
        return [(event.id, to_epcis(event, facts, uris)) for event in events]

    if not query.in_tests:
        walk(candidates(session, query, uris, lots), Event.id, False, query.after_id, ledger_documents)
    tests = quality.candidates(query, uris, lots, class_matches, QUANTITY_PARAMETERS)
    if tests is not None and len(found) <= query.per_page:
        walk(tests, QualityTest.id, True, query.after_id if query.in_tests else 0,
             lambda rows: [(test.id, doc) for test, doc in quality.documents(session, rows, uris)])
    page = found[: query.per_page]
    more = len(found) > query.per_page
    return Page(events=[doc for _, _, doc in page], next_token=encode_page_token(page[-1][0], page[-1][1]) if more else None)


def query_document(events: list[dict], *, base: str) -> dict:
    """An EPCISQueryDocument holding `events`."""
    return {
        "@context": context(Uris(base)),
        "type": "EPCISQueryDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": rfc3339_utc(clock.utcnow()),
        "epcisBody": {"queryResults": {"queryName": QUERY_NAME, "resultsBody": {"eventList": events}}},
    }


def get_event(session: Session, *, base: str, event_id: int) -> dict:
    """One event as a standalone EPCIS event (with its @context)."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"No event {event_id}.")
    if event.kind in NOT_EXPORTED:
        raise NotExported(
            f"Event {event_id} is a correction: it is exported as the errorDeclaration of event {event.reverses_event_id}.",
            reversed_event_id=event.reverses_event_id,
        )
    uris = Uris(base)
    return {"@context": context(uris), **to_epcis(event, load_facts(session, [event]), uris)}


def get_quality_test(session: Session, *, base: str, test_id: int) -> dict:
    """One quality test as a standalone EPCIS event (with its @context)."""
    uris = Uris(base)
    doc = quality.get(session, uris, test_id)
    if doc is None:
        raise NotFound(f"No quality test {test_id}.")
    return {"@context": context(uris), **doc}
