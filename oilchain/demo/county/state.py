"""The county years being generated (`County`): the random source, the
in-memory ledger, the rows of every other table, the rules' data as the
database has it, and what each step made for the steps after it. Years
follow one another (`begin_year`): what lasts (organizations, plots and
their plantings, products, the mill's equipment) stays, the rows of a year
written are dropped."""

from collections import defaultdict
from datetime import date, timedelta
from random import Random

from sqlalchemy import select
from sqlmodel import Session

from ...admin.models import Township, Variety
from ...brain import curves
from ...nursery.models import DispatchAgeLimit, GradingStandard
from ...processing.models import OIL_METHODS, QualityGrade
from ...processing.quality import grades
from ...reference import PLAN_TARGETS
from ...sales.models import PriceBound
from .memory_ledger import Ledger


class County:
    """The generator's state. Steps (the modules beside this one) read and
    fill it in the order `oilchain.demo.county.load` calls them."""

    def __init__(self, session: Session, seed: int, year: int, last_year: int | None = None):
        self.session, self.year, self.seed = session, year, seed
        self.first_year, self.last_year = year, last_year or year
        self.targets = dict(PLAN_TARGETS)  # the year's targets (years.set_targets), which the steps aim at
        self.rng = Random(seed)
        self.ledger = Ledger(Random(seed + 1))
        self.rows: dict[str, list] = defaultdict(list)  # table name -> rows (dicts, Ev/L resolved at write)
        self.ids: dict[str, int] = defaultdict(int)
        self.townships = {name: tid for tid, name in session.execute(select(Township.id, Township.name).order_by(Township.id))}
        self.township_names = {tid: name for name, tid in self.townships.items()}
        self.varieties = {name: vid for vid, name in session.execute(select(Variety.id, Variety.name).order_by(Variety.id))}
        self.variety_groups = dict(session.execute(select(Variety.id, Variety.yield_group)).all())
        standard = {g.grade: g for g in session.execute(select(GradingStandard)).scalars()}
        self.thresholds = (standard[1].min_height_mm, standard[1].min_diameter_dmm,
                           standard[2].min_height_mm, standard[2].min_diameter_dmm)
        # The rules' data as the database has it (plain rows, kept after commits).
        self.age_limits = dict(session.execute(select(DispatchAgeLimit.propagation, DispatchAgeLimit.max_age_days)).all())
        self.grades = {method: grades(session, method) for method in OIL_METHODS}  # the limits per extraction method
        self.grade_rank = dict(session.execute(select(QualityGrade.code, QualityGrade.rank)).all())
        self.curves = curves.load(session)  # yield curve, renovation effects, harvest window
        self.price_bound = session.execute(select(*PriceBound.__table__.c).where(PriceBound.kind == "product")).first()
        self.plot_names: set[tuple] = set()  # (cooperative, township, village, name) taken
        self.plantings: dict[int, list] = defaultdict(list)  # plot id -> its plantings (brain.stands.Planting), every year
        # What the steps make, in the order they run:
        self.centers: dict = {}  # organizations: township -> (latitude e6, longitude e6) plots lie around
        self.orgs: dict[str, list[dict]] = {}  # organizations: kind -> orgs (id, user, name, township, kind)
        self.by_id: dict[int, dict] = {}  # organizations: org id -> org
        self.bureau: dict | None = None  # organizations
        self.manager: int | None = None  # organizations: the bureau manager's user id
        self.bearing: list[dict] = []  # plots: bearing plot rows
        self.bearing_centimu = 0  # plots
        self.on_record: set[int] = set()  # plots: bearing plots planted from batches on record (planting.history)
        self.new_plots: list[dict] = []  # planting: this year's new-planting land
        self.historic_batches: list[dict] = []  # planting (history): batches of earlier years
        self.batches: list[dict] = []  # nursery: this year's certified batches
        self.fruit_by_coop: dict[int, list] = {}  # harvest: cooperative id -> fruit lots
        self.harvest_count = 0  # harvest
        self.seed_lots: list = []  # harvest (drying)
        self.received: dict[int, list] = {}  # shipping: processor id -> [(day, seed lot)]
        self.products_of: dict[int, list[dict]] = {}  # processing: processor id -> its products
        self.oil_lots: list[tuple] = []  # processing: (processor, oil lot, tested on)
        self.oil_test: dict = {}  # processing: oil lot -> (tested on, grade reached)
        self.product_lots: list[tuple] = []  # processing: (processor, product, product lot, oil lot)
        self.serials: dict[int, tuple[int, int]] = {}  # writing: product lot id -> (first, last serial)
        # The oil mill's steps (mill.py, byproducts.py, bulk.py):
        self.cold_permille: dict[int, int] = {}  # processor id -> share of its runs cold pressed
        self.oil_method: dict = {}  # every oil lot -> cold_pressed, hot_pressed or solvent
        self.refined: set = set()  # oil lots refined
        self.split_parts: list = []  # shipping: seed lots split off, shipped to a second processor
        self.bulk_oil: list[tuple] = []  # mill: (processor, oil lot) sold by weight, not bottled
        self.leaching_processors: set[int] = set()  # mill: processors with a solvent extraction plant
        self.tank_of: dict = {}  # mill: oil lot -> the tank holding it
        self.extracting: list[dict] = []  # byproducts: processors with a saponin line
        self.composting: list[dict] = []  # byproducts: processors making organic fertilizer
        self.goods_products: list[dict] = []  # byproducts: by_product rows made this year
        self.goods_of: dict = {}  # byproducts: goods lot -> its by_product row
        self.bulk_oil_fen = 0  # bulk: oil sold by weight, fen (the bottles make the rest of the target)
        self.sold_by_weight = (0, 0)  # bulk: sales of lots not bottled, and their fen
        self.by_products: dict[str, list] = {}  # mill, byproducts: kind -> (org, lot) of by-products on hand

    def begin_year(self, year: int) -> None:
        """The next year: the last one's rows are written, its lots and
        events numbered; last year's new plantations join the plots picked
        (they bear along the yield curve as they age)."""
        self.year = year
        self.rows = defaultdict(list)
        self.ledger.close_year()
        self.bearing = self.bearing + self.new_plots
        self.bearing_centimu = sum(plot["area_centimu"] for plot in self.bearing)
        self.new_plots = []
        for products in self.products_of.values():
            for product in products:
                product["lots"] = []
        self.oil_method, self.refined, self.tank_of, self.goods_of = {}, set(), {}, {}
        self.bulk_oil, self.by_products, self.bulk_oil_fen = [], {}, 0

    def target(self, metric: str) -> int:
        return self.targets[metric]

    def pressing_method(self, processor) -> str:
        """How a pressing run of `processor` pressed (a third of the processors cold press some of their runs)."""
        if processor["id"] not in self.cold_permille:
            self.cold_permille[processor["id"]] = self.rng.choice((0, 0, 50, 250, 600))
        return "cold_pressed" if self.rng.randrange(1000) < self.cold_permille[processor["id"]] else "hot_pressed"

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def day(self, month: int, day: int, year: int | None = None) -> date:
        return date(year or self.year, month, day)

    def between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))
