"""Every form of every module through the HTTP client, as the role that uses
it: a good submission answers 303 (htmx: HX-Redirect); a bad one answers 422
with the message next to its field and writes nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from markupsafe import escape
from sqlmodel import select

from oilchain.admin.models import Township
from oilchain.auth.models import Organization, User
from oilchain.harvest.models import HarvestRecord
from oilchain.ledger.models import Lot
from oilchain.planting.models import PlantingRecord, Plot
from oilchain.planting.services import DENSITY_RANGE
from oilchain.processing.models import Product, ProductLot, QualityTest
from oilchain.reference import YIELD_BOUNDS
from oilchain.sales.models import Sale

from . import chain
from .chain import KG, db_session, nothing_written
from .conftest import TODAY

FUTURE = (TODAY.date() + timedelta(days=1)).isoformat()  # the day after the pinned "today"
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def english(client):
    """Messages in English, so the tests can name them."""
    client.set_cookie("lang", "en")


# --- helpers -------------------------------------------------------------------------------


def build(app, step):
    """Run `step(session)` in an app context of its own; the chain helpers commit."""
    with db_session(app) as session:
        return step(session)


def plausible(step: str, kind: str) -> str:
    """The seeded yield bounds of a step's output, as a refusal names them."""
    low, high = (format((Decimal(permille) / 10).normalize(), "f") for permille in YIELD_BOUNDS[(step, kind)])
    return f"{low}%–{high}%"


def page(response) -> str:
    return response.get_data(as_text=True)


def assert_refused(response, fragment: str, status: int = 422):
    """The answer is `status` and `fragment` stands in an error paragraph."""
    html = page(response)
    assert response.status_code == status, html[:3000]
    assert 'class="error' in html
    pattern = r'<p class="error[^"]*"[^>]*>[^<]*' + re.escape(str(escape(fragment)))
    assert re.search(pattern, html), f"{fragment!r} is not shown as an error:\n{html[:4000]}"


def redirected_to(response) -> str:
    assert response.status_code == 303, page(response)[:3000]
    return response.headers["Location"]


def lot_code_from(response) -> str:
    return redirected_to(response).rsplit("/l/", 1)[1]


def rows(app, model, *where) -> list:
    with db_session(app) as session:
        return list(session.exec(select(model).where(*where)))


def a_lot(app, code: str) -> Lot:
    with db_session(app) as session:
        return session.exec(select(Lot).where(Lot.code == code)).one()


def refuse(app, auth, url, data, fragment, status=422):
    """POST `data`; it must be refused with `fragment` and write nothing."""
    with nothing_written(app):
        response = auth.post(url, data)
        assert_refused(response, fragment, status)
    return response


# --- nursery -----------------------------------------------------------------------------


def batch_form(app, **changes) -> dict:
    """Registering a batch as it is grafted (tests/test_nursery.py walks the rest)."""
    with db_session(app) as session:
        variety = chain.variety_id(session)
    form = {"variety_id": variety, "propagation": "grafting", "seed_source": "国家油茶良种基地长林4号采穗圃",
            "quantity": "10000", "occurred_on": "2025-03-10"}
    form.update(changes)
    return form


# --- planting ------------------------------------------------------------------------------


def plot_form(app, **changes) -> dict:
    with db_session(app) as session:
        township = chain.township_id(session, "麻旺镇")
    form = {"name": "后山", "township_id": township, "village": "麻旺村", "area": "12.5", "latitude": "28.65",
            "longitude": "108.93", "year_planted": "2015"}
    form.update(changes)
    return form


def test_planting_plot(app, auth, world):
    auth.login("coop")
    url = "/planting/plots/new"
    refuse(app, auth, url, plot_form(app, latitude="30.5"), "This latitude lies outside Youyang county")
    refuse(app, auth, url, plot_form(app, longitude="107.2"), "This longitude lies outside Youyang county")
    refuse(app, auth, url, plot_form(app, area="-3"), "Must be more than 0")
    refuse(app, auth, url, plot_form(app, area="1.234"), "Use at most 2 decimal places.")
    refuse(app, auth, url, plot_form(app, year_planted="2031"), "The year planted must lie between 1950 and this year.")

    location = redirected_to(auth.post(url, plot_form(app)))
    plot = rows(app, Plot, Plot.name == "后山")[0]
    assert location.endswith(f"/planting/plots/{plot.id}")
    assert (plot.area_centimu, plot.latitude_e6, plot.longitude_e6) == (1250, 28_650_000, 108_930_000)
    assert plot.cooperative_id == world.orgs["coop"].id


def test_planting_record(app, auth, world):
    def setup(session):
        return chain.dispatch(session, world, batch=chain.seedling_batch(session, world), quantity=2000)

    dispatched = build(app, setup)
    with db_session(app) as session:
        variety = chain.variety_id(session)
    auth.login("coop")
    url = "/planting/plantings/new"
    form = {"plot_id": world.plots["mawang"].id, "kind": "renovation", "method": "replanting", "area": "20", "variety_id": variety,
            "dispatch_code": dispatched.code, "seedlings": "2000", "occurred_on": "2025-03-01"}
    refuse(app, auth, url, {**form, "plot_id": world.plots["longtan"].id}, "Not a valid choice")
    refuse(app, auth, url, {**form, "method": ""}, "Choose how the plantation is renovated.")
    refuse(app, auth, url, {**form, "seedlings": "1500", "area": "1"},
           "1500 seedlings on this area is outside the plausible {} to {} plants per mu.".format(*DENSITY_RANGE))
    refuse(app, auth, url, {**form, "area": "51"}, "The area is larger than the plot itself.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    refuse(app, auth, url, {**form, "seedlings": "-5"}, "Number must be between 0 and")

    location = redirected_to(auth.post(url, form))
    assert location.endswith(f"/planting/plots/{world.plots['mawang'].id}")
    record = rows(app, PlantingRecord)[0]
    assert (record.kind, record.method, record.area_centimu, record.seedlings) == ("renovation", "replanting", 2000, 2000)
    assert a_lot(app, dispatched.code).remaining == 0


# --- harvest ---------------------------------------------------------------------------------


def test_harvest_new(app, auth, world):
    auth.login("coop")
    url = "/harvest/new"
    form = {"plot_id": world.plots["mawang"].id, "weight": "8000.5", "pickers": "12", "occurred_on": "2025-10-25"}
    refuse(app, auth, url, {**form, "weight": "-5"}, "Must be more than 0")
    refuse(app, auth, url, {**form, "weight": "0"}, "Must be more than 0")
    # 50 mu cannot bear a million kilograms of fruit.
    refuse(app, auth, url, {**form, "weight": "1000000"}, "That would make 1000000 kg of fruit this year from 50 mu")
    refuse(app, auth, url, {**form, "weight": "10.0001"}, "Use at most 3 decimal places.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    # Another cooperative's plot is not offered, and not accepted.
    refuse(app, auth, url, {**form, "plot_id": world.plots["longtan"].id}, "Not a valid choice")

    code = lot_code_from(auth.post(url, form))
    lot = a_lot(app, code)
    assert (lot.kind, lot.quantity, lot.owner_org_id) == ("fruit", 8_000_500, world.orgs["coop"].id)
    record = rows(app, HarvestRecord, HarvestRecord.lot_id == lot.id)[0]
    assert (record.plot_id, record.pickers) == (world.plots["mawang"].id, 12)


def test_harvest_dry_hull(app, auth, world):
    fruit = build(app, lambda s: chain.harvest_lot(s, world, grams=1_000 * KG))
    auth.login("coop")
    url = "/harvest/dry-hull"
    field = f"input-{fruit.code}"
    form = {field: "1000", "seed": "250", "husk": "300", "occurred_on": "2025-11-10"}
    refuse(app, auth, url, {**form, field: "1200"}, f"Lot {fruit.code} has only 1000 kg left; 1200 kg were asked for.")
    refuse(app, auth, url, {**form, "seed": "500"},
           f"Seed of 500 kg is 50% of the 1000 kg put in, outside the plausible {plausible('dry_hull', 'seed')}.")
    refuse(app, auth, url, {**form, "seed": "700", "husk": "400"}, "The outputs (1100 kg) weigh more than the inputs (1000 kg).")
    refuse(app, auth, url, {**form, field: "-1"}, f"The quantity taken from lot {fruit.code} must be more than zero.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    code = lot_code_from(auth.post(url, form))
    seed = a_lot(app, code)
    assert (seed.kind, seed.quantity) == ("seed", 250 * KG)
    assert a_lot(app, fruit.code).remaining == 0


def test_harvest_ship(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
        others = chain.harvest_lot(session, world, coop="coop2", plot="longtan", grams=500 * KG)
        return fruit, others

    fruit, others = build(app, setup)
    auth.login("coop")
    url = "/harvest/ship"
    form = {"code": fruit.code, "to_org_id": world.orgs["processor"].id, "occurred_on": "2025-11-20"}
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    refuse(app, auth, url, {**form, "code": others.code}, "Not a valid choice")  # another cooperative's lot
    refuse(app, auth, url, {**form, "to_org_id": world.orgs["coop2"].id}, "Not a valid choice")  # not a processor

    assert redirected_to(auth.post(url, form)).endswith(f"/l/{fruit.code}")
    shipped = a_lot(app, fruit.code)
    assert (shipped.status, shipped.owner_org_id) == ("in_transit", world.orgs["coop"].id)
    # Once shipped it is no longer offered for shipping.
    refuse(app, auth, url, {**form, "to_org_id": world.orgs["processor2"].id}, "Not a valid choice")


# --- processing ----------------------------------------------------------------------------


def shipped_seed(app, world, to="processor"):
    """A seed lot of coop's, shipped to `to` and not yet received."""
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
        seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)
        chain.ship(session, world, lot=seed, to=to)
        return seed

    return build(app, setup)


def received_seed(app, world, to="processor"):
    seed = shipped_seed(app, world, to)
    build(app, lambda s: chain.receive(s, world, lot=chain.lot_by_code(s, seed.code), weighed=chain.RECEIVED_G, actor=to))
    return a_lot(app, seed.code)


def test_processing_receive(app, auth, world):
    seed = shipped_seed(app, world, to="processor")
    url = "/processing/receive"
    form = {"code": seed.code, "weighed": "1990", "occurred_on": "2025-11-21"}

    auth.login("processor2")
    refuse(app, auth, url, form, f"Lot {seed.code} was shipped to another organization.")

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


def test_processing_press(app, auth, world):
    seed = received_seed(app, world, to="processor")
    not_received = shipped_seed(app, world, to="processor")
    auth.login("processor")
    url = "/processing/press"
    field = f"input-{seed.code}"
    form = {field: "1990", "oil": "500", "cake": "1400", "occurred_on": "2025-11-25"}
    # A lot shipped to us but not received cannot be pressed: the refusal names it.
    with nothing_written(app):
        response = auth.post(url, {f"input-{not_received.code}": "2000", "oil": "500", "cake": "1400", "occurred_on": "2025-11-25"})
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


def pressed_oil(app, world):
    seed = received_seed(app, world)
    return build(app, lambda s: chain.press(s, world, inputs=[(chain.lot_by_code(s, seed.code), chain.RECEIVED_G)],
                                             oil=chain.OIL_G, cake=chain.CAKE_G))[0]


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


def product_form(**changes) -> dict:
    form = {"name": "桃花源 压榨山茶油 500ml", "gtin": chain.gtin(), "net_content_ml": "500", "fill_grams": "458",
            "shelf_life_days": "540"}
    form.update(changes)
    return form


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


# --- sales -----------------------------------------------------------------------------------


def product_lot(app, world, units=1_000):
    oil = pressed_oil(app, world)

    def setup(session):
        made = chain.product(session, world)
        chain.quality(session, world, oil=oil)  # sales need a standing test of the oil
        return chain.bottle(session, world, oil=chain.lot_by_code(session, oil.code), made=made, units=units)

    return build(app, setup)


def test_sales_new(app, auth, world):
    lot = product_lot(app, world, units=300)
    auth.login("processor")
    url = "/sales/new"
    form = {"code": lot.code, "buyer": "重庆永辉超市", "channel": "supermarket", "quantity": "300", "unit_price": "128.00",
            "occurred_on": "2025-12-05"}
    refuse(app, auth, url, {**form, "quantity": "301"}, f"Lot {lot.code} has only 300 left; 301 were asked for.")
    refuse(app, auth, url, {**form, "unit_price": "-1"}, "Must be more than 0")
    refuse(app, auth, url, {**form, "occurred_on": "2025-11-30"}, "The sale cannot come before the lot was bottled.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    assert redirected_to(auth.post(url, form)).endswith("/sales/")
    sale = rows(app, Sale)[0]
    assert (sale.quantity, sale.unit_price_fen, sale.amount_fen) == (300, 12_800, 300 * 12_800)
    assert a_lot(app, lot.code).remaining == 0
    # The lot is sold out: a second sale from it is refused.
    refuse(app, auth, url, {**form, "quantity": "1"}, "Not a valid choice")


# --- admin -------------------------------------------------------------------------------------


def test_admin_organization(app, auth, world):
    auth.login("admin")
    url = "/admin/organizations/new"
    form = {"name": "板溪合作社", "kind": "cooperative", "credit_code": "93500222MA5YX4QK2N", "township_id": ""}
    refuse(app, auth, url, {**form, "credit_code": "93500222MA5YX4QK2"}, "A unified social credit code has 18 letters and digits.")
    refuse(app, auth, url, {**form, "name": "麻旺合作社"}, "An organization with this name exists already.")
    refuse(app, auth, url, {**form, "kind": "bank"}, "Not a valid choice")

    assert redirected_to(auth.post(url, form)).endswith("/admin/")
    org = rows(app, Organization, Organization.name == "板溪合作社")[0]
    assert (org.kind, org.credit_code) == ("cooperative", "93500222MA5YX4QK2N")


def test_admin_user(app, auth, world):
    auth.login("admin")
    url = "/admin/users/new"
    form = {"username": "coop-clerk", "display_name": "记账员", "role": "cooperative",
            "organization_id": world.orgs["coop"].id, "password": "a-long-password"}
    refuse(app, auth, url, {**form, "password": "short"}, "The password needs at least 8 characters.")
    refuse(app, auth, url, {**form, "role": "processor"}, "This role does not fit this kind of organization.")
    refuse(app, auth, url, {**form, "username": "coop"}, "This username is taken.")
    refuse(app, auth, url, {**form, "username": "has space"}, "A username is 1 to 40 letters, digits, dots, dashes or underscores.")

    assert redirected_to(auth.post(url, form)).endswith("/admin/")
    user = rows(app, User, User.username == "coop-clerk")[0]
    assert (user.role, user.organization_id) == ("cooperative", world.orgs["coop"].id)
    auth.login("coop-clerk", "a-long-password")


def test_admin_township_rename_and_retire(app, auth, world):
    with db_session(app) as session:
        mawang = chain.township_id(session, "麻旺镇")
        longtan = chain.township_id(session, "龙潭镇")
        retired = chain.township_id(session, "板溪镇")
    auth.login("admin")
    refuse(app, auth, f"/admin/townships/{mawang}/rename", {"name": "龙潭镇"}, "Another township has this name.")
    refuse(app, auth, f"/admin/townships/{mawang}/rename", {"name": "x" * 41}, "Field cannot be longer than 40 characters.")

    assert redirected_to(auth.post(f"/admin/townships/{mawang}/rename", {"name": "麻旺镇（新）"})).endswith("/admin/")
    assert rows(app, Township, Township.id == mawang)[0].name == "麻旺镇（新）"

    assert redirected_to(auth.post(f"/admin/townships/{retired}/retire", {"merged_into_id": longtan})).endswith("/admin/")
    township = rows(app, Township, Township.id == retired)[0]
    assert (township.active, township.merged_into_id) == (False, longtan)
    # A retired township is no longer a place to merge into.
    refuse(app, auth, f"/admin/townships/{mawang}/retire", {"merged_into_id": retired}, "Not a valid choice")
    # Nor can it be retired again: the refusal must be said, not swallowed.
    refuse(app, auth, f"/admin/townships/{retired}/retire", {"merged_into_id": ""}, "Unknown or already retired township.")


# --- CSRF ----------------------------------------------------------------------------------------


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(app, client, auth, world):
    cases = [
        ("coop", "/harvest/new", {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "2025-10-25"}),
        ("coop", "/planting/plots/new", plot_form(app)),
        ("nursery", "/nursery/batches/new", batch_form(app)),
        ("processor", "/processing/products/new", product_form()),
        ("admin", "/admin/organizations/new", {"name": "板溪合作社", "kind": "cooperative", "credit_code": "", "township_id": ""}),
    ]
    for username, url, form in cases:
        auth.login(username)
        with nothing_written(app):
            response = client.post(url, data=form)
            assert response.status_code == 400, (url, page(response)[:2000])
            assert "CSRF" in page(response)
        with nothing_written(app):
            response = client.post(url, data={**form, "csrf_token": "forged-token"})
            assert response.status_code == 400, url


# --- htmx ------------------------------------------------------------------------------------------

FORM_PAGES = {
    "nursery": ["/nursery/batches/new", "/nursery/growing", "/nursery/grade", "/nursery/certify", "/nursery/dispatch"],
    "coop": ["/planting/plots/new", "/planting/plantings/new", "/harvest/new", "/harvest/dry-hull", "/harvest/ship"],
    "processor": ["/processing/receive", "/processing/press", "/processing/quality", "/processing/products/new",
                  "/processing/bottle", "/sales/new"],
    "admin": ["/admin/organizations/new", "/admin/users/new"],
}


def test_htmx_get_of_a_form_page_returns_only_the_partial(app, client, auth, world):
    for username, urls in FORM_PAGES.items():
        auth.login(username)
        for url in urls:
            full = client.get(url)
            assert full.status_code == 200 and "<html" in page(full), url
            partial = client.get(url, headers=HX)
            html = page(partial)
            assert partial.status_code == 200, url
            assert "<html" not in html and "<form" in html, url
            assert 'name="csrf_token"' in html, url


def test_htmx_bad_post_returns_the_partial_with_422(app, client, auth, world):
    bad = {
        "/admin/organizations/new": ({"name": "", "kind": "cooperative"}, "This field is required."),
        "/admin/users/new": ({"username": "x", "display_name": "x", "role": "cooperative",
                              "organization_id": world.orgs["coop"].id, "password": "short"},
                             "The password needs at least 8 characters."),
        "/processing/products/new": (product_form(gtin=chain.wrong_check_digit(chain.gtin())), "A GTIN-14 has 14 digits and a valid check digit."),
        "/planting/plots/new": (plot_form(app, latitude="30.5"), "This latitude lies outside Youyang county"),
    }
    for username, urls in FORM_PAGES.items():
        auth.login(username)
        for url in urls:
            data, message = bad.get(url, ({"occurred_on": FUTURE}, "The date cannot be in the future."))
            with nothing_written(app):
                response = auth.post(url, data, headers=HX)
                assert_refused(response, message)
            assert "<html" not in page(response), url
            assert "HX-Redirect" not in response.headers


def test_htmx_good_post_answers_with_hx_redirect(app, client, auth, world):
    lot = product_lot(app, world, units=100)

    def submit(url, data):
        response = auth.post(url, data, headers=HX)
        assert response.status_code == 200, page(response)[:2000]
        assert "<html" not in page(response)
        return response.headers["HX-Redirect"]

    auth.login("nursery")
    assert "/l/YY-S25-" in submit("/nursery/batches/new", batch_form(app))
    auth.login("coop")
    assert "/planting/plots/" in submit("/planting/plots/new", plot_form(app))
    target = submit("/harvest/new", {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "2025-10-26"})
    assert a_lot(app, target.rsplit("/l/", 1)[1]).quantity == 800 * KG
    auth.login("processor")
    assert submit("/processing/products/new", product_form(gtin=chain.gtin("0692000123467"))).endswith("/processing/")
    sale = {"code": lot.code, "buyer": "酉阳特产店", "channel": "retail", "quantity": "10", "unit_price": "98.50",
            "occurred_on": "2025-12-06"}
    assert submit("/sales/new", sale).endswith("/sales/")
    assert a_lot(app, lot.code).remaining == 90
    auth.login("admin")
    assert submit("/admin/organizations/new", {"name": "板溪合作社", "kind": "cooperative", "credit_code": "", "township_id": ""}).endswith("/admin/")


# --- trace: corrections -------------------------------------------------------------------------


def made_by(app, code: str) -> int:
    with db_session(app) as session:
        return chain.event_that_made(session, chain.lot_by_code(session, code)).id


def test_trace_reverse(app, auth, world):
    def setup(session):
        used = chain.harvest_lot(session, world, grams=1_000 * KG)
        seed, _husk = chain.dry_hull(session, world, inputs=[(used, 1_000 * KG)], seed=250 * KG, husk=300 * KG)
        spare = chain.harvest_lot(session, world, grams=400 * KG)
        return used.code, seed.code, spare.code

    used, seed, spare = build(app, setup)
    hulling = made_by(app, seed)

    auth.login("coop2")  # not the recording organization
    with nothing_written(app):
        response = auth.post(f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": "录错"})
        assert response.status_code == 403

    auth.login("coop")
    refuse(app, auth, f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": ""}, "This field is required.")
    refuse(app, auth, f"/events/{made_by(app, used)}/reverse", {"lot": used, "reason": "录错"},
           "It cannot be reversed: 1 later records depend on it.")
    response = auth.post(f"/events/{made_by(app, used)}/reverse", {"lot": used, "reason": "录错"})
    assert f"#{hulling} Drying and hulling" in page(response)

    assert redirected_to(auth.post(f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": "重复录入"})).endswith(f"/l/{spare}")
    reversed_lot = a_lot(app, spare)
    assert (reversed_lot.status, reversed_lot.remaining) == ("reversed", 0)
    refuse(app, auth, f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": "再来"},
           "This event has already been reversed.")
