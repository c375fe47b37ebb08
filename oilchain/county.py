"""County-scale data: one full plan year of Youyang at the 2024 plan's
targets, for benchmarks and for seeing the app at its real size.

`oilchain demo --scale county [--seed N]` fills an empty database with the
demo year (`demo.demo_year()`): the 39 townships' cooperatives, nurseries and
processors, about 15 million graded and certified seedlings, 30,000 mu of new
plantings and 14,500 mu of renovation accepted by the bureau, about 100,000
mu of bearing plantations (some planted years ago from nursery batches that
are on record, so their bottles' stories name the nursery), tens of
thousands of harvest lots, drying and hulling, shipments and receipts,
13,000 t of seed pressed into about 3,000 t of oil and seed cake, about 7
million bottles in a few thousand product lots, quality tests and about
¥300 million of sales.

The services write one event at a time (a few queries each), far too slow
for this; so the generator computes every row itself, keeping the ledger's
rules (remaining = the sum of a lot's lines, each transformation inside the
yield bounds, no step dated before its lots were in the actor's hands,
whole-lot shipments, receipts within the weighbridge tolerance, dispatches
within the batch's age limit, plot names unique in their village, sales
with a standing quality test of a grade behind them and a plausible price,
contiguous serial ranges and GI mark ranges, codes from the `sequence`
counters), and writes them in bulk with SQLAlchemy Core executemany
batches. Events get their ids in business order (by day, then step), so an id never precedes the
events its lots came from. Then the app's own functions compute the origin
stories (`provenance.shared_stories`), the GI status (`provenance.refresh`)
and the roll-up (`reports.services.rollup_year`).

The same seed gives the same data (random.Random(seed)); timestamps of
recording are derived from the business dates, not from the clock.
"""

import json
import time
from collections import defaultdict, deque
from datetime import date, datetime, timedelta, timezone
from random import Random

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from . import codes
from .admin.models import Township, Variety
from .auth import services as auth_services
from .auth.models import Organization, User
from .demo import DEMO_GI, DEMO_PASSWORD, GI_OUTSIDE, demo_year, missing_targets
from .gi.models import GIMarkIssue, GIProducer, GIProduct, GIProtectedTownship
from .harvest.models import HarvestRecord
from .ledger.models import LOT_CODE_LETTERS, LOT_UNITS, Event, EventLine, Lot, Shipment
from .nursery.models import DispatchAgeLimit, GradingStandard, SeedlingBatch, SeedlingDispatch
from .planting.models import Acceptance, PlantingRecord, Plot, SurvivalCheck
from .processing.models import Product, ProductLot, QualityGrade, QualityTest
from .processing.quality import reaches
from .reference import PLAN_TARGETS, YIELD_BOUNDS
from .reports import services as reports
from .reports.models import Target
from .sales.models import PriceBound, Sale
from .sales.services import plausible_range
from .provenance import refresh as refresh_derived_state
from .provenance import shared_stories

DEFAULT_SEED = 2024
BATCH_ROWS = 5_000  # rows per executemany

# Scale: what the generator aims at (base units), and the county's make-up.
COOPERATIVES = 300
NURSERIES = 36
PROCESSORS = 20
BEARING_AREA_MU = 100_000
TARGET_SEED_PROCESSED_G = PLAN_TARGETS["seed_processed"]  # 13,000 t
TARGET_OUTPUT_VALUE_FEN = PLAN_TARGETS["output_value"]  # ¥300 million
TARGET_SEEDLINGS = PLAN_TARGETS["seedlings_raised"]
TARGET_NEW_CENTIMU = PLAN_TARGETS["planted_new"]
TARGET_RENOVATED_CENTIMU = PLAN_TARGETS["renovated"]
SEED_SURPLUS_PERMILLE = 22  # seed made beyond what is pressed (kept, in transit, weighing)

# Step order within one day: an event never comes before what it acts on.
RANK = {k: i for i, k in enumerate(
    ("commission", "grade", "dispatch", "plant", "harvest", "dry_hull", "ship", "receive", "press", "bottle", "sell"))}

PLACE_WORDS = (
    "青山", "金果", "兴旺", "山花", "绿源", "丰收", "富民", "红岩", "翠峰", "茶香", "福源", "鑫农", "龙泉", "白云", "石门",
    "向阳", "桃源", "金秋", "宏达", "双龙", "凤凰", "银杏", "松林", "云岭", "清溪", "春晖", "长青", "万寿", "玉泉", "瑞丰",
    "民丰", "嘉禾", "大地", "山水", "秀峰", "碧水", "阳光", "金山", "花果", "群益",
)
VILLAGE_WORDS = (
    "红庄", "光明", "梅树", "堰提", "清泉", "红花", "大涵", "金竹", "柏香", "桃坡", "石堡", "新田", "长岭", "青杠", "杉树",
    "水井", "茶园", "大坪", "岩口", "凉桥", "高峰", "双河", "木坪", "老寨", "后溪", "龙凤", "马鞍", "枫香", "平阳", "沙坝",
    "楠木", "团结", "胜利", "星火", "民主", "和平", "土坪", "岭口", "池塘", "竹园",
)
PLOT_WORDS = (
    "老屋基", "大坪", "青山坡", "后槽", "金竹湾", "柏香坡", "马鞍山", "枫香坪", "岩脚", "凉风垭", "大湾", "小湾", "坪上",
    "垭口", "长坡", "阳雀坡", "庙坡", "茶林湾", "水井湾", "堰塘坎", "高坎", "松树坳", "白岩", "黄泥坡", "竹林湾", "桐子坪",
)
SCION_SOURCES = {
    "长林4号": "国家油茶良种基地长林4号采穗圃", "长林40号": "国家油茶良种基地长林40号采穗圃",
    "长林53号": "酉阳县油茶良种采穗圃", "长林3号": "国家油茶良种基地长林3号采穗圃", "长林18号": "国家油茶良种基地长林18号采穗圃",
    "湘林210": "湖南省林科院湘林210采穗圃", "华鑫": "国家油茶良种基地华鑫采穗圃", "华金": "国家油茶良种基地华金采穗圃",
    "华硕": "国家油茶良种基地华硕采穗圃", "赣无1号": "江西省林科院赣无1号采穗圃",
}
OUTSIDE_BUYERS = (
    "贵州省铜仁市松桃苗族自治县油茶种植合作社", "湖南省湘西州龙山县林业专业合作社", "湖北省恩施州来凤县油茶种植大户",
    "重庆市秀山县油茶产业发展有限公司", "重庆市彭水县林业局造林项目部", "贵州省铜仁市沿河县油茶基地",
    "重庆市黔江区油茶种植合作社", "湖南省张家界市桑植县造林公司",
)
BUYERS = (  # name, channel, price per kg of oil in fen before scaling
    ("重庆永辉超市有限公司", "supermarket", 11_000), ("重庆新世纪百货连锁经营有限公司", "supermarket", 11_200),
    ("重百超市酉阳店", "supermarket", 11_500), ("成都红旗连锁股份有限公司", "wholesale", 9_600),
    ("重庆商社电器物流中心", "wholesale", 9_400), ("贵阳星力百货集团", "wholesale", 9_800),
    ("长沙友阿粮油批发市场", "wholesale", 9_200), ("京东自营山茶油旗舰店", "online", 12_500),
    ("天猫酉阳山茶油官方旗舰店", "online", 12_800), ("拼多多酉阳特产馆", "online", 11_800),
    ("抖音酉阳好物直播间", "online", 12_200), ("酉阳县桃花源景区旅游商品店", "retail", 13_500),
    ("龙潭古镇特产店", "retail", 13_200), ("酉阳县城农特产品展销中心", "retail", 13_000),
    ("重庆机场特产专卖店", "retail", 14_500), ("重庆市机关事务管理局食堂", "gift", 12_000),
    ("中石化易捷便利店重庆分公司", "retail", 12_600), ("酉阳县总工会职工福利采购", "gift", 12_400),
    ("香港永德贸易有限公司", "export", 12_000), ("上海盒马鲜生", "supermarket", 12_300),
)
# name suffix, net content ml, fill g, bottle share by count (of a processor
# making all sizes), price factor per kg (small bottles cost more per kg)
SIZES = (
    ("250ml", 250, 229, 40, 1_150),
    ("500ml", 500, 458, 48, 1_000),
    ("1L", 1000, 915, 8.5, 960),
    ("1.8L 礼盒", 1800, 1647, 3, 1_250),
    ("5L", 5000, 4575, 0.5, 850),
)
LABORATORIES = ("重庆市林产品质量检验检测中心", "酉阳县农产品质量安全检测站", "重庆市粮油质量监督检验站")


# --- identities -------------------------------------------------------------------

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: Random, kind: str) -> str:
    """A unified social credit code (GB 32100-2015) of Youyang (division
    500242): registration office and type, the 9-character organization code
    with its GB 11714 check, and the final check character."""
    prefix = {"cooperative": "93", "processor": "91", "nursery": "92", "bureau": "11"}[kind]
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(CREDIT_CHARS.index(c) * w if c.isdigit() else (ord(c) - 55) * w for c, w in zip(body, ORG_CODE_WEIGHTS))
    check9 = 11 - total % 11
    org_code = body + ("X" if check9 == 10 else "0" if check9 == 11 else str(check9))
    first17 = prefix + "500242" + org_code
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


def utc_at(day: date, rng: Random) -> datetime:
    """When a record of `day` was entered: office hours in the county, as UTC."""
    return datetime(day.year, day.month, day.day, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 600))


# --- the ledger in memory -------------------------------------------------------------


class L:
    """A lot being generated. `since`: the day its owner has held it from
    (made, or received); no step of the owner's may be dated before it."""

    __slots__ = ("id", "code", "kind", "quantity", "remaining", "owner", "status", "produced_on", "created_at", "since")

    def __init__(self, kind, quantity, owner, produced_on, created_at):
        self.id = self.code = None
        self.kind, self.quantity, self.remaining = kind, quantity, quantity
        self.owner, self.status, self.produced_on, self.created_at = owner, "active", produced_on, created_at
        self.since = produced_on


class Ev:
    """An event being generated, with its lines (lot, role, delta)."""

    __slots__ = ("id", "kind", "org", "user", "day", "plot", "loss", "note", "lines", "recorded_at", "seq")

    def __init__(self, kind, org, user, day, recorded_at, seq, plot=None, note=""):
        self.id = None
        self.kind, self.org, self.user, self.day, self.plot, self.note = kind, org, user, day, plot, note
        self.loss, self.lines, self.recorded_at, self.seq = 0, [], recorded_at, seq


class Ledger:
    """Events and lots with the ledger's own rules: a lot's remaining moves
    only by lines, never below zero; no step comes before its lots were in
    the actor's hands; transformations balance inside their yield bounds."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.events: list[Ev] = []
        self.lots: list[L] = []

    def event(self, kind, org, day, *, plot=None, note="", inputs=(), outputs=(), adjust=(), step=None, loss=None):
        ev = Ev(kind, org["id"], org["user"], day, utc_at(day, self.rng), len(self.events), plot, note)
        total_in = 0
        for lot, amount in inputs:
            assert lot.owner == org["id"] and lot.status == "active" and 0 < amount <= lot.remaining, (kind, lot.kind)
            assert lot.since <= day, (kind, lot.kind, lot.since, day)
            lot.remaining -= amount
            ev.lines.append((lot, "input", -amount))
            total_in += amount
        for lot, delta in adjust:
            assert lot.remaining + delta >= 0 and lot.since <= day, (kind, lot.kind, lot.since, day)
            lot.remaining += delta
            ev.lines.append((lot, "adjust", delta))
        made = []
        for kind_out, quantity, owner, equivalent in outputs:
            lot = L(kind_out, quantity, owner or org["id"], day, ev.recorded_at)
            self.lots.append(lot)
            ev.lines.append((lot, "output", quantity))
            made.append(lot)
        if step is not None:
            out = {k: (e if e is not None else q) for k, q, _o, e in outputs}
            ev.loss = total_in - sum(out.values())
            for share_kind, amount in [*out.items(), ("loss", ev.loss)]:
                low, high = YIELD_BOUNDS[(step, share_kind)]
                assert low * total_in <= amount * 1000 <= high * total_in, (step, share_kind, amount, total_in)
        elif loss is not None:
            ev.loss = loss
        self.events.append(ev)
        return ev, made

    def ship(self, lot, org, day) -> Ev:
        """A whole lot leaves its owner, in transit until received."""
        assert lot.owner == org["id"] and lot.status == "active" and lot.since <= day, (lot.kind, lot.since, day)
        ev, _ = self.event("ship", org, day)
        lot.status = "in_transit"
        return ev

    def receive(self, lot, org, day, shipped: Ev, declared, weighed) -> Ev:
        """The addressee weighs the lot in (like ledger.receive_lot: always an
        adjust line, of zero when the weight agrees); it holds it from today."""
        assert lot.status == "in_transit" and shipped.day <= day, (shipped.day, day)
        lot.status = "active"
        ev, _ = self.event("receive", org, day, adjust=[(lot, weighed - declared)])
        lot.owner, lot.since = org["id"], day
        return ev

    def number(self) -> None:
        """Ids in business order (day, then step, then creation); lot ids in
        the order of the events that made them."""
        self.events.sort(key=lambda e: (e.day, RANK[e.kind], e.seq))
        lot_id = 0
        for event_id, ev in enumerate(self.events, 1):
            ev.id = event_id
            for lot, role, _delta in ev.lines:
                if role == "output":
                    lot_id += 1
                    lot.id = lot_id
        self.lots.sort(key=lambda lot: lot.id)


# --- the generator ---------------------------------------------------------------------


class County:
    def __init__(self, session: Session, seed: int, year: int, echo):
        self.session, self.year, self.echo = session, year, echo
        self.rng = Random(seed)
        self.ledger = Ledger(Random(seed + 1))
        self.rows: dict[str, list] = defaultdict(list)  # table name -> rows (dicts, Ev/L resolved at write)
        self.ids: dict[str, int] = defaultdict(int)
        self.townships = {name: tid for tid, name in session.execute(select(Township.id, Township.name).order_by(Township.id))}
        self.varieties = {name: vid for vid, name in session.execute(select(Variety.id, Variety.name).order_by(Variety.id))}
        standard = {g.grade: g for g in session.execute(select(GradingStandard)).scalars()}
        self.thresholds = (standard[1].min_height_mm, standard[1].min_diameter_dmm,
                           standard[2].min_height_mm, standard[2].min_diameter_dmm)
        # The rules' data as the database has it (plain rows, kept after commits).
        self.age_limits = dict(session.execute(select(DispatchAgeLimit.propagation, DispatchAgeLimit.max_age_days)).all())
        self.grades = session.execute(select(*QualityGrade.__table__.c).order_by(QualityGrade.rank)).all()
        self.grade_rank = {grade.code: grade.rank for grade in self.grades}
        self.price_bound = session.execute(select(*PriceBound.__table__.c).where(PriceBound.kind == "product")).first()
        self.plot_names: set[tuple] = set()  # (cooperative, township, village, name) taken

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def day(self, month: int, day: int, year: int | None = None) -> date:
        return date(year or self.year, month, day)

    def between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # --- organizations and users

    def organizations(self) -> None:
        rng = self.rng
        names = list(self.townships)
        self.centers = {t: (28_380_000 + rng.randint(0, 860_000), 108_380_000 + rng.randint(0, 760_000)) for t in names}
        password = generate_password_hash(DEMO_PASSWORD, method=auth_services.PASSWORD_METHOD)
        self.orgs = {"bureau": [], "nursery": [], "cooperative": [], "processor": []}
        used = set()

        def add(kind, name, township, username, display, role=None):
            org_id = self.next_id("organization")
            user_id = self.next_id("user")
            created = utc_at(date(self.year - 12 if kind != "cooperative" else self.year - 10, 1, 5), rng)
            self.rows["organization"].append(dict(id=org_id, name=name, kind=kind, credit_code=credit_code(rng, kind),
                                                  township_id=self.townships[township], created_at=created))
            self.rows["user"].append(dict(id=user_id, username=username, display_name=display, password_hash=password,
                                          role=role or kind, organization_id=org_id, active=True, created_at=created))
            org = {"id": org_id, "user": user_id, "name": name, "township": township, "kind": kind}
            self.orgs[kind].append(org)
            return org

        self.bureau = add("bureau", "酉阳县林业局", "钟多街道", "admin", "系统管理员", role="admin")
        self.manager = self.next_id("user")
        self.rows["user"].append(dict(id=self.manager, username="manager", display_name="冉科长", password_hash=password,
                                      role="manager", organization_id=self.bureau["id"], active=True,
                                      created_at=self.rows["user"][0]["created_at"]))
        surnames = "田杨何石冉白彭陈罗向张李王刘黄吴赵周"

        def unique_name(township: str, suffix: str) -> str:
            while (name := f"酉阳县{township}{rng.choice(PLACE_WORDS)}{suffix}") in used:
                pass
            used.add(name)
            return name

        for i in range(NURSERIES):
            township = names[i % len(names)] if i < len(names) else rng.choice(names)
            add("nursery", unique_name(township, "油茶育苗基地"), township, f"nursery{i + 1:02d}", f"{rng.choice(surnames)}场长")
        for i in range(COOPERATIVES):
            township = names[i % len(names)]
            add("cooperative", unique_name(township, "油茶种植专业合作社"), township, f"coop{i + 1:03d}",
                f"{rng.choice(surnames)}社长")
        seats = ["钟多街道", "桃花源街道", "龙潭镇", "麻旺镇", "大溪镇", "酉酬镇", "兴隆镇", "丁市镇", "龚滩镇", "黑水镇"]
        for i in range(PROCESSORS):
            township = seats[i % len(seats)]
            while True:
                word = rng.choice(PLACE_WORDS)
                name = (f"酉阳县{word}茶油有限公司" if i % 3 else f"重庆{word}山茶油加工厂") if i else "酉阳县桃花源茶油有限公司"
                if name not in used:
                    break
            used.add(name)
            add("processor", name, township, f"processor{i + 1:02d}", f"{rng.choice(surnames)}厂长")
        self.by_id = {org["id"]: org for kind in self.orgs.values() for org in kind}

    # --- plots

    def plot(self, coop, name_word, suffix, area_centimu, year_planted, created_on):
        rng = self.rng
        lat, lon = self.centers[coop["township"]]
        plot_id = self.next_id("plot")
        township_id = self.townships[coop["township"]]
        village = f"{rng.choice(VILLAGE_WORDS)}村"
        name = self.unique_plot_name(coop["id"], township_id, village, f"{name_word}{suffix}")
        row = dict(id=plot_id, name=name, township_id=township_id, village=village, cooperative_id=coop["id"],
                   area_centimu=area_centimu, latitude_e6=lat + rng.randint(-30_000, 30_000),
                   longitude_e6=lon + rng.randint(-30_000, 30_000), year_planted=year_planted,
                   created_at=utc_at(created_on, rng))
        self.rows["plot"].append(row)
        return row

    def unique_plot_name(self, coop_id, township_id, village, name) -> str:
        """A cooperative's plot names are unique in a village (a constraint):
        a second 大坪油茶园 there is numbered, 大坪油茶园 (2), as the
        migration numbered the plots it found."""
        candidate, number = name, 1
        while (coop_id, township_id, village, candidate) in self.plot_names:
            number += 1
            candidate = f"{name} ({number})"
        self.plot_names.add((coop_id, township_id, village, candidate))
        return candidate

    def plots(self) -> None:
        rng = self.rng
        coops = self.orgs["cooperative"]
        # Bearing plantations planted 2005 .. five years before the demo year.
        self.bearing = []
        total = 0
        while total < BEARING_AREA_MU * 100:
            coop = coops[len(self.bearing) % len(coops)] if len(self.bearing) < len(coops) * 5 else rng.choice(coops)
            area = rng.randint(1_500, 9_000) if rng.random() < 0.85 else rng.randint(9_000, 22_000)
            planted = rng.choice(range(2005, self.year - 4))
            created = date(max(planted, 2011), 1, rng.randint(5, 28))
            self.bearing.append(self.plot(coop, rng.choice(PLOT_WORDS), "油茶园", area, planted, created))
            total += area
        self.bearing_centimu = total
        # New-planting land of the demo year, added as acceptance totals are reached (plantings()).
        self.new_plots = []

    # --- nurseries and seedlings

    def batch(self, nursery, variety, started, keep, graded_on, *, certified=True, growing_only=False):
        """A batch registered, growing, graded (rejects and losses leave the
        lot) and certified. Returns its lot and grade counts."""
        rng = self.rng
        started_quantity = keep * 1000 // rng.randint(850, 930) if not growing_only else keep
        propagation = "grafting" if rng.random() < 0.8 else "cutting"
        _ev, (lot,) = self.ledger.event("commission", nursery, started, outputs=[("seedling", started_quantity, None, None)])
        row = dict(lot=lot, variety_id=self.varieties[variety], propagation=propagation, seed_source=SCION_SOURCES[variety],
                   started_on=started, started_quantity=started_quantity, stage="growing",
                   growing_on=started + timedelta(days=45), graded_on=None, grade_event=None, grade1=None, grade2=None,
                   rejected=None, grade1_min_height_mm=None, grade1_min_diameter_dmm=None, grade2_min_height_mm=None,
                   grade2_min_diameter_dmm=None, certified_on=None, licence_no=None, certificate_no=None, label_no=None,
                   quarantine_no=None)
        self.rows["seedling_batch"].append(row)
        state = {"lot": lot, "row": row, "variety": variety, "nursery": nursery, "left": {1: 0, 2: 0}}
        if growing_only:
            return state
        grade1 = keep * rng.randint(650, 780) // 1000
        grade2 = keep - grade1
        rejected = (started_quantity - keep) * rng.randint(55, 85) // 100  # the rest died while growing
        grade_ev, _ = self.ledger.event("grade", nursery, graded_on, adjust=[(lot, keep - lot.remaining)],
                                        loss=lot.remaining - keep)
        h1, d1, h2, d2 = self.thresholds
        year = graded_on.year
        n = len(self.rows["seedling_batch"])
        row.update(stage="graded", graded_on=graded_on, grade_event=grade_ev, grade1=grade1, grade2=grade2, rejected=rejected,
                   grade1_min_height_mm=h1, grade1_min_diameter_dmm=d1, grade2_min_height_mm=h2, grade2_min_diameter_dmm=d2)
        if certified:
            row.update(stage="certified", certified_on=graded_on + timedelta(days=rng.randint(5, 12)),
                       licence_no=f"渝林种苗{year - 1}-{n:04d}", certificate_no=f"{year}-ZJ-{n:05d}",
                       label_no=f"{year}-BQ-{n:05d}", quarantine_no=f"渝检{year}-{n:05d}")
        state["left"] = {1: grade1, 2: grade2}
        return state

    def dispatch(self, batch, grade, quantity, day, plot=None, destination=""):
        """Certified seedlings of one grade to a plot (a dispatch lot of its
        cooperative) or out of the county (no lot)."""
        row = batch["row"]
        assert quantity <= batch["left"][grade] and day >= row["certified_on"]
        limit = self.age_limits.get(row["propagation"])
        assert limit is None or (day - row["started_on"]).days <= limit, (row["started_on"], day, limit)
        batch["left"][grade] -= quantity
        nursery = batch["nursery"]
        outputs = [("dispatch", quantity, plot["cooperative_id"], None)] if plot else []
        ev, made = self.ledger.event("dispatch", nursery, day, plot=plot["id"] if plot else None,
                                     note="" if plot else destination, inputs=[(batch["lot"], quantity)], outputs=outputs)
        self.rows["seedling_dispatch"].append(dict(
            id=self.next_id("seedling_dispatch"), event=ev, batch_lot=batch["lot"], grade=grade, quantity=quantity,
            plot_id=plot["id"] if plot else None, dispatch_lot=made[0] if made else None, destination=destination,
            dispatched_on=day))
        if batch["lot"].remaining == 0:
            batch["row"]["stage"] = "dispatched"
        return made[0] if made else None

    def planting(self, plot, kind, method, area, variety, day, *, batch=None, density=None, accept_share=1000,
                 survival=True, accepted_on=None):
        """A planting (with seedlings dispatched for it when `batch`), its
        survival check and the bureau's acceptance. Returns the accepted area."""
        rng = self.rng
        coop = self.by_id[plot["cooperative_id"]]
        seedlings, inputs = 0, []
        if batch is not None:
            seedlings = area * density // 100
            grade = 1 if batch["left"][1] >= seedlings else 2
            if batch["left"][grade] < seedlings:
                return None
            sent_on = max(day - timedelta(days=rng.randint(0, 3)), batch["row"]["certified_on"])
            lot = self.dispatch(batch, grade, seedlings, sent_on, plot=plot)
            inputs = [(lot, seedlings)]
        ev, _ = self.ledger.event("plant", coop, day, plot=plot["id"], inputs=inputs)
        planting_id = self.next_id("planting_record")
        self.rows["planting_record"].append(dict(
            id=planting_id, plot_id=plot["id"], kind=kind, method=method, area_centimu=area,
            variety_id=self.varieties[variety], seedlings=seedlings, event=ev, planted_on=day, user_id=coop["user"],
            recorded_at=utc_at(day, rng)))
        checked = None
        if survival:
            checked = date(day.year, 9, rng.randint(5, 28))
            self.rows["survival_check"].append(dict(
                id=self.next_id("survival_check"), planting_id=planting_id, checked_on=checked,
                survival_permille=rng.randint(820, 975), user_id=coop["user"], recorded_at=utc_at(checked, rng)))
        if accept_share is None:
            return 0
        accepted_on = accepted_on or date(day.year, rng.choice((10, 11)), rng.randint(1, 28))
        accepted = area * accept_share // 1000
        self.rows["acceptance"].append(dict(
            id=self.next_id("acceptance"), planting_id=planting_id, accepted_on=accepted_on, accepted_area_centimu=accepted,
            note="" if accept_share == 1000 else "部分地块成活率不足，按实际成活面积验收", user_id=self.manager,
            recorded_at=utc_at(accepted_on, rng)))
        return accepted

    def history(self) -> None:
        """Bearing plots planted from 2012 on got their trees from nursery
        batches on record: the batches, their dispatches and the plantings,
        accepted in their year, so a bottle's story names the nursery."""
        rng = self.rng
        varieties = list(self.varieties)[:6]
        by_year = defaultdict(list)
        for plot in self.bearing:
            if plot["year_planted"] >= 2012 and rng.random() < 0.7:
                by_year[plot["year_planted"]].append(plot)
        self.historic_batches = []
        for year, plots in sorted(by_year.items()):
            need = sum(p["area_centimu"] * 105 // 100 for p in plots)
            batches = []
            while need > 0:
                keep = rng.randint(40_000, 90_000)
                batch = self.batch(rng.choice(self.orgs["nursery"]), rng.choice(varieties),
                                   date(year - 1, 3, rng.randint(1, 28)), keep, date(year, 1, rng.randint(5, 25)))
                batches.append(batch)
                need -= keep
            self.historic_batches += batches
            for plot in plots:
                day = date(year, rng.choice((2, 3)), rng.randint(1, 28))
                for batch in rng.sample(batches, len(batches)):
                    if day < batch["row"]["certified_on"]:
                        continue
                    if self.planting(plot, "new", None, plot["area_centimu"], batch["variety"], day, batch=batch,
                                     density=rng.randint(95, 111)) is not None:
                        break
            for batch in batches:  # what the county did not plant was sold to growers outside it
                for grade in (1, 2):
                    if batch["left"][grade]:
                        self.dispatch(batch, grade, batch["left"][grade], date(year, 4, rng.randint(10, 28)),
                                      destination=rng.choice(OUTSIDE_BUYERS))

    def seedlings(self) -> None:
        """The demo year's batches: grafted last spring, graded and certified
        in January and February (15 million grade I + II), and this spring's
        grafts still growing."""
        rng = self.rng
        self.batches = []
        total = 0
        varieties = list(self.varieties)
        while total < TARGET_SEEDLINGS:
            keep = min(rng.randint(25_000, 80_000), TARGET_SEEDLINGS - total)
            if TARGET_SEEDLINGS - total - keep < 5_000:
                keep = TARGET_SEEDLINGS - total
            nursery = self.orgs["nursery"][len(self.batches) % len(self.orgs["nursery"])]
            batch = self.batch(nursery, rng.choice(varieties), date(self.year - 1, 3, rng.randint(1, 31)), keep,
                               date(self.year, rng.choice((1, 1, 2)), rng.randint(3, 25)))
            self.batches.append(batch)
            total += keep
        for i in range(40):
            self.batch(self.orgs["nursery"][i % NURSERIES], rng.choice(varieties), date(self.year, 3, rng.randint(5, 30)),
                       rng.randint(30_000, 90_000), None, growing_only=True)

    def plantings(self) -> None:
        """New plantations (30,000 mu accepted) on new land, and renovation
        of bearing plots (14,500 mu accepted): replanting with seedlings, top
        grafting, tending. Spring planting, survival checked in September,
        accepted in October and November; a few still wait for acceptance."""
        rng = self.rng
        coops = self.orgs["cooperative"]
        planting_coops = rng.sample(coops, 220)
        accepted_new = 0
        while accepted_new < TARGET_NEW_CENTIMU:
            coop = rng.choice(planting_coops)
            area = rng.randint(1_500, 9_000)
            plot = self.plot(coop, rng.choice(PLOT_WORDS), "新造林地", area, self.year, date(self.year, 1, rng.randint(5, 28)))
            self.new_plots.append(plot)
            day = date(self.year, rng.choice((2, 3, 3, 4)), rng.randint(1, 28))
            roll = rng.random()
            share = 1000 if roll < 0.85 else rng.randint(800, 980) if roll < 0.97 else None
            batch = self.pick_batch(area * 111 // 100, day)
            got = self.planting(plot, "new", None, area, batch["variety"], day, batch=batch, density=rng.randint(80, 111),
                                accept_share=share)
            accepted_new += got or 0
        accepted_renovated = 0
        plots = rng.sample(self.bearing, len(self.bearing))
        for plot in plots:
            if accepted_renovated >= TARGET_RENOVATED_CENTIMU:
                break
            area = plot["area_centimu"] * rng.randint(30, 100) // 100
            day = date(self.year, rng.choice((2, 3, 4)), rng.randint(1, 28))
            method = rng.choices(("replanting", "top_grafting", "tending"), (40, 25, 35))[0]
            roll = rng.random()
            share = 1000 if roll < 0.88 else rng.randint(800, 980) if roll < 0.98 else None
            if method == "replanting":
                batch = self.pick_batch(area * 100 // 100, day)
                got = self.planting(plot, "renovation", method, area, batch["variety"], day, batch=batch,
                                    density=rng.randint(60, 100), accept_share=share)
            else:
                got = self.planting(plot, "renovation", method, area, rng.choice(list(self.varieties)[:6]), day,
                                    accept_share=share, survival=method != "tending")
            accepted_renovated += got or 0
        # Seedlings sold to growers outside the county (Youyang is a seedling base).
        for batch in self.batches:
            if rng.random() < 0.55:
                grade = 1 if batch["left"][1] > batch["left"][2] else 2
                quantity = batch["left"][grade] * rng.randint(40, 90) // 100
                if quantity:
                    self.dispatch(batch, grade, quantity, batch["row"]["certified_on"] + timedelta(days=rng.randint(5, 60)),
                                  destination=rng.choice(OUTSIDE_BUYERS))

    def pick_batch(self, seedlings, day):
        """A certified batch with enough plants left of one grade by `day`."""
        for _ in range(200):
            batch = self.rng.choice(self.batches)
            if batch["row"]["certified_on"] <= day - timedelta(days=3) and max(batch["left"].values()) >= seedlings:
                return batch
        raise RuntimeError("no batch has seedlings left; raise the seedling target")

    # --- harvest, drying and hulling, shipping

    def harvests(self) -> None:
        """Each bearing plot is picked on several days from mid October to
        late November; its seed yield lies in 100..200 kg/mu around the mean
        that makes the plan's 13,000 t."""
        rng = self.rng
        seed_needed = TARGET_SEED_PROCESSED_G * (1000 + SEED_SURPLUS_PERMILLE) // 1000
        mean_seed_per_centimu = seed_needed / self.bearing_centimu  # g of seed per 0.01 mu
        self.fruit_by_coop = defaultdict(list)
        self.harvest_count = 0
        for plot in self.bearing:
            coop = self.by_id[plot["cooperative_id"]]
            seed_g_per_mu = min(200_000, max(100_000, int(mean_seed_per_centimu * 100 * rng.uniform(0.7, 1.3))))
            fruit = plot["area_centimu"] * seed_g_per_mu // 100 * 1000 // 250  # fresh fruit, about 25% seed
            days = []
            while fruit > 0:
                pickers = rng.randint(6, 30)
                weight = min(fruit, pickers * rng.randint(70_000, 140_000))
                if fruit - weight < 100_000:
                    weight = fruit
                fruit -= weight
                day = self.between(self.day(10, 12), self.day(11, 22))
                days.append((day, weight, pickers))
            for day, weight, pickers in sorted(days):
                ev, (lot,) = self.ledger.event("harvest", coop, day, plot=plot["id"], outputs=[("fruit", weight, None, None)])
                self.rows["harvest_record"].append(dict(lot=lot, plot_id=plot["id"], harvested_on=day, pickers=pickers,
                                                        client_uuid=None, recorded_at=None, received_at=ev.recorded_at))
                self.fruit_by_coop[coop["id"]].append(lot)
                self.harvest_count += 1

    def drying(self) -> None:
        """Each cooperative dries and hulls its fruit in runs of a few days'
        pickings: seed about 25%, husks about 40%, the rest moisture."""
        rng = self.rng
        self.seed_lots = []
        for coop_id, lots in self.fruit_by_coop.items():
            coop = self.by_id[coop_id]
            lots.sort(key=lambda lot: (lot.produced_on, lot.id or 0))
            i = 0
            while i < len(lots):
                group = lots[i: i + rng.randint(5, 12)]
                i += len(group)
                total = sum(lot.remaining for lot in group)
                day = max(lot.produced_on for lot in group) + timedelta(days=rng.randint(4, 9))
                seed = total * rng.randint(242, 258) // 1000
                husk = total * rng.randint(380, 420) // 1000
                _ev, (seed_lot, _husk) = self.ledger.event(
                    "dry_hull", coop, day, inputs=[(lot, lot.remaining) for lot in group],
                    outputs=[("seed", seed, None, None), ("husk", husk, None, None)], step="dry_hull")
                self.seed_lots.append(seed_lot)

    def shipping(self) -> None:
        """Seed goes to the cooperative's processor (one or two each), weighed
        in within the weighbridge tolerance; a few lots stay in transit over
        the new year, a few in the cooperatives' stores."""
        rng = self.rng
        processors = self.orgs["processor"]
        buyers_of = {coop["id"]: rng.sample(processors, rng.choice((1, 1, 2))) for coop in self.orgs["cooperative"]}
        self.received = defaultdict(list)  # processor id -> [(day, lot)]
        kept = set(rng.sample(range(len(self.seed_lots)), 30))
        late = set(rng.sample(sorted(set(range(len(self.seed_lots))) - kept), 12))
        for index, lot in enumerate(self.seed_lots):
            if index in kept:
                continue
            coop = self.by_id[lot.owner]
            processor = rng.choice(buyers_of[coop["id"]])
            day = date(self.year, 12, rng.randint(29, 30)) if index in late else lot.produced_on + timedelta(days=rng.randint(1, 5))
            ship = self.ledger.ship(lot, coop, day)
            declared = lot.remaining
            shipment = dict(id=self.next_id("shipment"), lot=lot, from_org_id=coop["id"], to_org_id=processor["id"],
                            declared_quantity=declared, ship_event=ship, receive_event=None, received_quantity=None,
                            cancelled=False)
            self.rows["shipment"].append(shipment)
            if index in late:
                continue
            on = day + timedelta(days=rng.randint(0, 2))
            weighed = declared * rng.randint(992, 1006) // 1000
            receive = self.ledger.receive(lot, processor, on, ship, declared, weighed)
            shipment.update(receive_event=receive, received_quantity=weighed)
            self.received[processor["id"]].append((on, lot))

    # --- processing and sales

    def products(self) -> None:
        """Each processor's bottle sizes; its gift boxes name the lowest
        quality grade they may be sold at (the county's lowest grade, which
        every test here reaches), the other sizes none."""
        rng = self.rng
        self.products_of = {}
        prefix = 6_920_000
        lowest_grade = self.grades[-1].code
        for n, processor in enumerate(self.orgs["processor"]):
            sizes = [SIZES[0], SIZES[1]] + [s for s in SIZES[2:] if rng.random() < 0.6]
            brand = processor["name"].replace("酉阳县", "").replace("重庆", "")[:4]
            made = []
            for k, (suffix, ml, fill, share, factor) in enumerate(sizes):
                base = f"0{prefix + n * 10 + k:07d}{rng.randint(10000, 99999)}"[:13]
                gtin = base + str(codes.gtin_check_digit(base))
                product_id = self.next_id("product")
                grade = lowest_grade if "礼盒" in suffix else None
                self.rows["product"].append(dict(id=product_id, org_id=processor["id"], name=f"{brand} 压榨山茶油 {suffix}",
                                                 gtin=gtin, net_content_ml=ml, fill_grams=fill, shelf_life_days=540,
                                                 lowest_grade=grade))
                made.append({"id": product_id, "gtin": gtin, "fill": fill, "share": share, "factor": factor,
                             "lowest_grade": grade, "lots": []})
            self.products_of[processor["id"]] = made

    def pressing(self) -> None:
        """Each processor presses what it received, in runs of 10 to 40 t of
        seed a day or two apart: oil 22.2..24.6%, seed cake 64..69%; what is
        not pressed by the year's end stays in stock. Each oil lot is tested
        (some tests reach only the lower grade)."""
        rng = self.rng
        total_received = sum(lot.remaining for lots in self.received.values() for _, lot in lots)
        self.oil_lots = []
        self.oil_test: dict[L, tuple[date, str | None]] = {}  # oil lot -> (tested on, grade reached)
        for processor in self.orgs["processor"]:
            lots = sorted(self.received[processor["id"]], key=lambda pair: (pair[0], pair[1].produced_on))
            mine = sum(lot.remaining for _, lot in lots)
            budget = mine * TARGET_SEED_PROCESSED_G // total_received
            last_press = None
            i = 0
            while i < len(lots) and budget > 0:
                run_size = rng.randint(10_000_000, 40_000_000)
                group, weight = [], 0
                while i < len(lots) and weight < run_size and weight < budget:
                    group.append(lots[i])
                    weight += lots[i][1].remaining
                    i += 1
                budget -= weight
                day = max(on for on, _ in group) + timedelta(days=rng.randint(1, 3))
                if last_press is not None and day <= last_press:
                    day = last_press + timedelta(days=rng.randint(0, 2))
                day = min(day, self.day(12, 30))
                last_press = day
                oil = weight * rng.randint(222, 246) // 1000
                cake = weight * rng.randint(640, 690) // 1000
                _ev, (oil_lot, _cake) = self.ledger.event(
                    "press", processor, day, inputs=[(lot, lot.remaining) for _, lot in group],
                    outputs=[("oil", oil, None, None), ("cake", cake, None, None)], step="press")
                tested = min(day + timedelta(days=rng.randint(2, 5)), self.day(12, 31))
                assert oil_lot.since <= tested
                bad = rng.random() < 0.05
                values = dict(acid_value_milli=rng.randint(2_050, 2_600) if bad else rng.randint(450, 1_700),
                              peroxide_value_milli=rng.randint(60, 220), moisture_milli=rng.randint(30, 95))
                self.rows["quality_test"].append(dict(
                    id=self.next_id("quality_test"), lot=oil_lot, tested_on=tested, **values,
                    laboratory=rng.choice(LABORATORIES), user_id=processor["user"], recorded_at=utc_at(tested, rng),
                    withdrawn_at=None, withdrawn_by=None, withdrawn_reason=""))
                self.oil_test[oil_lot] = (tested, self.grade_reached(**values))
                self.oil_lots.append((processor, oil_lot, tested))

    def grade_reached(self, acid_value_milli, peroxide_value_milli, moisture_milli) -> str | None:
        """The best quality grade these lab values reach (processing.quality's rule), or None."""
        return next((grade.code for grade in self.grades
                     if reaches(grade, acid_value_milli, peroxide_value_milli, moisture_milli)), None)

    def bottling(self) -> None:
        """Each oil lot is bottled into several product lots of the
        processor's sizes (bottle counts weighted toward 250 and 500 ml),
        1..1.5% filling loss; a little oil stays in the tank."""
        rng = self.rng
        self.product_lots = []
        for processor, oil_lot, tested in self.oil_lots:
            products = self.products_of[processor["id"]]
            usable = oil_lot.remaining * rng.randint(970, 995) // 1000
            day = tested
            while usable > 200_000:
                product = rng.choices(products, [p["share"] * p["fill"] for p in products])[0]
                portion = min(usable, rng.randint(300_000, 1_500_000))
                units = portion * 1000 // (1000 + rng.randint(8, 15)) // product["fill"]
                if units <= 0:
                    break
                used = units * product["fill"] * (1000 + rng.randint(8, 15)) // 1000
                if used > oil_lot.remaining:
                    break
                day = min(day + timedelta(days=rng.randint(0, 2)), self.day(12, 31))
                _ev, (lot,) = self.ledger.event("bottle", processor, day, inputs=[(oil_lot, used)],
                                                outputs=[("product", units, None, units * product["fill"])], step="bottle")
                usable -= used
                product["lots"].append(lot)
                self.product_lots.append((processor, product, lot, oil_lot))

    def sales(self) -> None:
        """Each product lot sells 75..100% of its units in one to five sales
        within weeks of bottling, after its oil's quality test; prices are
        set per kg of oil by channel and bottle size, then scaled once so the
        year's sales make the plan's output value. Sales are recorded in date
        order, each price inside the plausible range the sale service would
        find then (the product's sales recorded before it)."""
        rng = self.rng
        pending, raw_total = [], 0
        for processor, product, lot, oil in self.product_lots:
            to_sell = lot.quantity * rng.randint(750, 1000) // 1000
            parts = rng.randint(1, 5)
            for k in range(parts):
                quantity = to_sell // parts + (to_sell % parts if k == 0 else 0)
                if quantity <= 0:
                    continue
                name, channel, per_kg = rng.choice(BUYERS)
                day = min(lot.produced_on + timedelta(days=rng.randint(0, 25)), self.day(12, 31))
                raw_price = per_kg * product["fill"] * product["factor"] // 1_000_000
                pending.append((day, processor, product, lot, oil, quantity, name, channel, raw_price))
                raw_total += quantity * raw_price
        pending.sort(key=lambda sale: sale[0])  # by day (stable): the order they are recorded in
        recent = defaultdict(deque)  # product id -> (day, unit price) of its sales so far, in order
        for day, processor, product, lot, oil, quantity, name, channel, raw_price in pending:
            self.require_sellable(product, oil, day)
            # Scaled to the target and rounded to whole jiao, in integers.
            price = max(10, (raw_price * TARGET_OUTPUT_VALUE_FEN + raw_total * 5) // (raw_total * 10) * 10)
            price = self.plausible_price(recent[product["id"]], product["fill"], day, price)
            ev, _ = self.ledger.event("sell", processor, day, inputs=[(lot, quantity)])
            self.rows["sale"].append(dict(id=self.next_id("sale"), event=ev, lot=lot, buyer=name, channel=channel,
                                          quantity=quantity, unit_price_fen=price, amount_fen=quantity * price, sold_on=day,
                                          price_note=""))

    def require_sellable(self, product, oil, day) -> None:
        """processing.quality.require_sellable: the oil's standing test, dated
        on or before the sale, reaches a grade, and the product's lowest one
        when it names one."""
        tested_on, grade = self.oil_test[oil]
        lowest = product["lowest_grade"]
        assert tested_on <= day and grade is not None, (tested_on, day, grade)
        assert lowest is None or self.grade_rank[grade] <= self.grade_rank[lowest], (grade, lowest)

    def plausible_price(self, recent: deque, fill_grams: int, day: date, price: int) -> int:
        """The price, kept inside the range sales.services.check_price finds
        plausible on `day`. `recent` holds this product's sales recorded so
        far, oldest first: those before the window are dropped, this one added."""
        bound = self.price_bound
        if bound is None:
            return price
        since = day - timedelta(days=bound.window_days)
        while recent and recent[0][0] < since:
            recent.popleft()
        low, high, _median = plausible_range(bound, [p for _, p in recent], fill_grams)
        price = min(max(price, low), high)
        recent.append((day, price))
        return price

    # --- GI and targets

    def gi(self) -> None:
        rng = self.rng
        gi_id = self.next_id("gi_product")
        self.rows["gi_product"].append(dict(id=gi_id, **DEMO_GI, active=True))
        for name, township_id in self.townships.items():
            if name not in GI_OUTSIDE:
                self.rows["gi_protected_township"].append(dict(gi_id=gi_id, township_id=township_id))
        for processor in self.orgs["processor"]:
            if rng.random() < 0.7:
                self.rows["gi_producer"].append(dict(id=self.next_id("gi_producer"), gi_id=gi_id, org_id=processor["id"],
                                                     authorized_on=date(self.year, 1, 15), revoked_on=None))
        for metric, value in missing_targets(self.session, self.year).items():
            self.rows["target"].append(dict(id=None, year=self.year, metric=metric, value=value))

    # --- numbering and writing

    def number(self) -> None:
        """Event and lot ids in business order; lot codes and serial ranges
        from the app's counters, so later use of the app continues them."""
        self.ledger.number()
        series = defaultdict(list)
        for lot in self.ledger.lots:
            series[(LOT_CODE_LETTERS[lot.kind], lot.produced_on.year % 100)].append(lot)
        for (letter, yy), lots in sorted(series.items()):
            first = codes.allocate(self.session, f"lot:{letter}{yy:02d}", len(lots))
            for k, lot in enumerate(lots):
                lot.code = f"YY-{letter}{yy:02d}-{first + k:06d}"
        self.serials = {}
        for products in self.products_of.values():
            for product in products:
                lots = sorted(product["lots"], key=lambda lot: lot.id)
                if not lots:
                    continue
                first = codes.allocate(self.session, f"serial:{product['gtin']}", sum(lot.quantity for lot in lots))
                for lot in lots:
                    self.serials[lot.id] = (first, first + lot.quantity - 1)
                    first += lot.quantity
                assert first - 1 < 10**codes.SERIAL_DIGITS

    def write(self) -> dict:
        session = self.session
        conn = session.connection()
        lots, events = self.ledger.lots, self.ledger.events

        def ref(row, key, target):
            obj = row.pop(key)
            row[target] = None if obj is None else obj.id
            return row

        tables = [
            (Organization, self.rows["organization"]),
            (User, self.rows["user"]),
            (Plot, self.rows["plot"]),
            (Lot, [dict(id=lot.id, code=lot.code, kind=lot.kind, unit=LOT_UNITS[lot.kind], quantity=lot.quantity,
                        remaining=lot.remaining, owner_org_id=lot.owner, status=lot.status, produced_on=lot.produced_on,
                        created_at=lot.created_at) for lot in lots]),
            (Event, [dict(id=ev.id, kind=ev.kind, org_id=ev.org, user_id=ev.user, occurred_on=ev.day,
                          recorded_at=ev.recorded_at, plot_id=ev.plot, loss=ev.loss, reverses_event_id=None,
                          reversed_by_event_id=None, note=ev.note) for ev in events]),
        ]
        line_rows, line_id = [], 0
        for ev in events:
            for lot, role, delta in ev.lines:
                line_id += 1
                line_rows.append(dict(id=line_id, event_id=ev.id, lot_id=lot.id, role=role, delta=delta))
        tables.append((EventLine, line_rows))
        tables.append((Shipment, [ref(ref(ref(r, "lot", "lot_id"), "ship_event", "ship_event_id"), "receive_event",
                                      "receive_event_id") for r in self.rows["shipment"]]))
        tables.append((SeedlingBatch, [ref(ref(r, "lot", "lot_id"), "grade_event", "grade_event_id")
                                       for r in self.rows["seedling_batch"]]))
        tables.append((SeedlingDispatch, [ref(ref(ref(r, "event", "event_id"), "batch_lot", "batch_lot_id"), "dispatch_lot",
                                              "dispatch_lot_id") for r in self.rows["seedling_dispatch"]]))
        tables.append((PlantingRecord, [ref(r, "event", "event_id") for r in self.rows["planting_record"]]))
        tables.append((SurvivalCheck, self.rows["survival_check"]))
        tables.append((Acceptance, self.rows["acceptance"]))
        tables.append((HarvestRecord, [ref(r, "lot", "lot_id") for r in self.rows["harvest_record"]]))
        tables.append((Product, self.rows["product"]))
        product_lot_rows = []
        for _processor, product, lot, _oil in self.product_lots:
            first, last = self.serials[lot.id]
            product_lot_rows.append(dict(lot_id=lot.id, product_id=product["id"], serial_first=first, serial_last=last,
                                         best_before=lot.produced_on + timedelta(days=540), origin_story="{}",
                                         story_updated_at=lot.created_at, gi_status="{}"))
        tables.append((ProductLot, product_lot_rows))
        tables.append((QualityTest, [ref(r, "lot", "lot_id") for r in self.rows["quality_test"]]))
        tables.append((Sale, [ref(ref(r, "event", "event_id"), "lot", "lot_id") for r in self.rows["sale"]]))
        tables.append((GIProduct, self.rows["gi_product"]))
        tables.append((GIProtectedTownship, self.rows["gi_protected_township"]))
        tables.append((GIProducer, self.rows["gi_producer"]))
        targets = [{k: v for k, v in r.items() if k != "id"} for r in self.rows["target"]]
        if targets:
            tables.append((Target, targets))
        counts = {}
        for model, rows in tables:
            table = model.__table__
            for start in range(0, len(rows), BATCH_ROWS):
                conn.execute(insert(table), rows[start: start + BATCH_ROWS])
            counts[table.name] = len(rows)
        if conn.dialect.name == "postgresql":
            for model, rows in tables:
                table = model.__table__
                if "id" in table.c and rows and table.c.id.primary_key and table.c.id.autoincrement:
                    name = f'"{table.name}"' if table.name == "user" else table.name
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))
        return counts


def stories(session: Session, product_lots: list[tuple], echo) -> dict:
    """The stored origin story of every product lot, by the app's own
    `provenance.shared_stories` (once per oil lot: its product lots share
    one story), written in batches. Then the GI status of all of them, by
    the one writer of a product lot's derived state (`provenance.refresh`)."""
    started = time.perf_counter()
    found = shared_stories(session, [lot.id for _processor, _product, lot, _oil in product_lots])
    updates = [{"key": lot_id, "story": story} for lot_id, story in found.items()]
    conn = session.connection()
    table = ProductLot.__table__
    for start in range(0, len(updates), BATCH_ROWS):
        conn.execute(update(table).where(table.c.lot_id == bindparam("key")).values(origin_story=bindparam("story")),
                     updates[start: start + BATCH_ROWS])
    story_seconds = time.perf_counter() - started
    started = time.perf_counter()
    session.expire_all()
    refreshed = refresh_derived_state(session, stories=set())  # the stories just written stand
    distinct = len(set(found.values()))
    return {"distinct_stories": distinct, "story_seconds": story_seconds, "per_story_ms": 1000 * story_seconds / max(1, distinct),
            "gi_refreshed": refreshed, "gi_seconds": time.perf_counter() - started}


def issue_marks(session: Session, year: int, manager_id: int, rng: Random) -> tuple[int, int]:
    """The bureau issues GI special marks for most eligible lots, 60..100%
    of their units, in one issue or two. Like gi.services.issue_marks, each
    issue covers the next serials from the lot's first unmarked one, and
    product_lot.gi_marked counts the serials marked. Returns (issues, lots)."""
    rows = session.execute(select(ProductLot.lot_id, ProductLot.gi_status, ProductLot.serial_first, Lot.quantity,
                                  Lot.produced_on)
                           .join(Lot, Lot.id == ProductLot.lot_id).order_by(ProductLot.lot_id)).all()
    marks, marked = [], []
    for lot_id, status, serial_first, quantity, produced_on in rows:
        status = json.loads(status or "{}")
        if not (status.get("eligible") and rng.random() < 0.6):
            continue
        day = min(produced_on + timedelta(days=rng.randint(1, 10)), date(year, 12, 31))
        first = serial_first
        for units in mark_issues(quantity * rng.randint(60, 100) // 100, rng):
            marks.append(dict(gi_id=status["gi_id"], lot_id=lot_id, units=units, serial_first=first,
                              serial_last=first + units - 1, issued_on=day, user_id=manager_id,
                              recorded_at=utc_at(day, rng)))
            first += units
            day = min(day + timedelta(days=rng.randint(1, 7)), date(year, 12, 31))
        assert first - serial_first <= quantity
        marked.append({"key": lot_id, "marked": first - serial_first})
    conn = session.connection()
    if marks:
        conn.execute(insert(GIMarkIssue.__table__), marks)
    table = ProductLot.__table__
    for start in range(0, len(marked), BATCH_ROWS):
        conn.execute(update(table).where(table.c.lot_id == bindparam("key")).values(gi_marked=bindparam("marked")),
                     marked[start: start + BATCH_ROWS])
    return len(marks), len(marked)


def mark_issues(total: int, rng: Random) -> list[int]:
    """The units of each issue for `total` marks: mostly one issue, now and
    then two (the first roll of labels ran out)."""
    if total < 2 or rng.random() >= 0.3:
        return [total] if total > 0 else []
    first = max(1, total * rng.randint(30, 70) // 100)
    return [first, total - first]


def load(session: Session, public_base_url: str, serial_key: str, seed: int | None = None, echo=print) -> str:
    """Generate and write the county-scale year; returns the summary."""
    from .public.services import bottle_url

    seed = DEFAULT_SEED if seed is None else seed
    year = demo_year()
    began = time.perf_counter()
    marks = {}

    def phase(key, name):
        marks[key] = time.perf_counter()
        echo(f"[{time.perf_counter() - began:6.1f} s] {name}")

    county = County(session, seed, year, echo)
    phase("planting", "generating organizations, plots, nurseries and plantings")
    county.organizations()
    county.plots()
    county.history()
    county.seedlings()
    county.plantings()
    phase("chain", "generating harvests, drying, shipping, pressing, bottling and sales")
    county.harvests()
    county.drying()
    county.shipping()
    county.products()
    county.pressing()
    county.bottling()
    county.sales()
    county.gi()
    county.number()
    phase("writing", f"writing {len(county.ledger.lots):,} lots and {len(county.ledger.events):,} events in bulk")
    counts = county.write()
    session.commit()
    # Planner statistics for the tables just filled: without them SQLite
    # drives the trace's queries from the wrong index (a scan of every event).
    session.execute(text("ANALYZE"))
    session.commit()
    phase("stories", f"origin stories of {len(county.product_lots):,} product lots and their GI status")
    story = stories(session, county.product_lots, echo)
    session.commit()
    issues, marked_lots = issue_marks(session, year, county.manager, Random(seed + 2))
    session.commit()
    phase("roll-up", "roll-up of the year")
    rollup_rows = reports.rollup_year(session, year, date(year, 12, 31))
    session.commit()
    elapsed = time.perf_counter() - began

    totals = dict(session.execute(select(Target.metric, Target.value).where(Target.year == year)).all())
    actual = reports.sums(session, date(year, 1, 1), date(year, 12, 31))
    bottles = sum(lot.quantity for _, _, lot, _ in county.product_lots)
    lot_count = session.execute(select(func.count()).select_from(Lot)).scalar_one()
    event_count = session.execute(select(func.count()).select_from(Event)).scalar_one()
    line_count = session.execute(select(func.count()).select_from(EventLine)).scalar_one()
    _processor, product, lot, _oil = county.product_lots[0]
    first, _last = county.serials[lot.id]
    url = bottle_url(public_base_url, serial_key, product["gtin"], lot.code, first + 7)

    def t(g):
        return f"{g / 1_000_000:,.1f} t"

    def pct(metric):
        return f" ({actual.get(metric, 0) * 100 / totals[metric]:.1f}% of the target)" if totals.get(metric) else ""

    lines = [
        f"County-scale data for {year} (seed {seed}) on {session.get_bind().dialect.name}:",
        (f"  organizations      {len(county.by_id)} ({len(county.orgs['cooperative'])} cooperatives, "
         f"{len(county.orgs['nursery'])} nurseries, {len(county.orgs['processor'])} processors, the bureau); "
         f"{counts['user']} users"),
        (f"  plots              {counts['plot']:,} ({len(county.bearing):,} bearing, "
         f"{county.bearing_centimu / 100:,.0f} mu; {len(county.new_plots):,} new)"),
        f"  seedlings raised   {actual.get('seedlings_raised', 0):,} plants{pct('seedlings_raised')}",
        f"  planted new        {actual.get('planted_new', 0) / 100:,.2f} mu accepted{pct('planted_new')}",
        f"  renovated          {actual.get('renovated', 0) / 100:,.2f} mu accepted{pct('renovated')}",
        f"  harvest lots       {county.harvest_count:,}",
        f"  seed pressed       {t(actual.get('seed_processed', 0))}{pct('seed_processed')}",
        f"  oil pressed        {t(actual.get('oil_output', 0))}",
        f"  bottles            {bottles:,} in {len(county.product_lots):,} product lots",
        f"  sales              ¥{actual.get('output_value', 0) / 100:,.2f} in {counts['sale']:,} sales{pct('output_value')}",
        f"  by-products        {actual.get('by_products', 0)}",
        f"  quality tests      {counts['quality_test']:,}; GI marks: {issues:,} issues for {marked_lots:,} lots",
        (f"  ledger             {lot_count:,} lots, {event_count:,} events, {line_count:,} event lines, "
         f"{counts['shipment']:,} shipments"),
        (f"  origin stories     {story['distinct_stories']:,} distinct ({story['per_story_ms']:.0f} ms each, "
         f"{story['story_seconds']:.1f} s) for {len(county.product_lots):,} product lots; "
         f"GI refresh {story['gi_seconds']:.1f} s"),
        f"  roll-up            {rollup_rows:,} daily rows",
        "  phases             " + ", ".join(
            f"{key} {(later - marks[key]):.1f} s"
            for key, later in zip(marks, [*list(marks.values())[1:], time.perf_counter()])),
        f"Elapsed: {elapsed:.1f} s",
        "",
        f"Logins: admin, manager, nursery01.., coop001.., processor01.. (password: {DEMO_PASSWORD})",
        "Consumer page of one bottle:",
        f"  {url}",
    ]
    return "\n".join(lines)
