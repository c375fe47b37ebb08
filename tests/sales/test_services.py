"""Selling any lot its owner holds: bottled products by units, bulk oil and
by-products by weight at a price per kg (the amount exact, rounded half
up), oil only with a standing quality test, a price plausible for its kind
or explained; a sale to a registered mill splits the part off and ships
it. Every refusal names the lot and the numbers and writes nothing."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain import ledger
from oilchain.byproducts.models import ByProduct
from oilchain.errors import Forbidden, Invalid
from oilchain.ledger import NewLot
from oilchain.ledger.models import Shipment
from oilchain.processing import services as processing
from oilchain.processing.models import Product
from oilchain.sales import pricing
from oilchain.sales import services as sales
from oilchain.sales.models import Sale

from .. import chain
from ..chain import KG, SOLD_ON, lot_by_code
from ..ledger.test_ledger import refused, text

pytestmark = pytest.mark.usefixtures("english_services")


def sell(session, world, lot, quantity, price_fen, actor="processor", **changes):
    sale = sales.sell(session, **{"actor": world.actors[actor], "lot_code": lot.code, "buyer": "酉阳农资站",
                                  "channel": "wholesale", "quantity": quantity, "unit_price_fen": price_fen,
                                  "sold_on": SOLD_ON, **changes})
    session.commit()
    return sale


def untested_press(session, world):
    """Oil and cake pressed from the standard chain's seed, no quality test."""
    *_, seed, _husk = chain.seed_at_processor(session, world)
    return chain.press(session, world, inputs=[(lot_by_code(session, seed.code), chain.RECEIVED_G)], oil=chain.OIL_G,
                       cake=chain.CAKE_G)


def saponin_lot(session, world, cake):
    """1,000 kg of the cake extracted: 100 kg of tea saponin, 850 kg of meal."""
    recorded = ledger.record_event(
        session, actor=world.actors["processor"], kind="extract", occurred_on=date(2025, 11, 30),
        inputs=[(lot_by_code(session, cake.code), 1_000 * KG)], outputs=[NewLot("saponin", 100 * KG), NewLot("meal", 850 * KG)],
        step="extract",
    )
    session.commit()
    return recorded.outputs[0]


def test_the_amount_of_a_weight_sale_is_grams_times_the_price_per_kg_rounded_half_up():
    assert sales.amount_fen(300, "unit", 12_800) == 3_840_000
    assert sales.amount_fen(1, "g", 500) == 1  # half a fen rounds up
    assert sales.amount_fen(1, "g", 499) == 0
    assert sales.amount_fen(123_456, "g", 150) == 18_518  # 18,518.4 fen
    assert sales.amount_fen(12_345, "g", 8_555) == 105_611  # 105,611.475 fen


def test_bulk_oil_sells_by_weight_with_a_standing_test_and_not_without(session, world):
    built = chain.full_chain(session, world)  # 500 kg pressed, 458 kg bottled: 42 kg left, tested 2025-11-28
    sale = sell(session, world, built.oil, 10 * KG, 12_000)
    assert (sale.unit, sale.quantity, sale.unit_price_fen, sale.amount_fen) == ("g", 10 * KG, 12_000, 120_000)
    assert lot_by_code(session, built.oil.code).remaining == 32 * KG

    oil, _cake = untested_press(session, world)
    error = refused(session, Invalid, lambda: sales.sell(
        session, actor=world.actors["processor"], lot_code=oil.code, buyer="酉阳农资站", channel="wholesale",
        quantity=10 * KG, unit_price_fen=12_000, sold_on=SOLD_ON))
    assert text(error) == (f"Lot {oil.code} cannot be sold on 2025-12-05: no standing quality test of its oil ({oil.code}) "
                           "is dated on or before that day. Record the test first.")


def test_a_part_split_off_tested_oil_sells_on_the_original_test(session, world):
    """The part is the same oil: the test of the lot it was split from speaks for it."""
    built = chain.full_chain(session, world)  # 42 kg of tested oil left
    part = ledger.split_lot(session, actor=world.actors["processor"], code=built.oil.code, quantity=20 * KG,
                            occurred_on=date(2025, 12, 1))
    session.commit()
    sale = sell(session, world, part, 5 * KG, 12_000)
    assert (sale.lot_id, sale.amount_fen) == (part.id, 60_000)


def test_a_product_cannot_take_a_by_product_products_gtin(session, world):
    session.add(ByProduct(name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500, gtin="06920001234577",
                          registered_by_org_id=world.orgs["processor"].id))
    session.commit()
    error = refused(session, Invalid, lambda: processing.create_product(
        session, actor=world.actors["processor"], name="桃花源 山茶油 500ml", gtin="06920001234577", net_content_ml=500,
        fill_grams=458, shelf_life_days=540))
    assert (text(error), error.field) == ("This GTIN is already registered.", "gtin")


def test_cake_and_saponin_sell_by_weight_at_the_exact_amount_without_a_quality_test(session, world):
    _oil, cake = untested_press(session, world)
    saponin = saponin_lot(session, world, cake)
    cake_sale = sell(session, world, cake, 123_456, 150)  # 123.456 kg at ¥1.50 a kg
    saponin_sale = sell(session, world, saponin, 12_345, 8_555)  # 12.345 kg at ¥85.55 a kg
    assert (cake_sale.unit, cake_sale.amount_fen) == ("g", 18_518)
    assert (saponin_sale.unit, saponin_sale.amount_fen) == ("g", 105_611)
    assert lot_by_code(session, saponin.code).remaining == 100 * KG - 12_345


def test_refusals_name_the_lot_and_the_numbers_and_write_nothing(session, world):
    _oil, cake = untested_press(session, world)  # 1,400 kg of cake
    actor = world.actors["processor"]

    def attempt(error_type, **changes):
        args = {"actor": actor, "lot_code": cake.code, "buyer": "酉阳农资站", "channel": "wholesale",
                "quantity": 100 * KG, "unit_price_fen": 150, "sold_on": SOLD_ON, **changes}
        return text(refused(session, error_type, lambda: sales.sell(session, **args)))

    assert attempt(Invalid, quantity=1_400 * KG + 1) == f"Lot {cake.code} has only 1400 kg left; 1400.001 kg were asked for."
    assert attempt(Invalid, unit_price_fen=0) == f"The price of lot {cake.code} must be more than zero (¥0.00 was given)."
    assert attempt(Invalid, unit_price_fen=-1) == f"The price of lot {cake.code} must be more than zero (¥-0.01 was given)."
    assert attempt(Forbidden, actor=world.actors["processor2"]) == f"Lot {cake.code} does not belong to your organization."
    assert attempt(Invalid, buyer_org_id=world.orgs["coop"].id) == "Choose a registered buyer from the list: another processor."
    assert attempt(Invalid, buyer_org_id=world.orgs["processor"].id) == "Choose a registered buyer from the list: another processor."


def test_seed_is_not_sold_here_it_is_shipped(session, world):
    *_, seed, _husk = chain.seed_at_processor(session, world)
    error = refused(session, Invalid, lambda: sales.sell(
        session, actor=world.actors["processor"], lot_code=seed.code, buyer="酉阳农资站", channel="wholesale",
        quantity=10 * KG, unit_price_fen=800, sold_on=SOLD_ON))
    assert text(error) == (f"Lot {seed.code} is Seed, which is not sold here: sales take bottled products, bulk oil and "
                           "by-products (seed and fruit go to a processor as a shipment).")
    assert error.field == "code"


def test_a_bulk_price_outside_its_kinds_bounds_needs_a_reason_which_is_kept(session, world):
    _oil, cake = untested_press(session, world)  # seed cake: ¥0.50 to ¥20.00 a kg without recent sales
    refusal = refused(session, Invalid, lambda: sales.sell(
        session, actor=world.actors["processor"], lot_code=cake.code, buyer="酉阳农资站", channel="wholesale",
        quantity=100 * KG, unit_price_fen=3_000, sold_on=SOLD_ON))
    assert text(refusal) == (f"¥30.00 a kg for lot {cake.code} is outside the plausible ¥0.50 to ¥20.00 a kg for Seed cake. "
                             "Check the price, or confirm it with the reason below.")
    assert refusal.field == "unit_price"
    kept = sell(session, world, cake, 100 * KG, 3_000, price_note="有机肥厂合同价")
    assert (kept.unit_price_fen, kept.price_note) == (3_000, "有机肥厂合同价")
    # Three standing sales at ¥1.50 make a median: twice that is the most without a reason.
    for _ in range(3):
        sell(session, world, cake, 10 * KG, 150)
    far = refused(session, Invalid, lambda: sales.sell(
        session, actor=world.actors["processor"], lot_code=cake.code, buyer="酉阳农资站", channel="wholesale",
        quantity=10 * KG, unit_price_fen=1_000, sold_on=SOLD_ON))
    assert text(far) == (f"¥10.00 a kg for lot {cake.code} is far from the recent prices of Seed cake (median ¥1.50 a kg of "
                         "4 sales since 2025-09-06; plausible ¥0.75 to ¥3.00). Check the price, or confirm it with the "
                         "reason below.")
    # The brain's price warning reads the same bounds: the ¥30 sale is outside them.
    outliers = pricing.price_outliers(session, date(2025, 1, 1), SOLD_ON)
    assert [(sale.id, pricing.unit, pricing.kind) for sale, pricing, _bounds in outliers] == [(kept.id, "g", "cake")]


def test_a_sale_to_a_registered_mill_splits_the_part_off_and_ships_it(session, world):
    _oil, cake = untested_press(session, world)  # 1,400 kg of cake
    # A typed buyer is not used: the buyer is the registered organization.
    sale = sell(session, world, cake, 400 * KG, 120, buyer="别的名字", buyer_org_id=world.orgs["processor2"].id)
    part = session.get(ledger.models.Lot, sale.lot_id)
    shipment = session.exec(select(Shipment).where(Shipment.lot_id == part.id)).one()
    assert (sale.event_id, sale.buyer, sale.buyer_org_id) == (shipment.ship_event_id, "酉州加工厂", world.orgs["processor2"].id)
    assert (part.kind, part.quantity, part.status, sale.amount_fen) == ("cake", 400 * KG, "in_transit", 48_000)
    assert lot_by_code(session, cake.code).remaining == 1_000 * KG  # the original keeps the rest, and its code
    ledger.receive_lot(session, actor=world.actors["processor2"], code=part.code, weighed=400 * KG,
                       occurred_on=date(2025, 12, 6))
    session.commit()
    assert lot_by_code(session, part.code).owner_org_id == world.orgs["processor2"].id
    # The whole of what is left goes as it is: no split.
    whole = sell(session, world, lot_by_code(session, cake.code), 1_000 * KG, 120, buyer_org_id=world.orgs["processor2"].id)
    assert whole.lot_id == cake.id


def test_a_bottled_lot_goes_to_a_registered_mill_only_whole(session, world):
    built = chain.full_chain(session, world)
    error = refused(session, Invalid, lambda: sales.sell(
        session, actor=world.actors["processor"], lot_code=built.product_lot.code, buyer="", channel="wholesale",
        quantity=200, unit_price_fen=12_800, sold_on=SOLD_ON, buyer_org_id=world.orgs["processor2"].id))
    assert text(error) == (f"Lot {built.product_lot.code} goes to a registered buyer whole (1000 units), not 200: sell part "
                           "of it to a named buyer instead.")
    whole = sell(session, world, built.product_lot, 1_000, 12_800, buyer_org_id=world.orgs["processor2"].id)
    assert (whole.lot_id, whole.amount_fen) == (built.product_lot.id, 12_800_000)


def packed_product_lot(session, world):
    """100 units of a bottled by-product product (458 g each, untested oil behind it)."""
    oil, _cake = untested_press(session, world)
    made = chain.product(session, world, name="茶皂素洗洁精 500ml")
    lot = chain.bottle(session, world, oil=oil, made=made, units=100)
    by_product = ByProduct(name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500,
                           registered_by_org_id=world.orgs["processor"].id)
    session.add(by_product)
    session.flush()
    product = session.get(Product, made.id)
    product.by_product_id = by_product.id
    session.add(product)
    session.commit()
    return lot


def test_a_packed_by_product_product_has_no_quality_rule(session, world):
    lot = packed_product_lot(session, world)
    # A packed by-product product holds no oil: its price is of its unit.
    low = refused(session, Invalid, lambda: sell(session, world, lot, 10, 10))
    assert text(low) == ("¥0.10 a unit is outside the plausible ¥0.45 to ¥229.00 for this product's 458 g unit. Check the "
                         "price, or confirm it with the reason below.")
    sale = sell(session, world, lot, 10, 2_500)  # ¥25 a unit: within the goods bounds (¥0.45 to ¥229.00 for 458 g)
    assert (sale.unit, sale.amount_fen) == ("unit", 25_000)
    assert session.exec(select(Sale).where(Sale.lot_id == lot.id)).one().id == sale.id
