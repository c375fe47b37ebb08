"""A small, realistic Youyang year of demo data, made through the same
services the forms use, so every rule of the ledger holds for it."""

from datetime import date, timedelta
from random import Random

from sqlmodel import Session, select

from . import clock, codes
from .admin.models import Township, Variety
from .auth import services as auth_services
from .auth.models import Organization
from .gi import services as gi
from .harvest import services as harvest
from . import ledger
from .ledger.models import Lot
from .nursery import services as nursery
from .planting import services as planting
from .processing import services as processing
from .public.services import bottle_url
from .reference import PLAN_TARGETS
from .reports import printing
from .reports import services as reports
from .reports.models import Target
from .sales import services as sales

DEMO_PASSWORD = "oilchain-demo"
# The demo's GI: Youyang camellia oil, protected in every township but two.
DEMO_GI = dict(
    name="酉阳山茶油", registration="地理标志证明商标（演示登记号 GI-DEMO-0001）· 国家知识产权局",
    specification="GB/T 11765 压榨一级；酉阳县域内油茶籽", max_acid_value_milli=2_000, max_peroxide_value_milli=250,
    max_moisture_milli=100,
)
GI_OUTSIDE = ("黑水镇", "兴隆镇")


def missing_targets(session, year: int) -> dict[str, int]:
    """The 2024 plan's targets the bureau carries into `year` (those it has not set)."""
    planned = set(session.execute(select(Target.metric).where(Target.year == year)).scalars())
    return {metric: value for metric, value in PLAN_TARGETS.items() if metric not in planned}

ORGANIZATIONS = [
    # name, kind, township, credit code
    ("酉阳县林业局", "bureau", "钟多街道", "11500242MB1520001K"),
    ("酉阳县油茶良种苗圃", "nursery", "钟多街道", "12500242MB1520102T"),
    ("酉阳县龙潭绿源油茶育苗基地", "nursery", "龙潭镇", "92500242MA60ABC12X"),
    ("酉阳县麻旺镇兴旺油茶种植专业合作社", "cooperative", "麻旺镇", "93500242MA5U8QW21P"),
    ("酉阳县龙潭镇青山油茶专业合作社", "cooperative", "龙潭镇", "93500242MA5YH7K33D"),
    ("酉阳县兴隆镇金果油茶专业合作社", "cooperative", "兴隆镇", "93500242MA60CC4R9N"),
    ("酉阳县黑水镇山花油茶专业合作社", "cooperative", "黑水镇", "93500242MA61DF5T2M"),
    ("酉阳县桃花源茶油有限公司", "processor", "桃花源街道", "91500242MA5UXY8E7B"),
    ("重庆酉州山茶油加工厂", "processor", "大溪镇", "91500242MA60GH6J4C"),
]

USERS = [
    # username, role, organization, display name
    ("admin", "admin", "酉阳县林业局", "系统管理员"),
    ("manager", "manager", "酉阳县林业局", "冉科长"),
    ("nursery", "nursery", "酉阳县油茶良种苗圃", "白技术员"),
    ("nursery2", "nursery", "酉阳县龙潭绿源油茶育苗基地", "彭场长"),
    ("coop", "cooperative", "酉阳县麻旺镇兴旺油茶种植专业合作社", "田社长"),
    ("coop2", "cooperative", "酉阳县龙潭镇青山油茶专业合作社", "杨社长"),
    ("coop3", "cooperative", "酉阳县兴隆镇金果油茶专业合作社", "何会计"),
    ("coop4", "cooperative", "酉阳县黑水镇山花油茶专业合作社", "石社长"),
    ("processor", "processor", "酉阳县桃花源茶油有限公司", "陈厂长"),
    ("processor2", "processor", "重庆酉州山茶油加工厂", "罗经理"),
]

# Per cooperative: its plots as (name, village, area in mu, year planted, lat, lon).
PLOTS = {
    "酉阳县麻旺镇兴旺油茶种植专业合作社": [
        ("老屋基油茶园", "麻旺村", "86.50", 2010, "28.652310", "108.931120"),
        ("大坪油茶园", "红庄村", "54.00", -6, "28.637800", "108.944600"),
        ("新寨新造林地", "光明村", "30.00", None, "28.661500", "108.920700"),
    ],
    "酉阳县龙潭镇青山油茶专业合作社": [
        ("青山坡油茶园", "梅树村", "120.00", 2009, "28.571200", "108.962400"),
        ("后槽油茶园", "堰提村", "45.80", -6, "28.560900", "108.978100"),
        ("枫香坪新造林地", "清泉村", "25.00", None, "28.583300", "108.951800"),
    ],
    "酉阳县兴隆镇金果油茶专业合作社": [
        ("金竹湾油茶园", "兴隆村", "72.30", 2012, "28.921400", "108.608300"),
        ("柏香坡油茶园", "红花村", "38.60", 2015, "28.934700", "108.597200"),
    ],
    "酉阳县黑水镇山花油茶专业合作社": [
        ("马鞍山油茶园", "黑水村", "64.00", 2011, "28.732800", "108.615900"),
        ("山花新造林地", "大涵村", "40.00", None, "28.741100", "108.628400"),
    ],
}

# Per processor: its products as (name, first 13 digits of the GTIN (the check
# digit is computed), ml, fill g, shelf life days, lowest grade it may be sold
# at). The 一级 (grade one) oil is sold only with a test that reaches grade one.
GTIN_BASES = {
    "酉阳县桃花源茶油有限公司": [("桃花源 压榨山茶油 500ml", "0692000123450", 500, 458, 540, None),
                                 ("桃花源 压榨山茶油 1.8L 礼盒", "0692000123451", 1800, 1647, 540, None)],
    "重庆酉州山茶油加工厂": [("酉州 一级山茶油 1L", "0692000567890", 1000, 915, 540, "grade1")],
}


def has_data(session: Session) -> bool:
    return session.exec(select(Organization.id).limit(1)).first() is not None


def demo_year() -> int:
    """The last full season before today, so every date lies in the past."""
    return clock.today().year - 1


def load(session: Session, public_base_url: str, serial_key: str) -> str:
    rng = Random(20241)
    year = demo_year()
    townships = {t.name: t.id for t in session.exec(select(Township))}
    varieties = {v.name: v.id for v in session.exec(select(Variety))}

    for metric, value in missing_targets(session, year).items():
        session.add(Target(year=year, metric=metric, value=value))

    orgs = {}
    for name, kind, township, credit in ORGANIZATIONS:
        orgs[name] = auth_services.create_organization(
            session, name=name, kind=kind, credit_code=credit, township_id=townships[township]
        )
    actors = {}
    for username, role, org_name, display in USERS:
        user = auth_services.create_user(
            session, username=username, password=DEMO_PASSWORD, role=role, organization_id=orgs[org_name].id, display_name=display
        )
        actors[username] = auth_services.actor_for(session, user.id)
    coop_actor = {a.org_name: a for a in actors.values() if a.role == "cooperative"}
    session.commit()

    # Plots: bearing plots from earlier years, and this year's new-planting land.
    plots = {}
    for coop_name, rows in PLOTS.items():
        coop_org = orgs[coop_name]
        for name, village, area, planted, lat, lon in rows:
            plots[name] = planting.create_plot(
                session,
                actor=coop_actor[coop_name],
                name=name,
                township_id=coop_org.township_id,
                village=village,
                area_centimu=int(area.replace(".", "")),
                latitude_e6=int(lat.replace(".", "")),
                longitude_e6=int(lon.replace(".", "")),
                year_planted=year + planted if planted and planted < 0 else planted or year,
            )
    session.commit()

    # Six years ago: a batch whose trees now bear on two plots planted then,
    # so this season's bottles trace back to their nursery.
    historic = nursery_batch(
        session, actors["nursery"], varieties["长林4号"], "grafting", "国家油茶良种基地长林4号采穗圃", 60_000,
        started=date(year - 7, 3, 10), graded=(date(year - 7, 11, 20), 38_000, 14_000, 5_000),
        documents=("渝林种苗2018-0031", f"{year - 7}-ZJ-0009", f"{year - 7}-BQ-0009", f"渝检{year - 7}-0412"),
    )
    for plot_name in ("大坪油茶园", "后槽油茶园"):
        plant_from_batch(session, actors, coop_actor, plots[plot_name], historic, varieties["长林4号"], "new", None, 100,
                         date(year - 6, 2, 20), survival=915, accepted=date(year - 6, 11, 20))

    # This season: batches grafted last spring, graded and certified in January.
    specs = [
        ("nursery", "长林4号", "grafting", "国家油茶良种基地长林4号采穗圃", 180_000, 126_000, 41_000, 6_500),
        ("nursery", "长林40号", "grafting", "国家油茶良种基地长林40号采穗圃", 150_000, 99_000, 38_500, 5_900),
        ("nursery", "湘林210", "cutting", "湖南省林科院湘林210采穗圃", 60_000, 37_800, 15_600, 3_300),
        ("nursery2", "长林53号", "grafting", "酉阳县油茶良种采穗圃", 90_000, 61_200, 20_100, 4_200),
    ]
    batches = []
    for i, (who, variety, method, source, started, g1, g2, rejected) in enumerate(specs):
        batches.append(
            nursery_batch(
                session, actors[who], varieties[variety], method, source, started,
                started=date(year - 1, 3, 5 + i * 3),
                graded=(date(year, 1, 10 + i * 3), g1, g2, rejected),
                documents=(f"渝林种苗{year - 1}-{31 + i:04d}", f"{year}-ZJ-{17 + i:04d}", f"{year}-BQ-{17 + i:04d}", f"渝检{year}-{101 + i:04d}"),
            )
        )
    # And one grafted this spring, still growing.
    nursery_batch(session, actors["nursery"], varieties["华鑫"], "grafting", "国家油茶良种基地华鑫采穗圃", 120_000,
                  started=date(year, 3, 18), graded=None, documents=None)

    # Dispatch and plant: new plantings at about 105 plants/mu, and replanting
    # gaps on bearing plots (renovation); survival checked in September, most
    # accepted by the bureau in the autumn, one still waiting.
    plantings = [  # plot, batch, kind, renovation method, area in mu, plants per mu, accepted share (%)
        ("新寨新造林地", 0, "new", None, None, 105, 100),
        ("枫香坪新造林地", 1, "new", None, None, 105, 92),
        ("山花新造林地", 3, "new", None, None, 105, None),
        ("老屋基油茶园", 0, "renovation", "replanting", "20.00", 90, 100),
        ("青山坡油茶园", 1, "renovation", "replanting", "35.00", 90, 100),
        ("金竹湾油茶园", 2, "renovation", "replanting", "18.50", 90, 100),
        ("马鞍山油茶园", 3, "renovation", "replanting", "22.00", 90, 85),
    ]
    day = date(year, 2, 20)
    for plot_name, batch_index, kind, method, area, density, accepted_share in plantings:
        plot = plots[plot_name]
        area_centimu = int(area.replace(".", "")) if area else plot.area_centimu
        plant_from_batch(
            session, actors, coop_actor, plot, batches[batch_index], varieties[specs[batch_index][1]], kind, method, density, day,
            area_centimu=area_centimu, survival=880 + batch_index * 20,
            accepted=date(year, 10, 15) if accepted_share else None, accepted_share=accepted_share,
        )
        day += timedelta(days=4)
    # Tending (抚育) on a bearing plot needs no seedlings and no survival check.
    tending = planting.record_planting(
        session, actor=coop_actor["酉阳县兴隆镇金果油茶专业合作社"], plot_id=plots["柏香坡油茶园"].id, kind="renovation",
        method="tending", area_centimu=3_860, variety_id=varieties["长林4号"], planted_on=date(year, 4, 12),
    )
    planting.accept_planting(session, actor=actors["manager"], planting_id=tending.id, accepted_area_centimu=3_860, accepted_on=date(year, 10, 20))
    # Seedlings sold to a grower outside the county.
    nursery.dispatch(
        session, actor=actors["nursery"], batch_code=batches[0].code, grade=2, quantity=12_000, dispatched_on=date(year, 3, 20),
        destination="贵州省铜仁市松桃苗族自治县 油茶种植大户 龙某",
    )
    session.commit()

    # Harvest in late October and early November from the bearing plots.
    fruit_by_coop: dict[str, list] = {}
    for coop_name, rows in PLOTS.items():
        for name, _village, _area, planted, *_ in rows:
            if planted is None:
                continue
            plot = plots[name]
            for pick in range(3):
                kg_per_mu = rng.randint(150, 240)  # each of three pickings
                weight = plot.area_centimu * kg_per_mu * 10  # g = centimu/100 * kg * 1000
                lot = harvest.log_harvest(
                    session,
                    actor=coop_actor[coop_name],
                    plot_id=plot.id,
                    weight_g=weight,
                    harvested_on=date(year, 10, 20) + timedelta(days=pick * 6 + rng.randint(0, 2)),
                    pickers=rng.randint(6, 18),
                )
                fruit_by_coop.setdefault(coop_name, []).append(lot)
    session.commit()

    # Each cooperative dries and hulls its fruit into one or two seed lots.
    seed_lots = {}
    for coop_name, lots in fruit_by_coop.items():
        halves = [lots[: len(lots) // 2], lots[len(lots) // 2 :]] if len(lots) > 3 else [lots]
        for part, group in enumerate(halves):
            total = sum(lot.remaining for lot in group)
            outputs = harvest.dry_and_hull(
                session,
                actor=coop_actor[coop_name],
                inputs=[(lot, lot.remaining) for lot in group],
                seed_g=total * rng.randint(240, 265) // 1000,
                husk_g=total * 40 // 100,
                occurred_on=date(year, 11, 12 + part * 4),
            )
            seed_lots.setdefault(coop_name, []).append(outputs[0])
    session.commit()

    # Ship seed to the processors; most are weighed in, one stays in transit.
    processor_a, processor_b = actors["processor"], actors["processor2"]
    shipping_plan = [
        ("酉阳县麻旺镇兴旺油茶种植专业合作社", processor_a),
        ("酉阳县龙潭镇青山油茶专业合作社", processor_a),
        ("酉阳县兴隆镇金果油茶专业合作社", processor_b),
        ("酉阳县黑水镇山花油茶专业合作社", processor_b),
    ]
    received = {processor_a.org_id: [], processor_b.org_id: []}
    in_transit = None
    for coop_name, processor in shipping_plan:
        for index, seed in enumerate(seed_lots[coop_name]):
            ledger.ship_lot(session, actor=coop_actor[coop_name], code=seed.code, to_org_id=processor.org_id, occurred_on=date(year, 11, 22))
            if coop_name == "酉阳县龙潭镇青山油茶专业合作社" and index == len(seed_lots[coop_name]) - 1:
                in_transit = seed
                continue
            weighed = seed.remaining * rng.randint(992, 1004) // 1000
            ledger.receive_lot(session, actor=processor, code=seed.code, weighed=weighed, occurred_on=date(year, 11, 23))
            session.refresh(seed)
            received[processor.org_id].append(seed)
    session.commit()

    # Press, test, bottle, sell.
    products = {}
    for org_name, items in GTIN_BASES.items():
        owner = processor_a if orgs[org_name].id == processor_a.org_id else processor_b
        for name, base, ml, fill, shelf, lowest_grade in items:
            gtin = base + str(codes.gtin_check_digit(base))
            products[name] = processing.create_product(
                session, actor=owner, name=name, gtin=gtin, net_content_ml=ml, fill_grams=fill, shelf_life_days=shelf,
                lowest_grade=lowest_grade,
            )
    session.commit()

    # The GI: Youyang camellia oil from the county's protected townships; the
    # Taohuayuan company may use the special mark, the Youzhou works not (yet).
    protected = [t for name, t in townships.items() if name not in GI_OUTSIDE]
    gi.save_definition(session, actor=actors["manager"], township_ids=protected, **DEMO_GI)
    gi.authorize(session, actor=actors["manager"], org_id=processor_a.org_id, authorized_on=date(year, 1, 15))
    session.commit()

    bottles = []
    buyers = [
        ("重庆永辉超市有限公司", "supermarket", 12800),
        ("酉阳县桃花源景区旅游商品店", "retail", 13800),
        ("京东自营山茶油旗舰店", "online", 12500),
        ("成都红旗连锁股份有限公司", "wholesale", 11200),
    ]
    for processor, product_names in ((processor_a, ["桃花源 压榨山茶油 500ml", "桃花源 压榨山茶油 1.8L 礼盒"]), (processor_b, ["酉州 一级山茶油 1L"])):
        seeds = received[processor.org_id]
        inputs = [(lot, lot.remaining) for lot in seeds]
        total = sum(amount for _, amount in inputs)
        oil, cake = processing.press(
            session,
            actor=processor,
            inputs=inputs,
            oil_g=total * rng.randint(245, 275) // 1000,
            cake_g=total * 67 // 100,
            occurred_on=date(year, 11, 28),
        )
        processing.record_quality_test(
            session,
            actor=processor,
            lot_code=oil.code,
            tested_on=date(year, 12, 2),
            acid_value_milli=rng.randint(600, 1400),
            peroxide_value_milli=rng.randint(80, 190),
            moisture_milli=rng.randint(40, 90),
            laboratory="重庆市林产品质量检验检测中心",
        )
        remaining_oil = oil.remaining
        for share, product_name in zip((60, 30), product_names):
            product = products[product_name]
            units = remaining_oil * share // 100 // product.fill_grams
            oil_used = units * product.fill_grams * 1010 // 1000  # about 1% filling loss
            lot = processing.bottle(
                session,
                actor=processor,
                oil_code=oil.code,
                product_id=product.id,
                units=units,
                oil_used_g=oil_used,
                occurred_on=date(year, 12, 8),
            )
            bottles.append((lot, product))
            for buyer, channel, price in rng.sample(buyers, 3):
                sales.sell(
                    session,
                    actor=processor,
                    lot_code=lot.code,
                    buyer=buyer,
                    channel=channel,
                    quantity=max(1, units * rng.randint(8, 20) // 100),
                    unit_price_fen=price * product.fill_grams // 458,
                    sold_on=date(year, 12, 10) + timedelta(days=rng.randint(0, 15)),
                )
    session.commit()

    eligible_lot, _product = bottles[0]
    gi.issue_marks(session, actor=actors["manager"], lot_code=eligible_lot.code, units=eligible_lot.quantity // 2,
                   issued_on=date(year, 12, 12))
    session.commit()

    # The figures managers see, as the nightly job and the monthly report would leave them.
    reports.rollup_year(session, year, date(year, 12, 31))
    for month in (11, 12):
        printing.archive_month(session, year, month, created_by="oilchain demo")
    session.commit()

    lot, product = bottles[0]
    product_lot = processing_product_lot(session, lot.id)
    url = bottle_url(public_base_url, serial_key, product.gtin, lot.code, product_lot.serial_first + 7)
    lines = [
        f"Demo data loaded for {year}: {len(orgs)} organizations, {len(plots)} plots, {len(bottles)} product lots.",
        f"Lot {in_transit.code} is shipped and waiting to be received by {processor_a.org_name}.",
        "",
        f"Demo logins (password for all: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {username:<11} {role:<12} {org}" for username, role, org, _ in USERS]
    lines += ["", "Consumer page of one demo bottle:", f"  {url}"]
    return "\n".join(lines)


def nursery_batch(session, actor, variety_id, method, source, quantity, *, started, graded, documents):
    """A batch through the nursery's stages: started, growing, graded, certified."""
    lot = nursery.register_batch(
        session, actor=actor, variety_id=variety_id, propagation=method, seed_source=source, quantity=quantity, started_on=started
    )
    nursery.mark_growing(session, actor=actor, code=lot.code, on=started + timedelta(days=45))
    if graded:
        graded_on, grade1, grade2, rejected = graded
        nursery.grade_batch(session, actor=actor, code=lot.code, grade1=grade1, grade2=grade2, rejected=rejected, graded_on=graded_on)
        licence, certificate, label, quarantine = documents
        nursery.certify_batch(
            session, actor=actor, code=lot.code, licence_no=licence, certificate_no=certificate, label_no=label,
            quarantine_no=quarantine, certified_on=graded_on + timedelta(days=10),
        )
    session.commit()
    return lot


def plant_from_batch(session, actors, coop_actor, plot, batch, variety_id, kind, method, density, day, *,
                     area_centimu=None, survival=None, accepted=None, accepted_share=100):
    """Dispatch grade I seedlings to a plot, plant them, count survivors,
    and have the bureau accept (part of) the area."""
    area_centimu = area_centimu or plot.area_centimu
    seedlings = area_centimu * density // 100
    nursery_actor = next(a for a in actors.values() if a.role == "nursery" and a.org_id == batch.owner_org_id)
    record = nursery.dispatch(
        session, actor=nursery_actor, batch_code=batch.code, grade=1, quantity=seedlings, plot_id=plot.id, dispatched_on=day
    )
    dispatched = session.get(Lot, record.dispatch_lot_id)
    coop = coop_actor[org_name_of(session, plot.cooperative_id)]
    planted = planting.record_planting(
        session, actor=coop, plot_id=plot.id, kind=kind, method=method, area_centimu=area_centimu, variety_id=variety_id,
        planted_on=day + timedelta(days=3), dispatch_code=dispatched.code, seedlings=seedlings,
    )
    if survival is not None:
        planting.record_survival(session, actor=coop, planting_id=planted.id, checked_on=date(day.year, 9, 15), survival_permille=survival)
    if accepted is not None:
        planting.accept_planting(
            session, actor=actors["manager"], planting_id=planted.id,
            accepted_area_centimu=area_centimu * accepted_share // 100, accepted_on=accepted,
        )
    session.commit()
    return planted


def org_name_of(session: Session, org_id: int) -> str:
    return session.get(Organization, org_id).name


def processing_product_lot(session: Session, lot_id: int):
    from .processing.models import ProductLot

    return session.get(ProductLot, lot_id)
