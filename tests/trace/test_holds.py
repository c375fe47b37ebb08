"""Recall holds: an open recall puts every lot it reaches on hold (and every
lot made from them, or harvested on a recalled plot, later): no sale,
shipment, pressing, bottling or GI mark while it is open, each refusal
naming the recall; the holder sees the hold; the GI status reads "on hold";
receipt, correction and disposal still work; closing the recall lifts it,
with who and why recorded."""

import json
from datetime import date

import pytest
from sqlmodel import select

from oilchain.ledger.models import Event, Hold, PlotHold
from oilchain.processing.models import ProductLot
from oilchain.trace.models import Recall

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..http import assert_refused, page
from .conftest import start

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def county(app, world):
    """The standard chain from 老屋基 (麻旺镇), GI-eligible, with 300 bottles
    left unsold, seed cake in stock and a second seed lot still in transit;
    and an unaffected product lot from 青山坡 (龙潭镇)."""
    with db_session(app) as session:
        chain.with_credit_code(session, world)
        built = chain.full_chain(session, world)
        chain.gi_defined(session, world, townships=("麻旺镇", "龙潭镇"))
        chain.sell(session, world, lot=built.product_lot, quantity=700)
        # More fruit of the recalled plot, hulled and on its way to the processor.
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG, on=date(2025, 11, 1))
        seed, _ = chain.dry_hull(session, world, inputs=[(fruit, 1_000 * KG)], seed=250 * KG, husk=400 * KG,
                                 on=date(2025, 11, 12))
        chain.ship(session, world, lot=seed)
        # The other plot's oil and bottles: not affected.
        other_fruit = chain.harvest_lot(session, world, grams=2_000 * KG, plot="longtan", coop="coop2")
        other_seed, _ = chain.dry_hull(session, world, inputs=[(other_fruit, 2_000 * KG)], seed=500 * KG, husk=800 * KG,
                                       actor="coop2")
        chain.ship(session, world, lot=other_seed, actor="coop2")
        chain.receive(session, world, lot=other_seed, weighed=500 * KG)
        other_oil, _ = chain.press(session, world, inputs=[(chain.lot_by_code(session, other_seed.code), 500 * KG)],
                                   oil=125 * KG, cake=350 * KG)
        chain.quality(session, world, oil=other_oil)
        other = chain.bottle(session, world, oil=other_oil, made=built.product, units=100)
        return {"built": built, "in_transit": seed.code, "other": other.code, "other_oil": other_oil.code}


def gi_status(app, code) -> dict:
    with db_session(app) as session:
        return json.loads(session.get(ProductLot, chain.lot_by_code(session, code).id).gi_status)


def test_a_recall_from_a_plot_stops_the_processor_and_the_bureau_until_it_is_closed(app, client, auth, world, county):
    built = county["built"]
    product, oil, cake = built.product_lot.code, built.oil.code, built.cake.code
    auth.login("bureau")
    recall_id = start(auth, plot_id=str(world.plots["mawang"].id), reason="果园农药残留超标")
    on_hold = f"is on hold under recall #{recall_id}"
    assert gi_status(app, product)["eligible"] is False
    assert {"check": "hold", "ok": False, "recall": recall_id} in gi_status(app, product)["checks"]
    # The bureau may not issue GI marks for the held lot; the unaffected lot may have them.
    issue = {"code": product, "units": "10", "occurred_on": "2025-12-10"}
    with nothing_written(app):
        assert_refused(auth.post("/gi/marks", {f"marks-{k}": v for k, v in issue.items()} | {"marks-csrf_token": auth.token()}),
                       f"Lot {product} {on_hold}")

    auth.login("processor")
    sale = {"code": product, "buyer": "重庆永辉超市", "channel": "supermarket", "quantity": "10", "unit_price": "128.00",
            "occurred_on": "2025-12-10"}
    bottling = {"oil_code": oil, "product_id": built.product.id, "units": "10", "oil_used": "4.58", "occurred_on": "2025-12-10"}
    shipping = {"code": cake, "to_org_id": world.orgs["processor2"].id, "occurred_on": "2025-12-10"}
    for url, data, code in (("/sales/new", sale, product), ("/processing/bottle", bottling, oil), ("/harvest/ship", shipping, cake)):
        with nothing_written(app):
            assert_refused(auth.post(url, data), f"Lot {code} {on_hold}")
    # The seed in transit may still be received, and stays held: it may not be pressed.
    received = auth.post("/processing/receive", {"code": county["in_transit"], "weighed": "250", "occurred_on": "2025-12-10"})
    assert received.status_code == 303, page(received)[-2000:]
    with nothing_written(app):
        assert_refused(auth.post("/processing/press", {f"input-{county['in_transit']}": "250", "oil": "60", "cake": "170",
                                                       "occurred_on": "2025-12-11", "method": "hot_pressed"}),
                       f"Lot {county['in_transit']} {on_hold}")
    # An unaffected lot still sells.
    assert auth.post("/sales/new", {**sale, "code": county["other"]}).status_code == 303
    # The processor sees the hold on its start page and on the lot's page.
    start_page = page(client.get("/processing/"))
    assert f"Recall #{recall_id}" in start_page and product in start_page and county["other"] not in start_page.split("Lots in stock")[0]
    assert "On hold under a recall" in page(client.get(f"/l/{product}"))
    assert "On hold under a recall" not in page(client.get(f"/l/{county['other']}"))
    # What is held may still be disposed of, with the reason.
    disposed = auth.post(f"/l/{cake}/dispose", {"quantity": "100", "reason": "召回：茶粕销毁", "occurred_on": "2025-12-12"})
    assert disposed.status_code == 303, page(disposed)[-2000:]
    # The cooperative's new harvest on the recalled plot is held as it is logged.
    auth.login("coop")
    harvested = auth.post("/harvest/new", {"plot_id": world.plots["mawang"].id, "weight": "300", "pickers": "4",
                                           "occurred_on": "2025-12-15"})
    new_fruit = harvested.headers["Location"].rsplit("/l/", 1)[1]
    assert "On hold under a recall" in page(client.get(f"/l/{new_fruit}"))
    assert f"Recall #{recall_id}" in page(client.get("/harvest/"))

    # Closing lifts every hold, with who and why.
    auth.login("bureau")
    assert auth.post(f"/recalls/{recall_id}/close", {"note": "复检合格，解除召回"}).status_code == 303
    with db_session(app) as session:
        recall = session.get(Recall, recall_id)
        assert recall.closed_by == world.actors["bureau"].user_id and recall.closed_note == "复检合格，解除召回"
        assert session.exec(select(Hold).where(Hold.recall_id == recall_id, Hold.lifted_at.is_(None))).all() == []
        assert session.exec(select(PlotHold).where(PlotHold.lifted_at.is_(None))).all() == []
    assert gi_status(app, product)["eligible"] is True
    recall_page = page(client.get(f"/recalls/{recall_id}"))
    assert "复检合格，解除召回" in recall_page and " · bureau · " in recall_page  # how it ended, and who closed it
    assert "Was on hold" in recall_page and "and 1 plots" in recall_page
    auth.post("/gi/marks", {f"marks-{k}": v for k, v in issue.items()} | {"marks-csrf_token": auth.token()})
    with db_session(app) as session:
        assert session.get(ProductLot, built.product_lot.id).gi_marked == 10
    auth.login("processor")
    assert auth.post("/sales/new", sale).status_code == 303
    assert auth.post("/processing/bottle", bottling).status_code == 303
    assert auth.post("/harvest/ship", shipping).status_code == 303
    assert "On hold under a recall" not in page(client.get("/processing/"))


def test_closing_needs_the_reason_and_a_reversal_of_a_held_sale_is_allowed(app, auth, world, county):
    built = county["built"]
    auth.login("bureau")
    recall_id = start(auth, code=built.oil.code, reason="酸价复检超标")
    with nothing_written(app):
        assert auth.post(f"/recalls/{recall_id}/close", {"note": ""}).status_code == 422
    with db_session(app) as session:
        sale_event = session.exec(select(Event).where(Event.kind == "sell")).first()
    auth.login("processor")
    reversed_ = auth.post(f"/events/{sale_event.id}/reverse", {"reason": "顾客退货", "lot": built.product_lot.code})
    assert reversed_.status_code == 303, page(reversed_)[-2000:]


def test_the_hold_reaches_what_the_recall_reaches_and_nothing_else(app, auth, world, county):
    built = county["built"]
    auth.login("bureau")
    recall_id = start(auth, code=built.seed.code, reason="种子霉变")
    with db_session(app) as session:
        held = set(session.exec(select(Hold.lot_id).where(Hold.recall_id == recall_id)))
        codes = {lot.code for lot in map(lambda i: session.get(chain.Lot, i), held)}
    assert codes == {built.seed.code, built.oil.code, built.cake.code, built.product_lot.code}
