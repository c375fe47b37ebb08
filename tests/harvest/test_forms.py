"""The cooperative's harvest forms through the HTTP client: logging a
harvest, drying and hulling (a husk weight of zero too), shipping. A good
submission answers 303; a bad one answers 422 with the message next to its
field and writes nothing."""

import pytest
from sqlmodel import select

from oilchain.harvest.models import HarvestRecord
from oilchain.ledger.models import Lot

from .. import chain
from ..chain import KG, db_session
from ..http import FUTURE, a_lot, build, lot_code_from, page, plausible, redirected_to, refuse, rows

pytestmark = pytest.mark.usefixtures("english")


def test_harvest_new(app, auth, world):
    auth.login("coop")
    url = "/harvest/new"
    form = {"plot_id": world.plots["mawang"].id, "weight": "8000.5", "pickers": "12", "occurred_on": "2025-10-25"}
    refuse(app, auth, url, {**form, "weight": "-5"}, "Must be more than 0")
    refuse(app, auth, url, {**form, "weight": "0"}, "Must be more than 0")
    # 50 mu cannot bear a million kilograms of fruit.
    refuse(app, auth, url, {**form, "weight": "1000000"}, "That would make 1000000 kg of fruit this year from 50 mu")
    refuse(app, auth, url, {**form, "weight": "10.0001"}, "Use at most 3 decimal places.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    # Another cooperative's plot is not offered, and not accepted.
    refuse(app, auth, url, {**form, "plot_id": world.plots["longtan"].id}, "Not a valid choice")

    code = lot_code_from(auth.post(url, form))
    lot = a_lot(app, code)
    assert (lot.kind, lot.quantity, lot.owner_org_id) == ("fruit", 8_000_500, world.orgs["coop"].id)
    record = rows(app, HarvestRecord, HarvestRecord.lot_id == lot.id)[0]
    assert (record.plot_id, record.pickers) == (world.plots["mawang"].id, 12)


def test_harvest_dry_hull(app, auth, world):
    fruit = build(app, lambda s: chain.harvest_lot(s, world, grams=1_000 * KG))
    auth.login("coop")
    url = "/harvest/dry-hull"
    field = f"input-{fruit.code}"
    form = {field: "1000", "seed": "250", "husk": "300", "occurred_on": "2025-11-10"}
    refuse(app, auth, url, {**form, field: "1200"}, f"Lot {fruit.code} has only 1000 kg left; 1200 kg were asked for.")
    refuse(app, auth, url, {**form, "seed": "500"},
           f"Seed of 500 kg is 50% of the 1000 kg put in, outside the plausible {plausible('dry_hull', 'seed')}.")
    refuse(app, auth, url, {**form, "seed": "700", "husk": "400"}, "The outputs (1100 kg) weigh more than the inputs (1000 kg).")
    refuse(app, auth, url, {**form, field: "-1"}, f"The quantity taken from lot {fruit.code} must be more than zero.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")

    code = lot_code_from(auth.post(url, form))
    seed = a_lot(app, code)
    assert (seed.kind, seed.quantity) == ("seed", 250 * KG)
    assert a_lot(app, fruit.code).remaining == 0


def test_harvest_ship(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
        others = chain.harvest_lot(session, world, coop="coop2", plot="longtan", grams=500 * KG)
        return fruit, others

    fruit, others = build(app, setup)
    auth.login("coop")
    url = "/harvest/ship"
    form = {"code": fruit.code, "to_org_id": world.orgs["processor"].id, "occurred_on": "2025-11-20"}
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    refuse(app, auth, url, {**form, "code": others.code}, "Not a valid choice")  # another cooperative's lot
    refuse(app, auth, url, {**form, "to_org_id": world.orgs["coop2"].id}, "Not a valid choice")  # not a processor

    assert redirected_to(auth.post(url, form)).endswith(f"/l/{fruit.code}")
    shipped = a_lot(app, fruit.code)
    assert (shipped.status, shipped.owner_org_id) == ("in_transit", world.orgs["coop"].id)
    # Once shipped it is no longer offered for shipping.
    refuse(app, auth, url, {**form, "to_org_id": world.orgs["processor2"].id}, "Not a valid choice")


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_the_dry_hull_form_accepts_a_husk_weight_of_zero(app, auth, world):
    fruit = build(app, lambda s: chain.harvest_lot(s, world, grams=1_000 * KG)).code
    auth.login("coop")
    response = auth.post("/harvest/dry-hull", {f"input-{fruit}": "1000", "seed": "350", "husk": "0",
                                               "occurred_on": "2025-11-10"})
    assert response.status_code == 303, page(response)[:3000]
    seed = response.headers["Location"].rsplit("/l/", 1)[1]
    with db_session(app) as session:
        hulling = chain.event_that_made(session, chain.lot_by_code(session, seed))
        made = session.exec(select(Lot).where(Lot.kind.in_(("seed", "husk")))).all()
        assert [(lot.kind, lot.quantity) for lot in made] == [("seed", 350 * KG)]  # no empty husk lot
        assert hulling.loss == 650 * KG
    assert a_lot(app, fruit).remaining == 0


@pytest.mark.usefixtures("english_services")
def test_the_ship_form_takes_by_products_and_a_goods_lot_in_units_ships_whole(app, auth, world):
    from ..byproducts.building import cake_at, extract, make, register

    def setup(session):
        _oil, cake = cake_at(session, world)
        saponin, _meal = extract(session, world, cake=cake)
        soap = register(session, world, name="茶皂素洗洁精", source_kind="saponin", unit="unit", unit_grams=500)
        goods = make(session, world, product=soap, lot=saponin, used=20 * KG, quantity=40)
        return saponin, goods

    saponin, goods = build(app, setup)
    auth.login("processor")
    lot_page = auth.client.get(f"/l/{saponin.code}").get_data(as_text=True)
    assert "/harvest/ship?lot=" in lot_page and f"/sales/new?lot={saponin.code}" in lot_page
    url = "/harvest/ship"
    form = {"code": goods.code, "to_org_id": world.orgs["processor2"].id, "occurred_on": "2025-12-01"}
    refuse(app, auth, url, {**form, "quantity": "5"},
           f"Lot {goods.code} is kept in units and ships whole: leave the part to ship empty (5 kg was given).")
    assert redirected_to(auth.post(url, form)).endswith(f"/l/{goods.code}")
    assert a_lot(app, goods.code).status == "in_transit"
    assert redirected_to(auth.post(url, {**form, "code": saponin.code, "quantity": "10"}))  # 10 kg of saponin split off
    assert a_lot(app, saponin.code).remaining == 100 * KG - 10 * KG
