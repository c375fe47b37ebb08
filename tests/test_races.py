"""Every rule that reads, checks and writes holds when requests race.

For each rule (tests/races.py), 24 threads, each with its own database
session and connection, pass a barrier and send the same request at once:
exactly one wins (every one, for the counters behind lot codes, each with a
code of its own), every other one is refused with the message the same
request gets when it comes alone afterwards (never an error, which a user
would see as a 500), and the chain's invariants (oilchain/invariants.py)
hold after. bench/races.py prints the same races' winners for any commit.

On PostgreSQL the requests really run at once; the database makes them
take turns (row locks in id order, guarded UPDATEs, unique indexes). On
SQLite the same tests run with what SQLite can do: its writing transactions
begin IMMEDIATE and run one at a time, so these show that every racing
writer waits its turn (rather than failing with "database is locked") and
then sees what the one before it wrote.
"""


import pytest
from sqlmodel import select

from oilchain import invariants
from oilchain.errors import DomainError
from oilchain.ledger.models import Event, Hold, Lot
from oilchain.processing import services as processing
from oilchain.processing.models import ProductLot
from oilchain.trace import recalls

from . import chain, races
from .chain import db_session


@pytest.fixture
def engine(database_url):
    engine = races.race_engine(database_url, races.THREADS)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("scenario", races.SCENARIOS, ids=lambda s: s.name)
def test_of_many_racing_requests_one_wins_and_the_others_are_refused_as_if_alone(app, world, engine, scenario):
    result = races.run_scenario(app, engine, world, scenario)
    outcome = result.outcome
    assert outcome.errors == [], outcome.summary()
    winners = scenario.expected_winners(races.THREADS)
    assert len(outcome.won) == winners, outcome.summary()
    assert len(outcome.refused) == races.THREADS - winners
    if scenario.winners is not None:
        assert all(message is not None for message in result.alone), "the lone request after the race must be refused"
    else:  # all may pass: each got its own result (a lot code, say)
        assert len(set(outcome.won)) == races.THREADS
    assert result.differing == [], f"refused otherwise than alone ({result.alone}): {result.differing[:3]}"
    assert result.broken == {}


def test_racing_puts_into_one_empty_tank_give_one_put_and_blends_of_the_rest(app, world, engine):
    """Oil lots put into one empty tank at once: the tank row is locked
    before it is read, so the first holds its own lot and each later one
    blends with what the tank holds then; the tank ends holding all the oil."""
    from oilchain.processing.models import OilLot, Tank

    with db_session(app) as session:
        data = races.tank_and_oils(session, world)
    outcome = races.race(app, engine, lambda session, i: races.put_into_tank(session, world, data, i), races.TANK_PUTS)
    assert outcome.errors == [] and outcome.refused == [] and len(outcome.won) == races.TANK_PUTS, outcome.summary()
    assert len([code for code in outcome.won if code in data["codes"]]) == 1  # one put into the empty tank
    with db_session(app) as session:
        assert len(session.exec(select(Event).where(Event.kind == "blend")).all()) == races.TANK_PUTS - 1
        tank = session.get(Tank, data["tank_id"])
        held = session.get(Lot, tank.lot_id)
        assert (held.remaining, session.get(OilLot, held.id).tank_id) == (data["oil_g"], tank.id)
        assert session.exec(select(OilLot).where(OilLot.tank_id == tank.id)).all() == [session.get(OilLot, held.id)]
        assert invariants.violations(session) == {}


def test_the_invariants_see_what_the_races_used_to_leave(app, world):
    """Each race above once broke one of these (bench/races.py on the commit
    before the guards): written here by hand, each is found."""
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
        seed, _ = chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)
        chain.ship(session, world, lot=seed)
        chain.receive(session, world, lot=seed, weighed=chain.SEED_G)
        assert invariants.violations(session) == {}
        # A second standing receipt of the same shipment, as 23 racing receipts once wrote.
        receipt = Event(kind="receive", org_id=world.orgs["processor"].id, occurred_on=chain.RECEIVED_ON)
        session.add(receipt)
        session.commit()
        assert "a standing receipt is the receipt of exactly one shipment" in invariants.violations(session)
        session.delete(receipt)
        session.commit()
        # A shipped lot back in stock with its shipment still open.
        chain.ship(session, world, lot=chain.lot_by_code(session, seed.code), actor="processor", to="processor2",
                   on=chain.PRESSED_ON)
        lot = chain.lot_by_code(session, seed.code)
        lot.status = "active"
        session.add(lot)
        session.commit()
        assert "a lot in transit has exactly one open shipment, any other lot none" in invariants.violations(session)


def test_a_recall_opened_while_bottlings_run_holds_every_bottle_made_from_its_oil(app, world, engine):
    """One request opens a recall from an oil lot while 23 bottle it: each
    bottling that came first made a product lot the recall holds; each that
    came after is refused naming the recall. No product lot of that oil is
    left outside the hold."""
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        oil_code = built.oil.code
        product_id = built.product.id
        before = {built.product_lot.id}

    def work(session, i):
        if i == 0:
            return recalls.start_recall(session, actor=world.actors["bureau"], reason="酸价复检超标", lot_code=oil_code)
        return processing.bottle(session, actor=world.actors["processor"], oil_code=oil_code, product_id=product_id,
                                 units=2, oil_used_g=2 * chain.FILL_G, occurred_on=chain.SOLD_ON)  # oil for all 23

    outcome = races.race(app, engine, work)
    assert outcome.errors == [], outcome.summary()
    with db_session(app) as session:
        recall_id = session.exec(select(recalls.Recall.id)).one()
        made = set(session.exec(
            select(ProductLot.lot_id).join(Lot, Lot.id == ProductLot.lot_id).where(Lot.status != "reversed")))
        held = set(session.exec(select(Hold.lot_id).where(Hold.recall_id == recall_id, Hold.lifted_at.is_(None))))
        assert invariants.violations(session) == {}
    assert made <= held, "a bottle made from the recalled oil escaped the hold"
    assert len(outcome.won) == 1 + len(made - before)  # the recall, and each bottling that came before it
    for _i, message in outcome.refused:
        assert f"is on hold under recall #{recall_id}" in message


def test_a_sequential_bottling_after_the_recall_is_refused_and_writes_nothing(app, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        recall_id = recalls.start_recall(session, actor=world.actors["bureau"], reason="抽检", lot_code=built.oil.code).id
        session.commit()
        oil = chain.lot_by_code(session, built.oil.code)
        with chain.nothing_written(app), pytest.raises(DomainError) as refused:
            chain.bottle(session, world, oil=oil, made=built.product, units=10)
        session.rollback()
    assert f"on hold under recall #{recall_id}" in str(refused.value.message)


# --- the brain's nightly run ------------------------------------------------------------


def test_nightly_runs_racing_reactions_leave_one_standing_warning_and_never_fail(app, world, engine):
    """12 threads: six nightly runs of the same day, six quality tests below
    grade whose reaction writes the warning the night writes too. Each run
    commits its forecast, then each rule on its own, and runs a rule again
    when a racing writer's warning came first: every run is recorded ok,
    every test is recorded, one standing warning per kind and subject."""
    from oilchain.admin.models import JobRun
    from oilchain.brain.models import Warning

    with db_session(app) as session:
        data = races.warned_chain(session, world)
    outcome = races.nightly_or_test(app, engine, world, data, 12)
    assert outcome.errors == [] and outcome.refused == [], outcome.summary()
    with db_session(app) as session:
        runs = session.exec(select(JobRun.status, JobRun.message).where(JobRun.job_id == "nightly_brain")).all()
        assert [status for status, _ in runs] == ["ok"] * 6, [message[-1500:] for status, message in runs if status != "ok"]
    assert outcome.won.count("ok") == 6 and len(outcome.won) == 12, outcome.summary()  # six runs, six test ids
    with db_session(app) as session:
        standing = session.exec(select(Warning.kind, Warning.subject_kind, Warning.subject_id)
                                .where(Warning.state != "resolved")).all()
        assert len(standing) == len(set(standing))
        assert {("copied_code", "lot", data["product_lot_id"]),
                ("quality_below_grade", "lot", data["product_lot_id"])} <= set(standing)
        assert invariants.violations(session) == {}


def test_racing_forecast_runs_of_a_day_leave_one_set_of_rows(app, world, engine):
    """12 runs of the same day's forecast at once (the schedule and an
    admin's "run now", many times over): each succeeds, the later ones
    replacing the earlier ones' rows, and the day has one row per township
    and one for the county (on PostgreSQL each used to insert its own set)."""
    from oilchain.brain.models import Forecast, ForecastOutlook

    with db_session(app) as session:
        chain.full_chain(session, world)
    outcome = races.nightly_runs(app, engine, 12)
    assert outcome.errors == [] and len(outcome.won) == 12, outcome.summary()
    assert len({tuple(lines) for lines in outcome.won}) == 1  # the same forecast, whoever wrote it last
    with db_session(app) as session:
        townships = session.exec(select(Forecast.township_id).where(Forecast.as_of == races.NIGHT)).all()
        assert len(townships) == len(set(townships)) and townships.count(None) == 1 and len(townships) > 1
        years = session.exec(select(ForecastOutlook.year)).all()
        assert len(years) == len(set(years)) == 5


# --- over HTTP, through a real server ------------------------------------------------------------


def test_racing_receipts_over_http_one_is_received_the_others_are_told_so(app, world, live_server):  # noqa: F811
    """20 POSTs of the receive form at once, from one processor's session,
    to the app served by werkzeug's threaded server in its own process."""
    with db_session(app) as session:
        code = races.shipped_seed_code(session, world)
    live_server.start()
    answers = races.http_receipts(live_server.url, code, 20)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [303] + [422] * 19, statuses
    assert all("it was received before" in body for status, body in answers if status == 422)
    with db_session(app) as session:
        assert chain.lot_by_code(session, code).remaining == 1_990 * chain.KG
        assert invariants.violations(session) == {}


def throttle_row(app, key: str):
    from oilchain.auth.models import SignInThrottle

    with db_session(app) as session:
        return session.get(SignInThrottle, key)


def test_racing_failed_sign_ins_are_each_counted(app, world, engine, monkeypatch):
    """With no wait before THREADS failures, every racing failure counts: none is lost to another."""
    from oilchain.auth import throttle

    monkeypatch.setattr(throttle, "ACCOUNT", throttle.Rule("account", free=1000, base=2, cap=300))
    monkeypatch.setattr(throttle, "ADDRESS", throttle.Rule("address", free=1000, base=2, cap=900))
    outcome = races.failed_sign_ins(app, engine, username="coop", address=lambda i: "10.9.9.9")
    assert outcome.errors == [] and outcome.won == [], outcome.summary()
    assert {message for _, message in outcome.refused} == {"Wrong username or password."}
    assert throttle_row(app, "account:coop").failures == races.THREADS
    assert throttle_row(app, "address:10.9.9.9").failures == races.THREADS


def test_a_burst_of_failed_sign_ins_gets_no_more_tries_than_one_after_the_other(app, world, engine):
    """The free tries are counted before their passwords are checked, so a
    burst from many addresses has exactly ACCOUNT.free of them checked; the
    rest are told to wait."""
    from oilchain.auth import throttle

    outcome = races.failed_sign_ins(app, engine, username="coop", address=lambda i: f"10.0.0.{i}")
    assert outcome.errors == [] and outcome.won == [], outcome.summary()
    messages = [message for _, message in outcome.refused]
    assert messages.count("Wrong username or password.") == throttle.ACCOUNT.free, outcome.summary()
    assert all(m.startswith("Too many failed sign-ins.") for m in messages if m != "Wrong username or password.")
    assert throttle_row(app, "account:coop").failures == throttle.ACCOUNT.free
