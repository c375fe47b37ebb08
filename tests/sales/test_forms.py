"""The sale form through the HTTP client: a good sale answers 303; a bad
one answers 422 with the message next to its field and writes nothing; a
sale needs a standing quality test of its oil that reaches the product's
grade; a price far from the product's recent prices (or, without them, from
the bounds per kg the bureau edits) needs a reason, which is kept."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain.processing.models import Product
from oilchain.sales.models import PriceBound, Sale

from .. import chain
from ..chain import db_session, nothing_written
from ..http import FUTURE, a_lot, assert_refused, page, pressed_oil, product_lot, redirected_to, refuse, rows

pytestmark = pytest.mark.usefixtures("english")


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


def sale_form(code, **changes):
    return {"code": code, "buyer": "重庆永辉超市", "channel": "supermarket", "quantity": "10", "unit_price": "128.00",
            "occurred_on": "2025-12-05", **changes}


def untested_product_lot(app, world, units=300):
    oil = pressed_oil(app, world)
    with db_session(app) as session:
        made = chain.product(session, world)
        return chain.bottle(session, world, oil=chain.lot_by_code(session, oil.code), made=made, units=units), oil, made


def test_a_sale_needs_a_standing_test_dated_on_or_before_it_that_reaches_the_products_grade(app, auth, world):
    lot, oil, made = untested_product_lot(app, world)
    auth.login("processor")
    refuse(app, auth, "/sales/new", sale_form(lot.code),
           f"Lot {lot.code} cannot be sold on 2025-12-05: no standing quality test of its oil ({oil.code}) is dated on "
           "or before that day.", )
    with db_session(app) as session:  # a test after the sale does not count
        chain.quality(session, world, oil=oil, on=date(2025, 12, 8))
    refuse(app, auth, "/sales/new", sale_form(lot.code), "no standing quality test of its oil")
    with db_session(app) as session:  # one before it, below every grade (acid 3.5 > grade 2's 3.0)
        chain.quality(session, world, oil=oil, acid=3_500, on=date(2025, 11, 28))
    refuse(app, auth, "/sales/new", sale_form(lot.code),
           f"Lot {lot.code} cannot be sold: the quality test of 2025-11-28 (acid value 3.5; peroxide value 0.12; "
           "moisture 0.06) reaches no grade.")
    with db_session(app) as session:  # grade 2 is enough for a product sold at any grade, not for a grade-1 product
        chain.quality(session, world, oil=oil, acid=2_000, on=date(2025, 11, 29))
        product = session.get(Product, made.id)
        product.lowest_grade = "grade1"
        session.add(product)
        session.commit()
    refuse(app, auth, "/sales/new", sale_form(lot.code),
           f"Lot {lot.code} cannot be sold as this product: the quality test of 2025-11-29 reaches Grade 2, below Grade 1, "
           "the lowest grade the product may be sold at.")
    with db_session(app) as session:
        product = session.get(Product, made.id)
        product.lowest_grade = None
        session.add(product)
        session.commit()
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code)))


def test_a_price_far_from_the_products_recent_prices_needs_a_reason_which_is_kept(app, auth, world):
    lot = product_lot(app, world, units=300)
    auth.login("processor")
    for price in ("128.00", "132.00", "125.00"):
        assert redirected_to(auth.post("/sales/new", sale_form(lot.code, unit_price=price)))
    with nothing_written(app):
        response = auth.post("/sales/new", sale_form(lot.code, unit_price="99999.00"))
    assert_refused(response, "¥99,999.00 a unit is far from this product's recent prices (median ¥128.00 of 3 sales "
                             "since 2025-09-06; plausible ¥64.00 to ¥256.00).")
    assert 'name="price_note"' in page(response)  # the reason field appears with the warning
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code, unit_price="99999.00", price_note="礼品定制款，合同价")))
    with db_session(app) as session:
        sale = session.exec(select(Sale).order_by(Sale.id.desc())).first()
        assert (sale.unit_price_fen, sale.price_note) == (9_999_900, "礼品定制款，合同价")


def test_without_recent_sales_the_per_kg_bounds_apply_and_the_bureau_edits_them(app, auth, world):
    lot = product_lot(app, world, units=300)  # 458 g a bottle: ¥40..¥1,000 a kg is ¥18.32..¥458.00 a bottle
    auth.login("processor")
    refuse(app, auth, "/sales/new", sale_form(lot.code, unit_price="10.00"),
           "¥10.00 a unit is outside the plausible ¥18.32 to ¥458.00 for this product's 458 g of oil.")
    auth.login("bureau")
    form = {"which": "price", "price-window_days": "60", "price-min_sales": "5", "price-low_percent": "40",
            "price-high_percent": "250", "price-floor": "20", "price-ceiling": "800", "price-csrf_token": auth.token()}
    with nothing_written(app):
        bad = auth.client.post("/admin/bounds", data={**form, "price-floor": "900"})
    assert bad.status_code == 422 and "The floor must be more than zero and below the ceiling." in page(bad)
    assert auth.client.post("/admin/bounds", data=form).status_code == 303
    with db_session(app) as session:
        bound = session.get(PriceBound, "product")
        assert (bound.window_days, bound.min_sales, bound.floor_fen_per_kg, bound.ceiling_fen_per_kg) == (60, 5, 2_000, 80_000)
    auth.login("processor")
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code, unit_price="10.00")))  # ¥9.16 is the floor now
    auth.login("coop")
    assert auth.client.get("/admin/bounds").status_code == 403


def cake_lot(app, world):
    from .test_services import untested_press

    with db_session(app) as session:
        return untested_press(session, world)[1]


def test_a_bulk_lot_sells_by_kg_at_a_price_per_kg_and_the_list_shows_it(app, auth, world):
    cake = cake_lot(app, world)  # 1,400 kg
    auth.login("processor")
    # Choosing the lot (htmx) labels the form for it, keeping what was typed.
    refreshed = auth.client.get("/sales/new", query_string={"code": cake.code, "buyer": "酉阳农资站"},
                                headers={"HX-Request": "true"})
    assert "Quantity (kg)" in page(refreshed) and "Price per kg (yuan)" in page(refreshed)
    assert "酉阳农资站" in page(refreshed) and "<html" not in page(refreshed)
    form = sale_form(cake.code, buyer="酉阳农资站", channel="wholesale", quantity="123.456", unit_price="1.50")
    refuse(app, auth, "/sales/new", {**form, "quantity": "1400.001"},
           f"Lot {cake.code} has only 1400 kg left; 1400.001 kg were asked for.")
    refuse(app, auth, "/sales/new", {**form, "unit_price": "0"}, "Must be more than 0")
    assert redirected_to(auth.post("/sales/new", form)).endswith("/sales/")
    sale = rows(app, Sale)[0]
    assert (sale.unit, sale.quantity, sale.unit_price_fen, sale.amount_fen) == ("g", 123_456, 150, 18_518)
    listed = page(auth.client.get("/sales/"))
    assert "Seed cake" in listed and "123.456 kg" in listed and "1.50 a kg" in listed
    csv = auth.client.get("/sales/?format=csv").get_data(as_text=True)
    assert "Seed cake" in csv and "123.456" in csv and "185.18" in csv


def test_units_are_whole_and_a_registered_buyer_is_a_processor(app, auth, world):
    lot = product_lot(app, world, units=300)
    auth.login("processor")
    refresh = page(auth.client.get("/sales/new", query_string={"code": lot.code}, headers={"HX-Request": "true"}))
    assert "Unit price (yuan)" in refresh
    refuse(app, auth, "/sales/new", sale_form(lot.code, quantity="2.5"),
           f"Lot {lot.code} is counted in whole units: 2.5 is not a whole number.")
    assert "酉州加工厂" in refresh and "麻旺合作社" not in refresh  # the other mill, not a cooperative
    refuse(app, auth, "/sales/new", sale_form(lot.code, buyer_org_id=str(world.orgs["coop"].id)), "Not a valid choice")
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code, buyer="", quantity="300",
                                                         buyer_org_id=str(world.orgs["processor2"].id))))
    sale = rows(app, Sale)[0]
    assert (sale.buyer, sale.buyer_org_id, a_lot(app, lot.code).status) == ("酉州加工厂", world.orgs["processor2"].id,
                                                                          "in_transit")


def test_the_bureau_lists_and_edits_the_bounds_of_every_kind(app, auth, world):
    auth.login("bureau")
    listed = page(auth.client.get("/admin/bounds"))
    for label in ("Bottled product", "Oil", "Seed cake", "Husks", "Tea saponin", "Extracted meal", "By-product product"):
        assert f"<td>{label}</td>" in listed
    form = {"which": "price", "price-kind": "cake", "price-window_days": "60", "price-min_sales": "5",
            "price-low_percent": "40", "price-high_percent": "250", "price-floor": "1.00", "price-ceiling": "30",
            "price-csrf_token": auth.token()}
    with nothing_written(app):
        bad = auth.client.post("/admin/bounds", data={**form, "price-kind": "seed"})
    assert bad.status_code == 422 and "Not a valid choice" in page(bad)
    assert auth.client.post("/admin/bounds", data=form).status_code == 303
    with db_session(app) as session:
        cake, product = session.get(PriceBound, "cake"), session.get(PriceBound, "product")
        assert (cake.window_days, cake.floor_fen_per_kg, cake.ceiling_fen_per_kg) == (60, 100, 3_000)
        assert (product.floor_fen_per_kg, product.ceiling_fen_per_kg) == (4_000, 100_000)  # the others as they were
    assert 'value="30.00"' in page(auth.client.get("/admin/bounds?kind=cake"))
