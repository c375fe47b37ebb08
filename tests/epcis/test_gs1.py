"""The export joins other systems: GS1 identifiers (lots of a product with a
GTIN as canonical Digital Links, organizations by GLN), organization URIs
that answer, every MATCH_ parameter with old and new lot identifiers,
quality tests as sensor reports, and the version headers on every answer."""

import json
import re
from decimal import Decimal

from sqlmodel import select

from oilchain.auth import contact
from oilchain.processing import services as processing
from oilchain.processing.models import QualityTest

from ..chain import db_session
from .test_epcis import BASE, EXPORTED, all_events, assert_valid, built, bureau, listed, names_for, validator  # noqa: F401

GLN = "6901234000009"
VERSIONS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}


def set_gln(app, world, key: str, gln: str | None, phone: str | None = None):
    with db_session(app) as s:
        contact.set_contact(s, user_id=None, organization_id=world.orgs[key].id, gln=gln, phone=phone, address=None)
        s.commit()


# --- MATCH_ parameters --------------------------------------------------------------------


def test_match_parameters_look_in_their_own_lists(built, bureau):
    seed, oil, product = built.uri("seed"), built.uri("oil"), built.uri("product")
    # Object events' quantity lists (a lot is taken as its own EPC too).
    assert names_for(bureau, built, f"MATCH_epc={seed}") == {"ship_seed", "receive_seed"}
    assert names_for(bureau, built, f"MATCH_epcClass={seed}") == {"ship_seed", "receive_seed"}
    assert names_for(bureau, built, f"MATCH_epcClass={oil}") == {"quality"}
    assert names_for(bureau, built, f"MATCH_epcClass={product}") == {"sale", "sale_retail"}
    # Transformations' inputs and outputs.
    assert names_for(bureau, built, f"MATCH_inputEPC={seed}") == {"press"}
    assert names_for(bureau, built, f"MATCH_inputEPCClass={seed}") == {"press"}
    assert names_for(bureau, built, f"MATCH_outputEPC={seed}") == {"dry_hull"}
    assert names_for(bureau, built, f"MATCH_outputEPCClass={seed}") == {"dry_hull"}
    assert names_for(bureau, built, f"MATCH_inputEPCClass={oil}") == {"bottle"}
    assert names_for(bureau, built, f"MATCH_outputEPCClass={oil}") == {"press"}
    assert names_for(bureau, built, f"MATCH_outputEPCClass={product}") == {"bottle"}
    assert names_for(bureau, built, f"MATCH_inputEPCClass={product}") == set()
    # Any list.
    assert names_for(bureau, built, f"MATCH_anyEPC={product}") == {"bottle", "sale", "sale_retail"}
    assert names_for(bureau, built, f"MATCH_anyEPCClass={product}") == {"bottle", "sale", "sale_retail"}
    # No event is an aggregation: no parent.
    assert names_for(bureau, built, f"MATCH_parentID={product}") == set()
    assert names_for(bureau, built, f"MATCH_parentID={seed}") == set()
    # Several parameters must all match; several values of one, any.
    assert names_for(bureau, built, f"MATCH_inputEPCClass={oil}&MATCH_outputEPCClass={product}") == {"bottle"}
    assert names_for(bureau, built, f"MATCH_inputEPCClass={oil}&MATCH_outputEPCClass={seed}") == set()
    assert names_for(bureau, built, f"MATCH_epcClass={oil}|{product}") == {"quality", "sale", "sale_retail"}


def test_a_product_lot_is_matched_by_its_old_and_new_identifiers(built, bureau):
    gtin, code = built.gtins["product"], built.lots["product"].code
    everywhere = {"bottle", "sale", "sale_retail"}
    for identifier in (f"https://id.gs1.org/01/{gtin}/10/{code}",  # canonical Digital Link (what the export writes)
                       f"{BASE}/01/{gtin}/10/{code}",  # the same on this server (what the bottles' QR codes carry)
                       f"{BASE}/l/{code}", f"{BASE}/l/{code.lower()}"):  # the lot's old URI
        assert names_for(bureau, built, f"MATCH_anyEPCClass={identifier}") == everywhere, identifier
        assert names_for(bureau, built, f"MATCH_epcClass={identifier}") == {"sale", "sale_retail"}, identifier
        assert names_for(bureau, built, f"MATCH_outputEPCClass={identifier}") == {"bottle"}, identifier
    # Another GTIN with this lot's code names nothing; nor does a lot of no such code, or another domain.
    other = "06920001234515" if gtin != "06920001234515" else "06920001234522"
    assert names_for(bureau, built, f"MATCH_anyEPCClass=https://id.gs1.org/01/{other}/10/{code}") == set()
    assert names_for(bureau, built, f"MATCH_anyEPCClass=https://id.gs1.org/01/{gtin}/10/YY-P25-999999") == set()
    assert names_for(bureau, built, f"MATCH_anyEPCClass=https://elsewhere.example/01/{gtin}/10/{code}") == set()
    # A lot without a GTIN is not a Digital Link: its URI only.
    assert names_for(bureau, built, f"MATCH_anyEPCClass=https://id.gs1.org/01/{gtin}/10/{built.lots['oil'].code}") == set()


def test_the_match_parameters_page_and_refuse_like_the_others(built, bureau):
    response = bureau.get("/epcis/events?MATCH_anyEPC=")
    assert response.status_code == 400 and "MATCH_anyEPC" in response.json["detail"]
    response = bureau.get("/epcis/events?MATCH_childEPC=x")
    assert response.status_code == 400 and "MATCH_childEPC" in response.json["detail"]
    # Paging through a MATCH_ query crosses from the ledger's events to the tests.
    seen, url = [], f"/epcis/events?perPage=1&MATCH_anyEPCClass={built.uri('oil')}"
    while url:
        response = bureau.get(url)
        seen += [e["eventID"] for e in listed(response)]
        link = response.headers.get("Link")
        url = re.fullmatch(r'<[^/]+//[^/]+([^>]+)>; rel="next"', link).group(1) if link else None
    assert len(seen) == len(set(seen)) == 3
    assert seen[-1].startswith(f"{BASE}/epcis/quality-tests/")


# --- organizations ------------------------------------------------------------------------


def test_organizations_are_named_by_gln_where_they_have_one(validator, app, world, built, bureau):
    set_gln(app, world, "processor", GLN)
    document = bureau.get("/epcis/events?perPage=1000").json
    assert_valid(validator, document)
    events = {e["eventID"]: e for e in document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]}
    ship = events[built.event_uri("ship_seed")]
    assert ship["sourceList"] == [{"type": "owning_party", "source": f"{BASE}/org/{world.orgs['coop'].id}"}]
    assert ship["destinationList"] == [{"type": "owning_party", "destination": f"https://id.gs1.org/417/{GLN}"}]
    assert events[built.event_uri("press")]["oilchain:organization"] == f"https://id.gs1.org/417/{GLN}"
    quality = next(e for e in events.values() if e["oilchain:eventKind"] == "quality_test")
    assert quality["oilchain:organization"] == f"https://id.gs1.org/417/{GLN}"
    # Nothing names the processor by its page any more.
    assert f"{BASE}/org/{world.orgs['processor'].id}\"" not in json.dumps(document)


def test_every_organization_uri_in_the_export_answers(app, world, built, bureau, client):
    set_gln(app, world, "bureau", None, phone="023-12345")
    text = bureau.get("/epcis/events?perPage=1000").get_data(as_text=True)
    found = set(re.findall(re.escape(BASE) + r"(/org/[0-9]+)", text))
    assert len(found) >= 4  # nursery, cooperative, both processors
    client.get("/logout")
    anonymous = client.application.test_client()
    for path in found:
        response = anonymous.get(path)
        assert response.status_code == 200, path
    anonymous.set_cookie("lang", "en")
    bureau_page = anonymous.get(f"/org/{world.orgs['bureau'].id}")
    html = bureau_page.get_data(as_text=True)
    assert "县林业局" in html and "County hotline" in html and "023-12345" in html
    assert anonymous.get("/org/999999").status_code == 404


def test_the_public_page_shows_name_kind_township_and_contact_only(app, world, client):
    with db_session(app) as s:
        contact.set_contact(s, user_id=None, organization_id=world.orgs["processor"].id, gln=GLN,
                            phone="023-7555 1234", address="桃花源大道 18 号")
        s.commit()
    client.set_cookie("lang", "en")
    html = client.get(f"/org/{world.orgs['processor'].id}").get_data(as_text=True)
    for shown in ("桃花源茶油公司", "Processor", "钟多街道", "023-7555 1234", "桃花源大道 18 号"):
        assert shown in html, shown
    for hidden in ("processor", "Users", "Latitude", "credit", GLN):  # no user names, position, codes
        assert hidden not in html, hidden


# --- quality tests ------------------------------------------------------------------------


def quality_events(client) -> list[dict]:
    response = client.get("/epcis/events?perPage=1000&EQ_bizStep=inspecting")
    document = json.loads(response.get_data(as_text=True), parse_float=Decimal, parse_int=Decimal)
    return [e for e in document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            if e["oilchain:eventKind"] == "quality_test"]


def test_a_quality_test_is_an_inspecting_object_event_with_sensor_reports(validator, app, built, bureau):
    [event] = quality_events(bureau)
    assert (event["type"], event["action"], event["bizStep"]) == ("ObjectEvent", "OBSERVE", "inspecting")
    assert event["eventTime"] == "2025-11-28T00:00:00+08:00"
    assert event["quantityList"] == [{"epcClass": built.uri("oil")}]
    [element] = event["sensorElementList"]
    reports = {r["type"]: r for r in element["sensorReport"]}
    # Exact decimals of the thousandths the test keeps (chain.quality: 850, 120, 60).
    assert reports["oilchain:AcidValue"] == {"type": "oilchain:AcidValue", "value": Decimal("0.85"), "uom": "GK"}
    assert reports["oilchain:PeroxideValue"] == {"type": "oilchain:PeroxideValue", "value": Decimal("0.12"), "uom": "P1"}
    assert reports["oilchain:MoistureAndVolatiles"]["value"] == Decimal("0.06")
    assert event["oilchain:laboratory"]
    # The context declares the prefix the measurement types use.
    document = bureau.get("/epcis/events").json
    assert document["@context"][1]["oilchain"] == f"{BASE}/epcis/ns#"
    # Alone, at its eventID.
    single = bureau.get(event["eventID"][len(BASE):])
    assert single.status_code == 200
    assert_valid(validator, single.json)
    assert {k: v for k, v in single.json.items() if k != "@context"} == json.loads(json.dumps(event, default=float))
    assert bureau.get("/epcis/quality-tests/999999").status_code == 404


def test_a_withdrawn_test_carries_an_error_declaration(validator, app, world, built, bureau):
    with db_session(app) as s:
        test_id = s.exec(select(QualityTest.id)).one()
        processing.withdraw_quality_test(s, actor=world.actors["processor"], test_id=test_id, reason="sample mixed up")
        s.commit()
    [event] = quality_events(bureau)
    assert event["errorDeclaration"]["reason"] == "incorrect_data"
    assert event["errorDeclaration"]["oilchain:reason"] == "sample mixed up"
    assert event["recordTime"] == event["errorDeclaration"]["declarationTime"]
    assert "quality" in names_for(bureau, built, "EXISTS_errorDeclaration")
    assert_valid(validator, bureau.get("/epcis/events?perPage=1000").json)


def test_a_sensor_report_with_a_bad_type_or_value_is_invalid(validator, built, bureau):
    """The schema really checks the sensor reports (so the test above can fail)."""
    document = bureau.get("/epcis/events?EQ_bizStep=inspecting").json
    assert_valid(validator, document)

    def broken(change) -> list:
        copy = json.loads(json.dumps(document))
        event = next(e for e in copy["epcisBody"]["queryResults"]["resultsBody"]["eventList"] if "sensorElementList" in e)
        change(event["sensorElementList"][0]["sensorReport"][0])
        return list(validator.iter_errors(copy))

    assert broken(lambda r: r.update(value="0.85"))
    assert broken(lambda r: r.update(type="acid value"))
    assert broken(lambda r: r.update(type="https://gs1.org/voc/AcidValue"))
    assert broken(lambda r: r.pop("type"))


# --- headers ------------------------------------------------------------------------------


def test_every_epcis_answer_carries_the_version_headers(built, bureau, client):
    answers = [
        bureau.get("/epcis/events"),
        bureau.get(f"/epcis/events/{built.ids['press']}"),
        bureau.get(f"/epcis/{built.ids['quality']}"),
        bureau.get("/epcis/events?perPage=0"),  # 400
        bureau.get("/epcis/events/999999"),  # 404
        bureau.get(f"/epcis/events/{built.reversal_of['wrong_harvest']}"),  # 404, not exported
        bureau.get("/epcis/quality-tests/abc"),  # 404
    ]
    statuses = [a.status_code for a in answers]
    assert statuses == [200, 200, 200, 400, 404, 404, 404]
    bureau.get("/logout")
    anonymous = client.application.test_client()
    answers.append(anonymous.get("/epcis/events"))  # 401
    assert answers[-1].status_code == 401
    for response in answers:
        for name, version in VERSIONS.items():
            assert response.headers.get(name) == version, (response.status_code, name)
