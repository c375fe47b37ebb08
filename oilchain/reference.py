"""Reference data every database starts with: the county's townships, the
improved varieties, the 2024 plan's targets and the yield bounds. Seeding is
idempotent: it adds what is missing and never overwrites an admin's edits."""

import csv
from pathlib import Path

from sqlmodel import Session, select

from .admin.models import Township, Variety
from .ledger.models import YieldBound
from .nursery.models import DispatchAgeLimit, GradingStandard
from .processing.models import QualityGrade
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
}


# grade -> (minimum height in mm, minimum ground diameter in tenths of a mm),
# defaults for one-year grafted seedlings; the bureau edits them.
GRADING_STANDARD = {1: (250, 35), 2: (180, 28)}


# Quality grades of pressed camellia oil: (rank, acid value mg KOH/g, peroxide
# value g/100g, moisture and volatiles %), in thousandths. Defaults for the
# bureau to set to the national standard in force (GB/T 11765).
QUALITY_GRADES = {"grade1": (1, 1_500, 150, 100), "grade2": (2, 3_000, 250, 150)}


# Days since sown or grafted after which a batch may no longer be dispatched:
# camellia seedlings go out as one- or two-year-old plants; three years is
# the default the bureau sets to the standard it follows.
DISPATCH_AGE_LIMITS = {"grafting": 1095, "cutting": 1095, "seedling": 1095, "tissue_culture": 1095}

# Plausible prices (sales.models.PriceBound): within 50%..200% of the
# product's median of the last 90 days (at least 3 sales), else ¥40..¥1,000
# per kg of oil (camellia oil sells at about ¥100..¥400 per kg).
PRICE_BOUNDS = {"product": dict(window_days=90, min_sales=3, low_percent=50, high_percent=200,
                                floor_fen_per_kg=4_000, ceiling_fen_per_kg=100_000)}


def township_rows() -> list[dict]:
    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_reference_data(session: Session) -> dict[str, int]:
    added = {"townships": 0, "varieties": 0, "targets": 0, "yield_bounds": 0, "grading_standard": 0}
    known = set(session.exec(select(Township.name)))
    for row in township_rows():
        if row["name"] not in known:
            session.add(Township(name=row["name"], kind=row["kind"]))
            added["townships"] += 1
    known = set(session.exec(select(Variety.name)))
    for name in VARIETIES:
        if name not in known:
            session.add(Variety(name=name))
            added["varieties"] += 1
    known = set(session.exec(select(Target.metric).where(Target.year == PLAN_YEAR)))
    for metric, value in PLAN_TARGETS.items():
        if metric not in known:
            session.add(Target(year=PLAN_YEAR, metric=metric, value=value))
            added["targets"] += 1
    known = {(b.step, b.output_kind) for b in session.exec(select(YieldBound))}
    for (step, kind), (low, high) in YIELD_BOUNDS.items():
        if (step, kind) not in known:
            session.add(YieldBound(step=step, output_kind=kind, min_permille=low, max_permille=high))
            added["yield_bounds"] += 1
    known = set(session.exec(select(QualityGrade.code)))
    for code, (rank, acid, peroxide, moisture) in QUALITY_GRADES.items():
        if code not in known:
            session.add(QualityGrade(code=code, rank=rank, max_acid_value_milli=acid, max_peroxide_value_milli=peroxide,
                                     max_moisture_milli=moisture))
            added["quality_grades"] = added.get("quality_grades", 0) + 1
    known = set(session.exec(select(GradingStandard.grade)))
    for grade, (height, diameter) in GRADING_STANDARD.items():
        if grade not in known:
            session.add(GradingStandard(grade=grade, min_height_mm=height, min_diameter_dmm=diameter))
            added["grading_standard"] += 1
    known = set(session.exec(select(DispatchAgeLimit.propagation)))
    for propagation, days in DISPATCH_AGE_LIMITS.items():
        if propagation not in known:
            session.add(DispatchAgeLimit(propagation=propagation, max_age_days=days))
            added["dispatch_age_limits"] = added.get("dispatch_age_limits", 0) + 1
    known = set(session.exec(select(PriceBound.kind)))
    for kind, values in PRICE_BOUNDS.items():
        if kind not in known:
            session.add(PriceBound(kind=kind, **values))
            added["price_bounds"] = added.get("price_bounds", 0) + 1
    session.commit()
    return added
