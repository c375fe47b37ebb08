"""The EPCIS 2.0 export: /epcis/events and /epcis/events/<id>, validated
against GS1's published EPCIS 2.0 JSON schema with format checking on, the
SimpleEventQuery parameters, paging, quantities, reversals and access."""

import json
import os
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft7Validator

from oilchain import clock
from oilchain.auth import services as auth_services
from oilchain import ledger
from oilchain.ledger.models import Event, EventLine, Lot
from oilchain.nursery import services as nursery
from oilchain.planting import services as planting
from oilchain.epcis.identifiers import Uris
from oilchain.processing.models import Product, ProductLot, QualityTest
from oilchain.sales import services as sales
from sqlmodel import select

from .. import chain
from ..chain import KG, db_session

BASE = "https://trace.example.cn"  # the test app's PUBLIC_BASE_URL
# The chain is recorded on 19 December (09:00 in the county, 01:00 UTC), the
# sales and corrections on the pinned "today", 20 December (02:00 UTC).
EARLIER = datetime(2025, 12, 19, 9, 0)
SPLIT = "2025-12-20T00:00:00Z"


def schema_path() -> Path:
    """OILCHAIN_EPCIS_SCHEMA, else shared/ beside the checkout, else the workplace's shared/."""
    candidates = [
        os.environ.get("OILCHAIN_EPCIS_SCHEMA"),
        Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "epcis" / "EPCIS-JSON-Schema.json",
        "/work/shared/standards/epcis/EPCIS-JSON-Schema.json",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.fail(f"GS1's EPCIS JSON schema was not found at any of {candidates}")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def assert_valid(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


# --- the chain ---------------------------------------------------------------------------


class Built:
    """Event ids by name, lots by name, and who did what."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.lots: dict[str, Lot] = {}
        self.reversal_of: dict[str, int] = {}
        self.gtins: dict[str, str] = {}  # lot name -> its product's GTIN (the bottled lot)

    def uri(self, lot_name: str) -> str:
        """The lot's class identifier in the export: GTIN and lot as a
        canonical Digital Link for a product's lot, else the lot's own URI."""
        if lot_name in self.gtins:
            return f"https://id.gs1.org/01/{self.gtins[lot_name]}/10/{self.lots[lot_name].code}"
        return self.old_uri(lot_name)

    def old_uri(self, lot_name: str) -> str:
        return f"{BASE}/l/{self.lots[lot_name].code}"

    def event_uri(self, name: str) -> str:
        return f"{BASE}/epcis/events/{self.ids[name]}"

    def names(self, event_ids) -> set[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return {by_id[i] for i in event_ids}


def made_by(session, lot) -> int:
    return chain.event_that_made(session, lot).id


def last_event_id(session) -> int:
    return session.exec(select(Event.id).order_by(Event.id.desc())).first()


@pytest.fixture
def built(app, world) -> Built:
    """The full chain (batch to bottle), a dispatch out of the county, a
    tending without seedlings, a harvest and a receipt that are reversed,
    two sales and a disposal: every branch of the mapping."""
    b = Built()
    with db_session(app) as s:
        with clock.frozen(EARLIER):
            c = chain.full_chain(s, world)
            b.lots.update(batch=c.batch, dispatched=c.dispatched, fruit=c.fruit, seed=c.seed, husk=c.husk, oil=c.oil,
                          cake=c.cake, product=c.product_lot)
            b.ids["commission"] = made_by(s, c.batch)
            b.ids["grade"] = chain.events_using(s, c.batch, "grade")[0].id
            b.ids["dispatch"] = made_by(s, c.dispatched)
            b.ids["plant"] = chain.events_using(s, c.dispatched, "plant")[0].id
            b.ids["harvest"] = made_by(s, c.fruit)
            b.ids["dry_hull"] = made_by(s, c.seed)
            b.ids["ship_seed"] = ledger.lot_history(s, c.seed)[1][0].id
            b.ids["receive_seed"] = ledger.lot_history(s, c.seed)[2][0].id
            b.ids["press"] = made_by(s, c.oil)
            b.ids["bottle"] = made_by(s, c.product_lot)
            b.gtins["product"] = s.exec(select(Product.gtin).join(ProductLot, ProductLot.product_id == Product.id)
                                        .where(ProductLot.lot_id == c.product_lot.id)).one()
            b.ids["quality"] = f"quality-tests/{s.exec(select(QualityTest.id).where(QualityTest.lot_id == c.oil.id)).one()}"
            nursery.dispatch(s, actor=world.actors["nursery"], batch_code=c.batch.code, grade=2, quantity=500,
                             dispatched_on=date(2021, 3, 5), destination="湖南省邵阳市苗木公司")
            s.commit()
            b.ids["dispatch_out"] = last_event_id(s)
            planting.record_planting(s, actor=world.actors["coop"], plot_id=world.plots["mawang"].id, kind="renovation",
                                     method="tending", area_centimu=1_000, variety_id=chain.variety_id(s),
                                     planted_on=date(2025, 3, 15))
            s.commit()
            b.ids["tending"] = last_event_id(s)
            b.lots["wrong_fruit"] = chain.harvest_lot(s, world, grams=1_234_567, on=date(2025, 10, 26))
            b.ids["wrong_harvest"] = made_by(s, b.lots["wrong_fruit"])
            chain.ship(s, world, lot=c.husk, to="processor2", on=date(2025, 11, 22))
            b.ids["ship_husk"] = last_event_id(s)
            chain.receive(s, world, lot=c.husk, weighed=3_190 * KG, actor="processor2", on=date(2025, 11, 23))
            b.ids["receive_husk"] = last_event_id(s)
        chain.sell(s, world, lot=c.product_lot, quantity=200)
        b.ids["sale"] = last_event_id(s)
        sales.sell(s, actor=world.actors["processor"], lot_code=c.product_lot.code, buyer="张三", channel="retail",
                   quantity=10, unit_price_fen=13_800, sold_on=date(2025, 12, 6))
        s.commit()
        b.ids["sale_retail"] = last_event_id(s)
        ledger.dispose_lot(s, actor=world.actors["processor"], code=c.cake.code, quantity=10 * KG,
                           occurred_on=date(2025, 12, 7), reason="受潮霉变")
        s.commit()
        b.ids["dispose"] = last_event_id(s)
        ledger.reverse_event(s, actor=world.actors["coop"], event_id=b.ids["wrong_harvest"], reason="entered twice")
        s.commit()
        b.reversal_of["wrong_harvest"] = last_event_id(s)
        ledger.reverse_event(s, actor=world.actors["processor2"], event_id=b.ids["receive_husk"], reason="wrong processor")
        s.commit()
        b.reversal_of["receive_husk"] = last_event_id(s)
    return b


EXPORTED = {"quality", "commission", "grade", "dispatch", "plant", "harvest", "dry_hull", "ship_seed", "receive_seed", "press",
            "bottle", "dispatch_out", "tending", "wrong_harvest", "ship_husk", "receive_husk", "sale", "sale_retail",
            "dispose"}

# ledger event -> (type, action, bizStep)
MAPPING = {
    "commission": ("ObjectEvent", "ADD", "commissioning"),
    "grade": ("ObjectEvent", "OBSERVE", "inspecting"),
    "quality": ("ObjectEvent", "OBSERVE", "inspecting"),
    "dispatch": ("TransformationEvent", None, "shipping"),
    "dispatch_out": ("ObjectEvent", "OBSERVE", "shipping"),
    "plant": ("ObjectEvent", "DELETE", "installing"),
    "tending": ("ObjectEvent", "OBSERVE", "other"),
    "harvest": ("ObjectEvent", "ADD", "commissioning"),
    "wrong_harvest": ("ObjectEvent", "ADD", "commissioning"),
    "dry_hull": ("TransformationEvent", None, "commissioning"),
    "ship_seed": ("ObjectEvent", "OBSERVE", "shipping"),
    "ship_husk": ("ObjectEvent", "OBSERVE", "shipping"),
    "receive_seed": ("ObjectEvent", "OBSERVE", "receiving"),
    "receive_husk": ("ObjectEvent", "OBSERVE", "receiving"),
    "press": ("TransformationEvent", None, "commissioning"),
    "bottle": ("TransformationEvent", None, "commissioning"),
    "sale": ("ObjectEvent", "OBSERVE", "shipping"),
    "sale_retail": ("ObjectEvent", "OBSERVE", "retail_selling"),
    "dispose": ("ObjectEvent", "DELETE", "destroying"),
}


def event_number(event: dict) -> int | str:
    """A ledger event's id; a quality test's "quality-tests/<id>"."""
    match = re.fullmatch(re.escape(BASE) + r"/epcis/(events|quality-tests)/([0-9]+)", event["eventID"])
    assert match, event["eventID"]
    return int(match.group(2)) if match.group(1) == "events" else f"quality-tests/{match.group(2)}"


def listed(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


@pytest.fixture
def bureau(auth, client):
    auth.login("bureau")
    return client


def names_for(client, built, query: str) -> set[str]:
    events = listed(client.get(f"/epcis/events?perPage=1000&{query}"))
    return built.names(event_number(e) for e in events)


def all_events(client) -> dict[int, dict]:
    return {event_number(e): e for e in listed(client.get("/epcis/events?perPage=1000"))}


# --- the schema and its format checking ------------------------------------------------------


def test_the_format_checker_really_checks_dates_and_uris(validator, built, bureau):
    assert {"date-time", "uri"} <= set(validator.format_checker.checkers)
    document = bureau.get("/epcis/events?perPage=1000").json
    assert_valid(validator, document)

    def broken(change) -> list:
        copy = json.loads(json.dumps(document))
        change(copy["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0])
        return list(validator.iter_errors(copy))

    assert broken(lambda e: e.update(eventTime="yesterday"))
    assert broken(lambda e: e.update(recordTime="2025-12-20 02:00"))
    assert broken(lambda e: e.update(eventID="event 1"))
    assert broken(lambda e: e["quantityList"][0].update(epcClass="YY-S20-000001"))
    assert broken(lambda e: e["quantityList"][0].update(quantity="10000"))
    assert broken(lambda e: e.update(bizStep="grading"))
    assert broken(lambda e: e.update(action="CREATE"))
    assert broken(lambda e: e.update(eventTimeZoneOffset="+8"))


def test_every_page_of_a_full_chain_with_reversals_is_valid_epcis(validator, built, bureau):
    response = bureau.get("/epcis/events")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["GS1-EPCIS-Version"] == "2.0.0"
    document = response.json
    assert_valid(validator, document)
    assert document["type"] == "EPCISQueryDocument"
    assert document["schemaVersion"] == "2.0"
    assert document["@context"][0] == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    assert document["epcisBody"]["queryResults"]["queryName"] == "SimpleEventQuery"
    events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    # 19 exported events (18 of the ledger, a quality test) fit the default page of 30: no next page.
    assert built.names(event_number(e) for e in events) == EXPORTED
    assert len(events) == len(EXPORTED)
    assert "Link" not in response.headers
    # A client asking for plain JSON gets the same document as application/json.
    plain = bureau.get("/epcis/events", headers={"Accept": "application/json"})
    assert plain.mimetype == "application/json"
    assert len(listed(plain)) == len(EXPORTED)


def test_each_ledger_event_maps_to_its_epcis_type_action_and_biz_step(built, bureau):
    events = all_events(bureau)
    for name, (event_type, action, biz_step) in MAPPING.items():
        event = events[built.ids[name]]
        assert (event["type"], event.get("action"), event.get("bizStep")) == (event_type, action, biz_step), name
    # Reversals are not business events of their own.
    assert not set(built.reversal_of.values()) & set(events)


def test_times_ids_and_places(app, built, bureau):
    events = all_events(bureau)
    harvest = events[built.ids["harvest"]]
    assert harvest["eventTime"] == "2025-10-25T00:00:00+08:00"
    assert harvest["eventTimeZoneOffset"] == "+08:00"
    assert harvest["recordTime"] == "2025-12-19T01:00:00.000Z"
    assert harvest["eventID"] == built.event_uri("harvest")
    assert events[built.ids["sale"]]["recordTime"] == "2025-12-20T02:00:00.000Z"
    with db_session(app) as s:
        for number, event in events.items():
            if isinstance(number, str):
                continue  # a quality test (test_quality.py)
            row = s.get(Event, number)
            assert event["eventTime"] == f"{row.occurred_on.isoformat()}T00:00:00+08:00"
    plot = f"{BASE}/plots/{built_plot_id(app, 'mawang')}"
    for name in ("plant", "harvest", "tending", "wrong_harvest"):
        assert events[built.ids[name]]["readPoint"] == {"id": plot}
        assert events[built.ids[name]]["bizLocation"] == {"id": plot}
    assert events[built.ids["tending"]]["epcList"] == []


def built_plot_id(app, name: str) -> int:
    from oilchain.planting.models import Plot

    with db_session(app) as s:
        return s.exec(select(Plot.id).where(Plot.name == {"mawang": "老屋基", "longtan": "青山坡"}[name])).one()


def org_uri(world, key: str) -> str:
    return f"{BASE}/org/{world.orgs[key].id}"


def test_shipping_and_receiving_name_source_and_destination(app, world, built, bureau):
    events = all_events(bureau)
    coop, processor, nursery_org = org_uri(world, "coop"), org_uri(world, "processor"), org_uri(world, "nursery")
    for name in ("ship_seed", "receive_seed"):
        event = events[built.ids[name]]
        assert event["sourceList"] == [{"type": "owning_party", "source": coop}]
        assert event["destinationList"] == [{"type": "owning_party", "destination": processor}]
        assert event["quantityList"][0]["epcClass"] == built.uri("seed")
    assert events[built.ids["ship_seed"]]["quantityList"][0]["quantity"] == 2_000  # declared: all of the lot
    assert events[built.ids["receive_seed"]]["quantityList"][0]["quantity"] == 1_990  # weighed
    dispatch = events[built.ids["dispatch"]]
    assert dispatch["sourceList"] == [{"type": "owning_party", "source": nursery_org}]
    assert dispatch["destinationList"] == [
        {"type": "owning_party", "destination": coop},
        {"type": "location", "destination": f"{BASE}/plots/{built_plot_id(app, 'mawang')}"},
    ]
    sale = events[built.ids["sale"]]
    assert sale["sourceList"] == [{"type": "owning_party", "source": processor}]
    assert sale["destinationList"][0]["type"] == "owning_party"
    assert sale["quantityList"] == [{"epcClass": built.uri("product"), "quantity": 200, "uom": "H87"}]
    assert events[built.ids["sale_retail"]]["quantityList"][0]["quantity"] == 10


# --- quantities and lot URIs ---------------------------------------------------------------


def test_quantities_are_json_numbers_equal_to_the_ledger(app, built, bureau):
    response = bureau.get("/epcis/events?perPage=1000")
    # Read the JSON text itself with exact decimals: a number, never a string.
    document = json.loads(response.get_data(as_text=True), parse_float=Decimal, parse_int=Decimal)
    events = {event_number(e): e for e in document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]}
    with db_session(app) as s:
        units = {lot.code: lot.unit for lot in s.exec(select(Lot))}
        checked = 0
        for number, event in events.items():
            if event["oilchain:eventKind"] in ("grade", "ship", "receive", "quality_test"):
                continue  # quantities not on lines: after grading, as weighed, as declared (checked below)
            lines = s.exec(select(EventLine, Lot).join(Lot, Lot.id == EventLine.lot_id).where(EventLine.event_id == number)).all()
            if event["type"] == "TransformationEvent":
                keys = {"input": "inputQuantityList", "output": "outputQuantityList"}
            else:
                keys = {"input": "quantityList", "output": "quantityList"}
            expected = {(keys[line.role], lot.code): abs(line.delta) for line, lot in lines}
            actual = {(key, Uris(BASE).lot_key(element["epcClass"])[0]): element
                      for key in set(keys.values()) for element in event.get(key, [])}
            assert set(actual) == set(expected), event["eventID"]
            for (key, code), element in actual.items():
                check_quantity(element, expected[(key, code)], units[code])
                checked += 1
    assert checked >= 15
    # Kilograms with grams: 1,234,567 g is 1234.567 kg, written exactly.
    text = response.get_data(as_text=True)
    assert '"quantity": 1234.567, "uom": "KGM"' in text
    grade = events[built.ids["grade"]]["quantityList"][0]
    assert grade == {"epcClass": built.uri("batch"), "quantity": Decimal(9_500), "uom": "H87"}  # grade I + II
    husk = events[built.ids["receive_husk"]]["quantityList"][0]
    assert husk == {"epcClass": built.uri("husk"), "quantity": Decimal(3_190), "uom": "KGM"}  # as weighed


def check_quantity(element: dict, base_amount: int, unit: str):
    assert isinstance(element["quantity"], Decimal)  # a JSON number
    if unit == "g":
        assert element["uom"] == "KGM"
        assert element["quantity"] == Decimal(base_amount) / 1000
    else:
        assert element["uom"] == "H87"
        assert element["quantity"] == base_amount


def test_lots_are_named_by_gtin_and_lot_or_by_their_lot_uris(app, built, bureau):
    """A lot of a product with a GTIN is GTIN + lot as a canonical GS1
    Digital Link (what a buyer's system holds on its shelves); any other
    lot (fruit, seed, bulk oil) is its own URI here."""
    with db_session(app) as s:
        codes = set(s.exec(select(Lot.code)))
    named = set()
    for event in all_events(bureau).values():
        for key in ("quantityList", "inputQuantityList", "outputQuantityList"):
            for element in event.get(key, []):
                match = re.fullmatch(re.escape(BASE) + r"/l/(.+)", element["epcClass"])
                if match is None:
                    match = re.fullmatch(r"https://id\.gs1\.org/01/" + built.gtins["product"] + r"/10/(.+)", element["epcClass"])
                    assert match and match.group(1) == built.lots["product"].code, element
                assert match.group(1) in codes, element
                named.add(match.group(1))
    assert {lot.code for lot in built.lots.values()} <= named
    product_lists = [e for event in all_events(bureau).values() for k in ("quantityList", "outputQuantityList")
                     for e in event.get(k, []) if built.lots["product"].code in e["epcClass"]]
    assert product_lists and {e["epcClass"] for e in product_lists} == {built.uri("product")}


# --- reversals ------------------------------------------------------------------------


def test_a_reversed_event_carries_an_error_declaration(validator, built, bureau):
    events = all_events(bureau)
    for name, reversal_id in built.reversal_of.items():
        declaration = events[built.ids[name]]["errorDeclaration"]
        assert declaration["reason"] == "incorrect_data"
        assert declaration["declarationTime"] == "2025-12-20T02:00:00.000Z"
        assert declaration["correctiveEventIDs"] == [f"{BASE}/epcis/events/{reversal_id}"]
        # The record about the event changed when the error was declared.
        assert events[built.ids[name]]["recordTime"] == "2025-12-20T02:00:00.000Z"
    assert events[built.ids["wrong_harvest"]]["errorDeclaration"]["oilchain:reason"] == "entered twice"
    assert [n for n, e in events.items() if "errorDeclaration" in e] == sorted(built.ids[n] for n in built.reversal_of)
    assert names_for(bureau, built, "EXISTS_errorDeclaration") == {"wrong_harvest", "receive_husk"}
    # The reversal itself is not an event of its own; its id says where it went.
    correction = bureau.get(f"/epcis/events/{built.reversal_of['wrong_harvest']}")
    assert correction.status_code == 404
    assert correction.json["type"] == "epcisException:NoSuchNameException"
    assert built.event_uri("wrong_harvest") in correction.headers["Link"]
    single = bureau.get(f"/epcis/events/{built.ids['wrong_harvest']}").json
    assert_valid(validator, single)
    assert single["errorDeclaration"]["correctiveEventIDs"] == [f"{BASE}/epcis/events/{built.reversal_of['wrong_harvest']}"]


def test_a_reversed_receipt_at_the_declared_weight_still_names_its_lot(validator, app, world, bureau):
    """A receipt whose weight agrees with the declaration changes no quantity,
    and its reversal unlinks it from the shipment: its zero weighbridge line
    is what still names the lot in the export."""
    with db_session(app) as s:
        _batch, _dispatch, _fruit, _seed, husk = chain.seed_at_processor(s, world)
        chain.ship(s, world, lot=husk, to="processor2", on=date(2025, 11, 22))
        chain.receive(s, world, lot=husk, weighed=chain.HUSK_G, actor="processor2", on=date(2025, 11, 23))
        receipt = last_event_id(s)
        ledger.reverse_event(s, actor=world.actors["processor2"], event_id=receipt, reason="wrong processor")
        s.commit()
        husk_code = husk.code
    event = bureau.get(f"/epcis/events/{receipt}").json
    assert_valid(validator, event)
    assert event["quantityList"] == [{"epcClass": f"{BASE}/l/{husk_code}", "quantity": Decimal(3_200), "uom": "KGM"}]
    assert event["sourceList"] == [{"type": "owning_party", "source": org_uri(world, "coop")}]
    assert event["destinationList"] == [{"type": "owning_party", "destination": org_uri(world, "processor2")}]
    assert event["errorDeclaration"]["oilchain:reason"] == "wrong processor"


# --- the query parameters ------------------------------------------------------------------


def test_event_time_bounds(built, bureau):
    # The receipt of the seed happened on 21 November: 00:00 +08:00 is its event time.
    since = names_for(bureau, built, "GE_eventTime=2025-11-21T00:00:00%2B08:00")
    assert since == {"receive_seed", "press", "quality", "bottle", "ship_husk", "receive_husk", "sale", "sale_retail", "dispose"}
    before = names_for(bureau, built, "LT_eventTime=2025-11-21T00:00:00%2B08:00")
    assert before == EXPORTED - since
    # The same moment in UTC, and an unencoded "+" (a space) are read alike.
    assert names_for(bureau, built, "GE_eventTime=2025-11-20T16:00:00Z") == since
    assert names_for(bureau, built, "GE_eventTime=2025-11-21T00:00:00+08:00") == since
    # One second after midnight leaves that day out.
    assert names_for(bureau, built, "GE_eventTime=2025-11-21T00:00:01%2B08:00") == since - {"receive_seed"}
    window = names_for(bureau, built, "GE_eventTime=2025-10-01T00:00:00Z&LT_eventTime=2025-11-01T00:00:00Z")
    assert window == {"harvest", "wrong_harvest"}


def test_record_time_bounds(built, bureau):
    later = names_for(bureau, built, f"GE_recordTime={SPLIT}")
    # The sales and the disposal, and the events whose errors were declared that day.
    assert later == {"sale", "sale_retail", "dispose", "wrong_harvest", "receive_husk"}
    assert names_for(bureau, built, f"LT_recordTime={SPLIT}") == EXPORTED - later
    assert names_for(bureau, built, "GE_recordTime=2025-12-19T01:00:00.001Z&LT_recordTime=2025-12-20T02:00:00Z") == set()


def test_biz_step_action_and_event_type(built, bureau):
    shipping = {"dispatch", "dispatch_out", "ship_seed", "ship_husk", "sale"}
    assert names_for(bureau, built, "EQ_bizStep=shipping") == shipping
    assert names_for(bureau, built, "EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping") == shipping
    assert names_for(bureau, built, "EQ_bizStep=receiving") == {"receive_seed", "receive_husk"}
    assert names_for(bureau, built, "EQ_bizStep=shipping|receiving") == shipping | {"receive_seed", "receive_husk"}
    assert names_for(bureau, built, "EQ_bizStep=retail_selling") == {"sale_retail"}
    assert names_for(bureau, built, "EQ_bizStep=inspecting") == {"grade", "quality"}
    assert names_for(bureau, built, "EQ_bizStep=destroying") == {"dispose"}
    assert names_for(bureau, built, "EQ_bizStep=repairing") == set()
    assert names_for(bureau, built, "EQ_action=ADD") == {"commission", "harvest", "wrong_harvest"}
    assert names_for(bureau, built, "EQ_action=DELETE") == {"plant", "dispose"}
    transformations = {"dispatch", "dry_hull", "press", "bottle"}
    assert names_for(bureau, built, "eventType=TransformationEvent") == transformations
    assert names_for(bureau, built, "eventType=ObjectEvent") == EXPORTED - transformations
    assert names_for(bureau, built, "eventType=AggregationEvent") == set()
    # Filters combine with AND; an action leaves transformations (which have none) out.
    assert names_for(bureau, built, "EQ_bizStep=shipping&eventType=ObjectEvent") == shipping - {"dispatch"}
    assert names_for(bureau, built, "EQ_action=OBSERVE&EQ_bizStep=shipping") == shipping - {"dispatch"}
    assert names_for(bureau, built, "EQ_action=ADD&EQ_action=DELETE") == {"commission", "harvest", "wrong_harvest", "plant",
                                                                        "dispose"}


def test_match_any_epc_and_epc_class_by_lot_uri(built, bureau):
    seed = built.uri("seed")
    assert names_for(bureau, built, f"MATCH_anyEPC={seed}") == {"dry_hull", "ship_seed", "receive_seed", "press"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={seed}") == {"dry_hull", "ship_seed", "receive_seed", "press"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={built.uri('oil')}") == {"press", "bottle", "quality"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={built.uri('batch')}") == {"commission", "grade", "dispatch", "dispatch_out"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={built.uri('product')}") == {"bottle", "sale", "sale_retail"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={built.uri('husk')}") == {"dry_hull", "ship_husk", "receive_husk"}
    both = names_for(bureau, built, f"MATCH_anyEPCClass={built.uri('oil')}|{built.uri('dispatched')}")
    assert both == {"press", "bottle", "quality", "dispatch", "plant"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={built.uri('oil').lower()}") == {"press", "bottle", "quality"}
    # Two parameters must both match: the events naming the seed and the oil.
    assert names_for(bureau, built, f"MATCH_anyEPC={seed}&MATCH_anyEPCClass={built.uri('oil')}") == {"press"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={BASE}/l/YY-O25-999999") == set()
    assert names_for(bureau, built, "MATCH_anyEPC=https://elsewhere.example/l/YY-O25-000001") == set()
    # Every event listed for a lot names it.
    for event in listed(bureau.get(f"/epcis/events?MATCH_anyEPCClass={seed}")):
        classes = {e["epcClass"] for k in ("quantityList", "inputQuantityList", "outputQuantityList") for e in event.get(k, [])}
        assert seed in classes


def test_places_and_event_ids(app, built, bureau):
    plot = f"{BASE}/plots/{built_plot_id(app, 'mawang')}"
    at_plot = {"plant", "harvest", "tending", "wrong_harvest"}
    assert names_for(bureau, built, f"EQ_bizLocation={plot}") == at_plot
    assert names_for(bureau, built, f"EQ_readPoint={plot}") == at_plot
    assert names_for(bureau, built, f"EQ_bizLocation={BASE}/plots/{built_plot_id(app, 'longtan')}") == set()
    ids = f"{built.event_uri('press')}|{built.event_uri('sale')}"
    assert names_for(bureau, built, f"EQ_eventID={ids}") == {"press", "sale"}
    assert names_for(bureau, built, f"EQ_eventID={BASE}/epcis/events/{built.reversal_of['wrong_harvest']}") == set()


@pytest.mark.parametrize(
    "query",
    [
        "GE_eventTime=yesterday",
        "LT_eventTime=2025-13-01T00:00:00Z",
        "GE_recordTime=2025-12-01T00:00:00",  # no offset
        "LT_recordTime=",
        "perPage=0",
        "perPage=1001",
        "perPage=ten",
        "perPage=-5",
        "nextPageToken=not-a-token",
        "nextPageToken=" + "YWZ0ZXI6eA",  # base64 of "after:x"
        "EQ_action=CREATE",
        "eventType=ShippingEvent",
        "EQ_bizStep=",
        "EXISTS_errorDeclaration=false",
        "GE_eventTime=2025-01-01T00:00:00Z&GE_eventTime=2025-02-01T00:00:00Z",
        "EQ_disposition=in_transit",  # a standard parameter this server does not support
        "orderBy=eventTime",
    ],
)
def test_bad_parameters_answer_400_with_a_json_error(built, bureau, query):
    response = bureau.get(f"/epcis/events?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["type"] == "epcisException:QueryParameterException"
    assert body["status"] == 400
    name = query.split("=", 1)[0]
    assert name in body["detail"]


def test_paging_walks_every_event_exactly_once(validator, built, bureau):
    def walk(query: str) -> tuple[list[int], int]:
        seen, pages = [], 0
        url = f"/epcis/events?perPage=2&{query}"
        while url:
            response = bureau.get(url)
            document = response.json
            assert_valid(validator, document)
            events = listed(response)
            assert 1 <= len(events) <= 2
            seen += [event_number(e) for e in events]
            pages += 1
            link = response.headers.get("Link")
            if link is None:
                url = None
                continue
            match = re.fullmatch(r'<([^>]+)>; rel="next"', link)
            assert match, link
            next_url = urlsplit(match.group(1))
            params = parse_qs(next_url.query)
            assert params["perPage"] == ["2"] and len(params["nextPageToken"]) == 1
            url = f"{next_url.path}?{next_url.query}"
            assert pages < 50
        return seen, pages

    seen, pages = walk("")
    assert len(seen) == len(set(seen)) == len(EXPORTED)
    assert built.names(seen) == EXPORTED
    ledger_ids = [i for i in seen if isinstance(i, int)]
    assert seen == ledger_ids + [i for i in seen if isinstance(i, str)]  # the ledger's events, then the tests
    assert ledger_ids == sorted(ledger_ids)
    assert pages == (len(EXPORTED) + 1) // 2
    # The filters travel with the token.
    shipping, _ = walk("EQ_bizStep=shipping")
    assert built.names(shipping) == {"dispatch", "dispatch_out", "ship_seed", "ship_husk", "sale"}
    assert len(shipping) == 5
    # Exactly a page's worth: no empty last page.
    two, pages = walk("EQ_bizStep=receiving")
    assert len(two) == 2 and pages == 1


# --- one event ---------------------------------------------------------------------------


def test_one_event_is_a_valid_standalone_epcis_event(validator, built, bureau):
    events = all_events(bureau)
    for name in ("dispatch", "harvest", "receive_seed", "bottle", "sale"):
        response = bureau.get(f"/epcis/events/{built.ids[name]}")
        assert response.status_code == 200
        assert response.mimetype == "application/ld+json"
        single = response.json
        assert_valid(validator, single)
        assert single["@context"][0] == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
        assert {k: v for k, v in single.items() if k != "@context"} == events[built.ids[name]]
    # Without its @context a standalone event is not valid EPCIS JSON-LD.
    bare = {k: v for k, v in bureau.get(f"/epcis/events/{built.ids['press']}").json.items() if k != "@context"}
    assert list(validator.iter_errors(bare))
    for missing in ("999999", "abc"):
        response = bureau.get(f"/epcis/events/{missing}")
        assert response.status_code == 404
        assert response.json["type"] == "epcisException:NoSuchNameException"


# --- access ------------------------------------------------------------------------------


def test_managers_and_admins_by_session(built, auth, client):
    for username in ("bureau", "admin"):
        auth.login(username)
        assert client.get("/epcis/events").status_code == 200
        assert client.get(f"/epcis/events/{built.ids['press']}").status_code == 200


@pytest.mark.parametrize("username", ["processor", "coop", "nursery"])
def test_other_roles_are_refused(built, auth, client, username):
    auth.login(username)
    for url in ("/epcis/events", f"/epcis/events/{built.ids['press']}"):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json["type"] == "epcisException:SecurityException"


def test_anonymous_callers_get_401(built, client):
    for url in ("/epcis/events", f"/epcis/events/{built.ids['press']}"):
        response = client.get(url)
        assert response.status_code == 401  # not a redirect to the sign-in page
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["type"] == "epcisException:SecurityException"
    assert client.get("/epcis/events", headers={"Authorization": "Basic YnVyZWF1OnB3"}).status_code == 401
    assert client.get("/epcis/events", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def issue(runner, username: str) -> tuple[int, str]:
    result = runner.invoke(args=["tokens", "create", username, "--label", "county ERP"])
    assert result.exit_code == 0, result.output
    match = re.search(r"Token (\d+) for .*:\n(\S+)\n", result.output)
    assert match, result.output
    return int(match.group(1)), match.group(2)


def test_an_api_token_works_until_it_is_revoked(validator, built, runner, client):
    token_id, token = issue(runner, "bureau")
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get("/epcis/events?EQ_bizStep=receiving", headers=headers)
    assert response.status_code == 200
    assert_valid(validator, response.json)
    assert built.names(event_number(e) for e in listed(response)) == {"receive_seed", "receive_husk"}
    assert client.get(f"/epcis/events/{built.ids['sale']}", headers=headers).status_code == 200
    # Another token of the same user is unaffected by revoking this one.
    other_id, other = issue(runner, "bureau")
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    refused = client.get("/epcis/events", headers=headers)
    assert refused.status_code == 401
    assert "revoked" in refused.json["title"]
    assert client.get("/epcis/events", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_tokens_are_only_for_bureau_users_and_for_their_purpose(app, built, runner, client):
    refused = runner.invoke(args=["tokens", "create", "processor"])
    assert refused.exit_code != 0
    with db_session(app) as s:
        user_id = s.exec(select(auth_services.User.id).where(auth_services.User.username == "bureau")).one()
        tablet, _record = auth_services.issue_token(s, user_id=user_id, org_id=auth_services.actor_for(s, user_id).org_id,
                                                    purpose="tablet", label="a tablet", days=10)
        s.commit()
    assert client.get("/epcis/events", headers={"Authorization": f"Bearer {tablet}"}).status_code == 401
