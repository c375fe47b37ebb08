"""The nursery's start page: its seedlings raised, certified and dispatched
in the plan year beside the county's and the county's target (nurseries
have no targets of their own); each of its figures links to exactly the
records it counts."""

from datetime import date

import pytest

from oilchain import ledger
from oilchain.auth import services as auth_services
from oilchain.nursery import progress, services as nursery
from oilchain.nursery.models import SeedlingBatch

from .. import chain
from ..chain import PASSWORD, db_session
from ..figures import body_rows, codes_in, figures, number, set_plan_year
from ..http import page

pytestmark = pytest.mark.usefixtures("english_services")


def a_year_of_batches(session, world):
    """Two batches of 2025 (one certified, with dispatches, one of them
    reversed), one graded in 2024, and a second nursery's 2025 batch."""
    year = set_plan_year(session, world.actors["bureau"])
    certified = chain.seedling_batch(session, world, raised=10_000, grade1=7_000, grade2=2_500, rejected=500,
                                     on=date(2025, 11, 10), started=date(2025, 3, 10))
    graded = chain.registered_batch(session, world, quantity=4_000, on=date(2025, 3, 12))
    nursery.grade_batch(session, actor=world.actors["nursery"], code=graded.code, grade1=3_000, grade2=600,
                        rejected=100, graded_on=date(2025, 11, 12))
    chain.seedling_batch(session, world, raised=2_000, grade1=1_500, grade2=300, rejected=100,
                         on=date(2024, 11, 20), started=date(2024, 3, 1))
    chain.dispatch(session, world, batch=certified, quantity=2_000, on=date(2025, 12, 5))
    nursery.dispatch(session, actor=world.actors["nursery"], batch_code=certified.code, grade=2, quantity=400,
                     dispatched_on=date(2025, 12, 6), destination="湖南 某苗木公司")
    wrong = chain.dispatch(session, world, batch=certified, quantity=100, on=date(2025, 12, 7))
    ledger.reverse_event(session, actor=world.actors["nursery"], event_id=chain.event_that_made(session, wrong).id,
                         reason="录错了")
    session.commit()
    other_org = auth_services.create_organization(session, name="龙潭育苗基地", kind="nursery")
    other_user = auth_services.create_user(session, username="nursery2", password=PASSWORD, role="nursery",
                                           organization_id=other_org.id)
    world.actors["nursery2"] = auth_services.actor_for(session, other_user.id)
    session.commit()
    other = nursery.register_batch(session, actor=world.actors["nursery2"], variety_id=chain.variety_id(session),
                                   propagation="grafting", seed_source="采穗圃", quantity=1_000, started_on=date(2025, 3, 1))
    nursery.grade_batch(session, actor=world.actors["nursery2"], code=other.code, grade1=800, grade2=100, rejected=100,
                        graded_on=date(2025, 11, 1))
    session.commit()
    return year


def test_the_nursery_figures_count_its_records_and_the_countys(session, world):
    year = a_year_of_batches(session, world)
    found = progress.progress(session, world.orgs["nursery"].id)
    assert found.year == year == 2025
    assert (found.own["graded"].count, found.own["graded"].value) == (2, 9_500 + 3_600)
    assert (found.own["certified"].count, found.own["certified"].value) == (1, 9_500)
    assert (found.own["dispatched"].count, found.own["dispatched"].value) == (2, 2_400)  # the reversed one is out
    assert (found.county["graded"].count, found.county["graded"].value) == (3, 9_500 + 3_600 + 900)
    assert found.county["certified"].value == 9_500 and found.county["dispatched"].value == 2_400
    assert found.target == 15_000_000
    assert found.percent == (9_500 + 3_600 + 900) * 100 // 15_000_000 == 0


def test_the_county_raised_figure_is_the_dashboards(session, world):
    """The county's seedlings raised are the target metric's own records: the
    roll-up the dashboard reads gives the same total."""
    from oilchain.reports import services as reports

    year = a_year_of_batches(session, world)
    reports.rollup_year(session, year, date(2025, 12, 19))
    session.commit()
    dashboard = {row.metric: row.actual for row in reports.figures(session, year).rows}
    assert progress.progress(session, world.orgs["nursery"].id).county["graded"].value == dashboard["seedlings_raised"]


def test_each_figure_links_to_exactly_the_records_it_counts(app, client, auth, world):
    with db_session(app) as session:
        a_year_of_batches(session, world)
        batches = {lot.code: batch for lot, batch, _ in nursery.batches(session, world.orgs["nursery"].id)}
    auth.login("nursery")
    start = page(client.get("/nursery/"))
    shown = figures(start)
    assert shown["raised"]["value"] == "13,100 plants" and shown["raised"]["detail"] == "2 batches"
    assert shown["county_raised"]["value"] == "14,000 plants" and shown["county_raised"]["href"] is None
    assert shown["county_target"]["value"] == "15,000,000 plants"
    for key, which in (("raised", "graded"), ("certified", "certified")):
        listed = page(client.get(shown[key]["href"]))
        codes = codes_in(body_rows(listed))
        assert len(codes) == number(shown[key]["detail"])
        assert sum(batches[code].grade1 + batches[code].grade2 for code in codes) == number(shown[key]["value"])
    listed = page(client.get(shown["dispatched"]["href"]))
    rows = body_rows(listed, "dispatches")
    assert len(rows) == number(shown["dispatched"]["detail"]) == 2
    assert sum(number(row.split('<td class="num">')[1]) for row in rows) == number(shown["dispatched"]["value"]) == 2_400
    assert "湖南 某苗木公司" in listed


def test_a_filter_with_no_year_is_not_found(client, auth, world):
    auth.login("nursery")
    assert client.get("/nursery/?graded=soon").status_code == 404
    assert client.get("/nursery/?dispatched=1999").status_code == 404


def test_the_start_page_says_when_nothing_is_on_hold_or_warned(client, auth, world):
    auth.login("nursery")
    start = page(client.get("/nursery/"))
    assert "Holds and warnings" in start and "Nothing on hold under a recall, and no open warnings." in start
    assert figures(start)["raised"]["value"] == "0 plants"
