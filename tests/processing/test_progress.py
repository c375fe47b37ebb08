"""The processor's start page: its stock by kind (what is left in the lots
it holds), the plan year's pressings and sales, each figure linked to
exactly the records it counts."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain import ledger
from oilchain.brain.models import Warning
from oilchain.processing import progress
from oilchain.sales import services as sales

from .. import chain
from ..chain import KG, db_session
from ..figures import body_rows, codes_in, figures, number, set_plan_year
from ..http import page

pytestmark = pytest.mark.usefixtures("english_services")


def a_season(session, world):
    """The standard chain (seed pressed into oil and cake, 1,000 bottles), two
    sales of bottles (one reversed), one of cake by weight."""
    year = set_plan_year(session, world.actors["bureau"])
    built = chain.full_chain(session, world)
    chain.sell(session, world, lot=built.product_lot, quantity=200, price_fen=12_800)
    wrong = chain.sell(session, world, lot=chain.lot_by_code(session, built.product_lot.code), quantity=5)
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=wrong.event_id, reason="录错了")
    session.commit()
    sales.sell(session, actor=world.actors["processor"], lot_code=built.cake.code, buyer="酉阳县某养殖场",
               channel="wholesale", quantity=100 * KG + 5, unit_price_fen=250, sold_on=date(2025, 12, 6))
    session.commit()
    return year, built


def test_the_processor_figures(session, world):
    year, built = a_season(session, world)
    found = progress.progress(session, world.orgs["processor"].id)
    assert found.year == year == 2025
    stock = {held.kind: held for held in found.stock}
    assert [held.kind for held in found.stock][:3] == ["seed", "oil", "product"]
    assert (stock["seed"].lots, stock["seed"].remaining) == (0, {"g": 0})  # all of it pressed
    assert (stock["oil"].lots, stock["oil"].remaining) == (1, {"g": chain.OIL_G - chain.UNITS * chain.FILL_G})
    assert (stock["product"].lots, stock["product"].remaining) == (1, {"unit": chain.UNITS - 200})
    assert stock["cake"].remaining == {"g": chain.CAKE_G - 100 * KG - 5}
    assert (found.pressings.count, found.pressings.value, found.seed_pressed) == (1, chain.OIL_G, chain.RECEIVED_G)
    assert found.sales == progress.Sold(count=2, value_fen=200 * 12_800 + (100 * KG + 5) * 250 // 1000,
                                        grams=100 * KG + 5, units=200)
    assert progress.progress(session, world.orgs["processor2"].id).sales.count == 0


def test_each_figure_links_to_exactly_the_records_it_counts(app, client, auth, world):
    with db_session(app) as session:
        a_season(session, world)
    auth.login("processor")
    shown = figures(page(client.get("/processing/")))
    assert shown["stock_oil"]["value"] == "42 kg" and shown["stock_product"]["value"] == "800 units"
    assert shown["stock_cake"]["value"] == "1,299.995 kg"
    for key in ("stock_seed", "stock_oil", "stock_product", "stock_cake"):
        listed = page(client.get(shown[key]["href"]))
        rows = body_rows(listed) if "<tbody>" in listed else []
        assert len(rows) == number(shown[key]["detail"])
        assert sum((number(row.split('<td class="num">')[2]) for row in rows), 0) == number(shown[key]["value"])
    pressed = body_rows(page(client.get(shown["pressings"]["href"])))
    assert len(pressed) == number(shown["pressings"]["value"]) == 1
    assert number(pressed[0].split('<td class="num">')[1]) == number(shown["pressings"]["detail"]) == 500
    listed = page(client.get(shown["sales"]["href"]))
    rows = body_rows(listed, "sales")
    assert len(rows) == number(shown["sales"]["detail"]) == 2 and "reversed" not in "".join(rows)
    assert sum(number(row.split('<td class="num">')[3]) for row in rows) == number(shown["sales"]["value"])
    assert 'class="reversed"' in page(client.get("/sales/"))  # the whole list still shows the reversed sale


def test_an_open_warning_about_the_processor_links_to_its_card_and_lot(app, client, auth, world):
    with db_session(app) as session:
        _year, built = a_season(session, world)
        oil = chain.lot_by_code(session, built.oil.code)
        session.add(Warning(kind="unpressed_seed", severity="warning", subject_kind="lot", subject_id=oil.id,
                            subject_label=oil.code, organization_id=world.orgs["processor"].id,
                            message="Seed lot %(code)s is waiting.", values={"code": oil.code}))
        session.commit()
        warning_id = session.exec(select(Warning.id)).one()
    auth.login("processor")
    start = page(client.get("/processing/"))
    assert f'/brain/warnings#warning-{warning_id}"' in start
    assert f'/l/{built.oil.code}"><code>{built.oil.code}</code>' in start
    auth.login("processor2")
    assert "Nothing on hold under a recall, and no open warnings." in page(client.get("/processing/"))


def test_a_kind_kept_in_grams_and_in_units_is_one_figure_with_both(app, client, auth, world):
    """By-product goods made by weight and packed in units: one card of the
    kind, each unit's total, and its link lists the lots of both."""
    from ..byproducts.building import make, register

    with db_session(app) as session:
        _year, built = a_season(session, world)
        compost = register(session, world, name="茶粕有机肥")
        packed = register(session, world, name="茶粕有机肥 5kg袋装", unit="unit", unit_grams=5_000)
        make(session, world, product=compost, lot=built.cake, used=100 * KG, quantity=90 * KG)
        make(session, world, product=packed, lot=built.cake, used=100 * KG, quantity=18)
    auth.login("processor")
    shown = figures(page(client.get("/processing/")))
    assert shown["stock_goods"]["value"] == "90 kg · 18 units" and shown["stock_goods"]["detail"] == "2 lots"
    rows = body_rows(page(client.get(shown["stock_goods"]["href"])))
    assert len(rows) == 2
    assert sorted(row.split('<td class="num">')[2].split("</td>")[0] for row in rows) == ["18 units", "90 kg"]
