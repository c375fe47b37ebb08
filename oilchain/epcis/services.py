"""The ledger as GS1 EPCIS 2.0 JSON-LD, and the standard's SimpleEventQuery.

Pure mapping: a ledger `Event` (with its lines, shipment, sale, plot and
reversal) becomes one EPCIS event dict; nothing here sees `request`. Lots
are quantities of a class, so every event names lots in quantity lists
(`epcClass` = the lot URI `{base}/l/{code}`), never in EPC lists.

| ledger event | EPCIS event | action | bizStep |
| --- | --- | --- | --- |
| commission, harvest | ObjectEvent | ADD | commissioning |
| grade | ObjectEvent | OBSERVE | inspecting |
| dispatch to a plot | TransformationEvent | | shipping |
| dispatch out of the county | ObjectEvent | OBSERVE | shipping |
| plant (seedlings used) | ObjectEvent | DELETE | installing |
| plant (no seedlings: tending, top grafting) | ObjectEvent | OBSERVE | other |
| dry_hull, press, bottle | TransformationEvent | | commissioning |
| ship | ObjectEvent | OBSERVE | shipping |
| receive | ObjectEvent | OBSERVE | receiving |
| sell (retail, online) | ObjectEvent | OBSERVE | retail_selling |
| sell (other channels) | ObjectEvent | OBSERVE | shipping |
| dispose | ObjectEvent | DELETE | destroying (disposition destroyed, the reason in oilchain:reason) |
| reverse | not exported: the event it reverses carries an errorDeclaration |

Messages are English: the API is not translated.
"""

import base64
import binascii
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import clock, codes
from ..errors import NotFound
from ..ledger.models import Event, EventLine, Lot, Shipment
from ..planting.models import Plot
from ..sales.models import Sale

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
QUERY_NAME = "SimpleEventQuery"
EPCIS_VERSION = "2.0.0"  # the GS1-EPCIS-Version and GS1-CBV-Version headers
CBV_VERSION = "2.0.0"

# The county's offset: Asia/Shanghai has kept +08:00 all year since 1991,
# and no ledger date is before 2000.
COUNTY_OFFSET = timezone(timedelta(hours=8))
TIME_ZONE_OFFSET = "+08:00"

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
ACTIONS = ("OBSERVE", "ADD", "DELETE")
# UN/ECE rec. 20 codes: kilograms for mass (the ledger keeps grams), pieces
# for plants and bottles.
UOM = {"g": "KGM", "plant": "H87", "unit": "H87"}
RETAIL_CHANNELS = ("retail", "online")  # sold to the consumer: retail_selling

PER_PAGE_DEFAULT = 30
PER_PAGE_MAX = 1000

# What each kind of ledger event can become: (type, action, bizStep). The
# exact choice depends on the event (a dispatch with or without a plot, a
# planting with or without seedlings, a sale's channel). Kinds not listed
# (none today) are exported as a plain observation: FALLBACK.
CLASSES = {
    "commission": {("ObjectEvent", "ADD", "commissioning")},
    "grade": {("ObjectEvent", "OBSERVE", "inspecting")},
    "dispatch": {("TransformationEvent", None, "shipping"), ("ObjectEvent", "OBSERVE", "shipping")},
    "plant": {("ObjectEvent", "DELETE", "installing"), ("ObjectEvent", "OBSERVE", "other")},
    "harvest": {("ObjectEvent", "ADD", "commissioning")},
    "dry_hull": {("TransformationEvent", None, "commissioning")},
    "ship": {("ObjectEvent", "OBSERVE", "shipping")},
    "receive": {("ObjectEvent", "OBSERVE", "receiving")},
    "press": {("TransformationEvent", None, "commissioning")},
    "bottle": {("TransformationEvent", None, "commissioning")},
    "sell": {("ObjectEvent", "OBSERVE", "retail_selling"), ("ObjectEvent", "OBSERVE", "shipping")},
    "dispose": {("ObjectEvent", "DELETE", "destroying")},
}
FALLBACK = ("ObjectEvent", "OBSERVE", None)
NOT_EXPORTED = ("reverse",)

# A bizStep may be given bare or as either of the CBV's URI forms.
BIZSTEP_PREFIXES = ("https://ref.gs1.org/cbv/BizStep-", "http://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:")

MULTI_VALUED = ("eventType", "EQ_action", "EQ_bizStep", "EQ_readPoint", "EQ_bizLocation", "MATCH_anyEPC",
                "MATCH_anyEPCClass", "EQ_eventID")
SINGLE_VALUED = ("GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EXISTS_errorDeclaration",
                 "perPage", "nextPageToken")
PARAMETERS = MULTI_VALUED + SINGLE_VALUED


class QueryError(Exception):
    """A query parameter the query cannot use (EPCIS QueryParameterException)."""


class NotExported(NotFound):
    """A reversal: exported as the errorDeclaration of the event it reverses."""

    def __init__(self, message, reversed_event_id: int):
        super().__init__(message)
        self.reversed_event_id = reversed_event_id


# --- identifiers ----------------------------------------------------------------


@dataclass(frozen=True)
class Uris:
    """The URIs the export mints, all on the public base URL."""

    base: str

    def lot(self, code: str) -> str:
        return f"{self.base}/l/{code}"

    def event(self, event_id: int) -> str:
        return f"{self.base}/epcis/events/{event_id}"

    def org(self, org_id: int) -> str:
        return f"{self.base}/org/{org_id}"

    def plot(self, plot_id: int) -> str:
        return f"{self.base}/plots/{plot_id}"

    def sale_buyer(self, sale_id: int) -> str:
        # Buyers are names typed at the sale, with no identity of their own.
        return f"{self.base}/sales/{sale_id}#buyer"

    @property
    def namespace(self) -> str:
        """The `oilchain:` prefix of the export's extension fields."""
        return f"{self.base}/epcis/ns#"

    def lot_code(self, uri: str) -> str | None:
        """The lot code a lot URI names (any case), or None for another URI."""
        prefix = f"{self.base}/l/"
        if not uri.lower().startswith(prefix.lower()):
            return None
        code = codes.normalize_lot_code(uri[len(prefix):])
        return code if codes.is_lot_code(code) else None

    def event_id(self, uri: str) -> int | None:
        prefix = f"{self.base}/epcis/events/"
        rest = uri[len(prefix):] if uri.startswith(prefix) else ""
        return int(rest) if rest.isascii() and rest.isdigit() and 0 < len(rest) < 19 else None


def context(uris: Uris) -> list:
    return [EPCIS_CONTEXT, {"oilchain": uris.namespace}]


# --- values ---------------------------------------------------------------------------


def json_quantity(amount: int, unit: str) -> int | float:
    """A ledger quantity as a JSON number in its EPCIS unit: grams as kg
    (exact: the decimal amount / 1000, whose shortest float repr is that
    decimal), plants and bottles as they are."""
    if unit != "g":
        return amount
    kg = Decimal(amount) / 1000
    return int(kg) if kg == kg.to_integral_value() else float(kg)


def quantity_element(uris: Uris, code: str, unit: str, amount: int) -> dict:
    return {"epcClass": uris.lot(code), "quantity": json_quantity(abs(amount), unit), "uom": UOM.get(unit, "H87")}


def event_time(day: date) -> str:
    """The business date at 00:00 in the county (+08:00)."""
    return f"{day.isoformat()}T00:00:00{TIME_ZONE_OFFSET}"


def rfc3339_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def first_day_at_or_after(moment: datetime) -> date:
    """The first business date whose event time (00:00 +08:00) is not
    before `moment`."""
    local = moment.astimezone(COUNTY_OFFSET)
    day = local.date()
    return day if local.replace(tzinfo=None).time() == time(0) else day + timedelta(days=1)


# --- what an event needs beyond its row ----------------------------------------------


@dataclass
class Line:
    role: str
    delta: int
    code: str
    unit: str


@dataclass
class Facts:
    """Everything the mapping reads, loaded for a batch of events at once."""

    lines: dict = field(default_factory=lambda: defaultdict(list))  # event id -> [Line]
    shipped: dict = field(default_factory=dict)  # ship event id -> (Shipment, code, unit)
    received: dict = field(default_factory=dict)  # receive event id -> (Shipment, code, unit)
    sales: dict = field(default_factory=dict)  # sell event id -> Sale
    plots: dict = field(default_factory=dict)  # plot id -> Plot
    reversals: dict = field(default_factory=dict)  # reversed event id -> reversal Event
    after_grading: dict = field(default_factory=dict)  # grade event id -> plants left in the batch


def load_facts(session: Session, events: list[Event]) -> Facts:
    facts = Facts()
    ids = [e.id for e in events]
    if not ids:
        return facts
    for event_id, role, delta, code, unit in session.exec(
        select(EventLine.event_id, EventLine.role, EventLine.delta, Lot.code, Lot.unit)
        .join(Lot, Lot.id == EventLine.lot_id)
        .where(EventLine.event_id.in_(ids))
        .order_by(EventLine.id)
    ):
        facts.lines[event_id].append(Line(role, delta, code, unit))
    by_kind = defaultdict(list)
    for event in events:
        by_kind[event.kind].append(event.id)
    if by_kind["ship"] or by_kind["receive"]:
        for shipment, code, unit in session.exec(
            select(Shipment, Lot.code, Lot.unit)
            .join(Lot, Lot.id == Shipment.lot_id)
            .where(or_(Shipment.ship_event_id.in_(by_kind["ship"]), Shipment.receive_event_id.in_(by_kind["receive"])))
        ):
            if shipment.ship_event_id in by_kind["ship"]:
                facts.shipped[shipment.ship_event_id] = (shipment, code, unit)
            if shipment.receive_event_id in by_kind["receive"]:
                facts.received[shipment.receive_event_id] = (shipment, code, unit)
    for event_id in by_kind["receive"]:
        if event_id not in facts.received:
            found = reversed_receipt(session, next(e for e in events if e.id == event_id), facts.lines[event_id])
            if found:
                facts.received[event_id] = found
    if by_kind["sell"]:
        facts.sales = {s.event_id: s for s in session.exec(select(Sale).where(Sale.event_id.in_(by_kind["sell"])))}
    plot_ids = {e.plot_id for e in events if e.plot_id}
    if plot_ids:
        facts.plots = {p.id: p for p in session.exec(select(Plot).where(Plot.id.in_(plot_ids)))}
    reversal_ids = [e.reversed_by_event_id for e in events if e.reversed_by_event_id]
    if reversal_ids:
        facts.reversals = {r.reverses_event_id: r for r in session.exec(select(Event).where(Event.id.in_(reversal_ids)))}
    if by_kind["grade"]:
        # What was left in each graded batch: its lines up to the grading (a
        # grading has the one line of its batch), for all gradings at once.
        grading, earlier = aliased(EventLine), aliased(EventLine)
        facts.after_grading = {
            event_id: int(total)  # PostgreSQL sums BIGINTs as NUMERIC
            for event_id, total in session.exec(
                select(grading.event_id, func.sum(earlier.delta))
                .join(earlier, (earlier.lot_id == grading.lot_id) & (earlier.event_id <= grading.event_id))
                .where(grading.event_id.in_(by_kind["grade"]))
                .group_by(grading.event_id)
            )
        }
    return facts


def reversed_receipt(session: Session, event: Event, lines: list[Line]):
    """The shipment of a receipt that was reversed (the reversal unlinks it
    from the shipment): found through the receipt's weighbridge line, which
    every receipt has (of zero when the weight agreed)."""
    if not lines:
        return None
    row = session.exec(
        select(Shipment, Lot.code, Lot.unit)
        .join(Lot, Lot.id == Shipment.lot_id)
        .where(Lot.code == lines[0].code, Shipment.to_org_id == event.org_id, Shipment.ship_event_id < event.id)
        .order_by(Shipment.id.desc())
    ).first()
    if row is None:
        return None
    shipment, code, unit = row
    return shipment, code, unit


# --- the mapping -------------------------------------------------------------------


def classify(event: Event, facts: Facts) -> tuple[str, str | None, str | None]:
    """(type, action, bizStep) of the event: one of CLASSES[kind]."""
    kind = event.kind
    lines = facts.lines.get(event.id, [])
    if kind == "dispatch":
        if any(line.role == "output" for line in lines):
            return ("TransformationEvent", None, "shipping")
        return ("ObjectEvent", "OBSERVE", "shipping")
    if kind == "plant":
        if any(line.role == "input" for line in lines):
            return ("ObjectEvent", "DELETE", "installing")
        return ("ObjectEvent", "OBSERVE", "other")
    if kind == "sell":
        sale = facts.sales.get(event.id)
        step = "retail_selling" if sale is not None and sale.channel in RETAIL_CHANNELS else "shipping"
        return ("ObjectEvent", "OBSERVE", step)
    if kind in CLASSES:
        return next(iter(CLASSES[kind]))
    return FALLBACK


def record_time(event: Event, facts: Facts) -> datetime:
    """When the ledger last recorded something about the event: its
    reversal (the error declaration) if any, else the event itself."""
    reversal = facts.reversals.get(event.id)
    return reversal.recorded_at if reversal is not None else event.recorded_at


def to_epcis(event: Event, facts: Facts, uris: Uris) -> dict:
    """One ledger event as an EPCIS 2.0 event (without @context)."""
    event_type, action, biz_step = classify(event, facts)
    lines = facts.lines.get(event.id, [])
    doc = {
        "type": event_type,
        "eventTime": event_time(event.occurred_on),
        "eventTimeZoneOffset": TIME_ZONE_OFFSET,
        "recordTime": rfc3339_utc(record_time(event, facts)),
        "eventID": uris.event(event.id),
    }
    reversal = facts.reversals.get(event.id)
    if reversal is not None:
        doc["errorDeclaration"] = {
            "declarationTime": rfc3339_utc(reversal.recorded_at),
            "reason": "incorrect_data",
            "correctiveEventIDs": [uris.event(reversal.id)],
            "oilchain:reason": reversal.note,
        }
    if action is not None:
        doc["action"] = action
    if biz_step is not None:
        doc["bizStep"] = biz_step
    plot = facts.plots.get(event.plot_id) if event.plot_id else None
    kind = event.kind

    def quantities(roles) -> list[dict]:
        return [quantity_element(uris, line.code, line.unit, line.delta) for line in lines if line.role in roles]

    if event_type == "TransformationEvent":
        doc["inputQuantityList"] = quantities(("input",))
        doc["outputQuantityList"] = quantities(("output",))
        if kind == "dispatch":
            doc["sourceList"] = [{"type": "owning_party", "source": uris.org(event.org_id)}]
            if plot is not None:
                doc["destinationList"] = [
                    {"type": "owning_party", "destination": uris.org(plot.cooperative_id)},
                    {"type": "location", "destination": uris.plot(plot.id)},
                ]
    elif kind == "ship":
        shipment, code, unit = facts.shipped[event.id]
        doc["disposition"] = "in_transit"
        doc["quantityList"] = [quantity_element(uris, code, unit, shipment.declared_quantity)]
        doc["sourceList"] = [{"type": "owning_party", "source": uris.org(shipment.from_org_id)}]
        doc["destinationList"] = [{"type": "owning_party", "destination": uris.org(shipment.to_org_id)}]
    elif kind == "receive":
        found = facts.received.get(event.id)
        if found is None:
            doc["epcList"] = []  # no shipment names it (see reversed_receipt): an empty observation
        else:
            shipment, code, unit = found
            weighed = shipment.received_quantity
            if weighed is None:  # a reversed receipt: declared weight and the weighbridge difference
                weighed = shipment.declared_quantity + sum(line.delta for line in lines if line.role == "adjust")
            doc["quantityList"] = [quantity_element(uris, code, unit, weighed)]
            doc["sourceList"] = [{"type": "owning_party", "source": uris.org(shipment.from_org_id)}]
            doc["destinationList"] = [{"type": "owning_party", "destination": uris.org(shipment.to_org_id)}]
    elif kind == "grade":
        line = lines[0]
        doc["quantityList"] = [quantity_element(uris, line.code, line.unit, facts.after_grading[event.id])]
    elif kind == "dispose":
        doc["quantityList"] = quantities(("input",))
        doc["disposition"] = "destroyed"
        doc["oilchain:reason"] = event.note
    elif kind == "sell":
        doc["quantityList"] = quantities(("input",))
        sale = facts.sales.get(event.id)
        doc["sourceList"] = [{"type": "owning_party", "source": uris.org(event.org_id)}]
        if sale is not None:
            doc["destinationList"] = [{"type": "owning_party", "destination": uris.sale_buyer(sale.id)}]
            doc["oilchain:buyer"] = sale.buyer
            doc["oilchain:channel"] = sale.channel
    else:
        # commission, harvest (outputs), plant and out-of-county dispatch (inputs), others
        listed = quantities(("output",) if action == "ADD" else ("input", "output", "adjust"))
        if listed:
            doc["quantityList"] = listed
        else:
            doc["epcList"] = []  # a planting without seedlings (tending, top grafting)
        if kind == "dispatch" and event.note:
            doc["oilchain:destinationName"] = event.note
    if plot is not None and kind in ("harvest", "plant"):
        doc["readPoint"] = {"id": uris.plot(plot.id)}
        doc["bizLocation"] = {"id": uris.plot(plot.id)}
    doc["oilchain:eventKind"] = kind
    doc["oilchain:organization"] = uris.org(event.org_id)
    return doc


# --- the query ---------------------------------------------------------------------


@dataclass
class EventQuery:
    """A SimpleEventQuery's parameters, parsed and checked."""

    event_types: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    biz_steps: list[str] = field(default_factory=list)
    read_points: list[str] = field(default_factory=list)
    biz_locations: list[str] = field(default_factory=list)
    # Lot URIs: a lot is its own EPC and its own class, so both match any list naming it.
    any_epc: list[str] = field(default_factory=list)
    any_epc_class: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    ge_event_time: datetime | None = None
    lt_event_time: datetime | None = None
    ge_record_time: datetime | None = None
    lt_record_time: datetime | None = None
    error_declared: bool = False
    per_page: int = PER_PAGE_DEFAULT
    after_id: int = 0


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


def encode_page_token(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{event_id}".encode()).decode().rstrip("=")


def decode_page_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        text = ""
    match = re.fullmatch(r"after:([0-9]{1,18})", text)
    if not token.isascii() or match is None:
        raise QueryError("nextPageToken: not a token this server issued.")
    return int(match.group(1))


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
    query.any_epc = values("MATCH_anyEPC")
    query.any_epc_class = values("MATCH_anyEPCClass")
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
        query.after_id = decode_page_token(token.strip())
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


def matches(query: EventQuery, doc: dict) -> bool:
    """The filters on fields the mapping derives, applied to its output."""
    if not class_matches(query, (doc["type"], doc.get("action"), doc.get("bizStep"))):
        return False
    if query.read_points and doc.get("readPoint", {}).get("id") not in query.read_points:
        return False
    if query.biz_locations and doc.get("bizLocation", {}).get("id") not in query.biz_locations:
        return False
    return True


@dataclass
class Page:
    events: list[dict]
    next_token: str | None


def candidates(session: Session, query: EventQuery, uris: Uris):
    """The events that can match, oldest first: the exact filters in SQL,
    the derived ones (type, action, bizStep, places) narrowed by kind."""
    reversal = aliased(Event)
    statement = (
        select(Event)
        .outerjoin(reversal, reversal.id == Event.reversed_by_event_id)
        .where(Event.kind.not_in(NOT_EXPORTED))
        .order_by(Event.id)
    )
    impossible = [kind for kind, classes in CLASSES.items() if not any(class_matches(query, c) for c in classes)]
    if not class_matches(query, FALLBACK):
        statement = statement.where(Event.kind.in_([k for k in CLASSES if k not in impossible]))
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
    for lot_uris in (query.any_epc, query.any_epc_class):  # each given parameter must match
        if lot_uris:
            statement = statement.where(naming_lots(uris, lot_uris))
    places = query.read_points + query.biz_locations
    if places:
        plot_ids = [int(p.rsplit("/", 1)[1]) for p in places if re.fullmatch(re.escape(uris.base) + r"/plots/[0-9]{1,18}", p)]
        statement = statement.where(Event.plot_id.in_(plot_ids) if plot_ids else false())
    return statement


def naming_lots(uris: Uris, lot_uris: list[str]):
    """Events that name one of these lots: in a line, or as the lot shipped
    or received."""
    lot_codes = {c for c in (uris.lot_code(uri) for uri in lot_uris) if c is not None}
    if not lot_codes:
        return false()
    lot_ids = select(Lot.id).where(Lot.code.in_(lot_codes))
    return or_(
        Event.id.in_(select(EventLine.event_id).where(EventLine.lot_id.in_(lot_ids))),
        Event.id.in_(select(Shipment.ship_event_id).where(Shipment.lot_id.in_(lot_ids))),
        Event.id.in_(select(Shipment.receive_event_id).where(Shipment.lot_id.in_(lot_ids))),
    )


def query_events(session: Session, *, base: str, query: EventQuery) -> Page:
    """One page of the events the query selects, oldest first, and the token
    of the next page when there is one."""
    uris = Uris(base)
    statement = candidates(session, query, uris)
    batch = min(max(query.per_page * 2, 100), PER_PAGE_MAX)
    found: list[tuple[int, dict]] = []
    after = query.after_id
    while len(found) <= query.per_page:
        events = list(session.exec(statement.where(Event.id > after).limit(batch)))
        facts = load_facts(session, events)
        for event in events:
            after = event.id
            doc = to_epcis(event, facts, uris)
            if matches(query, doc):
                found.append((event.id, doc))
                if len(found) > query.per_page:
                    break
        if len(events) < batch:
            break
    page = found[: query.per_page]
    more = len(found) > query.per_page
    return Page(events=[doc for _, doc in page], next_token=encode_page_token(page[-1][0]) if more else None)


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
