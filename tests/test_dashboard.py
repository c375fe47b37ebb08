"""The year's targets against the actuals the ledger holds."""

from datetime import date

from oilchain import db
from oilchain.harvest import services as harvest
from oilchain.ledger import services as ledger
from oilchain.processing import services as processing
from oilchain.reports import services as reports
from oilchain.reference import PLAN_TARGETS, PLAN_YEAR


def press_some_seed(session, world):
    coop, processor = world.actors["coop"], world.actors["processor"]
    fruit = harvest.log_harvest(session, actor=coop, plot_id=world.plots["mawang"].id, weight_g=400_000, harvested_on=date(2025, 10, 20), pickers=5)
    seed, _husk = harvest.dry_and_hull(session, actor=coop, inputs=[(fruit, 400_000)], seed_g=100_000, husk_g=160_000, occurred_on=date(2025, 11, 1))
    ledger.ship_lot(session, actor=coop, code=seed.code, to_org_id=processor.org_id, occurred_on=date(2025, 11, 2))
    ledger.receive_lot(session, actor=processor, code=seed.code, weighed=100_000, occurred_on=date(2025, 11, 3))
    oil, cake = processing.press(session, actor=processor, inputs=[(seed, 80_000)], oil_g=20_000, cake_g=55_000, occurred_on=date(2025, 11, 5))
    session.commit()
    return oil


def test_seed_processed_and_oil_pressed_come_from_the_ledger(session, world):
    oil = press_some_seed(session, world)
    actual = reports.actuals(session, 2025)
    assert actual["seed_processed"] == 80_000
    assert actual["oil_output"] == 20_000
    assert actual["by_products"] == 2  # husk and cake
    assert reports.actuals(session, 2024)["seed_processed"] == 0
    # A reversed pressing no longer counts.
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=press_event_id(session, oil), reason="typo")
    session.commit()
    assert reports.actuals(session, 2025)["seed_processed"] == 0


def press_event_id(session, oil):
    from sqlmodel import select

    from oilchain.ledger.models import EventLine

    return session.exec(select(EventLine.event_id).where(EventLine.lot_id == oil.id, EventLine.role == "output")).one()


def test_targets_are_seeded_with_the_2024_plan(session):
    rows = {row.metric: row for row in reports.progress(session, PLAN_YEAR)}
    assert rows["seedlings_raised"].target == 15_000_000
    assert rows["planted_new"].target == 3_000_000  # 30,000 mu in hundredths
    assert rows["seed_processed"].target == PLAN_TARGETS["seed_processed"] == 13_000_000_000
    assert rows["output_value"].target == 30_000_000_000  # ¥300M in fen
    assert rows["oil_output"].target is None


def test_dashboard_page_shows_targets_and_actuals(auth, client, world, app):
    with app.app_context():
        press_some_seed(db.session(), world)
    auth.login("bureau")
    page = client.get("/reports/dashboard?year=2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0.08" in html  # 80 kg of seed = 0.08 t
    plan = client.get("/reports/dashboard?year=2024").get_data(as_text=True)
    assert "13,000" in plan and "15,000,000" in plan
