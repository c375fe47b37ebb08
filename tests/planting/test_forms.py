"""The cooperative's planting forms through the HTTP client: plots (one
name per village), plantings (the seedlings' variety, a plot's area a year).
A good submission answers 303; a bad one answers 422 with the message next
to its field and writes nothing."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain.planting.models import PlantingRecord, Plot
from oilchain.planting.services import DENSITY_RANGE

from .. import chain
from ..chain import db_session
from ..http import FUTURE, a_lot, build, plot_form, redirected_to, refuse, rows

pytestmark = pytest.mark.usefixtures("english")


def test_planting_plot(app, auth, world):
    auth.login("coop")
    url = "/planting/plots/new"
    refuse(app, auth, url, plot_form(app, latitude="30.5"), "This latitude lies outside Youyang county")
    refuse(app, auth, url, plot_form(app, longitude="107.2"), "This longitude lies outside Youyang county")
    # Inside the old bounding box but outside the outline: Xiushan's county seat, south-east of Youyang.
    refuse(app, auth, url, plot_form(app, latitude="28.45", longitude="108.99"), "This position lies outside Youyang county's outline")
    refuse(app, auth, url, plot_form(app, area="-3"), "Must be more than 0")
    refuse(app, auth, url, plot_form(app, area="1.234"), "Use at most 2 decimal places.")
    refuse(app, auth, url, plot_form(app, year_planted="2031"), "The year planted must lie between 1950 and this year.")

    location = redirected_to(auth.post(url, plot_form(app)))
    plot = rows(app, Plot, Plot.name == "后山")[0]
    assert location.endswith(f"/planting/plots/{plot.id}")
    assert (plot.area_centimu, plot.latitude_e6, plot.longitude_e6) == (1250, 28_650_000, 108_930_000)
    assert plot.cooperative_id == world.orgs["coop"].id


def test_planting_record(app, auth, world):
    def setup(session):
        return chain.dispatch(session, world, batch=chain.seedling_batch(session, world), quantity=2000)

    dispatched = build(app, setup)
    with db_session(app) as session:
        variety = chain.variety_id(session)
    auth.login("coop")
    url = "/planting/plantings/new"
    form = {"plot_id": world.plots["mawang"].id, "kind": "renovation", "method": "replanting", "area": "20", "variety_id": variety,
            "dispatch_code": dispatched.code, "seedlings": "2000", "occurred_on": "2025-03-01"}
    refuse(app, auth, url, {**form, "plot_id": world.plots["longtan"].id}, "Not a valid choice")
    refuse(app, auth, url, {**form, "method": ""}, "Choose how the plantation is renovated.")
    refuse(app, auth, url, {**form, "seedlings": "1500", "area": "1"},
           "1500 seedlings on this area is outside the plausible {} to {} plants per mu.".format(*DENSITY_RANGE))
    refuse(app, auth, url, {**form, "area": "51"}, "The area is larger than the plot itself.")
    refuse(app, auth, url, {**form, "occurred_on": FUTURE}, "The date cannot be in the future.")
    refuse(app, auth, url, {**form, "seedlings": "-5"}, "Number must be between 0 and")

    location = redirected_to(auth.post(url, form))
    assert location.endswith(f"/planting/plots/{world.plots['mawang'].id}")
    record = rows(app, PlantingRecord)[0]
    assert (record.kind, record.method, record.area_centimu, record.seedlings) == ("renovation", "replanting", 2000, 2000)
    assert a_lot(app, dispatched.code).remaining == 0


def test_a_planting_with_dispatched_seedlings_takes_their_variety(app, auth, world):
    with db_session(app) as session:
        dispatched = chain.dispatch(session, world, batch=chain.seedling_batch(session, world))  # 长林4号
        other_variety = chain.variety_id(session, "湘林210")
    auth.login("coop")
    form = {"plot_id": world.plots["mawang"].id, "kind": "new", "method": "", "area": "20", "variety_id": other_variety,
            "dispatch_code": dispatched.code, "seedlings": "2000", "occurred_on": "2021-03-01"}
    refuse(app, auth, "/planting/plantings/new", form,
           f"The seedlings of {dispatched.code} are 长林4号: record the planting with their variety.")
    # Top grafting uses no seedlings: the variety is the scions', whatever the plot had.
    grafted = {**form, "kind": "renovation", "method": "top_grafting", "dispatch_code": "", "seedlings": "", "area": "10"}
    assert redirected_to(auth.post("/planting/plantings/new", grafted))


def test_two_plots_of_one_cooperative_cannot_share_a_name_in_one_village(app, auth, world):
    auth.login("coop")
    form = {"name": "老屋基", "township_id": world.plots["mawang"].township_id, "village": "麻旺村", "area": "10",
            "latitude": "28.65", "longitude": "108.93", "year_planted": "2015"}
    refuse(app, auth, "/planting/plots/new", form, "Your cooperative already has a plot named 老屋基 in 麻旺村.")
    assert redirected_to(auth.post("/planting/plots/new", {**form, "village": "红花村"}))
    auth.login("coop2")  # another cooperative may use the name
    assert redirected_to(auth.post("/planting/plots/new", form))


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_plot_cannot_be_replanted_beyond_its_area_in_a_year(app, auth, world):
    def setup(session):
        batch = chain.seedling_batch(session, world, started=date(2022, 3, 10), on=date(2022, 11, 20))
        return chain.dispatch(session, world, batch=batch, quantity=7_000, on=date(2024, 2, 20)).code

    dispatched = build(app, setup)
    with db_session(app) as session:
        variety = chain.variety_id(session)
    form = {"plot_id": world.plots["mawang"].id, "kind": "renovation", "method": "replanting", "area": "30",
            "variety_id": variety, "dispatch_code": dispatched, "seedlings": "2400", "occurred_on": "2025-03-01"}
    auth.login("coop")
    assert auth.post("/planting/plantings/new", form).status_code == 303
    refuse(app, auth, "/planting/plantings/new", {**form, "occurred_on": "2025-04-01"},
           "This plot already has 30 mu of this work recorded in 2025; with 30 mu more it would exceed its 50 mu.",
           field="area")
    # the same work in another year, or 20 mu more this year, still fits
    assert auth.post("/planting/plantings/new", {**form, "occurred_on": "2024-03-01"}).status_code == 303
    assert auth.post("/planting/plantings/new", {**form, "area": "20", "seedlings": "1600"}).status_code == 303
    with db_session(app) as session:
        areas = sorted((r.planted_on.year, r.area_centimu) for r in session.exec(select(PlantingRecord)))
    assert areas == [(2024, 3_000), (2025, 2_000), (2025, 3_000)]
