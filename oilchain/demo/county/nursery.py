"""Nurseries: seedling batches registered, graded and certified (the demo
year's 15 million plants, and the batches of earlier years), and their
dispatches to plots or out of the county, within the batch's age limit."""

from datetime import date, timedelta

from .plan import NURSERIES, SCION_SOURCES, TARGET_SEEDLINGS
from .state import County


def batch(county: County, nursery, variety, started, keep, graded_on, *, certified=True, growing_only=False) -> dict:
    """A batch registered, growing, graded (rejects and losses leave the
    lot) and certified. Returns its lot and grade counts."""
    rng = county.rng
    started_quantity = keep * 1000 // rng.randint(850, 930) if not growing_only else keep
    propagation = "grafting" if rng.random() < 0.8 else "cutting"
    _ev, (lot,) = county.ledger.event("commission", nursery, started, outputs=[("seedling", started_quantity, None, None)])
    row = dict(lot=lot, variety_id=county.varieties[variety], propagation=propagation, seed_source=SCION_SOURCES[variety],
               started_on=started, started_quantity=started_quantity, stage="growing",
               growing_on=started + timedelta(days=45), graded_on=None, grade_event=None, grade1=None, grade2=None,
               rejected=None, grade1_min_height_mm=None, grade1_min_diameter_dmm=None, grade2_min_height_mm=None,
               grade2_min_diameter_dmm=None, certified_on=None, licence_no=None, certificate_no=None, label_no=None,
               quarantine_no=None)
    county.rows["seedling_batch"].append(row)
    state = {"lot": lot, "row": row, "variety": variety, "nursery": nursery, "left": {1: 0, 2: 0}}
    if growing_only:
        return state
    grade1 = keep * rng.randint(650, 780) // 1000
    grade2 = keep - grade1
    rejected = (started_quantity - keep) * rng.randint(55, 85) // 100  # the rest died while growing
    grade_ev, _ = county.ledger.event("grade", nursery, graded_on, adjust=[(lot, keep - lot.remaining)],
                                      loss=lot.remaining - keep)
    h1, d1, h2, d2 = county.thresholds
    year = graded_on.year
    n = len(county.rows["seedling_batch"])
    row.update(stage="graded", graded_on=graded_on, grade_event=grade_ev, grade1=grade1, grade2=grade2, rejected=rejected,
               grade1_min_height_mm=h1, grade1_min_diameter_dmm=d1, grade2_min_height_mm=h2, grade2_min_diameter_dmm=d2)
    if certified:
        row.update(stage="certified", certified_on=graded_on + timedelta(days=rng.randint(5, 12)),
                   licence_no=f"渝林种苗{year - 1}-{n:04d}", certificate_no=f"{year}-ZJ-{n:05d}",
                   label_no=f"{year}-BQ-{n:05d}", quarantine_no=f"渝检{year}-{n:05d}")
    state["left"] = {1: grade1, 2: grade2}
    return state


def dispatch(county: County, batch, grade, quantity, day, plot=None, destination=""):
    """Certified seedlings of one grade to a plot (a dispatch lot of its
    cooperative) or out of the county (no lot)."""
    row = batch["row"]
    assert quantity <= batch["left"][grade] and day >= row["certified_on"]
    limit = county.age_limits.get(row["propagation"])
    assert limit is None or (day - row["started_on"]).days <= limit, (row["started_on"], day, limit)
    batch["left"][grade] -= quantity
    nursery = batch["nursery"]
    outputs = [("dispatch", quantity, plot["cooperative_id"], None)] if plot else []
    ev, made = county.ledger.event("dispatch", nursery, day, plot=plot["id"] if plot else None,
                                   note="" if plot else destination, inputs=[(batch["lot"], quantity)], outputs=outputs)
    county.rows["seedling_dispatch"].append(dict(
        id=county.next_id("seedling_dispatch"), event=ev, batch_lot=batch["lot"], grade=grade, quantity=quantity,
        plot_id=plot["id"] if plot else None, dispatch_lot=made[0] if made else None, destination=destination,
        dispatched_on=day))
    if batch["lot"].remaining == 0:
        batch["row"]["stage"] = "dispatched"
    return made[0] if made else None


def seedlings(county: County) -> None:
    """The demo year's batches: grafted last spring, graded and certified
    in January and February (15 million grade I + II), and this spring's
    grafts still growing."""
    rng = county.rng
    county.batches = []
    total = 0
    varieties = list(county.varieties)
    while total < TARGET_SEEDLINGS:
        keep = min(rng.randint(25_000, 80_000), TARGET_SEEDLINGS - total)
        if TARGET_SEEDLINGS - total - keep < 5_000:
            keep = TARGET_SEEDLINGS - total
        nursery = county.orgs["nursery"][len(county.batches) % len(county.orgs["nursery"])]
        made = batch(county, nursery, rng.choice(varieties), date(county.year - 1, 3, rng.randint(1, 31)), keep,
                     date(county.year, rng.choice((1, 1, 2)), rng.randint(3, 25)))
        county.batches.append(made)
        total += keep
    for i in range(40):
        batch(county, county.orgs["nursery"][i % NURSERIES], rng.choice(varieties), date(county.year, 3, rng.randint(5, 30)),
              rng.randint(30_000, 90_000), None, growing_only=True)


def pick_batch(county: County, seedlings, day) -> dict:
    """A certified batch with enough plants left of one grade by `day`."""
    for _ in range(200):
        candidate = county.rng.choice(county.batches)
        if candidate["row"]["certified_on"] <= day - timedelta(days=3) and max(candidate["left"].values()) >= seedlings:
            return candidate
    raise RuntimeError("no batch has seedlings left; raise the seedling target")
