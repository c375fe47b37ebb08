"""A downstream trace ends at the sales of what it reached (trace/sold.py):
buyer, channel, quantity, day and value for the seller and the bureau;
for anyone else who may see the trace (the cooperative that grew the seed,
a mill that sold the oil on) only how many sales and how much, never who
bought. The recall preview lists the buyers a recall would reach."""

from datetime import date

import pytest

from oilchain.sales import services as sales
from oilchain.trace.sold import sees_buyer, trace_sales

from .. import chain
from ..chain import KG, db_session, lot_by_code
from ..http import page

pytestmark = pytest.mark.usefixtures("english")

RETAIL = "张秀英"  # a retail buyer: a person's name, which only the seller and the bureau may read
SHOP = "重庆永辉超市"


def sell(session, world, lot, *, buyer, channel, quantity, price_fen, on, actor="processor", buyer_org=None):
    sale = sales.sell(session, actor=world.actors[actor], lot_code=lot.code, buyer=buyer, channel=channel,
                      quantity=quantity, unit_price_fen=price_fen, sold_on=on,
                      buyer_org_id=world.orgs[buyer_org].id if buyer_org else None)
    session.commit()
    return sale


@pytest.fixture
def sold(app, world):
    """The standard chain, its product lot sold twice (a supermarket, a
    person) and part of its cake once by weight."""
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        sell(session, world, built.product_lot, buyer=SHOP, channel="supermarket", quantity=300, price_fen=12_800,
             on=date(2025, 12, 5))
        sell(session, world, built.product_lot, buyer=RETAIL, channel="retail", quantity=2, price_fen=13_800,
             on=date(2025, 12, 8))
        sell(session, world, built.cake, buyer="酉阳县生态养殖场", channel="wholesale", quantity=100 * KG, price_fen=240,
             on=date(2025, 12, 6))
    return built


def test_the_seller_sees_each_sale_with_its_buyer_channel_units_day_and_value(client, auth, sold):
    auth.login("processor")
    html = page(client.get(f"/l/{sold.product_lot.code}/trace"))
    assert "Nothing recorded in this direction." not in html
    for text in (SHOP, RETAIL, "Supermarket", "Retail", "300 units", "2 units", "Dec 5, 2025", "Dec 8, 2025",
                 "38,400.00", "276.00"):
        assert text in html, text
    assert html.index("Dec 5, 2025") < html.index("Dec 8, 2025")  # oldest first
    # From the seed: the product lot's sales and the cake's, by weight.
    html = page(client.get(f"/l/{sold.seed.code}/trace"))
    for text in (SHOP, RETAIL, "酉阳县生态养殖场", "100 kg", "Wholesale", "240.00"):
        assert text in html, text


def test_the_bureau_sees_the_buyers(client, auth, sold):
    auth.login("bureau")
    for lot in (sold.product_lot, sold.fruit, sold.batch):
        html = page(client.get(f"/l/{lot.code}/trace"))
        assert RETAIL in html and SHOP in html, lot.code
        assert "桃花源茶油公司" in html  # the seller


def test_the_cooperative_that_grew_the_seed_sees_that_sales_exist_but_not_who_bought(client, auth, sold):
    auth.login("coop")
    response = client.get(f"/l/{sold.fruit.code}/trace")
    assert response.status_code == 200
    html = page(response)
    assert RETAIL not in html and SHOP not in html and "酉阳县生态养殖场" not in html
    assert "Supermarket" not in html and "38,400.00" not in html
    assert "Later lots of other organizations · 3 sales (302 units, 100 kg)" in " ".join(html.split())
    assert "Who bought is shown to the seller and the bureau only." in html
    data = client.get(f"/l/{sold.fruit.code}/trace.json").get_json()["downstream"]
    assert data["sales"] == []
    assert data["sales_without_buyers"] == [
        {"lot": None, "sales": 3, "quantities": [{"unit": "unit", "quantity": 302}, {"unit": "g", "quantity": 100 * KG}]}
    ]
    assert RETAIL not in str(data)


def test_another_processor_that_sold_the_oil_on_sees_its_own_sale_but_not_the_bottles_buyers(app, client, auth, world):
    """processor2 presses the seed and sells part of its oil to the
    processor (a registered buyer: a shipment), which bottles it and sells
    to a person."""
    with db_session(app) as session:
        _batch, _dispatched, fruit, seed, _husk = chain.seed_at_processor(session, world, to="processor2")
        oil, _cake = chain.press(session, world, inputs=[(lot_by_code(session, seed.code), chain.RECEIVED_G)],
                                 oil=chain.OIL_G, cake=chain.CAKE_G, actor="processor2")
        chain.quality(session, world, oil=oil, actor="processor2")
        bought = sell(session, world, oil, buyer="", channel="wholesale", quantity=200 * KG, price_fen=9_000,
                      on=date(2025, 11, 29), actor="processor2", buyer_org="processor")
        part = session.get(type(oil), bought.lot_id)
        chain.receive(session, world, lot=part, weighed=200 * KG, on=date(2025, 11, 30))
        made = chain.product(session, world)
        bottles = chain.bottle(session, world, oil=lot_by_code(session, part.code), made=made, units=400)
        sell(session, world, bottles, buyer=RETAIL, channel="retail", quantity=3, price_fen=13_800, on=date(2025, 12, 5))
        sell(session, world, bottles, buyer=SHOP, channel="supermarket", quantity=100, price_fen=12_800,
             on=date(2025, 12, 6))
    auth.login("processor2")
    html = " ".join(page(client.get(f"/l/{oil.code}/trace")).split())
    assert RETAIL not in html and SHOP not in html
    assert "桃花源茶油公司" in html  # its own sale: the buyer is the processor, and processor2 sold it
    assert "200 kg" in html and "18,000.00" in html
    assert "Later lots of other organizations · 2 sales (103 units)" in html
    auth.logout()
    auth.login("processor")  # the seller of the bottles
    html = page(client.get(f"/l/{bottles.code}/trace"))
    assert RETAIL in html and SHOP in html
    auth.logout()
    auth.login("coop")  # the cooperative: all of it counted, nothing named
    html = " ".join(page(client.get(f"/l/{fruit.code}/trace")).split())
    assert RETAIL not in html and SHOP not in html and "Wholesale" not in html
    assert "Later lots of other organizations · 3 sales (103 units, 200 kg)" in html


def test_a_lot_without_sales_says_so_and_shows_no_sales(app, client, auth, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
    auth.login("processor")
    html = page(client.get(f"/l/{built.product_lot.code}/trace"))
    assert "Nothing recorded in this direction." in html  # a product lot nothing was made from, not sold yet
    assert "Who bought" not in html and "<h3>Sales</h3>" not in html
    data = client.get(f"/l/{built.product_lot.code}/trace.json").get_json()
    assert data["downstream"]["sales"] == [] and data["downstream"]["sales_without_buyers"] == []
    assert "sales" not in data["upstream"]


def test_a_reversed_sale_is_not_shown(app, client, auth, world, sold):
    from oilchain import ledger
    from oilchain.sales.models import Sale
    from sqlmodel import select

    with db_session(app) as session:
        sale = session.exec(select(Sale).where(Sale.buyer == RETAIL)).one()
        ledger.reverse_event(session, actor=world.actors["processor"], event_id=sale.event_id, reason="录错了买家")
        session.commit()
    auth.login("processor")
    html = page(client.get(f"/l/{sold.product_lot.code}/trace"))
    assert SHOP in html and RETAIL not in html


def test_the_service_decides_for_the_actor(app, world, sold):
    """Not the template: what trace_sales returns for a reader holds no buyer it may not see."""
    assert sees_buyer(world.actors["bureau"], world.orgs["processor"].id)
    assert sees_buyer(world.actors["processor"], world.orgs["processor"].id)
    assert not sees_buyer(world.actors["coop"], world.orgs["processor"].id)
    assert not sees_buyer(world.actors["processor2"], world.orgs["processor"].id)
    with db_session(app) as session:
        ids = {sold.product_lot.id, sold.cake.id}
        mine = trace_sales(session, world.actors["processor"], ids, full=ids)
        assert [s.buyer for s in mine.with_buyers] == [SHOP, "酉阳县生态养殖场", RETAIL] and not mine.counted
        theirs = trace_sales(session, world.actors["coop"], ids, full={sold.product_lot.id})
        assert theirs.with_buyers == [] and theirs.count == 3
        assert [(c.lot.code if c.lot else None, c.sales, c.quantities) for c in theirs.counted] == [
            (sold.product_lot.code, 2, (("unit", 302),)), (None, 1, (("g", 100 * KG),))]
        assert trace_sales(session, world.actors["coop"], set(), full=set()).count == 0


def test_the_recall_preview_lists_the_buyers_it_would_reach(client, auth, world, sold):
    auth.login("bureau")
    html = page(client.get(f"/recalls/preview?code={sold.batch.code}", headers={"HX-Request": "true"}))
    assert "Buyers reached" in html
    for text in (SHOP, RETAIL, "酉阳县生态养殖场", "300 units", "100 kg"):
        assert text in html, text
    none = page(client.get(f"/recalls/preview?code={sold.husk.code}", headers={"HX-Request": "true"}))
    assert "Nothing it reaches has been sold." in none and RETAIL not in none


def test_the_recall_page_lists_every_buyer_reached_bulk_and_by_products_too(client, auth, world, sold):
    from .conftest import start

    auth.login("bureau")
    recall_id = start(auth, code=sold.seed.code, reason="酸价超标")
    html = page(client.get(f"/recalls/{recall_id}"))
    section = html[html.index("Buyers reached"):]
    for text in (SHOP, RETAIL, "酉阳县生态养殖场", "100 kg", "300 units"):
        assert text in section, text
