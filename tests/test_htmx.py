"""htmx where it helps: lists that filter and page in place, partial
updates of the dashboard, inline lookups while a form is filled in, and
every form page (its partial, a bad submission's 422, a good one's
HX-Redirect). Each answer to an htmx request is the partial alone, not a
page."""

import re
from datetime import date

import pytest

from oilchain import db
from oilchain.auth import passwords
from oilchain.reports import services as reports

from . import chain
from .chain import KG, db_session, nothing_written
from .http import FUTURE, HX, a_lot, assert_refused, batch_form, page, plot_form, product_form, product_lot


pytestmark = pytest.mark.usefixtures("english")


def test_the_lot_list_filters_and_pages_in_place(app, auth, world):
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world, grams=500 * KG)
        chain.harvest_lot(session, world, grams=600 * KG)
    auth.login("coop")
    full = auth.client.get("/lots")
    assert "<html" in page(full) and 'id="lot-rows"' in page(full)
    rows = auth.client.get(f"/lots?q={fruit.code.lower()}", headers=HX)
    assert "<html" not in page(rows)
    assert fruit.code in page(rows) and page(rows).count("<tr") == 2  # header + the one lot
    assert "No lots match." in page(auth.client.get("/lots?kind=oil", headers=HX))


def test_the_dashboard_swaps_its_body_for_another_period(app, auth, world):
    with app.app_context():
        session = db.session()
        chain.seedling_batch(session, world, on=date(2025, 11, 20))
        reports.rollup_year(session, 2025, date(2025, 12, 19))
        session.commit()
    auth.login("bureau")
    partial = auth.client.get("/reports/dashboard?year=2025&month=11", headers=HX)
    html = page(partial)
    assert partial.status_code == 200 and "<html" not in html
    # grade I + II graded in November: this month's figure and the year to date
    assert "This month" in html and re.search(r"9,500 plants</a></td>\s*<td class=\"num\"><a[^>]*>9,500 plants", html)
    october = page(auth.client.get("/reports/dashboard?year=2025&month=10", headers=HX))
    assert "9,500 plants" not in october  # nothing yet by the end of October


def test_the_receive_form_looks_up_a_scanned_code_as_it_arrives(app, auth, world):
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world, grams=4_000 * KG)
        seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, 4_000 * KG)], seed=1_000 * KG, husk=1_600 * KG)
        chain.ship(session, world, lot=seed, to="processor")
    auth.login("processor")
    found = auth.client.get(f"/processing/receive/lookup?code=https://trace.example.cn/l/{seed.code.lower()}", headers=HX)
    html = page(found)
    assert "<html" not in html and seed.code in html and "麻旺合作社" in html and "1,000 kg" in html
    assert "麻旺镇" in html  # the origin, before the weighing
    unknown = page(auth.client.get("/processing/receive/lookup?code=YY-Z25-999999", headers=HX))
    assert "No lot has the code YY-Z25-999999." in unknown
    # A lot on its way to someone else, or not shipped at all, answers as an unknown code does.
    auth.login("processor2")
    elsewhere = page(auth.client.get(f"/processing/receive/lookup?code={seed.code}", headers=HX))
    assert f"No lot has the code {seed.code}." in elsewhere and "another organization" not in elsewhere
    assert elsewhere.replace(seed.code, "YY-Z25-999999") == unknown
    auth.login("processor")
    kept = page(auth.client.get(f"/processing/receive/lookup?code={_husk.code}", headers=HX))
    assert kept.replace(_husk.code, "YY-Z25-999999") == unknown


def test_the_gtin_field_checks_its_check_digit_while_typed(auth, world):
    auth.login("processor")
    good = page(auth.client.get(f"/processing/products/check-gtin?gtin={chain.gtin()}", headers=HX))
    bad = page(auth.client.get(f"/processing/products/check-gtin?gtin={chain.wrong_check_digit(chain.gtin())}", headers=HX))
    assert "Valid GTIN-14" in good and "error" not in good
    assert "A GTIN-14 has 14 digits and a valid check digit." in bad


def test_the_dispatch_form_shows_what_remains_of_each_grade(app, auth, world):
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world)
        chain.dispatch(session, world, batch=batch, quantity=2_000)
    auth.login("nursery")
    html = page(auth.client.get(f"/nursery/batch-left?batch_code={batch.code}", headers=HX))
    assert "<html" not in html and "grade I 5,000, grade II 2,500" in html


def test_the_chosen_language_is_remembered_on_the_account(app, client, world):
    from .conftest import AuthActions

    first = AuthActions(client)
    first.login("coop")
    client.post("/language", data={"lang": "en", "next": "/harvest/", "csrf_token": first.token()})
    first.logout()
    fresh = app.test_client()  # another device: no language cookie
    other = AuthActions(fresh)
    other.login("coop")
    html = page(fresh.get("/harvest/"))
    assert 'lang="en"' in html and "Log a harvest" in html


def test_tables_export_as_csv(app, auth, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        chain.sell(session, world, lot=chain.lot_by_code(session, built.product_lot.code), quantity=12)
    auth.login("processor")
    lots = auth.client.get("/lots?format=csv")
    assert lots.mimetype == "text/csv"
    text = lots.get_data(as_text=True)
    assert text.startswith("\ufeffLot,Kind,Date") and built.oil.code in text
    sales = auth.client.get("/sales/?format=csv").get_data(as_text=True)
    assert "Buyer" in sales.splitlines()[0]
    assert f"{built.product_lot.code},Bottled product,重庆永辉超市,Supermarket,12,units,128.00,unit,1536.00,recorded" in sales


# --- the form pages ---------------------------------------------------------------------------

FORM_PAGES = {
    "nursery": ["/nursery/batches/new", "/nursery/growing", "/nursery/grade", "/nursery/certify", "/nursery/dispatch"],
    "coop": ["/planting/plots/new", "/planting/plantings/new", "/harvest/new", "/harvest/dry-hull", "/harvest/ship"],
    "processor": ["/processing/receive", "/processing/press", "/processing/quality", "/processing/products/new",
                  "/processing/bottle", "/sales/new", "/processing/refine", "/processing/blend", "/processing/tanks",
                  "/processing/tanks/put"],
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
                             f"The password needs at least {passwords.MIN_LENGTH} characters."),
        "/processing/products/new": (product_form(gtin=chain.wrong_check_digit(chain.gtin())), "A GTIN-14 has 14 digits and a valid check digit."),
        "/planting/plots/new": (plot_form(app, latitude="30.5"), "This latitude lies outside Youyang county"),
        "/processing/tanks": ({"name": ""}, "This field is required."),
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
