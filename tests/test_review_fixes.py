"""Bad input that once broke the app, kept broken-proof: numbers too large
for any column, ids beyond a BIGINT, dates out of order, a weighbridge gain,
reversals that would hand back mass that has left, full-width digits, a
withdrawn bottle, a plot planted twice over, a zero husk weight, and an
admin reaching into another organization's ledger."""

import re
from datetime import date

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlmodel import select

from oilchain import codes
from oilchain.errors import Forbidden
from oilchain import ledger
from oilchain.ledger.models import Lot
from oilchain.planting.models import PlantingRecord
from oilchain.processing.models import Product, ProductLot, QualityTest
from oilchain.public.services import bottle_url

from . import chain
from .chain import KG, db_session, nothing_written, snapshot

HUGE = ("1e999999", "123456789012345678901")
FAR_TOO_LARGE = "This number is far too large."
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def english(session, client):
    client.set_cookie("lang", "en")
    with force_locale("en"):
        yield


def html(response) -> str:
    return response.get_data(as_text=True)


def refused(app, auth, url, data, message, field=None, status=422):
    """POST `data`: answered `status`, `message` shown (next to `field` when
    named), and nothing written."""
    with nothing_written(app):
        response = auth.post(url, data)
    page = html(response)
    assert response.status_code == status, page[:3000]
    where = rf'<p class="error" id="{field}-error">' if field else r'<p class="error[^"]*"[^>]*>'
    assert re.search(where + r"[^<]*" + re.escape(str(escape(message))), page), f"{message!r} not shown:\n{page[:5000]}"
    return response


def build(app, step):
    with db_session(app) as session:
        return step(session)


def a_lot(app, code) -> Lot:
    with db_session(app) as session:
        return chain.lot_by_code(session, code)


# --- numbers no column can hold ---------------------------------------------------------------


def test_huge_numbers_in_weight_area_and_lab_fields_are_refused_with_a_message(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
        seed = chain.harvest_lot(session, world, grams=2_000 * KG)
        seed, _husk = chain.dry_hull(session, world, inputs=[(seed, 2_000 * KG)], seed=500 * KG, husk=600 * KG)
        chain.ship(session, world, lot=seed)
        chain.receive(session, world, lot=chain.lot_by_code(session, seed.code), weighed=500 * KG)
        oil, _cake = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), 500 * KG)],
                                 oil=125 * KG, cake=350 * KG)
        incoming = chain.harvest_lot(session, world, grams=800 * KG)
        chain.ship(session, world, lot=incoming)
        return fruit.code, oil.code, incoming.code

    fruit, oil, incoming = build(app, setup)
    with db_session(app) as session:
        township = chain.township_id(session, "麻旺镇")
    harvest = {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "2025-10-25"}
    plot = {"name": "后山", "township_id": township, "village": "麻旺村", "area": "12.5", "latitude": "28.65",
            "longitude": "108.93", "year_planted": "2015"}
    hull = {f"input-{fruit}": "1000", "seed": "250", "husk": "300", "occurred_on": "2025-11-10"}
    lab = {"code": oil, "acid_value": "0.85", "peroxide_value": "0.12", "moisture": "0.06",
           "laboratory": "重庆市林产品质量检验检测中心", "occurred_on": "2025-11-28"}
    receipt = {"code": incoming, "weighed": "800", "occurred_on": "2025-11-21"}
    for number in HUGE:
        auth.login("coop")
        refused(app, auth, "/harvest/new", {**harvest, "weight": number}, FAR_TOO_LARGE, field="weight")
        refused(app, auth, "/planting/plots/new", {**plot, "area": number}, FAR_TOO_LARGE, field="area")
        refused(app, auth, "/harvest/dry-hull", {**hull, "seed": number}, FAR_TOO_LARGE, field="seed")
        refused(app, auth, "/harvest/dry-hull", {**hull, "husk": number}, FAR_TOO_LARGE, field="husk")
        # the quantity taken from an input lot: refused next to that lot's field
        with nothing_written(app):
            response = auth.post("/harvest/dry-hull", {**hull, f"input-{fruit}": number})
        assert response.status_code == 422 and re.search(
            rf'id="input-{fruit}"[^>]*>\s*<p class="error">[^<]+</p>', html(response)), html(response)[:5000]
        auth.login("processor")
        for field in ("acid_value", "peroxide_value", "moisture"):
            refused(app, auth, "/processing/quality", {**lab, field: number}, FAR_TOO_LARGE, field=field)
        refused(app, auth, "/processing/receive", {**receipt, "weighed": number}, FAR_TOO_LARGE, field="weighed")
    with db_session(app) as session:
        assert session.exec(select(QualityTest)).all() == []


def target_error(app, auth, value, message):
    """A target refused with `message` under its own field, nothing saved."""
    with nothing_written(app):
        response = auth.post("/reports/targets?year=2026", {"seed_processed": value, "oil_output": "3300"})
    page = html(response)
    assert response.status_code == 422, page[:3000]
    pattern = r'id="target-seed_processed"[^>]*>\s*<p class="error">[^<]*' + re.escape(str(escape(message)))
    assert re.search(pattern, page), f"{message!r} is not next to the seed target:\n{page[:6000]}"


def test_a_targets_error_stands_next_to_its_field(app, auth, world):
    auth.login("bureau")
    target_error(app, auth, "1.0000001", "Use at most 6 decimal places.")
    target_error(app, auth, "-5", "A target cannot be negative.")


def test_a_huge_target_is_refused_as_too_large(app, auth, world):
    """The targets form takes tonnes, mu and yuan like the other forms: a
    number no column can hold is called too large, not too precise."""
    auth.login("bureau")
    for number in HUGE:
        refused(app, auth, "/reports/targets?year=2026", {"seed_processed": number}, FAR_TOO_LARGE)


# --- ids and pages beyond any column -----------------------------------------------------------------


def test_ids_and_pages_beyond_a_bigint_answer_404_or_the_last_page(app, auth, world):
    auth.login("coop")
    assert auth.client.get(f"/planting/plots/{2**70}").status_code == 404
    assert auth.client.get(f"/planting/plots/{2**63}").status_code == 404
    with nothing_written(app):
        assert auth.post(f"/events/{2**70}/reverse", {"lot": "YY-H25-000001", "reason": "录错"}).status_code == 404
    assert auth.client.get(f"/lots?page={2**62}").status_code == 200
    auth.login("bureau")
    assert auth.client.get(f"/reports/archive/{2**70}.pdf").status_code == 404


# --- dates --------------------------------------------------------------------------------------------


def test_a_harvest_before_2000_is_refused(app, auth, world):
    auth.login("coop")
    refused(app, auth, "/harvest/new",
            {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "1999-12-31"},
            "The date 1999-12-31 is too early to be right.", field="occurred_on")


def test_a_step_cannot_come_before_the_date_of_what_it_acts_on(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG, on=date(2025, 10, 25))
        other = chain.harvest_lot(session, world, grams=2_000 * KG, on=date(2025, 10, 25))
        seed, _husk = chain.dry_hull(session, world, inputs=[(other, 2_000 * KG)], seed=500 * KG, husk=600 * KG,
                                     on=date(2025, 11, 10))
        chain.ship(session, world, lot=seed, on=date(2025, 11, 20))
        return fruit.code, seed.code

    fruit, seed = build(app, setup)
    auth.login("coop")
    refused(app, auth, "/harvest/dry-hull",
            {f"input-{fruit}": "1000", "seed": "250", "husk": "300", "occurred_on": "2025-10-24"},
            f"The date 2025-10-24 comes before 2025-10-25, when lot {fruit} was made.", field="occurred_on")
    refused(app, auth, "/harvest/ship",
            {"code": fruit, "to_org_id": world.orgs["processor"].id, "occurred_on": "2025-10-24"},
            f"The date 2025-10-24 comes before 2025-10-25, when lot {fruit} was made.", field="occurred_on")
    auth.login("processor")
    refused(app, auth, "/processing/receive", {"code": seed, "weighed": "500", "occurred_on": "2025-11-19"},
            "The date 2025-11-19 comes before 2025-11-20, the date of what it acts on.", field="occurred_on")
    # the same day is fine
    response = auth.post("/processing/receive", {"code": seed, "weighed": "500", "occurred_on": "2025-11-20"})
    assert response.status_code == 303, html(response)[:3000]


# --- the weighbridge ----------------------------------------------------------------------------------


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
    refused(app, auth, "/processing/receive",
            {"code": seed, "weighed": over, "occurred_on": "2025-11-21", "note": "雨天受潮"},
            f"Weighed {over} kg is more than 5% above the declared {declared_kg} kg: check the weighing.", field="weighed")
    exactly = str(declared_kg * 105 // 100)  # 5% heavier, with a reason: accepted
    response = auth.post("/processing/receive", {"code": seed, "weighed": exactly, "occurred_on": "2025-11-21",
                                                 "note": "雨天受潮"})
    assert response.status_code == 303, html(response)[:3000]
    assert a_lot(app, seed).remaining == int(exactly) * KG


# --- reversals ----------------------------------------------------------------------------------------


def test_a_dry_hull_whose_fruit_was_shipped_away_cannot_be_reversed(app, auth, session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, 600 * KG)], seed=150 * KG, husk=200 * KG)
    chain.ship(session, world, lot=chain.lot_by_code(session, fruit.code))  # the 400 kg left go to the processor
    hulling = chain.event_that_made(session, seed)
    before = snapshot(session)
    with pytest.raises(ledger.Blocked, match=f"what it used has left your organization since \\({fruit.code}\\)"):
        ledger.reverse_event(session, actor=world.actors["coop"], event_id=hulling.id, reason="录错")
    session.rollback()
    assert snapshot(session) == before
    shipped = chain.lot_by_code(session, fruit.code)
    assert (shipped.remaining, shipped.status, shipped.owner_org_id) == (400 * KG, "in_transit", world.orgs["coop"].id)

    # received by the processor now: still refused, over HTTP too, and nothing moves
    chain.receive(session, world, lot=shipped, weighed=400 * KG)
    auth.login("coop")
    refused(app, auth, f"/events/{hulling.id}/reverse", {"lot": seed.code, "reason": "录错"},
            f"It cannot be reversed: what it used has left your organization since ({fruit.code})")
    received = a_lot(app, fruit.code)
    assert (received.remaining, received.status, received.owner_org_id) == (400 * KG, "active", world.orgs["processor"].id)
    assert a_lot(app, seed.code).status == "active"


def test_an_admin_cannot_reverse_another_organizations_event(app, auth, session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    harvest = chain.event_that_made(session, fruit)
    with pytest.raises(Forbidden, match="Only the organization that recorded an event can reverse it."):
        ledger.reverse_event(session, actor=world.actors["admin"], event_id=harvest.id, reason="录错")
    session.rollback()
    auth.login("admin")
    with nothing_written(app):
        response = auth.post(f"/events/{harvest.id}/reverse", {"lot": fruit.code, "reason": "录错"})
    assert response.status_code in (403, 422)
    assert "Only the organization that recorded an event can reverse it." in html(response)
    assert a_lot(app, fruit.code).status == "active"


# --- codes ---------------------------------------------------------------------------------------------


def test_a_gtin_in_full_width_digits_is_refused(app, auth, world):
    wide = chain.gtin().translate(WIDE)
    assert wide == "０６９２０００１２３４５０８" and codes.is_valid_gtin(chain.gtin())
    assert not codes.is_valid_gtin(wide)
    auth.login("processor")
    refused(app, auth, "/processing/products/new",
            {"name": "桃花源 压榨山茶油 500ml", "gtin": wide, "net_content_ml": "500", "fill_grams": "458",
             "shelf_life_days": "540"},
            "A GTIN-14 has 14 digits and a valid check digit.", field="gtin")
    with db_session(app) as session:
        assert session.exec(select(Product)).all() == []


def test_a_reversed_bottlings_consumer_page_says_it_was_withdrawn(app, client, world):
    def setup(session):
        built = chain.full_chain(session, world)
        product_lot = session.exec(select(ProductLot).where(ProductLot.lot_id == built.product_lot.id)).one()
        url = bottle_url(app.config["PUBLIC_BASE_URL"], app.config["SERIAL_KEY"], built.product.gtin,
                         built.product_lot.code, product_lot.serial_first)
        return built, url.split(app.config["PUBLIC_BASE_URL"], 1)[1]

    built, path = build(app, setup)
    assert client.get(path).status_code == 200  # genuine before the correction
    with db_session(app) as session:
        bottling = chain.event_that_made(session, built.product_lot)
        ledger.reverse_event(session, actor=world.actors["processor"], event_id=bottling.id, reason="灌装记录录错")
        session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert str(escape("This batch was withdrawn by its producer as recorded in error; its codes are not valid.")) in html(response)


# --- planting area ------------------------------------------------------------------------------------


def test_a_plot_cannot_be_replanted_beyond_its_area_in_a_year(app, auth, world):
    def setup(session):
        batch = chain.seedling_batch(session, world, started=date(2022, 3, 10), on=date(2022, 11, 20))
        return chain.dispatch(session, world, batch=batch, quantity=7_000, on=date(2024, 2, 20)).code

    dispatched = build(app, setup)
    with db_session(app) as session:
        variety = chain.variety_id(session)
    form = {"plot_id": world.plots["mawang"].id, "kind": "renovation", "method": "replanting", "area": "30",
            "variety_id": variety, "dispatch_code": dispatched, "seedlings": "2400", "occurred_on": "2025-03-01"}
    auth.login("coop")
    assert auth.post("/planting/plantings/new", form).status_code == 303
    refused(app, auth, "/planting/plantings/new", {**form, "occurred_on": "2025-04-01"},
            "This plot already has 30 mu of this work recorded in 2025; with 30 mu more it would exceed its 50 mu.",
            field="area")
    # the same work in another year, or 20 mu more this year, still fits
    assert auth.post("/planting/plantings/new", {**form, "occurred_on": "2024-03-01"}).status_code == 303
    assert auth.post("/planting/plantings/new", {**form, "area": "20", "seedlings": "1600"}).status_code == 303
    with db_session(app) as session:
        areas = sorted((r.planted_on.year, r.area_centimu) for r in session.exec(select(PlantingRecord)))
    assert areas == [(2024, 3_000), (2025, 2_000), (2025, 3_000)]


# --- drying and hulling -------------------------------------------------------------------------------


def test_the_dry_hull_form_accepts_a_husk_weight_of_zero(app, auth, world):
    fruit = build(app, lambda s: chain.harvest_lot(s, world, grams=1_000 * KG)).code
    auth.login("coop")
    response = auth.post("/harvest/dry-hull", {f"input-{fruit}": "1000", "seed": "350", "husk": "0",
                                               "occurred_on": "2025-11-10"})
    assert response.status_code == 303, html(response)[:3000]
    seed = response.headers["Location"].rsplit("/l/", 1)[1]
    with db_session(app) as session:
        hulling = chain.event_that_made(session, chain.lot_by_code(session, seed))
        made = session.exec(select(Lot).where(Lot.kind.in_(("seed", "husk")))).all()
        assert [(lot.kind, lot.quantity) for lot in made] == [("seed", 350 * KG)]  # no empty husk lot
        assert hulling.loss == 650 * KG
    assert a_lot(app, fruit).remaining == 0
