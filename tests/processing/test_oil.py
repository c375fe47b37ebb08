"""The oil mill through its forms: the pressing method, refining crude oil,
blending oil lots, tanks and putting oil into a tank. A good submission
answers 303; a bad one answers 422 with the message (naming the lot and the
numbers) and writes nothing."""

import pytest
from sqlmodel import select

from oilchain.ledger.models import Event
from oilchain.processing.models import OilLot, Refining, Tank

from .. import chain
from ..chain import KG
from ..http import FUTURE, a_lot, build, lot_code_from, page, plausible, redirected_to, refuse, rows
from .oil import PART_OIL_G, pressed_parts

pytestmark = pytest.mark.usefixtures("english")


def oil_of(app, code: str) -> OilLot:
    return rows(app, OilLot, OilLot.lot_id == a_lot(app, code).id)[0]


def test_pressing_asks_cold_or_hot_and_the_oil_lot_page_says_which(app, auth, world):
    hot, cold = pressed_parts(app, world, methods=("hot_pressed", "cold_pressed"))
    assert (oil_of(app, hot).method, oil_of(app, cold).method) == ("hot_pressed", "cold_pressed")
    assert not oil_of(app, cold).refined
    auth.login("processor")
    form_page = page(auth.client.get("/processing/press"))
    assert "Cold pressed" in form_page and "Hot pressed" in form_page
    lot_page = page(auth.client.get(f"/l/{cold}"))
    assert "Cold pressed · crude" in lot_page
    seed = build(app, lambda s: chain.seed_at_processor(s, world)[3])
    form = {f"input-{seed.code}": "1990", "oil": "500", "cake": "1400", "occurred_on": "2025-11-25"}
    refuse(app, auth, "/processing/press", {**form, "method": "solvent"}, "Not a valid choice", field="method")
    refuse(app, auth, "/processing/press", form, "This field is required.", field="method")


def test_refining_crude_oil(app, auth, world):
    hot, _other, _cold = pressed_parts(app, world)
    auth.login("processor")
    url = "/processing/refine"
    form = {"code": hot, "oil_used": "100", "refined": "95", "steps": ["degumming", "deodorization"],
            "occurred_on": "2025-12-01"}
    refuse(app, auth, url, {**form, "steps": []}, "Tick the refining steps done (at least one).", field="steps")
    refuse(app, auth, url, {**form, "refined": "80"},
           f"Oil of 80 kg is 80% of the 100 kg put in, outside the plausible {plausible('refine', 'oil')}.")
    refuse(app, auth, url, {**form, "oil_used": "200"}, f"Lot {hot} has only 165 kg left; 200 kg were asked for.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    refuse(app, auth, url, {**form, "steps": ["bleaching", "magic"]}, "'magic' is not a valid choice", field="steps")

    refined = lot_code_from(auth.post(url, form))
    lot, facts = a_lot(app, refined), oil_of(app, refined)
    assert (lot.kind, lot.quantity, facts.method, facts.refined) == ("oil", 95 * KG, "hot_pressed", True)
    event = rows(app, Event, Event.kind == "refine")[0]
    assert (event.loss, rows(app, Refining)[0].steps) == (5 * KG, "degumming,deodorization")
    assert a_lot(app, hot).remaining == PART_OIL_G - 100 * KG
    lot_page = page(auth.client.get(f"/l/{refined}"))
    assert "Hot pressed · refined" in lot_page and "Degumming、Deodorization" in lot_page
    # Refined oil is not offered again, and asked for by code it is refused by name.
    assert refined not in page(auth.client.get(url))
    refuse(app, auth, url, {**form, "code": refined}, "Not a valid choice", field="code")


@pytest.mark.usefixtures("english_services")
def test_refining_refuses_a_lot_that_is_not_crude_oil(app, session, world):
    from oilchain.errors import DomainError, Forbidden
    from oilchain.ledger.models import Lot
    from oilchain.processing import oil

    hot, _other, _cold = pressed_parts(app, world)
    processor = world.actors["processor"]
    refined = oil.refine(session, actor=processor, lot_code=hot, oil_used_g=100 * KG, refined_g=95 * KG,
                         steps=["degumming"], occurred_on=chain.BOTTLED_ON)
    session.commit()
    cake_lot = session.exec(select(Lot).where(Lot.kind == "cake")).first()
    for code in (refined.code, cake_lot.code):
        with chain.nothing_written(app), pytest.raises(DomainError) as refused:
            oil.refine(session, actor=processor, lot_code=code, oil_used_g=10 * KG, refined_g=9 * KG,
                       steps=["degumming"], occurred_on=chain.BOTTLED_ON)
        session.rollback()
        assert str(refused.value.message) == (f"Lot {code} is not crude oil: a refining step on a lot that is not "
                                              "crude oil is refused.")
    with pytest.raises(Forbidden):  # another processor's lot: it is not told what the lot is
        oil.refine(session, actor=world.actors["processor2"], lot_code=hot, oil_used_g=10 * KG, refined_g=9 * KG,
                   steps=["degumming"], occurred_on=chain.BOTTLED_ON)
    session.rollback()


def test_blending_oil_lots_of_one_method_and_state(app, auth, world):
    hot, other, cold = pressed_parts(app, world)
    auth.login("processor")
    url = "/processing/blend"
    form = {f"input-{hot}": "165", f"input-{other}": "165", "oil": "328", "occurred_on": "2025-12-01"}
    refuse(app, auth, url, {f"input-{hot}": "165", "oil": "164", "occurred_on": "2025-12-01"},
           "A blend takes at least two oil lots.")
    refuse(app, auth, url, {**form, f"input-{cold}": "10"},
           f"Lots {hot} (Hot pressed) and {cold} (Cold pressed) were extracted differently: oils of different "
           "methods are not blended.")
    refuse(app, auth, url, {**form, "oil": "300"},
           f"Oil of 300 kg is 90.9% of the 330 kg put in, outside the plausible {plausible('blend', 'oil')}.")
    refuse(app, auth, url, {**form, "oil": "331"}, "The outputs (331 kg) weigh more than the inputs (330 kg).")
    refuse(app, auth, url, {**form, f"input-{hot}": "170"}, f"Lot {hot} has only 165 kg left; 170 kg were asked for.")

    blended = lot_code_from(auth.post(url, form))
    lot, facts = a_lot(app, blended), oil_of(app, blended)
    assert (lot.quantity, facts.method, facts.refined) == (328 * KG, "hot_pressed", False)
    assert rows(app, Event, Event.kind == "blend")[0].loss == 2 * KG
    assert a_lot(app, hot).remaining == 0 and a_lot(app, other).remaining == 0


def test_blending_refuses_crude_with_refined_and_another_organizations_lot(app, auth, world):
    hot, other, _cold = pressed_parts(app, world)
    theirs = pressed_parts(app, world, methods=("hot_pressed",), to="processor2")[0]
    auth.login("processor")
    response = auth.post("/processing/refine", {"code": other, "oil_used": "100", "refined": "95",
                                                "steps": ["deacidification"], "occurred_on": "2025-12-01"})
    refined = lot_code_from(response)
    url = "/processing/blend"
    refuse(app, auth, url, {f"input-{hot}": "50", f"input-{refined}": "50", "oil": "99", "occurred_on": "2025-12-02"},
           f"Lot {hot} is crude and {refined} is refined: crude oil is not blended with refined oil.")
    refuse(app, auth, url, {f"input-{hot}": "50", f"input-{theirs}": "50", "oil": "99", "occurred_on": "2025-12-02"},
           f"Lot {theirs} does not belong to your organization.")


def test_tanks_and_putting_oil_into_them(app, auth, world):
    hot, other, cold = pressed_parts(app, world)
    auth.login("processor")
    assert redirected_to(auth.post("/processing/tanks", {"name": "1号罐", "capacity": "400"})).endswith("/processing/tanks")
    refuse(app, auth, "/processing/tanks", {"name": "1号罐"}, "You have a tank named 1号罐 already.", field="name")
    refuse(app, auth, "/processing/tanks", {"name": "2号罐", "capacity": "0"}, "Must be more than 0", field="capacity")
    tank = rows(app, Tank)[0]
    url = "/processing/tanks/put"
    put = {"tank_id": str(tank.id), "code": hot, "occurred_on": "2025-12-01"}
    # An empty tank holds the lot put in: no event, the lot is the same.
    assert redirected_to(auth.post(url, put)).endswith("/processing/tanks")
    assert (rows(app, Tank)[0].lot_id, oil_of(app, hot).tank_id) == (a_lot(app, hot).id, tank.id)
    refuse(app, auth, url, put, f"Lot {hot} is in tank 1号罐 already.", field="code")
    refuse(app, auth, url, {**put, "code": cold},
           f"Lots {hot} (Hot pressed) and {cold} (Cold pressed) were extracted differently")
    # An occupied tank: the two are blended into a new lot, which the tank then holds.
    assert redirected_to(auth.post(url, {**put, "code": other})).endswith("/processing/tanks")
    blend = rows(app, Event, Event.kind == "blend")[0]
    held = rows(app, Tank)[0].lot_id
    assert held not in (a_lot(app, hot).id, a_lot(app, other).id) and blend.loss == 0
    blended = rows(app, OilLot, OilLot.lot_id == held)[0]
    assert (blended.method, blended.refined, blended.tank_id) == ("hot_pressed", False, tank.id)
    assert oil_of(app, hot).tank_id is None
    listing = page(auth.client.get("/processing/tanks"))
    assert "1号罐" in listing and "330 kg" in listing
    # Over the capacity: refused with the numbers.
    auth.post("/processing/tanks", {"name": "小罐", "capacity": "100"})
    small = next(t for t in rows(app, Tank) if t.name == "小罐")
    refuse(app, auth, url, {**put, "tank_id": str(small.id), "code": cold},
           f"Tank 小罐 holds at most 100 kg; with lot {cold} it would hold 165 kg.", field="code")
    auth.login("processor2")  # another processor's tank is not offered, nor found
    refuse(app, auth, url, {**put, "code": cold}, "Not a valid choice", field="tank_id")
