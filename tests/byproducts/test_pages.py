"""The by-product pages: each form page and its htmx partial, a good
submission of each step, refusals next to their field writing nothing,
and the links to them from the processor's start page and menu."""

import pytest

from oilchain.byproducts.models import ByProduct, GoodsLot
from oilchain.processing.models import OilLot

from .. import chain
from ..chain import KG, db_session
from ..http import HX, a_lot, build, lot_code_from, page, plausible, redirected_to, refuse, rows
from .building import cake_at, extract, register

pytestmark = pytest.mark.usefixtures("english")

PAGES = [
    ("processor", "/byproducts/register", "New by-product product", "Register a by-product product"),
    ("bureau", "/byproducts/register", "New by-product product", "Register a by-product product"),
    ("processor", "/byproducts/extract", "Extract saponin", "Extract tea saponin from seed cake"),
    ("processor", "/byproducts/leach", "Solvent extraction", "Extract the oil left in seed cake with a solvent"),
    ("processor", "/byproducts/make", "Make a by-product product", "Make a by-product product"),
]


@pytest.mark.parametrize("role, url, title, heading", PAGES, ids=[f"{r}:{u}" for r, u, *_ in PAGES])
def test_a_form_page_and_its_partial(client, auth, world, role, url, title, heading):
    auth.login(role)
    html = page(client.get(url))
    assert f"<title>{title} · " in html and f"<h1>{heading}</h1>" in html
    assert f'<form method="post" action="{url}"' in html
    fragment = page(client.get(url, headers=HX))
    assert "<html" not in fragment and f'<form method="post" action="{url}"' in fragment


def test_the_processor_reaches_the_registry_from_the_start_page_and_the_menu(client, auth, world):
    auth.login("processor")
    html = page(client.get("/processing/"))
    assert html.count('href="/byproducts/"') == 2  # the menu and the start page's button
    registry = page(client.get("/byproducts/"))
    assert 'href="/byproducts/extract"' in registry and 'href="/byproducts/make"' in registry
    auth.login("coop")
    assert client.get("/byproducts/").status_code == 403


@pytest.fixture
def cake(app, world):
    return build(app, lambda s: cake_at(s, world)[1])


def test_registering_through_the_page(app, auth, world):
    auth.login("processor")
    data = {"name": "茶皂素洗洁精", "source_kind": "saponin", "unit": "unit", "unit_grams": "500", "gtin": chain.gtin("0692000123461")}
    assert redirected_to(auth.post("/byproducts/register", data)).endswith("/byproducts/")
    assert [(p.name, p.unit_grams) for p in rows(app, ByProduct)] == [("茶皂素洗洁精", 500)]
    refuse(app, auth, "/byproducts/register", {**data, "name": "其它", "unit_grams": ""},
           "A product packed in units needs the weight of one unit.", field="unit_grams")
    refuse(app, auth, "/byproducts/register", {**data, "name": "其它", "source_kind": "goods"}, "Not a valid choice", field="source_kind")


def test_extracting_through_the_page(app, auth, world, cake):
    auth.login("processor")
    data = {f"input-{cake.code}": "1000", "saponin": "120", "meal": "800", "occurred_on": "2025-11-26"}
    refuse(app, auth, "/byproducts/extract", {**data, "saponin": "10"}, plausible("extract", "saponin"), field="saponin")
    saponin = a_lot(app, lot_code_from(auth.post("/byproducts/extract", data)))
    assert (saponin.kind, saponin.quantity) == ("saponin", 120 * KG)
    assert a_lot(app, cake.code).remaining == 400 * KG


def test_leaching_through_the_page(app, auth, world, cake):
    auth.login("processor")
    data = {f"input-{cake.code}": "1000", "oil": "60", "meal": "900", "occurred_on": "2025-11-26"}
    oil = a_lot(app, lot_code_from(auth.post("/byproducts/leach", data)))
    assert oil.quantity == 60 * KG and rows(app, OilLot, OilLot.lot_id == oil.id)[0].method == "solvent"


def test_making_through_the_page(app, auth, world, cake):
    soap = build(app, lambda s: register(s, world, name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500))
    compost = build(app, lambda s: register(s, world, name="茶粕有机肥"))
    saponin = build(app, lambda s: extract(s, world, cake=cake))[0]
    auth.login("processor")
    data = {"by_product_id": soap.id, f"input-{saponin.code}": "120", "quantity": "800", "untraced": "300",
            "occurred_on": "2025-11-28"}
    refuse(app, auth, "/byproducts/make", {**data, "quantity": "800.5"}, "Give a whole number of units.", field="quantity")
    refuse(app, auth, "/byproducts/make", {**data, "untraced": "-1"}, "Must be at least 0", field="untraced")
    refuse(app, auth, "/byproducts/make", {**data, "by_product_id": compost.id}, f"Lot {saponin.code} is not Seed cake.")
    made = a_lot(app, lot_code_from(auth.post("/byproducts/make", data)))
    assert (made.kind, made.unit, made.quantity) == ("goods", "unit", 800)
    with db_session(app) as session:
        assert session.get(GoodsLot, made.id).by_product_id == soap.id


BY_PRODUCT_PAGES = {"processor": ["/byproducts/", "/byproducts/register", "/byproducts/extract", "/byproducts/leach",
                                  "/byproducts/make", "/processing/"],
                    "bureau": ["/byproducts/", "/byproducts/register", "/reports/dashboard?year=2025"]}


@pytest.mark.parametrize("role", sorted(BY_PRODUCT_PAGES))
def test_the_pages_read_in_both_languages(app, client, auth, world, cake, role):
    from ..test_languages import HAN, visible_text

    build(app, lambda s: register(s, world, name="茶粕有机肥"))
    data = ["茶粕有机肥", *(org.name for org in world.orgs.values())]
    auth.login(role)
    for url in BY_PRODUCT_PAGES[role]:
        client.set_cookie("lang", "en")
        text = visible_text(page(client.get(url)))
        for value in data:
            text = text.replace(value, " ")
        assert not HAN.search(text), (url, [line for line in text.splitlines() if HAN.search(line)])
        client.set_cookie("lang", "zh_CN")
        chinese = visible_text(page(client.get(url)))
        for english in ("By-product", "Seed cake", "Extract", "Untraced", "not made yet", "Register a by-product"):
            assert english not in chinese, (url, english)
