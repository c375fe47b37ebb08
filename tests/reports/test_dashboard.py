"""Targets against actuals: the nightly roll-up, accepted planting area,
townships, months, the records behind each figure, and managers' targets
(refused next to their field, a number no column can hold as too large)."""

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlmodel import select

from oilchain import db
from oilchain.harvest import services as harvest
from oilchain import ledger
from oilchain.ledger.models import EventLine
from oilchain.planting import services as planting
from oilchain.processing import services as processing
from oilchain.reference import PLAN_TARGETS, PLAN_YEAR
from oilchain.reports import services as reports
from oilchain.reports.models import DailyActual

from .. import chain
from ..chain import KG, nothing_written
from ..http import FAR_TOO_LARGE, HUGE, page, refuse

pytestmark = pytest.mark.usefixtures("english")


def press_some_seed(session, world):
    coop, processor = world.actors["coop"], world.actors["processor"]
    fruit = harvest.log_harvest(session, actor=coop, plot_id=world.plots["mawang"].id, weight_g=400 * KG,
                                harvested_on=date(2025, 10, 20), pickers=5)
    seed, _husk = harvest.dry_and_hull(session, actor=coop, inputs=[(fruit, 400 * KG)], seed_g=100 * KG, husk_g=160 * KG,
                                       occurred_on=date(2025, 11, 1))
    ledger.ship_lot(session, actor=coop, code=seed.code, to_org_id=processor.org_id, occurred_on=date(2025, 11, 2))
    ledger.receive_lot(session, actor=processor, code=seed.code, weighed=100 * KG, occurred_on=date(2025, 11, 3))
    oil, _cake = processing.press(session, actor=processor, inputs=[(seed, 80 * KG)], oil_g=20 * KG, cake_g=55 * KG,
                                  occurred_on=date(2025, 11, 5))
    session.commit()
    return oil


def rollup_rows(session) -> set:
    return {(r.day, r.metric, r.township_id, r.value) for r in session.exec(select(DailyActual))}


def row(figures, metric):
    return next(r for r in figures.rows if r.metric == metric)


def test_the_nightly_job_run_twice_for_a_day_gives_the_same_rows(session, world):
    press_some_seed(session, world)
    reports.nightly_rollup(session, date(2025, 12, 19))
    session.commit()
    first = rollup_rows(session)
    reports.nightly_rollup(session, date(2025, 12, 19))
    session.commit()
    assert rollup_rows(session) == first
    # seed put into pressing on 5 November, where the processor is
    assert (date(2025, 11, 5), "seed_processed", world.orgs["processor"].township_id, 80 * KG) in first


def test_figures_come_from_the_roll_up_and_reversed_entries_drop_out(session, world):
    oil = press_some_seed(session, world)
    assert row(reports.figures(session, 2025), "seed_processed").actual == 0  # nothing rolled up yet
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    found = reports.figures(session, 2025)
    assert (row(found, "seed_processed").actual, row(found, "oil_output").actual, row(found, "by_products").actual) == (80 * KG, 20 * KG, 0)  # cake is no by-product product (tests/byproducts)
    assert found.monthly["seed_processed"][10] == 80 * KG  # November
    press = session.exec(select(EventLine.event_id).where(EventLine.lot_id == oil.id, EventLine.role == "output")).one()
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=press, reason="typo")
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    assert row(reports.figures(session, 2025), "seed_processed").actual == 0


def test_only_accepted_planting_area_counts(session, world):
    dispatched = chain.dispatch(session, world, batch=chain.seedling_batch(session, world), quantity=2_000)
    record = planting.record_planting(
        session, actor=world.actors["coop"], plot_id=world.plots["mawang"].id, kind="new", area_centimu=2_000,
        variety_id=chain.variety_id(session), planted_on=date(2025, 3, 1), dispatch_code=dispatched.code, seedlings=2_000,
    )
    session.commit()
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    assert row(reports.figures(session, 2025), "planted_new").actual == 0
    planting.record_survival(session, actor=world.actors["coop"], planting_id=record.id, checked_on=date(2025, 9, 15), survival_permille=905)
    planting.accept_planting(session, actor=world.actors["bureau"], planting_id=record.id, accepted_area_centimu=1_750,
                             accepted_on=date(2025, 10, 10))
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    found = reports.figures(session, 2025)
    assert row(found, "planted_new").actual == 1_750
    mawang = world.plots["mawang"].township_id
    assert next(t for t in found.townships if t["township_id"] == mawang)["values"]["planted_new"] == 1_750
    rows, total = reports.records(session, "planted_new", 2025, 3, mawang)
    assert total == 1_750 and len(rows) == 1


def test_the_records_behind_a_figure_add_up_to_it(app, auth, world):
    with app.app_context():
        session = db.session()
        press_some_seed(session, world)
        reports.rollup_year(session, 2025, date(2025, 12, 19))
        session.commit()
    auth.login("bureau")
    page = auth.client.get("/reports/dashboard?year=2025").get_data(as_text=True)
    assert "/reports/records?metric=seed_processed" in page
    records = auth.client.get("/reports/records?metric=seed_processed&year=2025").get_data(as_text=True)
    assert "0.08 t" in records  # 80 kg, the dashboard's figure
    csv = auth.client.get("/reports/records?metric=seed_processed&year=2025&format=csv").get_data(as_text=True)
    assert "0.08" in csv and "2025-11-05" in csv


def test_targets_are_seeded_with_the_2024_plan(session):
    found = {r.metric: r for r in reports.figures(session, PLAN_YEAR).rows}
    assert found["seedlings_raised"].target == 15_000_000
    assert found["planted_new"].target == 3_000_000  # 30,000 mu in hundredths
    assert found["seed_processed"].target == PLAN_TARGETS["seed_processed"] == 13_000_000_000
    assert found["output_value"].target == 30_000_000_000  # ¥300M in fen
    assert found["oil_output"].target is None


def test_a_manager_edits_targets_in_display_units(app, auth, world):
    auth.login("bureau")
    response = auth.post("/reports/targets?year=2026", {"seed_processed": "13500.5", "oil_output": "3,300", "planted_new": ""})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert reports.targets_of(db.session(), 2026) == {"seed_processed": 13_500_500_000, "oil_output": 3_300_000_000}
    # an unknown metric is refused by name, and nothing is saved
    response = auth.post("/reports/targets?year=2026", {"seed_processed": "1", "bogus_metric": "5"})
    assert response.status_code == 422
    assert "Unknown metric bogus_metric" in response.get_data(as_text=True)
    response = auth.post("/reports/targets?year=2026", {"seed_processed": "1.0000001"})
    assert response.status_code == 422 and "Use at most 6 decimal places." in response.get_data(as_text=True)
    with app.app_context():
        assert reports.targets_of(db.session(), 2026)["seed_processed"] == 13_500_500_000


def test_only_the_bureau_sees_the_dashboard_and_edits_targets(auth, world):
    for username in ("nursery", "coop", "processor"):
        auth.login(username)
        assert auth.client.get("/reports/dashboard").status_code == 403
        assert auth.post("/reports/targets?year=2026", {"seed_processed": "1"}).status_code == 403


def target_error(app, auth, value, message):
    """A target refused with `message` under its own field, nothing saved."""
    with nothing_written(app):
        response = auth.post("/reports/targets?year=2026", {"seed_processed": value, "oil_output": "3300"})
    html = page(response)
    assert response.status_code == 422, html[:3000]
    pattern = r'id="target-seed_processed"[^>]*>\s*<p class="error">[^<]*' + re.escape(str(escape(message)))
    assert re.search(pattern, html), f"{message!r} is not next to the seed target:\n{html[:6000]}"


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_targets_error_stands_next_to_its_field(app, auth, world):
    auth.login("bureau")
    target_error(app, auth, "1.0000001", "Use at most 6 decimal places.")
    target_error(app, auth, "-5", "A target cannot be negative.")


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_huge_target_is_refused_as_too_large(app, auth, world):
    """The targets form takes tonnes, mu and yuan like the other forms: a
    number no column can hold is called too large, not too precise."""
    auth.login("bureau")
    for number in HUGE:
        refuse(app, auth, "/reports/targets?year=2026", {"seed_processed": number}, FAR_TOO_LARGE)
