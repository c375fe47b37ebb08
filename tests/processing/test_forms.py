"""The processor's forms through the HTTP client: receiving (the
weighbridge), pressing, quality tests (the grade they reach), products
(GTINs in ASCII digits) and bottling. A good submission answers 303; a bad
one answers 422 with the message next to its field and writes nothing."""

import pytest
from sqlmodel import select

from oilchain import codes
from oilchain.processing.models import Product, ProductLot, QualityTest

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..http import (FUTURE, a_lot, assert_refused, build, lot_code_from, page, plausible, pressed_oil, product_form,
                    received_seed, redirected_to, refuse, rows, shipped_seed)

WIDE = str.maketrans("0123456789", "０１２３４５６７８９")

pytestmark = pytest.mark.usefixtures("english")


def test_processing_receive(app, auth, world):
    seed = shipped_seed(app, world, to="processor")
    url = "/processing/receive"
    form = {"code": seed.code, "weighed": "1990", "occurred_on": "2025-11-21"}

    auth.login("processor2")  # not the addressee: told what an unknown code is told
    refuse(app, auth, url, form, f"No lot has the code {seed.code}.")

    auth.login("processor")
    refuse(app, auth, url, {**form, "code": "YY-Z25-999999"}, "No lot has the code YY-Z25-999999.")
    refuse(app, auth, url, {**form, "weighed": "1900"},
           "Weighed 1900 kg differs from the declared 2000 kg by more than 2%: give a reason.")
    refuse(app, auth, url, {**form, "weighed": "-1"}, "Must be more than 0")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    assert redirected_to(auth.post(url, form)).endswith(f"/l/{seed.code}")
    lot = a_lot(app, seed.code)
    assert (lot.owner_org_id, lot.status, lot.remaining) == (world.orgs["processor"].id, "active", 1_990 * KG)
    refuse(app, auth, url, form, f"Lot {seed.code} is already yours: it was received before.")


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_receipt_more_than_5_percent_heavier_is_refused_even_with_a_reason(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
        seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)
        chain.ship(session, world, lot=seed)
        return seed.code

    seed = build(app, setup)
    declared_kg = chain.SEED_G // KG  # 2000 kg
    auth.login("processor")
    over = f"{declared_kg * 105 // 100}.001"  # one gram beyond 5%
    refuse(app, auth, "/processing/receive",
           {"code": seed, "weighed": over, "occurred_on": "2025-11-21", "note": "雨天受潮"},
           f"Weighed {over} kg is more than 5% above the declared {declared_kg} kg: check the weighing.", field="weighed")
    exactly = str(declared_kg * 105 // 100)  # 5% heavier, with a reason: accepted
    response = auth.post("/processing/receive", {"code": seed, "weighed": exactly, "occurred_on": "2025-11-21",
                                                 "note": "雨天受潮"})
    assert response.status_code == 303, page(response)[:3000]
    assert a_lot(app, seed).remaining == int(exactly) * KG


def test_processing_press(app, auth, world):
    seed = received_seed(app, world, to="processor")
    not_received = shipped_seed(app, world, to="processor")
    auth.login("processor")
    url = "/processing/press"
    field = f"input-{seed.code}"
    form = {field: "1990", "oil": "500", "cake": "1400", "occurred_on": "2025-11-25", "method": "hot_pressed"}
    # A lot shipped to us but not received cannot be pressed: the refusal names it.
    with nothing_written(app):
        response = auth.post(url, {f"input-{not_received.code}": "2000", "oil": "500", "cake": "1400", "occurred_on": "2025-11-25", "method": "hot_pressed"})
        assert_refused(response, f"Lot {not_received.code} does not belong to your organization.")
    refuse(app, auth, url, {**form, "input-YY-Z25-999999": "5"}, "No lot has the code YY-Z25-999999.")
    refuse(app, auth, url, {**form, field: "2500"}, f"Lot {seed.code} has only 1990 kg left; 2500 kg were asked for.")
    refuse(app, auth, url, {**form, "oil": "800", "cake": "1000"},
           f"Oil of 800 kg is 40.2% of the 1990 kg put in, outside the plausible {plausible('press', 'oil')}.")
    refuse(app, auth, url, {**form, "cake": "0"}, "Must be more than 0")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    code = lot_code_from(auth.post(url, form))
    oil = a_lot(app, code)
    assert (oil.kind, oil.quantity, oil.owner_org_id) == ("oil", 500 * KG, world.orgs["processor"].id)
    assert a_lot(app, seed.code).remaining == 0
    assert a_lot(app, not_received.code).status == "in_transit"
    # The lot is used up now: it is no longer offered, and asking for it again is refused by name.
    refuse(app, auth, url, form, f"Lot {seed.code} has only 0 kg left; 1990 kg were asked for.")


def test_processing_quality(app, auth, world):
    oil = pressed_oil(app, world)
    auth.login("processor")
    url = "/processing/quality"
    form = {"code": oil.code, "acid_value": "0.85", "peroxide_value": "0.12", "moisture": "0.06",
            "laboratory": "重庆市林产品质量检验检测中心", "occurred_on": "2025-11-28"}
    refuse(app, auth, url, {**form, "acid_value": "-1"}, "Must be at least 0")
    refuse(app, auth, url, {**form, "acid_value": "50"}, "This value is outside what a test can give.")
    refuse(app, auth, url, {**form, "occurred_on": "2025-11-01"},
           f"The date 2025-11-01 comes before {oil.produced_on.isoformat()}, when lot {oil.code} was made.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    assert redirected_to(auth.post(url, form)).endswith(f"/l/{oil.code}")
    test = rows(app, QualityTest)[0]
    assert (test.acid_value_milli, test.peroxide_value_milli, test.moisture_milli) == (850, 120, 60)


def test_the_quality_form_shows_the_grade_reached_and_flags_a_result_out_of_specification(app, client, auth, world):
    oil = pressed_oil(app, world)
    auth.login("processor")
    preview = client.get("/processing/quality/grade?acid_value=0.85&peroxide_value=0.12&moisture=0.06")
    assert "These values reach Grade 1." in page(preview)
    bad = page(client.get("/processing/quality/grade?acid_value=3.5&peroxide_value=0.12&moisture=0.06"))
    assert "Out of specification: below every grade." in bad and "acid value 3.5 is over the lowest grade" in bad
    assert "Type the three values" in page(client.get("/processing/quality/grade?acid_value=abc"))
    form = {"code": oil.code, "acid_value": "3.5", "peroxide_value": "0.12", "moisture": "0.06",
            "laboratory": "重庆市林产品质量检验检测中心", "occurred_on": "2025-11-28"}
    response = auth.post("/processing/quality", form, follow_redirects=True)
    html = page(response)
    assert "Out of specification: it reaches no grade, so this oil cannot be sold." in html
    assert "below every grade" in html  # the oil lot's page, on the test's row
    response = auth.post("/processing/quality", {**form, "acid_value": "0.85"}, follow_redirects=True)
    assert "Quality test recorded: it reaches Grade 1." in page(response)


def test_processing_product(app, auth, world):
    auth.login("processor")
    url = "/processing/products/new"
    good = chain.gtin()
    wrong_digit = chain.wrong_check_digit(good)
    refuse(app, auth, url, product_form(gtin=wrong_digit), "A GTIN-14 has 14 digits and a valid check digit.")
    refuse(app, auth, url, product_form(gtin="0692000123"), "A GTIN-14 has 14 digits and a valid check digit.")
    refuse(app, auth, url, product_form(fill_grams="300"), "The oil per unit should be about 0.91 g per ml of net content.")

    assert redirected_to(auth.post(url, product_form())).endswith("/processing/")
    made = rows(app, Product)[0]
    assert (made.gtin, made.fill_grams, made.org_id) == (good, 458, world.orgs["processor"].id)
    refuse(app, auth, url, product_form(), "This GTIN is already registered.")


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_gtin_in_full_width_digits_is_refused(app, auth, world):
    wide = chain.gtin().translate(WIDE)
    assert wide == "０６９２０００１２３４５０８" and codes.is_valid_gtin(chain.gtin())
    assert not codes.is_valid_gtin(wide)
    auth.login("processor")
    refuse(app, auth, "/processing/products/new",
           {"name": "桃花源 压榨山茶油 500ml", "gtin": wide, "net_content_ml": "500", "fill_grams": "458",
             "shelf_life_days": "540"},
            "A GTIN-14 has 14 digits and a valid check digit.", field="gtin")
    with db_session(app) as session:
        assert session.exec(select(Product)).all() == []


def test_processing_bottle(app, auth, world):
    oil = pressed_oil(app, world)
    made = build(app, lambda s: chain.product(s, world, fill=458))
    auth.login("processor")
    url = "/processing/bottle"
    form = {"oil_code": oil.code, "product_id": made.id, "units": "1000", "oil_used": "460", "occurred_on": "2025-12-01"}
    refuse(app, auth, url, {**form, "units": "1100"}, "The outputs (503.8 kg) weigh more than the inputs (460 kg).")
    refuse(app, auth, url, {**form, "oil_used": "600"}, f"Lot {oil.code} has only 500 kg left; 600 kg were asked for.")
    refuse(app, auth, url, {**form, "units": "-1"}, "Number must be between 1 and")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    code = lot_code_from(auth.post(url, form))
    lot = a_lot(app, code)
    assert (lot.kind, lot.quantity) == ("product", 1000)
    serials = rows(app, ProductLot, ProductLot.lot_id == lot.id)[0]
    assert serials.serial_last - serials.serial_first + 1 == 1000
    assert a_lot(app, oil.code).remaining == 40 * KG
