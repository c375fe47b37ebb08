"""Reference data every database starts with: the county's townships, the
improved varieties, the 2024 plan's targets and the yield bounds. Seeding is
idempotent: it adds what is missing and never overwrites an admin's edits."""

import csv
from pathlib import Path

from sqlmodel import Session, select

from .admin.models import Township, Variety
from .brain.models import RenovationEffect, SeasonCurve, WarningRule
from .ledger.models import YieldBound, YieldCurve
from .nursery.models import DispatchAgeLimit, GradingStandard
from .processing.models import GradeLimit, QualityGrade
from .public.models import COPIED_CODE_DEFAULTS
from .reports.models import Target
from .sales.models import PriceBound

TOWNSHIPS_CSV = Path(__file__).parent / "data" / "youyang_townships.csv"

VARIETIES = ("长林4号", "长林40号", "长林53号", "长林3号", "长林18号", "湘林210", "华鑫", "华金", "华硕", "赣无1号")

# The county forestry bureau's 2024 work plan (DESIGN.md), in base units.
PLAN_YEAR = 2024
PLAN_TARGETS = {
    "seedlings_raised": 15_000_000,  # plants
    "planted_new": 30_000 * 100,  # mu -> hundredths
    "renovated": 14_500 * 100,
    "seed_processed": 13_000 * 1_000_000,  # t -> g
    "output_value": 300_000_000 * 100,  # yuan -> fen
    "by_products": 2,
    # 主要造林树种良种使用率达到75%以上: by area, per mille (reports.metrics.RATIOS)
    "improved_share": 750,
}

# (step, output kind) -> plausible share of the input, per mille.
YIELD_BOUNDS = {
    ("dry_hull", "seed"): (150, 400),  # fresh fruit to dry seed, about 25%
    ("dry_hull", "husk"): (0, 700),
    ("dry_hull", "loss"): (0, 700),
    ("press", "oil"): (150, 350),  # dry seed to oil, about 20-30%
    ("press", "cake"): (500, 850),
    ("press", "loss"): (0, 150),
    ("bottle", "product"): (950, 1000),
    ("bottle", "loss"): (0, 50),
    # Seed cake holds about 12-16% tea saponin; water or ethanol extraction
    # recovers 5-15% of the cake as crude saponin, the rest is meal and water.
    ("extract", "saponin"): (40, 180),
    ("extract", "meal"): (650, 950),
    ("extract", "loss"): (0, 250),
    # Pressed cake keeps 5-9% oil; solvent extraction (浸出) takes most of it.
    ("leach", "oil"): (20, 120),
    ("leach", "meal"): (800, 970),
    ("leach", "loss"): (0, 100),
    # Refining (degumming, deacidification, bleaching, deodorization) loses
    # 1-15% of crude oil, more for a high acid value.
    ("refine", "oil"): (850, 990),
    ("refine", "loss"): (10, 150),
    # Blending loses only what stays in pipes and tanks.
    ("blend", "oil"): (980, 1000),
    ("blend", "loss"): (0, 20),
    # By-product products, by the kind they are made from (byproducts: make),
    # as a share of inputs + untraced ingredients: husks carbonize to 20-35%
    # activated carbon; cake and meal composted with manure lose water;
    # a detergent is mostly water and surfactant around its saponin.
    ("make_husk", "goods"): (100, 600),
    ("make_husk", "loss"): (400, 900),
    ("make_cake", "goods"): (500, 1000),
    ("make_cake", "loss"): (0, 500),
    ("make_meal", "goods"): (500, 1000),
    ("make_meal", "loss"): (0, 500),
    ("make_saponin", "goods"): (700, 1000),
    ("make_saponin", "loss"): (0, 300),
    # Untraced ingredients, per mille of the traced inputs: a detergent may be
    # 2.5% saponin (40 times its weight of water and surfactant); a compost at
    # most half again its cake or meal in manure; husks take a little
    # activating agent.
    ("make_saponin", "untraced"): (0, 40_000),
    ("make_cake", "untraced"): (0, 1_500),
    ("make_meal", "untraced"): (0, 1_500),
    ("make_husk", "untraced"): (0, 300),
}


# grade -> (minimum height in mm, minimum ground diameter in tenths of a mm),
# defaults for one-year grafted seedlings; the bureau edits them.
GRADING_STANDARD = {1: (250, 35), 2: (180, 28)}
# Plants tied in one bundle, one label (标签) each, by grade.
PLANTS_PER_BUNDLE = {1: 50, 2: 100}


# Quality grades of camellia oil and their rank (1 is the best), and per
# extraction method each grade's limits: (acid value mg KOH/g, peroxide
# value g/100g, moisture and volatiles %), in thousandths. GB/T 11765-2018
# has a table per method; its figures could not be confirmed here, so these
# are defaults for the bureau to check against the standard's text (the
# thresholds page says so). Cold and hot pressed oil share the figures;
# solvent-extracted oil (refined from the cake's crude) gets a looser acid value.
QUALITY_GRADE_RANKS = {"grade1": 1, "grade2": 2}
PRESSED_GRADES = {"grade1": (1_500, 150, 100), "grade2": (3_000, 250, 150)}
QUALITY_GRADES = {
    "cold_pressed": PRESSED_GRADES,
    "hot_pressed": PRESSED_GRADES,
    "solvent": {"grade1": (2_000, 150, 100), "grade2": (4_000, 250, 150)},
}


# Days since sown or grafted after which a batch may no longer be dispatched:
# camellia seedlings go out as one- or two-year-old plants; three years is
# the default the bureau sets to the standard it follows.
DISPATCH_AGE_LIMITS = {"grafting": 1095, "cutting": 1095, "seedling": 1095, "tissue_culture": 1095}

# Plausible prices (sales.models.PriceBound): within 50%..200% of the
# product's median of the last 90 days (at least 3 sales), else ¥40..¥1,000
# per kg of oil (camellia oil sells at about ¥100..¥400 per kg).
# Bulk lots are priced per kg: oil like the bottled product; seed cake
# ¥0.5..¥20 (feed and fertilizer, about ¥2..¥5); husks ¥0.1..¥10 (fuel,
# about ¥0.5); crude tea saponin ¥5..¥300 (about ¥20..¥60 at 60%); meal
# like cake; by-product products ¥1..¥500 (a packed unit by its weight).
PRICE_BOUNDS = {
    "product": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                    floor_fen_per_kg=4_000, ceiling_fen_per_kg=100_000),
    "oil": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                floor_fen_per_kg=4_000, ceiling_fen_per_kg=100_000),
    "cake": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                 floor_fen_per_kg=50, ceiling_fen_per_kg=2_000),
    "husk": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                 floor_fen_per_kg=10, ceiling_fen_per_kg=1_000),
    "saponin": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                    floor_fen_per_kg=500, ceiling_fen_per_kg=30_000),
    "meal": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                 floor_fen_per_kg=50, ceiling_fen_per_kg=2_000),
    "goods": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                  floor_fen_per_kg=100, ceiling_fen_per_kg=50_000),
}


# The yield curve (ledger.models.YieldCurve): expected dry seed, g per mu, by
# tree age in years since planting, for the two groups of trees. Planning
# defaults for the bureau to calibrate on its own seasons (the brain's
# backtest shows how far they are off), from the figures commonly published
# for camellia oleifera: improved clones (长林, 湘林, 华 series) start bearing
# in their 3rd year and reach full bearing (盛果期) around the 8th, when
# national guidance expects 40 kg of oil per mu or more, i.e. about 160-180
# kg of dry seed at a 25% oil ratio; old seedling-grown local stands bear
# from their 5th year and give a third to a half of that. The last age
# listed holds for older trees.
YIELD_CURVE = {
    "improved": {0: 0, 1: 0, 2: 0, 3: 15_000, 4: 40_000, 5: 70_000, 6: 100_000, 7: 130_000, 8: 160_000,
                 9: 170_000},
    "local": {0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 15_000, 6: 30_000, 7: 45_000, 8: 60_000, 9: 70_000},
}

# What a renovation does to the renovated area, per mille of the curve by
# years since it (brain.models.RenovationEffect; the last row holds after).
# Tending (垦复、施肥、修剪) of a low-yield stand is commonly reported to
# raise its yield by a third or more within three years; top grafting
# (高接换冠) cuts the crown back, so the area gives little until the
# improved scions bear from about the third year, then more than before.
RENOVATION_EFFECTS = {
    "tending": {0: 1_000, 1: 1_150, 2: 1_250, 3: 1_300},
    "top_grafting": {0: 100, 1: 200, 2: 500, 3: 900, 4: 1_300, 5: 1_600},
}

# The forecast's ratios before the season's own records give them: dry seed
# of fresh fruit (drying and hulling, about 25%: the middle of the ledger's
# bound above) and oil of dry seed (pressing, about 25%: the oil ratio the
# yield curve's seed assumes). Once the season has dry_hull or press events
# the forecast takes their ratio instead (brain.forecast).
SEED_PERMILLE_OF_FRUIT = 250
OIL_PERMILLE_OF_SEED = 250

# Seasonal profiles (brain.models.SeasonCurve): cumulative share of the
# season's total by a day of the year, per mille. "harvest" is Youyang's
# harvest window: picking from mid-October (寒露 varieties) to late November
# (霜降 and later ones), most of it in the first three weeks of November.
# The target metrics' profiles follow when their records count, which is
# not always when the work is done: seedlings when graded (winter and
# spring, some after the autumn lifting), pressing and its oil after the
# harvest (and the last season's seed early in the year), sales all year
# with the Spring Festival and the new oil. New and renovated plantations
# are planted from February to April but count only once the bureau has
# accepted them (reports.metrics counts the accepted area, not the planted
# one), after the survival check: acceptance comes in October and
# November, so their profiles stay at 0 until the end of August and reach
# 1000 by the end of the year (a spring profile would call every target
# behind all spring and summer, before anything could be accepted).
SEASON_CURVES = {
    "harvest": ((10, 10, 0), (10, 20, 120), (11, 1, 420), (11, 10, 700), (11, 20, 920), (11, 30, 1_000)),
    "seedlings_raised": ((1, 31, 150), (2, 28, 350), (3, 31, 550), (4, 30, 650), (9, 30, 700), (10, 31, 800),
                         (11, 30, 920), (12, 31, 1_000)),
    "planted_new": ((8, 31, 0), (9, 30, 50), (10, 31, 450), (11, 30, 950), (12, 31, 1_000)),
    "renovated": ((8, 31, 0), (9, 30, 50), (10, 31, 450), (11, 30, 950), (12, 31, 1_000)),
    "seed_processed": ((1, 31, 120), (2, 28, 200), (3, 31, 240), (10, 31, 260), (11, 30, 650), (12, 31, 1_000)),
    "oil_output": ((1, 31, 120), (2, 28, 200), (3, 31, 240), (10, 31, 260), (11, 30, 650), (12, 31, 1_000)),
    "output_value": ((1, 31, 110), (2, 28, 200), (3, 31, 260), (6, 30, 380), (9, 30, 480), (10, 31, 560),
                     (11, 30, 760), (12, 31, 1_000)),
    # By-products sell with the oil they come from (no plan target; a manager may set one).
    "by_product_value": ((1, 31, 110), (2, 28, 200), (3, 31, 260), (6, 30, 380), (9, 30, 480), (10, 31, 560),
                         (11, 30, 760), (12, 31, 1_000)),
}

# Early warnings (brain.models.WarningRule): kind -> (severity, thresholds).
# brain/rules.py declares each threshold's meaning and bounds.
WARNING_RULES = {
    "acceptance_overdue": ("warning", {"days": 60}),  # survival checked this many days ago, not accepted
    "low_survival": ("warning", {"permille": 850}),  # latest survival check below this
    "harvest_behind": ("warning", {"permille": 700, "min_expected_permille": 200}),  # of the forecast for the date
    "seed_unpressed": ("warning", {"days": 45}),  # seed received and not pressed
    "pressing_backlog": ("info", {"days": 30, "pace_days": 30}),  # seed on hand over the pace of the last pace_days
    "quality_drift": ("warning", {"tests": 5, "rise_permille": 300}),  # mean acid of the last tests over the earlier
    "quality_below_grade": ("critical", {}),  # a test below the grade its product claims
    "price_outlier": ("warning", {"days": 365}),  # sales of the last days, against sales.models.PriceBound
    "copied_code": ("warning", COPIED_CODE_DEFAULTS),  # a genuine serial from this many networks or days
    "gi_marks_near": ("info", {"permille": 900}),  # GI marks issued of the eligible units
    "seedlings_short": ("warning", {"permille": 1_000, "density_per_mu": 111}),  # certified stock of the seedlings the
    # plan still needs: (target area not yet planted) x density; 111/mu is 2 m x 3 m, the usual spacing for camellia
    "target_behind": ("warning", {"permille": 800}),  # actual of the pace the season curve calls for
}


def township_rows() -> list[dict]:
    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _add_missing(session: Session, added: dict, name: str, known_query, rows_by_key: dict) -> None:
    """Add the rows of every key the table does not hold yet (`known_query`
    selects the keys it holds), so an admin's edits are never overwritten."""
    known = {row[0] if len(row) == 1 else tuple(row) for row in session.execute(known_query)}
    for key, rows in rows_by_key.items():
        if key not in known:
            session.add_all(rows)
            added[name] = added.get(name, 0) + len(rows)


def seed_reference_data(session: Session) -> dict[str, int]:
    added = {"townships": 0, "varieties": 0, "targets": 0, "yield_bounds": 0, "grading_standard": 0}
    tables = (
        ("townships", select(Township.name),
         {row["name"]: [Township(name=row["name"], kind=row["kind"])] for row in township_rows()}),
        ("varieties", select(Variety.name), {name: [Variety(name=name)] for name in VARIETIES}),
        # The plan's targets for a plan year with none yet: a year the bureau
        # (or a county run's later year) set otherwise keeps what it has.
        ("targets", select(Target.year).where(Target.year == PLAN_YEAR),
         {PLAN_YEAR: [Target(year=PLAN_YEAR, metric=metric, value=value) for metric, value in PLAN_TARGETS.items()]}),
        ("yield_bounds", select(YieldBound.step, YieldBound.output_kind),
         {(step, kind): [YieldBound(step=step, output_kind=kind, min_permille=low, max_permille=high)]
          for (step, kind), (low, high) in YIELD_BOUNDS.items()}),
        ("quality_grades", select(QualityGrade.code),
         {code: [QualityGrade(code=code, rank=rank)] for code, rank in QUALITY_GRADE_RANKS.items()}),
        ("grade_limits", select(GradeLimit.method, GradeLimit.grade_code),
         {(method, code): [GradeLimit(method=method, grade_code=code, max_acid_value_milli=acid,
                                      max_peroxide_value_milli=peroxide, max_moisture_milli=moisture)]
          for method, by_grade in QUALITY_GRADES.items() for code, (acid, peroxide, moisture) in by_grade.items()}),
        ("grading_standard", select(GradingStandard.grade),
         {grade: [GradingStandard(grade=grade, min_height_mm=height, min_diameter_dmm=diameter,
                                  plants_per_bundle=PLANTS_PER_BUNDLE[grade])]
          for grade, (height, diameter) in GRADING_STANDARD.items()}),
        ("dispatch_age_limits", select(DispatchAgeLimit.propagation),
         {propagation: [DispatchAgeLimit(propagation=propagation, max_age_days=days)]
          for propagation, days in DISPATCH_AGE_LIMITS.items()}),
        ("price_bounds", select(PriceBound.kind), {kind: [PriceBound(kind=kind, **values)] for kind, values in PRICE_BOUNDS.items()}),
        ("yield_curve", select(YieldCurve.variety_group),
         {group: [YieldCurve(variety_group=group, age_years=age, seed_g_per_mu=seed) for age, seed in by_age.items()]
          for group, by_age in YIELD_CURVE.items()}),
        ("renovation_effects", select(RenovationEffect.method),
         {method: [RenovationEffect(method=method, years_since=years, permille=permille) for years, permille in by_year.items()]
          for method, by_year in RENOVATION_EFFECTS.items()}),
        ("season_curves", select(SeasonCurve.curve),
         {curve: [SeasonCurve(curve=curve, month=month, day=day, cumulative_permille=share) for month, day, share in points]
          for curve, points in SEASON_CURVES.items()}),
        ("warning_rules", select(WarningRule.kind),
         {kind: [WarningRule(kind=kind, severity=severity, thresholds=dict(thresholds))]
          for kind, (severity, thresholds) in WARNING_RULES.items()}),
    )
    for name, known_query, rows_by_key in tables:
        _add_missing(session, added, name, known_query, rows_by_key)
    session.commit()
    return added
