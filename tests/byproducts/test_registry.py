"""The county's registry of by-product products: what it refuses (writing
nothing), and the page that says when each was first made, from the ledger."""

import pytest

from oilchain import ledger
from oilchain.byproducts import queries
from oilchain.errors import Forbidden, Invalid

from .. import chain
from ..chain import KG, event_that_made
from ..http import page
from ..ledger.test_ledger import refused
from .building import MADE_ON, cake_at, make, register

pytestmark = pytest.mark.usefixtures("english_services")


def test_a_processor_or_a_manager_registers_a_product(session, world):
    soap = register(session, world, name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500,
                    gtin=chain.gtin("0692000123461"))
    assert (soap.unit, soap.unit_grams, soap.registered_by_org_id) == ("unit", 500, world.orgs["processor"].id)
    charcoal = register(session, world, name="茶壳活性炭", source_kind="husk", actor="bureau")
    assert charcoal.registered_by_org_id == world.orgs["bureau"].id
    refused(session, Forbidden, lambda: register(session, world, name="其它", actor="coop"))


def test_an_unknown_source_kind_is_refused_by_name(session, world):
    for kind in ("goods", "seed", "sawdust"):
        error = refused(session, Invalid, lambda: register(session, world, source_kind=kind))
        assert str(error.message).startswith(f"{kind} is not a by-product a product is made from")
        assert error.field == "source_kind"


def test_a_duplicate_name_and_a_packed_product_without_its_weight_are_refused(session, world):
    register(session, world, name="茶粕有机肥")
    error = refused(session, Invalid, lambda: register(session, world, name=" 茶粕有机肥 "))
    assert "茶粕有机肥" in str(error.message) and error.field == "name"
    error = refused(session, Invalid, lambda: register(session, world, name="洗洁精", source_kind="saponin", unit="unit"))
    assert error.field == "unit_grams"


def test_a_gtin_must_be_valid_and_unused_by_any_product(session, world):
    oil_gtin = chain.product(session, world).gtin
    error = refused(session, Invalid, lambda: register(session, world, gtin=chain.wrong_check_digit(chain.gtin("0692000123461"))))
    assert str(error.message) == "A GTIN-14 has 14 digits and a valid check digit."
    error = refused(session, Invalid, lambda: register(session, world, gtin=oil_gtin))
    assert str(error.message) == f"GTIN {oil_gtin} is already registered."
    register(session, world, name="甲", gtin=chain.gtin("0692000123461"))
    error = refused(session, Invalid, lambda: register(session, world, name="乙", gtin=chain.gtin("0692000123461")))
    assert error.field == "gtin"


def test_first_made_comes_from_the_first_standing_make(session, world):
    _oil, cake = cake_at(session, world)
    compost = register(session, world, name="茶粕有机肥")
    register(session, world, name="茶壳活性炭", source_kind="husk")
    wrong = make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG, on=MADE_ON.replace(day=26))
    second = make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG)
    rows = {product.name: (code, day, maker) for product, code, day, maker, _maker_id in queries.registry(session)}
    assert rows["茶粕有机肥"] == (wrong.code, MADE_ON.replace(day=26), "桃花源茶油公司")
    assert rows["茶壳活性炭"] == (None, None, None)
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=event_that_made(session, wrong).id, reason="录错")
    session.commit()
    rows = {product.name: (code, day) for product, code, day, _maker, _maker_id in queries.registry(session)}
    assert rows["茶粕有机肥"] == (second.code, MADE_ON)


def test_the_registry_page_shows_the_first_make_or_not_made_yet(app, auth, world, session):
    _oil, cake = cake_at(session, world)
    compost = register(session, world, name="茶粕有机肥")
    register(session, world, name="茶壳活性炭", source_kind="husk")
    lot = make(session, world, product=compost, lot=cake, used=100 * KG, quantity=90 * KG)
    auth.client.set_cookie("lang", "en")
    auth.login("bureau")
    html = page(auth.client.get("/byproducts/"))
    assert "茶粕有机肥" in html and lot.code in html and "not made yet" in html and "Husks" in html
