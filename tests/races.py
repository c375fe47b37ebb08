"""Races: many threads, each with its own database session, send the same
request at once behind a barrier. Used by tests/test_races.py (which asserts
one winner, clean refusals and the ledger's invariants) and by
bench/races.py (which prints the winners of every race, to compare commits).

Each scenario builds its data through the services (tests/chain.py), then
every thread runs one `work(session, i)` through the app's one commit path
(`db.transaction`), so a thread's answer is what a request would get: a
result, a refusal (a DomainError with its message), or an error (anything
else: what a user would see as a 500). After the race, the same request is
made once more, alone: each loser must have been refused with the message
that sequential request gets.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask_babel import force_locale
from sqlmodel import Session, select

from oilchain import db
from oilchain.errors import DomainError
from oilchain.gi import services as gi
from oilchain.harvest import services as harvest
from oilchain.harvest import sync as tablet_sync
from oilchain import invariants
from oilchain import ledger
from oilchain.ledger.models import Lot
from oilchain.nursery import services as nursery
from oilchain.planting import services as planting
from oilchain.processing import services as processing
from oilchain.trace import recalls

from . import chain
from .chain import KG

THREADS = 24  # PostgreSQL allows 100 connections; the suite runs two workers


@dataclass
class Outcome:
    """What the racing requests got: results, refusals (messages), errors."""

    won: list = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds = Counter(message for _, message in self.refused)
        refusals = "; ".join(f"{n} x {message[:90]}" for message, n in kinds.most_common(3))
        errors = "; ".join(sorted(set(e[:120] for e in self.errors))[:2])
        return f"{len(self.won)} won, {len(self.refused)} refused ({refusals}), {len(self.errors)} errors {errors}".strip()


def race_engine(url: str, threads: int):
    """An engine whose pool holds a connection for every thread, so that all
    of them are really in the race (the app's pool is smaller)."""
    return db.make_engine(url, pool_size=threads + 2)


def own_commits(session, call):
    """For work that commits its own steps (the nightly run through
    jobs.execute), instead of the one transaction db.transaction gives a request."""
    return call()


def race(app, engine, work, threads: int = THREADS, through=db.transaction) -> Outcome:
    """Run `work(session, i)` in `threads` threads at once, each in its own
    app context and session, through the app's commit path (`through`).
    Refusals are kept as (i, message)."""
    barrier = threading.Barrier(threads)
    outcome = Outcome()
    lock = threading.Lock()

    def run(i: int) -> None:
        with app.app_context():
            session = Session(engine, expire_on_commit=False)
            try:
                barrier.wait(timeout=60)
                result = through(session, lambda: work(session, i))
                kind, value = "won", result
            except DomainError as error:
                with force_locale("en"):  # as an English reader sees it (tests read the words)
                    kind, value = "refused", (i, str(error.message))
            except Exception as error:  # what a request would answer with a 500
                kind, value = "errors", f"{type(error).__name__}: {error}".splitlines()[0]
            finally:
                session.close()
            with lock:
                getattr(outcome, kind).append(value)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return outcome


def alone(app, engine, work, i: int = 0) -> str | None:
    """Request i once more, sequentially: its refusal message (None if it passed)."""
    with app.app_context():
        session = Session(engine, expire_on_commit=False)
        try:
            db.transaction(session, lambda: work(session, i))
            return None
        except DomainError as error:
            with force_locale("en"):
                return str(error.message)
        finally:
            session.close()


@dataclass
class Scenario:
    """A rule under race: `setup(session, world)` builds the data and returns
    what `work(session, world, data, i)` acts on; `winners` is how many of the
    racing requests may pass (one; None: every one, as for the counters). Request i is of
    variant i % `variants` (say, a reversal or a use of the same lot); a
    loser is compared with the lone request of its own variant."""

    name: str
    rule: str
    setup: object
    work: object
    winners: int | None = 1
    variants: int = 1

    def expected_winners(self, threads: int) -> int:
        return threads if self.winners is None else self.winners


def ctx(app, world, scenario: Scenario):
    with chain.db_session(app) as session:
        return scenario.setup(session, world)


# --- over HTTP ----------------------------------------------------------------------

class Browser:
    """A signed-in browser: one cookie jar, the CSRF token of its session."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def login(self, username: str) -> None:
        self.token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', self.get("/login")).group(1)
        status, _ = self.post("/login", {"username": username, "password": chain.PASSWORD})
        assert status == 303


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is the answer to look at, not to follow


def http_receipts(base: str, code: str, requests: int) -> list[tuple[int, str]]:
    """`requests` POSTs of the receive form for lot `code` at once, from one
    processor's session (in English, to read the answers): (status, body)."""
    browser = Browser(base)
    browser.login("processor")
    barrier, answers, lock = threading.Barrier(requests), [], threading.Lock()
    form = {"code": code, "weighed": "1990", "occurred_on": chain.RECEIVED_ON.isoformat(), "note": ""}

    def send():
        barrier.wait(timeout=60)
        answer = browser.post("/processing/receive?lang=en", form)
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=send) for _ in range(requests)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    return answers


def shipped_seed_code(session, world) -> str:
    """A seed lot of the cooperative, shipped to the processor, not received."""
    return _shipped_seed(session, world)


# --- the scenarios ----------------------------------------------------------------


def _seed_lot(session, world) -> Lot:
    fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
    seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)
    return seed


def _shipped_seed(session, world) -> str:
    seed = _seed_lot(session, world)
    chain.ship(session, world, lot=seed)
    return seed.code


def _receive(session, world, code, i):
    return ledger.receive_lot(session, actor=world.actors["processor"], code=code, weighed=chain.RECEIVED_G,
                              occurred_on=chain.RECEIVED_ON)


def _ship(session, world, code, i):
    to = world.orgs["processor" if i % 2 == 0 else "processor2"].id
    return ledger.ship_lot(session, actor=world.actors["coop"], code=code, to_org_id=to, occurred_on=chain.SHIPPED_ON)


SPLIT_PART = 1_200 * KG  # more than half of the 2,000 kg seed lot: one split or split-ship can have it


def _split_or_ship_part(session, world, code, i):
    """Variant 0 splits 1,200 kg off the lot; variant 1 ships 1,200 kg of it."""
    if i % 2 == 0:
        return ledger.split_lot(session, actor=world.actors["coop"], code=code, quantity=SPLIT_PART,
                                occurred_on=chain.SHIPPED_ON).code
    return ledger.ship_part(session, actor=world.actors["coop"], code=code, to_org_id=world.orgs["processor2"].id,
                            occurred_on=chain.SHIPPED_ON, quantity=SPLIT_PART).id


def _graded_batch(session, world) -> str:
    return chain.seedling_batch(session, world, grade1=7_000, grade2=2_500, rejected=500).code


def _dispatch(session, world, code, i):
    # Two dispatches of 4,000 fit the batch's 9,500 plants but not its 7,000 of grade I.
    return nursery.dispatch(session, actor=world.actors["nursery"], batch_code=code, grade=1, quantity=4_000,
                            plot_id=world.plots["mawang"].id, dispatched_on=chain.DISPATCHED_ON)


def _eligible_product_lot(session, world) -> str:
    chain.with_credit_code(session, world)
    built = chain.full_chain(session, world)
    chain.gi_defined(session, world)
    return built.product_lot.code


def _issue_marks(session, world, code, i):
    return gi.issue_marks(session, actor=world.actors["bureau"], lot_code=code, units=600, issued_on=chain.SOLD_ON)


def _plot(session, world) -> int:
    return world.plots["mawang"].id  # 50 mu: at most 150 t of fresh fruit a year


def _harvest(session, world, plot_id, i):
    return harvest.log_harvest(session, actor=world.actors["coop"], plot_id=plot_id, weight_g=100_000 * KG,
                               harvested_on=chain.HARVESTED_ON, pickers=20)


def _small_harvest(session, world, plot_id, i):
    """Well under the plot's limit: every one of them may pass, each with a lot code of its own."""
    return harvest.log_harvest(session, actor=world.actors["coop"], plot_id=plot_id, weight_g=100 * KG,
                               harvested_on=chain.HARVESTED_ON, pickers=2).code


def _tend(session, world, plot_id, i):
    return planting.record_planting(session, actor=world.actors["coop"], plot_id=plot_id, kind="renovation",
                                    method="tending", area_centimu=3_000, variety_id=chain.variety_id(session),
                                    planted_on=chain.PLANTED_ON)


def _product_lot(session, world) -> str:
    return chain.full_chain(session, world).product_lot.code


def _sell(session, world, code, i):
    from oilchain.sales import services as sales

    return sales.sell(session, actor=world.actors["processor"], lot_code=code, buyer="重庆永辉超市", channel="supermarket",
                      quantity=600, unit_price_fen=12_800, sold_on=chain.SOLD_ON)


def _cake_lot(session, world) -> str:
    return chain.full_chain(session, world).cake.code


def _sell_cake(session, world, code, i):
    """Every request asks for 800 kg of the 1,400 kg of cake, by weight: half of them sold to a
    named buyer, half to the other mill (the part split off and shipped to it)."""
    from oilchain.sales import services as sales

    to_mill = world.orgs["processor2"].id if i % 2 else None
    return sales.sell(session, actor=world.actors["processor"], lot_code=code, buyer="酉阳农资站", channel="wholesale",
                      quantity=800 * chain.KG, unit_price_fen=150, sold_on=chain.SOLD_ON, buyer_org_id=to_mill)


def _sale_event(session, world) -> int:
    built = chain.full_chain(session, world)
    return chain.sell(session, world, lot=built.product_lot).event_id


def _reverse(session, world, event_id, i):
    return ledger.reverse_event(session, actor=world.actors["processor"], event_id=event_id, reason="录入错误")


def _harvest_and_fruit(session, world) -> tuple[int, str]:
    fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
    return chain.event_that_made(session, fruit).id, fruit.code


def _reverse_or_use(session, world, data, i):
    """Half the requests reverse the harvest, half dry and hull all its fruit."""
    event_id, code = data
    if i % 2 == 0:
        return ledger.reverse_event(session, actor=world.actors["coop"], event_id=event_id, reason="重复录入")
    fruit = ledger.get_lot(session, code)
    return harvest.dry_and_hull(session, actor=world.actors["coop"], inputs=[(fruit, chain.FRUIT_G)], seed_g=chain.SEED_G,
                                husk_g=chain.HUSK_G, occurred_on=chain.HULLED_ON)


ENTRY_UUID = "5f0c2f7e-8a51-4c1e-9d7b-2d3c4b5a6f70"


def _sync(session, world, plot_id, i):
    """One tablet entry, as /harvest/field/sync takes it: a duplicate is an answer, not a win."""
    entry = {"uuid": ENTRY_UUID, "plot_id": plot_id, "weight": "812.5", "harvested_on": chain.HARVESTED_ON.isoformat(),
             "pickers": 9, "recorded_at": "2025-10-25T09:30:00+08:00"}
    result = tablet_sync.sync_entry(session, actor=world.actors["coop"], entry=entry)
    if result.status != "created":
        raise DomainError(f"{result.status} {result.lot_code or result.reason}")
    return result


def _surveyed_planting(session, world) -> int:
    batch = chain.seedling_batch(session, world)
    dispatched = chain.dispatch(session, world, batch=batch)
    record = chain.plant(session, world, dispatched=dispatched, kind="new", method=None, on=date(2025, 3, 1))
    planting.record_survival(session, actor=world.actors["coop"], planting_id=record.id, checked_on=date(2025, 9, 1),
                             survival_permille=920)
    session.commit()
    return record.id


def _accept(session, world, planting_id, i):
    return planting.accept_planting(session, actor=world.actors["bureau"], planting_id=planting_id,
                                    accepted_area_centimu=2_000, accepted_on=date(2025, 10, 1))


def _registered_batch(session, world) -> str:
    return chain.registered_batch(session, world).code


def _grade(session, world, code, i):
    return nursery.grade_batch(session, actor=world.actors["nursery"], code=code, grade1=7_000, grade2=2_000, rejected=500,
                               graded_on=chain.GRADED_ON)


def _gi_defined(session, world) -> int:
    chain.with_credit_code(session, world)
    chain.gi_defined(session, world, authorize=None)
    return world.orgs["processor"].id


def _authorize(session, world, org_id, i):
    return gi.authorize(session, actor=world.actors["bureau"], org_id=org_id, authorized_on=date(2025, 1, 1))


def _nothing(session, world):
    return None


def _new_product(session, world, _data, i):
    return processing.create_product(session, actor=world.actors["processor"], name="桃花源 压榨山茶油 500ml",
                                     gtin=chain.gtin(), net_content_ml=500, fill_grams=458, shelf_life_days=540)


def _new_plot(session, world, _data, i):
    return planting.create_plot(session, actor=world.actors["coop"], name="新开坡", township_id=world.plots["mawang"].township_id,
                                village="麻旺村", area_centimu=1_000, latitude_e6=28652310, longitude_e6=108931120,
                                year_planted=2020)


def _open_recall(session, world) -> int:
    built = chain.full_chain(session, world)
    recall = recalls.start_recall(session, actor=world.actors["bureau"], reason="抽检不合格", lot_code=built.oil.code)
    session.commit()
    return recall.id


def _close_recall(session, world, recall_id, i):
    return recalls.close_recall(session, actor=world.actors["bureau"], recall_id=recall_id, note="复检合格")


def _tested_oil(session, world) -> int:
    built = chain.full_chain(session, world)
    return session.exec(select(processing.QualityTest.id).where(processing.QualityTest.lot_id == built.oil.id)).one()


def _withdraw(session, world, test_id, i):
    return processing.withdraw_quality_test(session, actor=world.actors["processor"], test_id=test_id, reason="仪器未校准")


# --- tanks: racing puts into one empty tank are a put and blends, never two lots in it ---------

TANK_PUTS = 8  # oil lots put into one empty tank at once


def tank_and_oils(session, world, count: int = TANK_PUTS) -> dict:
    """An empty tank and `count` hot-pressed oil lots of the processor, pressed from parts of one seed lot."""
    from oilchain.processing import oil as oil_mill

    seed = chain.seed_at_processor(session, world)[3]
    part = chain.RECEIVED_G // count
    codes = []
    for _ in range(count):
        made, _cake = processing.press(session, actor=world.actors["processor"], occurred_on=chain.PRESSED_ON,
                                       inputs=[(chain.lot_by_code(session, seed.code), part)], oil_g=part // 4,
                                       cake_g=part * 7 // 10)
        codes.append(made.code)
    tank = oil_mill.create_tank(session, actor=world.actors["processor"], name="1号罐")
    session.commit()
    return {"tank_id": tank.id, "codes": codes, "oil_g": part // 4 * count}


def put_into_tank(session, world, data, i):
    """Request i puts oil lot i into the tank: the code of the lot the tank then holds."""
    from oilchain.processing import oil as oil_mill

    _tank, held = oil_mill.put_into_tank(session, actor=world.actors["processor"], tank_id=data["tank_id"],
                                         lot_code=data["codes"][i], occurred_on=chain.BOTTLED_ON)
    return held.code


SCENARIOS = [
    Scenario("receive", "a shipment is received at most once", _shipped_seed, _receive),
    Scenario("ship", "a lot has at most one open shipment", lambda s, w: _seed_lot(s, w).code, _ship),
    Scenario("split", "a lot is split (or part of it shipped) only from what it holds", lambda s, w: _seed_lot(s, w).code,
             _split_or_ship_part, variants=2),
    Scenario("dispatch", "grade I seedlings never below zero", _graded_batch, _dispatch),
    Scenario("gi_marks", "GI marks never above the lot's units", _eligible_product_lot, _issue_marks),
    Scenario("harvest_cap", "fruit per plot and year under its cap", _plot, _harvest),
    Scenario("lot_codes", "every lot gets a code of its own (the counters)", _plot, _small_harvest, winners=None),
    Scenario("planting_area", "work per plot and year within its area", _plot, _tend),
    Scenario("sell", "a lot never sold below zero", _product_lot, _sell),
    Scenario("sell_by_weight", "a bulk lot never sold below zero, to a buyer or a mill", _cake_lot, _sell_cake, variants=2),
    Scenario("reverse", "an event is reversed once", _sale_event, _reverse),
    Scenario("reverse_or_use", "a reversed lot is never used, a used lot never reversed", _harvest_and_fruit,
             _reverse_or_use, variants=2),
    Scenario("sync", "a tablet entry makes one lot", _plot, _sync),
    Scenario("accept", "a planting is accepted once", _surveyed_planting, _accept),
    Scenario("grade", "a batch is graded once", _registered_batch, _grade),
    Scenario("authorize", "a producer has one open authorization", _gi_defined, _authorize),
    Scenario("product", "a GTIN is registered once", _nothing, _new_product),
    Scenario("plot_name", "a cooperative's plot names are unique in a village", _nothing, _new_plot),
    Scenario("close_recall", "a recall is closed once", _open_recall, _close_recall),
    Scenario("withdraw_test", "a quality test is withdrawn once", _tested_oil, _withdraw),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


@dataclass
class Result:
    outcome: Outcome
    alone: list  # the lone request's refusal, per variant
    broken: dict  # invariant -> rows breaking it

    @property
    def differing(self) -> list[tuple[int, str]]:
        """Refusals that are not what the same request alone was told."""
        return [(i, message) for i, message in self.outcome.refused if message != self.alone[i % len(self.alone)]]


def run_scenario(app, engine, world, scenario: Scenario, threads: int = THREADS) -> Result:
    """Set up, race, then ask once more alone; check the invariants."""
    data = ctx(app, world, scenario)

    def work(session, i):
        return scenario.work(session, world, data, i)

    outcome = race(app, engine, work, threads)
    sequential = [alone(app, engine, work, i) for i in range(scenario.variants)]
    with chain.db_session(app) as session:
        broken = invariants.violations(session)
    return Result(outcome, sequential, broken)




# --- the brain's nightly run ---------------------------------------------------------


NIGHT = date(2025, 12, 19)  # the nightly run of the test clock's day: yesterday's


def warned_chain(session, world) -> dict:
    """The full chain with a copied code (9 networks scanned one of its
    product lot's serials): the nightly run's copied_code finds it."""
    from oilchain.public.models import SerialScan

    built = chain.full_chain(session, world)
    at = datetime(2025, 12, 10, tzinfo=timezone.utc)
    session.add(SerialScan(lot_id=built.product_lot.id, serial=3, first_scan_at=at, last_scan_at=at, count=9, networks=9))
    session.commit()
    return {"product_lot_id": built.product_lot.id, "oil_code": built.oil.code}


def nightly_or_test(app, engine, world, data, threads: int) -> Outcome:
    """Even threads run the nightly job for NIGHT as the scheduler does
    (jobs.execute: it commits its own steps, records a failure); odd ones
    record a quality test below every grade of the chain's oil, whose
    reaction warns of the product lot bottled from it, the warning the
    night's quality_below_grade evaluation writes too."""
    from oilchain import jobs
    from oilchain.lab import LabValues

    def work(session, i):
        if i % 2 == 0:
            return jobs.execute(session, jobs.JOBS["nightly_brain"], NIGHT.isoformat(), trigger="manual").status
        return db.transaction(session, lambda: processing.record_quality_test(
            session, actor=world.actors["processor"], lot_code=data["oil_code"], tested_on=chain.SOLD_ON,
            values=LabValues(acid_value=3_500, peroxide_value=120, moisture=60), laboratory="重庆市林产品质量检验检测中心").id)

    return race(app, engine, work, threads, through=own_commits)


def nightly_runs(app, engine, threads: int) -> Outcome:
    """`threads` runs of the nightly job's forecast step for NIGHT at once
    (the scheduled run and an admin's "run now")."""
    from oilchain.brain import nightly

    return race(app, engine, lambda session, i: nightly.forecast_step(session, NIGHT), threads, through=own_commits)


# --- sign-in failures ---------------------------------------------------------------


def failed_sign_ins(app, engine, *, username: str, address, threads: int = THREADS) -> Outcome:
    """`threads` wrong passwords for `username` at once (from `address(i)`):
    every try that reached the password check was counted before it."""
    from oilchain.auth import accounts

    return race(app, engine, lambda session, i: accounts.sign_in(
        session, username=username, password=f"wrong-{i}", address=address(i)), threads)
