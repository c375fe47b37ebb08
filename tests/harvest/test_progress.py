"""The cooperative's start page: its plots, its plantings waiting for
acceptance and the plan year's harvest (fresh fruit, seed as the ledger
keeps them), each figure linked to exactly the records it counts; its
plots under a recall in the place for holds and warnings."""

from datetime import date

import pytest

from oilchain import ledger
from oilchain.harvest import progress
from oilchain.planting import services as planting
from oilchain.trace import recalls

from .. import chain
from ..chain import KG, db_session
from ..figures import body_rows, codes_in, figures, number, set_plan_year
from ..http import page

pytestmark = pytest.mark.usefixtures("english_services")


def a_season(session, world):
    """Two plantings (one accepted), three 2025 harvests (one reversed), one
    of 2024, one drying; the other cooperative's harvest."""
    year = set_plan_year(session, world.actors["bureau"])
    batch = chain.seedling_batch(session, world)
    dispatched = chain.dispatch(session, world, batch=batch, quantity=3_000)
    waiting = chain.plant(session, world, dispatched=dispatched, seedlings=2_000, area_centimu=2_000)
    accepted = chain.plant(session, world, dispatched=chain.lot_by_code(session, dispatched.code), seedlings=1_000,
                           area_centimu=1_000, on=date(2021, 3, 5))
    planting.record_survival(session, actor=world.actors["coop"], planting_id=accepted.id, checked_on=date(2021, 9, 1),
                             survival_permille=900)
    planting.accept_planting(session, actor=world.actors["bureau"], planting_id=accepted.id,
                             accepted_area_centimu=900, accepted_on=date(2021, 10, 1))
    session.commit()
    first = chain.harvest_lot(session, world, grams=8_000 * KG + 125, on=date(2025, 10, 20))
    chain.harvest_lot(session, world, grams=3_500 * KG, on=date(2025, 10, 28))
    wrong = chain.harvest_lot(session, world, grams=999 * KG, on=date(2025, 10, 29))
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=chain.event_that_made(session, wrong).id,
                         reason="录错了")
    session.commit()
    chain.harvest_lot(session, world, grams=6_000 * KG, on=date(2024, 10, 25))
    chain.harvest_lot(session, world, grams=1_000 * KG, plot="longtan", coop="coop2", on=date(2025, 10, 25))
    chain.dry_hull(session, world, inputs=[(chain.lot_by_code(session, first.code), 8_000 * KG + 125)],
                   seed=2_000 * KG + 31, husk=3_200 * KG)
    return year, waiting


def test_the_cooperative_figures(session, world):
    year, waiting = a_season(session, world)
    found = progress.progress(session, world.orgs["coop"].id)
    assert found.year == year == 2025
    assert (found.plots.count, found.plots.value) == (1, 5_000)
    assert (found.waiting.count, found.waiting.value) == (1, waiting.area_centimu)
    assert (found.fruit.count, found.fruit.value) == (2, 11_500 * KG + 125)  # not the reversed one, nor 2024's
    assert (found.seed.count, found.seed.value) == (1, 2_000 * KG + 31)
    other = progress.progress(session, world.orgs["coop2"].id)
    assert (other.plots.count, other.fruit.value, other.waiting.count) == (1, 1_000 * KG, 0)


def test_each_figure_links_to_exactly_the_records_it_counts(app, client, auth, world):
    with db_session(app) as session:
        a_season(session, world)
    auth.login("coop")
    shown = figures(page(client.get("/harvest/")))
    assert shown["fruit"]["value"] == "11,500.125 kg" and shown["seed"]["value"] == "2,000.031 kg"
    assert shown["plots"]["value"] == "50 mu" and shown["waiting"]["value"] == "1"
    plots = body_rows(page(client.get(shown["plots"]["href"])), "plots")
    assert len(plots) == number(shown["plots"]["detail"]) == 1
    assert sum(number(row.split('<td class="num">')[1]) for row in plots) == number(shown["plots"]["value"])
    waiting = body_rows(page(client.get(shown["waiting"]["href"])), "plantings")
    assert len(waiting) == number(shown["waiting"]["value"]) == 1
    assert sum(number(row.split('<td class="num">')[1]) for row in waiting) == number(shown["waiting"]["detail"]) == 20
    for key in ("fruit", "seed"):
        rows = body_rows(page(client.get(shown[key]["href"])))
        assert len(rows) == number(shown[key]["detail"])
        assert sum(number(row.split('<td class="num">')[1]) for row in rows) == number(shown[key]["value"])
        with db_session(app) as session:
            assert {chain.lot_by_code(session, code).kind for code in codes_in(rows)} == {key}


def test_a_plot_under_a_recall_shows_in_the_place_for_holds(app, client, auth, world):
    with db_session(app) as session:
        recall = recalls.start_recall(session, actor=world.actors["bureau"], reason="农残超标",
                                      plot_id=world.plots["mawang"].id)
        session.commit()
        recall_id = recall.id
    auth.login("coop")
    start = page(client.get("/harvest/"))
    assert "Plots under a recall" in start and f"Recall #{recall_id}" in start
    assert f'/planting/plots/{world.plots["mawang"].id}"' in start
    assert "no open warnings" not in start
    auth.login("coop2")
    assert "Nothing on hold under a recall, and no open warnings." in page(client.get("/harvest/"))


def test_the_lot_list_refuses_a_narrowing_it_cannot_read(client, auth, world):
    auth.login("coop")
    assert client.get("/lots?made=harvest").status_code == 404
    assert client.get("/lots?made=picking&year=2025").status_code == 404
    assert client.get("/lots?made=harvest&year=20255").status_code == 404
    assert client.get("/lots?made=harvest&year=2025&stock=1").status_code == 200
