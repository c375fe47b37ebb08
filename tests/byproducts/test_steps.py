"""Extraction, solvent extraction and making by-product products: exact
quantities in and out, and every bad input refused by name and number,
writing nothing."""

import pytest
from sqlmodel import select

from oilchain.byproducts import services as byproducts
from oilchain.byproducts.models import GoodsLot
from oilchain.errors import Forbidden, Invalid, NotFound
from oilchain.processing.models import OilLot

from ..chain import KG, event_that_made, lot_by_code
from ..ledger.test_ledger import refused
from .building import EXTRACTED_ON, MADE_ON, cake_at, extract, make, register

pytestmark = pytest.mark.usefixtures("english_services")


@pytest.fixture
def cake(session, world):
    return cake_at(session, world)[1]


def test_extraction_turns_cake_into_saponin_and_meal_and_the_rest_is_loss(session, world, cake):
    saponin, meal = extract(session, world, cake=cake, used=1_000 * KG, saponin=120 * KG, meal=800 * KG)
    assert (saponin.kind, saponin.quantity, meal.kind, meal.quantity) == ("saponin", 120 * KG, "meal", 800 * KG)
    event = event_that_made(session, saponin)
    assert (event.kind, event.loss, event.occurred_on) == ("extract", 80 * KG, EXTRACTED_ON)
    assert lot_by_code(session, cake.code).remaining == 400 * KG


def test_solvent_extraction_gives_solvent_oil_and_meal(session, world, cake):
    oil, meal = byproducts.leach(session, actor=world.actors["processor"], inputs=[(lot_by_code(session, cake.code), 1_000 * KG)],
                                 oil_g=60 * KG, meal_g=900 * KG, occurred_on=EXTRACTED_ON)
    session.commit()
    assert (oil.kind, oil.quantity, meal.kind, meal.quantity) == ("oil", 60 * KG, "meal", 900 * KG)
    assert session.get(OilLot, oil.id).method == "solvent"
    assert event_that_made(session, oil).loss == 40 * KG


@pytest.mark.parametrize("service, outputs", [
    (byproducts.extract, {"saponin_g": 120 * KG, "meal_g": 800 * KG}),
    (byproducts.leach, {"oil_g": 60 * KG, "meal_g": 900 * KG}),
])
def test_only_seed_cake_is_extracted(session, world, service, outputs):
    oil, _cake = cake_at(session, world)
    error = refused(session, Invalid, lambda: service(session, actor=world.actors["processor"],
                                                    inputs=[(lot_by_code(session, oil.code), 100 * KG)],
                                                    occurred_on=EXTRACTED_ON, **outputs))
    assert str(error.message) == f"Lot {oil.code} is not Seed cake." and error.lot == oil.code


def test_another_organizations_cake_is_refused(session, world, cake):
    error = refused(session, Forbidden, lambda: extract(session, world, cake=cake, actor="processor2"))
    assert cake.code in str(error.message)


def test_a_saponin_yield_outside_its_bounds_is_refused_with_the_numbers(session, world, cake):
    error = refused(session, Invalid, lambda: extract(session, world, cake=cake, saponin=10 * KG, meal=800 * KG))
    assert str(error.message) == "Tea saponin of 10 kg is 1% of the 1000 kg put in, outside the plausible 4%–18%."
    assert error.field == "saponin"


def test_a_leached_oil_yield_outside_its_bounds_is_refused(session, world, cake):
    error = refused(session, Invalid, lambda: byproducts.leach(
        session, actor=world.actors["processor"], inputs=[(lot_by_code(session, cake.code), 1_000 * KG)],
        oil_g=150 * KG, meal_g=800 * KG, occurred_on=EXTRACTED_ON))
    assert "150 kg" in str(error.message) and "1000 kg" in str(error.message) and error.field == "oil"


@pytest.mark.parametrize("saponin, meal, field", [(0, 800 * KG, "saponin"), (120 * KG, 0, "meal")])
def test_extraction_needs_both_outputs(session, world, cake, saponin, meal, field):
    error = refused(session, Invalid, lambda: extract(session, world, cake=cake, saponin=saponin, meal=meal))
    assert error.field == field


def test_making_by_weight_counts_the_untraced_ingredients_with_the_inputs(session, world, cake):
    compost = register(session, world, name="茶粕有机肥", source_kind="cake")
    lot = make(session, world, product=compost, lot=cake, used=400 * KG, untraced=100 * KG, quantity=450 * KG)
    assert (lot.kind, lot.unit, lot.quantity) == ("goods", "g", 450 * KG)
    event = event_that_made(session, lot)
    assert (event.kind, event.untraced, event.loss, event.occurred_on) == ("make", 100 * KG, 50 * KG, MADE_ON)
    assert session.get(GoodsLot, lot.id).by_product_id == compost.id
    assert lot_by_code(session, cake.code).remaining == 1_000 * KG


def test_making_a_packed_product_counts_units_at_their_weight(session, world, cake):
    saponin, _meal = extract(session, world, cake=cake)
    soap = register(session, world, name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500)
    lot = make(session, world, product=soap, lot=saponin, used=120 * KG, untraced=300 * KG, quantity=800)
    assert (lot.kind, lot.unit, lot.quantity) == ("goods", "unit", 800)
    assert event_that_made(session, lot).loss == 20 * KG  # 120 kg + 300 kg = 800 x 500 g + 20 kg


def test_a_product_is_made_only_from_its_source_kind(session, world, cake):
    saponin, _meal = extract(session, world, cake=cake)
    compost = register(session, world, name="茶粕有机肥", source_kind="cake")
    error = refused(session, Invalid, lambda: make(session, world, product=compost, lot=saponin, used=100 * KG, quantity=90 * KG))
    assert str(error.message) == f"Lot {saponin.code} is not Seed cake." and error.lot == saponin.code


def test_untraced_ingredients_below_zero_are_refused(session, world, cake):
    compost = register(session, world)
    error = refused(session, Invalid, lambda: make(session, world, product=compost, lot=cake, used=400 * KG,
                                                   untraced=-1, quantity=390 * KG))
    assert error.field == "untraced"


def test_untraced_ingredients_beyond_their_share_of_the_traced_inputs_are_refused(session, world, cake):
    """One gram of cake cannot carry a tonne of compost: the untraced
    ingredients are bounded per mille of the traced inputs (1.5 times for a
    compost), and a step with no such bound takes none."""
    compost = register(session, world)
    error = refused(session, Invalid, lambda: make(session, world, product=compost, lot=cake, used=1,
                                                   untraced=1_000_000 * KG, quantity=900_000 * KG))
    assert error.field == "untraced" and "above the plausible 150%" in str(error.message)
    error = refused(session, Invalid, lambda: make(session, world, product=compost, lot=cake, used=100 * KG,
                                                   untraced=151 * KG, quantity=240 * KG))
    assert str(error.message) == ("The untraced ingredients (151 kg) are 151% of the 100 kg of traced inputs, above the "
                                  "plausible 150% for this step.")
    made = make(session, world, product=compost, lot=cake, used=100 * KG, untraced=150 * KG, quantity=240 * KG)
    assert made.quantity == 240 * KG


def test_a_made_product_outside_its_yield_bounds_is_refused(session, world, cake):
    compost = register(session, world)
    error = refused(session, Invalid, lambda: make(session, world, product=compost, lot=cake, used=400 * KG,
                                                   untraced=100 * KG, quantity=200 * KG))
    assert str(error.message) == "By-product product of 200 kg is 40% of the 500 kg put in, outside the plausible 50%–100%."
    error = refused(session, Invalid, lambda: make(session, world, product=compost, lot=cake, used=400 * KG,
                                                   quantity=401 * KG))
    assert "401 kg" in str(error.message) and "400 kg" in str(error.message)


def test_making_needs_a_registered_product_and_another_mills_lot_is_refused(session, world, cake):
    refused(session, NotFound, lambda: byproducts.make(session, actor=world.actors["processor"], by_product_id=999,
                                                       inputs=[(cake, 100 * KG)], quantity=90 * KG, untraced_g=0,
                                                       occurred_on=MADE_ON))
    compost = register(session, world)
    error = refused(session, Forbidden, lambda: make(session, world, product=compost, lot=cake, used=100 * KG,
                                                     quantity=90 * KG, actor="processor2"))
    assert cake.code in str(error.message)
    assert not session.exec(select(GoodsLot)).all()
