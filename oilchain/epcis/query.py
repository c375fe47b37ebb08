"""The standard's SimpleEventQuery over the ledger and the quality tests:
narrowing in SQL (exact filters, and the ledger kinds whose mapping can
match), the derived filters on the mapped events, paging (the ledger's
events by id, then the quality tests by id; params.py parses the
parameters and the token). Messages are English: the API is not translated."""

import re
from dataclasses import dataclass
from datetime import timezone

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
from .params import LOT_PARAMETERS, PER_PAGE_MAX, QUANTITY_PARAMETERS, EventQuery, encode_page_token


class NotExported(NotFound):
    """A reversal: exported as the errorDeclaration of the event it reverses."""

    def __init__(self, message, reversed_event_id: int):
        super().__init__(message)
        self.reversed_event_id = reversed_event_id


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
