"""Time order (ledger/recording.py), one request at a time: no step is
dated before what it acts on was made or came into the organization's
hands, nor too early to be right. Every refusal is a 422 naming the lot and
the day, and writes nothing."""

from datetime import date

import pytest

from .. import chain
from ..chain import KG
from ..http import build, page, received_seed, redirected_to, refuse

pytestmark = pytest.mark.usefixtures("english")


def test_no_step_comes_before_its_lots_were_in_the_processors_hands(app, auth, world):
    """Seed received on 2025-11-21 cannot be pressed on 2025-11-20, nor
    shipped on, and its oil not tested before it was pressed."""
    seed = received_seed(app, world)
    auth.login("processor")
    press = {f"input-{seed.code}": "1990", "oil": "500", "cake": "1400", "occurred_on": "2025-11-20", "method": "hot_pressed"}
    refuse(app, auth, "/processing/press", press,
           f"The date 2025-11-20 comes before 2025-11-21, when lot {seed.code} was received.")
    refuse(app, auth, "/harvest/ship", {"code": seed.code, "to_org_id": world.orgs["processor2"].id, "occurred_on": "2025-11-20"},
           f"The date 2025-11-20 comes before 2025-11-21, when lot {seed.code} was received.")
    assert redirected_to(auth.post("/processing/press", {**press, "occurred_on": "2025-11-21"}))


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_harvest_before_2000_is_refused(app, auth, world):
    auth.login("coop")
    refuse(app, auth, "/harvest/new",
           {"plot_id": world.plots["mawang"].id, "weight": "800", "pickers": "3", "occurred_on": "1999-12-31"},
           "The date 1999-12-31 is too early to be right.", field="occurred_on")


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_step_cannot_come_before_the_date_of_what_it_acts_on(app, auth, world):
    def setup(session):
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG, on=date(2025, 10, 25))
        other = chain.harvest_lot(session, world, grams=2_000 * KG, on=date(2025, 10, 25))
        seed, _husk = chain.dry_hull(session, world, inputs=[(other, 2_000 * KG)], seed=500 * KG, husk=600 * KG,
                                     on=date(2025, 11, 10))
        chain.ship(session, world, lot=seed, on=date(2025, 11, 20))
        return fruit.code, seed.code

    fruit, seed = build(app, setup)
    auth.login("coop")
    refuse(app, auth, "/harvest/dry-hull",
           {f"input-{fruit}": "1000", "seed": "250", "husk": "300", "occurred_on": "2025-10-24"},
           f"The date 2025-10-24 comes before 2025-10-25, when lot {fruit} was made.", field="occurred_on")
    refuse(app, auth, "/harvest/ship",
           {"code": fruit, "to_org_id": world.orgs["processor"].id, "occurred_on": "2025-10-24"},
           f"The date 2025-10-24 comes before 2025-10-25, when lot {fruit} was made.", field="occurred_on")
    auth.login("processor")
    refuse(app, auth, "/processing/receive", {"code": seed, "weighed": "500", "occurred_on": "2025-11-19"},
           "The date 2025-11-19 comes before 2025-11-20, the date of what it acts on.", field="occurred_on")
    # the same day is fine
    response = auth.post("/processing/receive", {"code": seed, "weighed": "500", "occurred_on": "2025-11-20"})
    assert response.status_code == 303, page(response)[:3000]
