"""The SimpleEventQuery's parameters as the EPCIS 2.0 REST binding names
them: parsed and checked into an EventQuery, and the opaque page token.
Messages are English: the API is not translated."""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime

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
