"""Building blocks for tests: the chain's steps through the services, in
integer base units (grams, plants, hundredths of a mu, fen), and a snapshot
of the database to prove that a refusal wrote nothing."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import select

from oilchain import codes, db
from oilchain.admin.models import Township, Variety
from oilchain.auth import services as auth_services
from oilchain.harvest import services as harvest
from oilchain import ledger
from oilchain.lab import LabValues
from oilchain.ledger.models import Event, EventLine, Lot, Sequence
from oilchain.nursery import services as nursery
from oilchain.planting import services as planting
from oilchain.processing import services as processing
from oilchain.sales import services as sales

KG = 1000  # grams
PASSWORD = "correct-horse-battery"  # every test user's
# "Today" for every test (conftest.py pins the clock to it): a December day
# after the season's harvest.
TODAY = datetime(2025, 12, 20, 10, 0)

# The chain's dates, all before the pinned "today" (2025-12-20). The trees
# are planted years before the harvest: only bearing trees link a harvest to
# its plot's nursery batches.
STARTED_ON = date(2020, 3, 10)
GRADED_ON = date(2020, 11, 20)
CERTIFIED_ON = date(2020, 12, 1)
DISPATCHED_ON = date(2021, 2, 20)
PLANTED_ON = date(2021, 3, 1)
HARVESTED_ON = date(2025, 10, 25)
HULLED_ON = date(2025, 11, 10)
SHIPPED_ON = date(2025, 11, 20)
RECEIVED_ON = date(2025, 11, 21)
PRESSED_ON = date(2025, 11, 25)
TESTED_ON = date(2025, 11, 28)
BOTTLED_ON = date(2025, 12, 1)
SOLD_ON = date(2025, 12, 5)


def gtin(first13: str = "0692000123450") -> str:
    """A GTIN-14 with its check digit computed from the first 13 digits."""
    return first13 + str(codes.gtin_check_digit(first13))


def wrong_check_digit(code: str) -> str:
    """The same GTIN with its check digit changed."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@contextmanager
def db_session(app):
    """A session of its own, in an app context of its own (for HTTP tests,
    whose requests must not share the test's context)."""
    with app.app_context():
        yield db.session()


def snapshot(session) -> dict:
    """Row counts of every table, and the state of every lot, counter and
    township: equal before and after means nothing was written."""
    tables = db.metadata.sorted_tables
    # One round trip for every table's count (the fuzz test takes two snapshots a request).
    row = session.execute(select(*(select(func.count()).select_from(table).scalar_subquery().label(table.name)
                                    for table in tables))).one()
    counts = dict(zip((table.name for table in tables), row))
    lots = session.execute(select(Lot.code, Lot.remaining, Lot.status, Lot.owner_org_id).order_by(Lot.id)).all()
    counters = session.execute(select(Sequence.name, Sequence.next_value).order_by(Sequence.name)).all()
    townships = session.execute(select(Township.id, Township.name, Township.active).order_by(Township.id)).all()
    return {"counts": counts, "lots": [tuple(r) for r in lots], "counters": [tuple(r) for r in counters],
            "townships": [tuple(r) for r in townships]}


def app_snapshot(app) -> dict:
    with db_session(app) as session:
        return snapshot(session)


@contextmanager
def nothing_written(app):
    """Assert that the block leaves the database as it found it."""
    before = app_snapshot(app)
    yield
    assert app_snapshot(app) == before


def variety_id(session, name: str = "长林4号") -> int:
    return session.exec(select(Variety).where(Variety.name == name)).one().id


def township_id(session, name: str) -> int:
    return session.exec(select(Township).where(Township.name == name)).one().id


def lot_by_code(session, code: str) -> Lot:
    """The lot as the database has it now (refreshing the session's copy)."""
    return session.exec(select(Lot).where(Lot.code == code).execution_options(populate_existing=True)).one()


def event_that_made(session, lot: Lot) -> Event:
    """The event that made `lot` (not the reversal that may have undone it)."""
    return session.exec(
        select(Event)
        .join(EventLine, EventLine.event_id == Event.id)
        .where(EventLine.lot_id == lot.id, EventLine.role == "output", Event.kind != "reverse")
    ).one()


def events_using(session, lot: Lot, kind: str) -> list[Event]:
    return list(
        session.exec(
            select(Event)
            .join(EventLine, EventLine.event_id == Event.id)
            .where(EventLine.lot_id == lot.id, Event.kind == kind)
            .order_by(Event.id)
        )
    )


@dataclass
class World:
    """A small county: one of each kind of organization (two cooperatives
    and two processors, to test who may touch what), a user each, plots."""

    orgs: dict
    actors: dict
    plots: dict


WORLD_USERS = {
    "bureau": ("县林业局", "bureau", "manager"),
    "admin": ("县林业局", "bureau", "admin"),
    "nursery": ("良种苗圃", "nursery", "nursery"),
    "coop": ("麻旺合作社", "cooperative", "cooperative"),
    "coop2": ("龙潭合作社", "cooperative", "cooperative"),
    "processor": ("桃花源茶油公司", "processor", "processor"),
    "processor2": ("酉州加工厂", "processor", "processor"),
}


def make_world(session) -> World:
    """The `world` fixture's county, committed (also for bench/races.py)."""
    townships = {t.name: t.id for t in session.exec(select(Township))}
    orgs, actors = {}, {}
    for username, (org_name, kind, role) in WORLD_USERS.items():
        if org_name not in {o.name for o in orgs.values()}:
            orgs[username] = auth_services.create_organization(
                session, name=org_name, kind=kind, credit_code=None, township_id=townships["钟多街道"]
            )
            org = orgs[username]
        else:
            org = next(o for o in orgs.values() if o.name == org_name)
        user = auth_services.create_user(
            session, username=username, password=PASSWORD, role=role, organization_id=org.id, display_name=username
        )
        actors[username] = auth_services.actor_for(session, user.id)
    plots = {
        "mawang": planting.create_plot(
            session, actor=actors["coop"], name="老屋基", township_id=townships["麻旺镇"], village="麻旺村",
            area_centimu=5000, latitude_e6=28652310, longitude_e6=108931120, year_planted=2012,
        ),
        "longtan": planting.create_plot(
            session, actor=actors["coop2"], name="青山坡", township_id=townships["龙潭镇"], village="梅树村",
            area_centimu=3000, latitude_e6=28701200, longitude_e6=108962400, year_planted=2010,
        ),
    }
    session.commit()
    return World(orgs=orgs, actors=actors, plots=plots)


CREDIT_CODE = "91500242MA5U8X7K3Q"  # the processor's unified social credit code, for the GI mark
GI_NAME = "酉阳山茶油"


def with_credit_code(session, world, who="processor", credit=CREDIT_CODE):
    """The organization with its unified social credit code on record (committed)."""
    from oilchain.auth.models import Organization

    org = session.get(Organization, world.orgs[who].id)
    org.credit_code = credit
    session.add(org)
    session.commit()
    return org


def gi_defined(session, world, townships=("麻旺镇",), authorize="processor"):
    """The GI defined by the bureau (the standard test's values lie inside its
    thresholds) and, unless None, `authorize` authorized since 2025-01-01."""
    from oilchain.gi import services as gi

    bureau = world.actors["bureau"]
    gi.save_definition(session, actor=bureau, name=GI_NAME, registration="AGI2021-01234", specification="",
                       limits=LabValues(acid_value=1_000, peroxide_value=250, moisture=100),
                       township_ids=[township_id(session, name) for name in townships])
    if authorize:
        gi.authorize(session, actor=bureau, org_id=world.orgs[authorize].id, authorized_on=date(2025, 1, 1))
    session.commit()


# --- the chain's steps, each committed ------------------------------------------------


def registered_batch(session, world, *, quantity=10_000, on=STARTED_ON) -> Lot:
    """A batch just grafted: not yet graded or certified."""
    lot = nursery.register_batch(
        session, actor=world.actors["nursery"], variety_id=variety_id(session), propagation="grafting",
        seed_source="国家油茶良种基地长林4号采穗圃", quantity=quantity, started_on=on,
    )
    session.commit()
    return lot


def seedling_batch(session, world, *, raised=10_000, grade1=7_000, grade2=2_500, rejected=500, on=GRADED_ON,
                   started=STARTED_ON) -> Lot:
    """A batch through grading and certification, ready to dispatch (for up
    to three years after `started`: the dispatch age limit)."""
    lot = registered_batch(session, world, quantity=raised, on=started)
    nursery.grade_batch(session, actor=world.actors["nursery"], code=lot.code, grade1=grade1, grade2=grade2, rejected=rejected, graded_on=on)
    nursery.certify_batch(
        session, actor=world.actors["nursery"], code=lot.code, licence_no="渝林种苗2020-0031", certificate_no="2020-ZJ-0017",
        label_no="2020-BQ-0017", quarantine_no="渝检2020-0412", certified_on=max(on, CERTIFIED_ON),
    )
    session.commit()
    return lot_by_code(session, lot.code)


def dispatch(session, world, *, batch: Lot, plot="mawang", quantity=2_000, on=DISPATCHED_ON, grade=1) -> Lot:
    """Grade I seedlings to a plot: returns the cooperative's dispatch lot."""
    record = nursery.dispatch(
        session, actor=world.actors["nursery"], batch_code=batch.code, grade=grade, plot_id=world.plots[plot].id,
        quantity=quantity, dispatched_on=on,
    )
    session.commit()
    return session.get(Lot, record.dispatch_lot_id)


def plant(session, world, *, dispatched: Lot, plot="mawang", coop="coop", seedlings=2_000, area_centimu=2_000,
          kind="renovation", method="replanting", on=PLANTED_ON):
    record = planting.record_planting(
        session, actor=world.actors[coop], plot_id=world.plots[plot].id, kind=kind, method=method, area_centimu=area_centimu,
        variety_id=variety_id(session), planted_on=on, dispatch_code=dispatched.code, seedlings=seedlings,
    )
    session.commit()
    return record


def harvest_lot(session, world, *, grams=8_000 * KG, plot="mawang", coop="coop", on=HARVESTED_ON, pickers=12) -> Lot:
    lot = harvest.log_harvest(
        session, actor=world.actors[coop], plot_id=world.plots[plot].id, weight_g=grams, harvested_on=on, pickers=pickers
    )
    session.commit()
    return lot


def dry_hull(session, world, *, inputs, seed, husk, actor="coop", on=HULLED_ON) -> tuple[Lot, Lot | None]:
    outputs = harvest.dry_and_hull(
        session, actor=world.actors[actor], inputs=inputs, seed_g=seed, husk_g=husk, occurred_on=on
    )
    session.commit()
    return outputs[0], (outputs[1] if len(outputs) > 1 else None)


def ship(session, world, *, lot: Lot, to="processor", actor="coop", on=SHIPPED_ON, note=""):
    shipment = ledger.ship_lot(
        session, actor=world.actors[actor], code=lot.code, to_org_id=world.orgs[to].id, occurred_on=on, note=note
    )
    session.commit()
    return shipment


def receive(session, world, *, lot: Lot, weighed: int, actor="processor", on=RECEIVED_ON, note=""):
    shipment = ledger.receive_lot(
        session, actor=world.actors[actor], code=lot.code, weighed=weighed, occurred_on=on, note=note
    )
    session.commit()
    return shipment


def press(session, world, *, inputs, oil, cake, actor="processor", on=PRESSED_ON) -> tuple[Lot, Lot]:
    oil_lot, cake_lot = processing.press(
        session, actor=world.actors[actor], inputs=inputs, oil_g=oil, cake_g=cake, occurred_on=on
    )
    session.commit()
    return oil_lot, cake_lot


def quality(session, world, *, oil: Lot, actor="processor", acid=850, peroxide=120, moisture=60, on=TESTED_ON):
    test = processing.record_quality_test(
        session, actor=world.actors[actor], lot_code=oil.code, tested_on=on,
        values=LabValues(acid_value=acid, peroxide_value=peroxide, moisture=moisture),
        laboratory="重庆市林产品质量检验检测中心",
    )
    session.commit()
    return test


def product(session, world, *, actor="processor", code=None, name="桃花源 压榨山茶油 500ml", ml=500, fill=458):
    made = processing.create_product(
        session, actor=world.actors[actor], name=name, gtin=code or gtin(), net_content_ml=ml, fill_grams=fill,
        shelf_life_days=540,
    )
    session.commit()
    return made


def bottle(session, world, *, oil: Lot, made, units=1_000, oil_used=None, actor="processor", on=BOTTLED_ON) -> Lot:
    lot = processing.bottle(
        session, actor=world.actors[actor], oil_code=oil.code, product_id=made.id, units=units,
        oil_used_g=oil_used if oil_used is not None else units * made.fill_grams, occurred_on=on,
    )
    session.commit()
    return lot


def withdrawn_bottling(session, world, *, built: "Chain", units: int) -> Lot:
    """Another bottling of the chain's oil, reversed as recorded in error:
    a product lot whose codes are void."""
    lot = bottle(session, world, oil=lot_by_code(session, built.oil.code), made=built.product, units=units)
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=event_that_made(session, lot).id,
                         reason="录错了产品")
    session.commit()
    return lot


def sell(session, world, *, lot: Lot, quantity=200, price_fen=12_800, actor="processor", on=SOLD_ON):
    sale = sales.sell(
        session, actor=world.actors[actor], lot_code=lot.code, buyer="重庆永辉超市", channel="supermarket",
        quantity=quantity, unit_price_fen=price_fen, sold_on=on,
    )
    session.commit()
    return sale


@dataclass
class Chain:
    """One of everything, nursery to bottle, as the end-to-end test makes it."""

    batch: Lot
    dispatched: Lot
    fruit: Lot
    seed: Lot
    husk: Lot
    oil: Lot
    cake: Lot
    product: object
    product_lot: Lot


# The numbers of the standard chain, in base units.
FRUIT_G = 8_000 * KG
SEED_G = 2_000 * KG  # 25% of the fruit
HUSK_G = 3_200 * KG
RECEIVED_G = 1_990 * KG  # 0.5% less on the processor's weighbridge
OIL_G = 500 * KG  # about 25% of the seed
CAKE_G = 1_400 * KG
UNITS = 1_000
FILL_G = 458


def seed_at_processor(session, world, *, to="processor") -> tuple[Lot, Lot, Lot, Lot, Lot]:
    """Batch, dispatch, planting, harvest, hulling, shipment and receipt:
    returns (batch, dispatch, fruit, seed, husk) with the seed received by `to`."""
    batch = seedling_batch(session, world)
    dispatched = dispatch(session, world, batch=batch)
    plant(session, world, dispatched=dispatched)
    fruit = harvest_lot(session, world, grams=FRUIT_G)
    seed, husk = dry_hull(session, world, inputs=[(fruit, FRUIT_G)], seed=SEED_G, husk=HUSK_G)
    ship(session, world, lot=seed, to=to)
    receive(session, world, lot=seed, weighed=RECEIVED_G, actor=to)
    return batch, dispatched, fruit, seed, husk


def full_chain(session, world) -> Chain:
    batch, dispatched, fruit, seed, husk = seed_at_processor(session, world)
    oil, cake = press(session, world, inputs=[(lot_by_code(session, seed.code), RECEIVED_G)], oil=OIL_G, cake=CAKE_G)
    quality(session, world, oil=oil)
    made = product(session, world, fill=FILL_G)
    product_lot = bottle(session, world, oil=oil, made=made, units=UNITS)
    return Chain(batch, dispatched, fruit, seed, husk, oil, cake, made, product_lot)
