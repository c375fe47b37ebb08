"""A blend's origin and GI eligibility follow every input: a product lot
bottled from a blend lists each input's townships, and one input from
outside the protected townships makes it ineligible, the reason naming that
input lot (on the blend's own oil lot page too)."""

import json

import pytest
from sqlmodel import select

from oilchain.processing import oil as oil_mill
from oilchain.processing.models import ProductLot

from .. import chain
from ..chain import KG, db_session
from ..http import page

pytestmark = pytest.mark.usefixtures("english")

FRUIT_G, SEED_G, HUSK_G = 2_000 * KG, 500 * KG, 800 * KG
OIL_G, CAKE_G = 125 * KG, 350 * KG


def oil_from(session, world, plot: str, coop: str):
    """Oil pressed by the processor from one harvest of `plot`."""
    fruit = chain.harvest_lot(session, world, grams=FRUIT_G, plot=plot, coop=coop)
    seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, FRUIT_G)], seed=SEED_G, husk=HUSK_G, actor=coop)
    chain.ship(session, world, lot=seed, actor=coop)
    chain.receive(session, world, lot=seed, weighed=SEED_G)
    return chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), SEED_G)], oil=OIL_G, cake=CAKE_G)[0]


def test_a_blend_with_one_input_from_outside_is_not_eligible_and_the_reason_names_that_input(app, auth, world):
    with db_session(app) as session:
        chain.with_credit_code(session, world)
        chain.gi_defined(session, world, townships=("麻旺镇",))
        inside = oil_from(session, world, "mawang", "coop")
        outside = oil_from(session, world, "longtan", "coop2")
        blend = oil_mill.blend(session, actor=world.actors["processor"], occurred_on=chain.TESTED_ON, oil_g=2 * OIL_G,
                               inputs=[(chain.lot_by_code(session, inside.code), OIL_G),
                                       (chain.lot_by_code(session, outside.code), OIL_G)])
        session.commit()
    reason = f"Input {outside.code} comes from 龙潭镇, outside the protected townships."
    auth.login("processor")
    blend_page = page(auth.client.get(f"/l/{blend.code}"))
    assert "not eligible" in blend_page and reason in blend_page
    assert inside.code not in blend_page.split(reason)[0].rsplit("gi-checks", 1)[-1]  # the inside input is not named

    with db_session(app) as session:
        chain.quality(session, world, oil=chain.lot_by_code(session, blend.code), on=chain.TESTED_ON)
        made = chain.product(session, world)
        bottled = chain.bottle(session, world, oil=chain.lot_by_code(session, blend.code), made=made, units=100)
        product_lot = session.exec(select(ProductLot).where(ProductLot.lot_id == bottled.id)).one()
        story, status = json.loads(product_lot.origin_story), json.loads(product_lot.gi_status)
    assert [t["name"] for t in story["townships"]] == ["麻旺镇", "龙潭镇"]
    assert {i["code"]: [t["name"] for t in i["townships"]] for i in story["inputs"]} == \
        {inside.code: ["麻旺镇"], outside.code: ["龙潭镇"]}
    origin = next(c for c in status["checks"] if c["check"] == "origin")
    assert status["eligible"] is False
    assert origin == {"check": "origin", "ok": False, "outside": ["龙潭镇"], "none": False,
                      "inputs": [{"code": outside.code, "outside": ["龙潭镇"]}]}
    assert reason in page(auth.client.get(f"/l/{bottled.code}"))


def test_a_blend_of_protected_inputs_is_eligible_and_names_no_input(app, auth, world):
    with db_session(app) as session:
        chain.with_credit_code(session, world)
        chain.gi_defined(session, world, townships=("麻旺镇",))
        first = oil_from(session, world, "mawang", "coop")
        second = oil_from(session, world, "mawang", "coop")
        blend = oil_mill.blend(session, actor=world.actors["processor"], occurred_on=chain.TESTED_ON, oil_g=2 * OIL_G,
                               inputs=[(chain.lot_by_code(session, first.code), OIL_G),
                                       (chain.lot_by_code(session, second.code), OIL_G)])
        session.commit()
        chain.quality(session, world, oil=chain.lot_by_code(session, blend.code), on=chain.TESTED_ON)
        bottled = chain.bottle(session, world, oil=chain.lot_by_code(session, blend.code), made=chain.product(session, world),
                               units=100)
        status = json.loads(session.exec(select(ProductLot).where(ProductLot.lot_id == bottled.id)).one().gi_status)
    assert status["eligible"] is True
    assert "inputs" not in next(c for c in status["checks"] if c["check"] == "origin")
