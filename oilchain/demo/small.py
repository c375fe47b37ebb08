"""The small demo year: a few organizations of Youyang and one season of
their work, made through the same services the forms use, so every rule of
the ledger holds for it. `load` runs the steps below in the season's order;
each step commits what it made."""

from dataclasses import dataclass, field
from functools import partial
from datetime import date, timedelta
from random import Random

from sqlmodel import Session, select

from .. import codes, ledger
from ..actors import DEMO
from ..admin.models import Township, Variety
from ..auth import contact
from ..auth import services as auth_services
from ..auth.models import Organization
from ..brain import nightly as brain_nightly
from ..gi import services as gi
from ..harvest import services as harvest
from ..ledger.models import Lot
from ..nursery import services as nursery
from ..planting import services as planting
from ..processing import photos
from ..processing import services as processing
from ..processing.models import ProductLot
from ..public.services import bottle_url
from ..reports import printing
from ..reports import services as reports
from ..reports.models import Target
from ..sales import services as sales
from ..lab import LabValues
from ..units import to_base
from .common import DEMO_GI, DEMO_GI_LIMITS, DEMO_PASSWORD, GI_OUTSIDE, demo_year, mark_improved_varieties, missing_targets
from .photo import bottle_png
from .small_mill import mill
from .small_scans import consumer_scans
from .small_plan import BATCHES, BUYERS, CONTACTS, GTIN_BASES, ORGANIZATIONS, PLANTINGS, PLOTS, SHIPPING, USERS

RANDOM_SEED = 20241


@dataclass
class DemoYear:
    """The demo being made: the reference data it names, and what each step
    made for the steps after it."""

    session: Session
    year: int
    rng: Random
    townships: dict[str, int]  # name -> id
    varieties: dict[str, int]  # name -> id
    orgs: dict = field(default_factory=dict)  # name -> Organization
    actors: dict = field(default_factory=dict)  # username -> Actor
    coop_actor: dict = field(default_factory=dict)  # cooperative name -> its Actor
    plots: dict = field(default_factory=dict)  # plot name -> Plot
    batches: list = field(default_factory=list)  # this season's certified batch lots, as BATCHES
    fruit_by_coop: dict = field(default_factory=dict)  # cooperative name -> fruit lots
    seed_lots: dict = field(default_factory=dict)  # cooperative name -> seed lots
    received: dict = field(default_factory=dict)  # processor org id -> seed lots weighed in
    in_transit: Lot | None = None
    products: dict = field(default_factory=dict)  # product name -> Product
    bottles: list = field(default_factory=list)  # (product lot, Product)

    @property
    def processor_a(self):
        return self.actors["processor"]

    @property
    def processor_b(self):
        return self.actors["processor2"]


def load(session: Session, public_base_url: str, serial_key: str) -> str:
    """Make the demo year; returns what to tell the person who asked for it."""
    mark_improved_varieties(session)
    demo = DemoYear(
        session=session, year=demo_year(), rng=Random(RANDOM_SEED),
        townships={t.name: t.id for t in session.exec(select(Township))},
        varieties={v.name: v.id for v in session.exec(select(Variety))},
    )
    for step in (targets_and_organizations, plots, historic_batch, batches, plantings, harvests, drying, shipping,
                 products, product_photos, gi_definition, pressing_bottling_and_sales, mill, gi_marks,
                 partial(consumer_scans, serial_key=serial_key), figures):
        step(demo)
        session.commit()
    return summary(demo, public_base_url, serial_key)


def targets_and_organizations(demo: DemoYear) -> None:
    """The year's targets the bureau has not set, then the organizations and their users."""
    session = demo.session
    for metric, value in missing_targets(session, demo.year).items():
        session.add(Target(year=demo.year, metric=metric, value=value))
    for name, kind, township, credit, position in ORGANIZATIONS:
        lat, lon = (to_base(degrees, 6) for degrees in position) if position else (None, None)
        demo.orgs[name] = auth_services.create_organization(
            session, name=name, kind=kind, credit_code=credit, township_id=demo.townships[township], latitude_e6=lat,
            longitude_e6=lon,
        )
    for username, role, org_name, display in USERS:
        user = auth_services.create_user(
            session, username=username, password=DEMO_PASSWORD, role=role, organization_id=demo.orgs[org_name].id,
            display_name=display,
        )
        demo.actors[username] = auth_services.actor_for(session, user.id)
    for name, (gln, phone, address) in CONTACTS.items():
        contact.set_contact(session, user_id=demo.actors["admin"].user_id, organization_id=demo.orgs[name].id, gln=gln,
                            phone=phone, address=address)
    demo.coop_actor = {a.org_name: a for a in demo.actors.values() if a.role == "cooperative"}


def plots(demo: DemoYear) -> None:
    """Bearing plots from earlier years, and this year's new-planting land."""
    year = demo.year
    for coop_name, rows in PLOTS.items():
        coop_org = demo.orgs[coop_name]
        for name, village, area, planted, lat, lon in rows:
            demo.plots[name] = planting.create_plot(
                demo.session,
                actor=demo.coop_actor[coop_name],
                name=name,
                township_id=coop_org.township_id,
                village=village,
                area_centimu=int(area.replace(".", "")),
                latitude_e6=to_base(lat, 6),
                longitude_e6=to_base(lon, 6),
                year_planted=year + planted if planted and planted < 0 else planted or year,
            )


def historic_batch(demo: DemoYear) -> None:
    """Six years ago: a batch whose trees now bear on two plots planted then,
    so this season's bottles trace back to their nursery."""
    year = demo.year
    historic = nursery_batch(
        demo.session, demo.actors["nursery"], demo.varieties["长林4号"], "grafting", "国家油茶良种基地长林4号采穗圃", 60_000,
        started=date(year - 7, 3, 10), graded=(date(year - 7, 11, 20), 38_000, 14_000, 5_000),
        documents=("渝林种苗2018-0031", f"{year - 7}-ZJ-0009", f"{year - 7}-BQ-0009", f"渝检{year - 7}-0412"),
    )
    for plot_name in ("大坪油茶园", "后槽油茶园"):
        plant_from_batch(demo, demo.plots[plot_name], historic, demo.varieties["长林4号"], "new", None, 100,
                         date(year - 6, 2, 20), survival=915, accepted=date(year - 6, 11, 20))


def batches(demo: DemoYear) -> None:
    """This season: batches grafted last spring, graded and certified in
    January; and one grafted this spring, still growing."""
    year = demo.year
    for i, (who, variety, method, source, started, g1, g2, rejected) in enumerate(BATCHES):
        demo.batches.append(
            nursery_batch(
                demo.session, demo.actors[who], demo.varieties[variety], method, source, started,
                started=date(year - 1, 3, 5 + i * 3),
                graded=(date(year, 1, 10 + i * 3), g1, g2, rejected),
                documents=(f"渝林种苗{year - 1}-{31 + i:04d}", f"{year}-ZJ-{17 + i:04d}", f"{year}-BQ-{17 + i:04d}",
                           f"渝检{year}-{101 + i:04d}"),
            )
        )
    nursery_batch(demo.session, demo.actors["nursery"], demo.varieties["华鑫"], "grafting", "国家油茶良种基地华鑫采穗圃",
                  120_000, started=date(year, 3, 18), graded=None, documents=None)


def plantings(demo: DemoYear) -> None:
    """Dispatch and plant (PLANTINGS), four days apart from late February;
    tending on a bearing plot (no seedlings, no survival check); and
    seedlings sold to a grower outside the county."""
    session, year, varieties = demo.session, demo.year, demo.varieties
    day = date(year, 2, 20)
    for plot_name, batch_index, kind, method, area, density, accepted_share in PLANTINGS:
        plot = demo.plots[plot_name]
        area_centimu = int(area.replace(".", "")) if area else plot.area_centimu
        plant_from_batch(
            demo, plot, demo.batches[batch_index], varieties[BATCHES[batch_index][1]], kind, method, density, day,
            area_centimu=area_centimu, survival=880 + batch_index * 20,
            accepted=date(year, 10, 15) if accepted_share else None, accepted_share=accepted_share,
        )
        day += timedelta(days=4)
    tending = planting.record_planting(
        session, actor=demo.coop_actor["酉阳县兴隆镇金果油茶专业合作社"], plot_id=demo.plots["柏香坡油茶园"].id,
        kind="renovation", method="tending", area_centimu=3_860, variety_id=varieties["长林4号"],
        planted_on=date(year, 4, 12),
    )
    planting.accept_planting(session, actor=demo.actors["manager"], planting_id=tending.id, accepted_area_centimu=3_860,
                             accepted_on=date(year, 10, 20))
    nursery.dispatch(
        session, actor=demo.actors["nursery"], batch_code=demo.batches[0].code, grade=2, quantity=12_000,
        dispatched_on=date(year, 3, 20), destination="贵州省铜仁市松桃苗族自治县 油茶种植大户 龙某",
    )


def harvests(demo: DemoYear) -> None:
    """Three pickings of every bearing plot in late October and early November."""
    rng = demo.rng
    for coop_name, rows in PLOTS.items():
        for name, _village, _area, planted, *_ in rows:
            if planted is None:
                continue
            plot = demo.plots[name]
            for pick in range(3):
                kg_per_mu = rng.randint(150, 240)  # each of three pickings
                weight = plot.area_centimu * kg_per_mu * 10  # g = centimu/100 * kg * 1000
                lot = harvest.log_harvest(
                    demo.session,
                    actor=demo.coop_actor[coop_name],
                    plot_id=plot.id,
                    weight_g=weight,
                    harvested_on=date(demo.year, 10, 20) + timedelta(days=pick * 6 + rng.randint(0, 2)),
                    pickers=rng.randint(6, 18),
                )
                demo.fruit_by_coop.setdefault(coop_name, []).append(lot)


def drying(demo: DemoYear) -> None:
    """Each cooperative dries and hulls its fruit into one or two seed lots."""
    rng = demo.rng
    for coop_name, lots in demo.fruit_by_coop.items():
        halves = [lots[: len(lots) // 2], lots[len(lots) // 2 :]] if len(lots) > 3 else [lots]
        for part, group in enumerate(halves):
            total = sum(lot.remaining for lot in group)
            outputs = harvest.dry_and_hull(
                demo.session,
                actor=demo.coop_actor[coop_name],
                inputs=[(lot, lot.remaining) for lot in group],
                seed_g=total * rng.randint(240, 265) // 1000,
                husk_g=total * 40 // 100,
                occurred_on=date(demo.year, 11, 12 + part * 4),
            )
            demo.seed_lots.setdefault(coop_name, []).append(outputs[0])


def shipping(demo: DemoYear) -> None:
    """Seed shipped to the processors; most is weighed in, the last lot of
    the Longtan cooperative stays in transit."""
    session, year = demo.session, demo.year
    demo.received = {demo.processor_a.org_id: [], demo.processor_b.org_id: []}
    for coop_name, username in SHIPPING:
        processor = demo.actors[username]
        for index, seed in enumerate(demo.seed_lots[coop_name]):
            ledger.ship_lot(session, actor=demo.coop_actor[coop_name], code=seed.code, to_org_id=processor.org_id,
                            occurred_on=date(year, 11, 22))
            if coop_name == "酉阳县龙潭镇青山油茶专业合作社" and index == len(demo.seed_lots[coop_name]) - 1:
                demo.in_transit = seed
                continue
            weighed = seed.remaining * demo.rng.randint(992, 1004) // 1000
            ledger.receive_lot(session, actor=processor, code=seed.code, weighed=weighed, occurred_on=date(year, 11, 23))
            session.refresh(seed)
            demo.received[processor.org_id].append(seed)


def products(demo: DemoYear) -> None:
    """The processors' products, with their GTINs' check digits."""
    for org_name, items in GTIN_BASES.items():
        owner = demo.processor_a if demo.orgs[org_name].id == demo.processor_a.org_id else demo.processor_b
        for name, base, ml, fill, shelf, lowest_grade in items:
            gtin = base + str(codes.gtin_check_digit(base))
            demo.products[name] = processing.create_product(
                demo.session, actor=owner, name=name, gtin=gtin, net_content_ml=ml, fill_grams=fill, shelf_life_days=shelf,
                lowest_grade=lowest_grade,
            )


def product_photos(demo: DemoYear) -> None:
    """A photo of each product (a drawn bottle: demo/photo.py), uploaded by its processor."""
    picture = bottle_png()
    for product in demo.products.values():
        owner = demo.processor_a if product.org_id == demo.processor_a.org_id else demo.processor_b
        photos.save_photo(demo.session, actor=owner, product_id=product.id, data=picture)


def gi_definition(demo: DemoYear) -> None:
    """The GI: Youyang camellia oil from the county's protected townships; the
    Taohuayuan company may use the special mark, the Youzhou works not (yet)."""
    manager = demo.actors["manager"]
    protected = [t for name, t in demo.townships.items() if name not in GI_OUTSIDE]
    gi.save_definition(demo.session, actor=manager, township_ids=protected, limits=DEMO_GI_LIMITS, **DEMO_GI)
    gi.authorize(demo.session, actor=manager, org_id=demo.processor_a.org_id, authorized_on=date(demo.year, 1, 15))


def pressing_bottling_and_sales(demo: DemoYear) -> None:
    """Each processor presses its seed into one tested oil lot, bottles and sells some of each product."""
    for processor, product_names in ((demo.processor_a, ["桃花源 压榨山茶油 500ml", "桃花源 压榨山茶油 1.8L 礼盒"]),
                                     (demo.processor_b, ["酉州 一级山茶油 1L"])):
        oil = press_and_test(demo, processor)
        bottle_and_sell(demo, processor, oil, product_names)


def press_and_test(demo: DemoYear, processor) -> Lot:
    rng, year = demo.rng, demo.year
    inputs = [(lot, lot.remaining) for lot in demo.received[processor.org_id]]
    total = sum(amount for _, amount in inputs)
    oil, _cake = processing.press(
        demo.session,
        actor=processor,
        inputs=inputs,
        oil_g=total * rng.randint(245, 275) // 1000,
        cake_g=total * 67 // 100,
        occurred_on=date(year, 11, 28),
    )
    processing.record_quality_test(
        demo.session,
        actor=processor,
        lot_code=oil.code,
        tested_on=date(year, 12, 2),
        values=LabValues(acid_value=rng.randint(600, 1400), peroxide_value=rng.randint(80, 190),
                         moisture=rng.randint(40, 90)),
        laboratory="重庆市林产品质量检验检测中心",
    )
    return oil


def bottle_and_sell(demo: DemoYear, processor, oil: Lot, product_names: list[str]) -> None:
    """60% of the oil into the first product, 30% into the second; three
    buyers of each product lot."""
    rng, year = demo.rng, demo.year
    remaining_oil = oil.remaining
    for share, product_name in zip((60, 30), product_names):
        product = demo.products[product_name]
        units = remaining_oil * share // 100 // product.fill_grams
        oil_used = units * product.fill_grams * 1010 // 1000  # about 1% filling loss
        lot = processing.bottle(demo.session, actor=processor, oil_code=oil.code, product_id=product.id, units=units,
                                oil_used_g=oil_used, occurred_on=date(year, 12, 8))
        demo.bottles.append((lot, product))
        for buyer, channel, price in rng.sample(BUYERS, 3):
            sales.sell(
                demo.session,
                actor=processor,
                lot_code=lot.code,
                buyer=buyer,
                channel=channel,
                quantity=max(1, units * rng.randint(8, 20) // 100),
                unit_price_fen=price * product.fill_grams // 458,
                sold_on=date(year, 12, 10) + timedelta(days=rng.randint(0, 15)),
            )


def gi_marks(demo: DemoYear) -> None:
    """GI marks for half of the first (eligible) product lot."""
    eligible_lot, _product = demo.bottles[0]
    gi.issue_marks(demo.session, actor=demo.actors["manager"], lot_code=eligible_lot.code,
                   units=eligible_lot.quantity // 2, issued_on=date(demo.year, 12, 12))


def figures(demo: DemoYear) -> None:
    """The figures managers see, as the nightly jobs (the roll-up, then the
    brain's forecast, backtest and warnings) and the monthly report would
    leave them at the season's end."""
    reports.rollup_year(demo.session, demo.year, date(demo.year, 12, 31))
    brain_nightly.run(demo.session, date(demo.year, 12, 31))
    for month in (11, 12):
        printing.archive_month(demo.session, demo.year, month, created_by=DEMO)


def summary(demo: DemoYear, public_base_url: str, serial_key: str) -> str:
    """What was made, the logins, and one bottle's consumer page."""
    lot, product = demo.bottles[0]
    product_lot = demo.session.get(ProductLot, lot.id)
    url = bottle_url(public_base_url, serial_key, product.gtin, lot.code, product_lot.serial_first + 7)
    lines = [
        f"Demo data loaded for {demo.year}: {len(demo.orgs)} organizations, {len(demo.plots)} plots, "
        f"{len(demo.bottles)} product lots.",
        f"Lot {demo.in_transit.code} is shipped and waiting to be received by {demo.processor_a.org_name}.",
        "",
        f"Demo logins (password for all: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {username:<11} {role:<12} {org}" for username, role, org, _ in USERS]
    lines += ["", "Consumer page of one demo bottle:", f"  {url}"]
    from ..nursery.models import SeedlingDispatch
    from ..nursery.seedling_labels import label_code

    sent = demo.session.exec(select(SeedlingDispatch).order_by(SeedlingDispatch.id)).first()
    if sent is not None:  # its labels print from the batch's page (nursery login)
        lines += ["Seedling label of one demo bundle:", f"  {public_base_url}/S/{label_code(demo.session, serial_key, sent)}"]
    return "\n".join(lines)


def nursery_batch(session, actor, variety_id, method, source, quantity, *, started, graded, documents):
    """A batch through the nursery's stages: started, growing, graded, certified."""
    lot = nursery.register_batch(
        session, actor=actor, variety_id=variety_id, propagation=method, seed_source=source, quantity=quantity,
        started_on=started,
    )
    nursery.mark_growing(session, actor=actor, code=lot.code, on=started + timedelta(days=45))
    if graded:
        graded_on, grade1, grade2, rejected = graded
        nursery.grade_batch(session, actor=actor, code=lot.code, grade1=grade1, grade2=grade2, rejected=rejected,
                            graded_on=graded_on)
        licence, certificate, label, quarantine = documents
        nursery.certify_batch(
            session, actor=actor, code=lot.code, licence_no=licence, certificate_no=certificate, label_no=label,
            quarantine_no=quarantine, certified_on=graded_on + timedelta(days=10),
        )
    session.commit()
    return lot


def plant_from_batch(demo: DemoYear, plot, batch, variety_id, kind, method, density, day, *,
                     area_centimu=None, survival=None, accepted=None, accepted_share=100):
    """Dispatch grade I seedlings to a plot, plant them, count survivors,
    and have the bureau accept (part of) the area."""
    session = demo.session
    area_centimu = area_centimu or plot.area_centimu
    seedlings = area_centimu * density // 100
    nursery_actor = next(a for a in demo.actors.values() if a.role == "nursery" and a.org_id == batch.owner_org_id)
    record = nursery.dispatch(
        session, actor=nursery_actor, batch_code=batch.code, grade=1, quantity=seedlings, plot_id=plot.id,
        dispatched_on=day,
    )
    dispatched = session.get(Lot, record.dispatch_lot_id)
    coop = demo.coop_actor[session.get(Organization, plot.cooperative_id).name]
    planted = planting.record_planting(
        session, actor=coop, plot_id=plot.id, kind=kind, method=method, area_centimu=area_centimu, variety_id=variety_id,
        planted_on=day + timedelta(days=3), dispatch_code=dispatched.code, seedlings=seedlings,
    )
    if survival is not None:
        planting.record_survival(session, actor=coop, planting_id=planted.id, checked_on=date(day.year, 9, 15),
                                 survival_permille=survival)
    if accepted is not None:
        planting.accept_planting(
            session, actor=demo.actors["manager"], planting_id=planted.id,
            accepted_area_centimu=area_centimu * accepted_share // 100, accepted_on=accepted,
        )
    session.commit()
    return planted
