"""Quality tests as EPCIS 2.0 events: each lab test of an oil lot is an
ObjectEvent (OBSERVE, bizStep inspecting) naming the lot in its quantity
list, with its lab values as sensor reports. The CBV has no measurement
type for an acid or a peroxide value, so the types are `oilchain:` terms
(declared by the context's prefix): oilchain:AcidValue (mg KOH/g, written
as g/kg, UN/ECE GK, the same number), oilchain:PeroxideValue (g/100g: P1,
percent) and oilchain:MoistureAndVolatiles (P1). Values are the exact
decimals of the thousandths the test keeps. A withdrawn test carries an
errorDeclaration (its withdrawal's time and reason)."""

from datetime import datetime, timezone

from sqlalchemy import false, func
from sqlmodel import Session, select

from ..auth.models import User
from ..ledger.models import Lot
from ..processing.models import QualityTest
from .facts import lot_gtins, org_glns
from .identifiers import TIME_ZONE_OFFSET, Uris, event_time, first_day_at_or_after, json_decimal, rfc3339_utc

EVENT_CLASS = ("ObjectEvent", "OBSERVE", "inspecting")
KIND = "quality_test"  # oilchain:eventKind
# LabValues name -> (measurement type, UN/ECE rec. 20 unit)
MEASUREMENTS = {
    "acid_value": ("oilchain:AcidValue", "GK"),
    "peroxide_value": ("oilchain:PeroxideValue", "P1"),
    "moisture": ("oilchain:MoistureAndVolatiles", "P1"),
}


def record_time(test: QualityTest) -> datetime:
    return test.withdrawn_at or test.recorded_at


def recorded_column():
    return func.coalesce(QualityTest.withdrawn_at, QualityTest.recorded_at)


def to_epcis(test: QualityTest, lot_code: str, gtin: str | None, org_uri: str | None, uris: Uris) -> dict:
    doc = {
        "type": "ObjectEvent",
        "eventTime": event_time(test.tested_on),
        "eventTimeZoneOffset": TIME_ZONE_OFFSET,
        "recordTime": rfc3339_utc(record_time(test)),
        "eventID": uris.quality_test(test.id),
    }
    if test.withdrawn_at is not None:
        doc["errorDeclaration"] = {"declarationTime": rfc3339_utc(test.withdrawn_at), "reason": "incorrect_data",
                                   "oilchain:reason": test.withdrawn_reason}
    doc.update({
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "quantityList": [{"epcClass": uris.lot_class(lot_code, gtin)}],
        "sensorElementList": [{"sensorReport": [
            {"type": MEASUREMENTS[name][0], "value": json_decimal(value), "uom": MEASUREMENTS[name][1]}
            for name, value in test.values.items()
        ]}],
        "oilchain:eventKind": KIND,
        "oilchain:laboratory": test.laboratory,
    })
    if org_uri is not None:
        doc["oilchain:organization"] = org_uri
    return doc


def documents(session: Session, tests: list[QualityTest], uris: Uris) -> list[tuple[QualityTest, dict]]:
    """The tests as EPCIS events, their lots' codes, GTINs and testers'
    organizations loaded for all of them at once."""
    if not tests:
        return []
    lot_ids = {t.lot_id for t in tests}
    lot_codes = dict(session.exec(select(Lot.id, Lot.code).where(Lot.id.in_(lot_ids))).all())
    gtins = lot_gtins(session, list(lot_ids))
    user_ids = {t.user_id for t in tests if t.user_id}
    orgs = dict(session.exec(select(User.id, User.organization_id).where(User.id.in_(user_ids))).all()) if user_ids else {}
    glns = org_glns(session)

    def org_uri(test):
        org_id = orgs.get(test.user_id)
        return None if org_id is None else uris.org(org_id, glns.get(org_id))

    return [(t, to_epcis(t, lot_codes[t.lot_id], gtins.get(lot_codes[t.lot_id]), org_uri(t), uris)) for t in tests]


def candidates(query, uris: Uris, lot_ids_by_param: dict, class_matches, quantity_params):
    """The tests that can match the query, oldest first; None when none can
    (a class, a place or an input/output lot they never have)."""
    if not class_matches(query, EVENT_CLASS) or query.read_points or query.biz_locations:
        return None
    statement = select(QualityTest).order_by(QualityTest.id)
    for param, lot_ids in lot_ids_by_param.items():
        if param not in quantity_params:
            return None  # inputs, outputs, parents: a test has none
        statement = statement.where(QualityTest.lot_id.in_(lot_ids) if lot_ids else false())
    if query.ge_event_time is not None:
        statement = statement.where(QualityTest.tested_on >= first_day_at_or_after(query.ge_event_time))
    if query.lt_event_time is not None:
        statement = statement.where(QualityTest.tested_on < first_day_at_or_after(query.lt_event_time))
    if query.ge_record_time is not None:
        statement = statement.where(recorded_column() >= query.ge_record_time.astimezone(timezone.utc))
    if query.lt_record_time is not None:
        statement = statement.where(recorded_column() < query.lt_record_time.astimezone(timezone.utc))
    if query.error_declared:
        statement = statement.where(QualityTest.withdrawn_at.is_not(None))
    if query.event_ids:
        ids = [i for i in (uris.quality_test_id(uri) for uri in query.event_ids) if i is not None]
        statement = statement.where(QualityTest.id.in_(ids) if ids else false())
    return statement


def get(session: Session, uris: Uris, test_id: int) -> dict | None:
    test = session.get(QualityTest, test_id)
    return None if test is None else documents(session, [test], uris)[0][1]
