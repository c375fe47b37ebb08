"""Plantings: the bearing plots' history (planted from batches on record),
the demo year's new plantations and renovations, each with its survival
check and the bureau's acceptance, and seedlings sold out of the county."""

from collections import defaultdict
from datetime import date, timedelta

from ...brain.stands import Planting
from .memory_ledger import utc_at
from . import nursery
from .plan import (OUTSIDE_BUYERS, PLOT_WORDS, RENOVATION_METHODS, TARGET_NEW_CENTIMU, TARGET_RENOVATED_CENTIMU,
                   UNKNOWN_SOURCE_PERMILLE)
from .plots import plot as new_plot
from .state import County


def planting(county: County, plot, kind, method, area, variety, day, *, batch=None, density=None, accept_share=1000,
             survival=True, accepted_on=None):
    """A planting (with seedlings dispatched for it when `batch`; without a
    batch but with a `density`, seedlings of unknown source: no dispatch on
    record), its survival check and the bureau's acceptance. Returns the
    accepted area."""
    rng = county.rng
    coop = county.by_id[plot["cooperative_id"]]
    seedlings, inputs = 0, []
    if batch is None and density is not None:
        seedlings = area * density // 100
    elif batch is not None:
        seedlings = area * density // 100
        grade = 1 if batch["left"][1] >= seedlings else 2
        if batch["left"][grade] < seedlings:
            return None
        sent_on = max(day - timedelta(days=rng.randint(0, 3)), batch["row"]["certified_on"])
        lot = nursery.dispatch(county, batch, grade, seedlings, sent_on, plot=plot)
        inputs = [(lot, seedlings)]
    ev, _ = county.ledger.event("plant", coop, day, plot=plot["id"], inputs=inputs)
    planting_id = county.next_id("planting_record")
    county.plantings[plot["id"]].append(Planting(kind, method, area, county.variety_groups[county.varieties[variety]],
                                                 day.year))
    county.rows["planting_record"].append(dict(
        id=planting_id, plot_id=plot["id"], kind=kind, method=method, area_centimu=area,
        variety_id=county.varieties[variety], seedlings=seedlings, event=ev, planted_on=day, user_id=coop["user"],
        recorded_at=utc_at(day, rng)))
    checked = None
    if survival:
        checked = date(day.year, 9, rng.randint(5, 28))
        county.rows["survival_check"].append(dict(
            id=county.next_id("survival_check"), planting_id=planting_id, checked_on=checked,
            survival_permille=rng.randint(820, 975), user_id=coop["user"], recorded_at=utc_at(checked, rng)))
    if accept_share is None:
        return 0
    accepted_on = accepted_on or date(day.year, rng.choice((10, 11)), rng.randint(1, 28))
    accepted = area * accept_share // 1000
    county.rows["acceptance"].append(dict(
        id=county.next_id("acceptance"), planting_id=planting_id, accepted_on=accepted_on, accepted_area_centimu=accepted,
        note="" if accept_share == 1000 else "部分地块成活率不足，按实际成活面积验收", user_id=county.manager,
        recorded_at=utc_at(accepted_on, rng)))
    return accepted


def history(county: County) -> None:
    """Bearing plots planted from 2012 on got their trees from nursery
    batches on record: the batches, their dispatches and the plantings,
    accepted in their year, so a bottle's story names the nursery."""
    rng = county.rng
    varieties = list(county.varieties)[:6]
    by_year = defaultdict(list)
    for plot in county.bearing:
        if plot["id"] in county.on_record:
            by_year[plot["year_planted"]].append(plot)
    county.historic_batches = []
    for year, plots in sorted(by_year.items()):
        need = sum(p["area_centimu"] * 105 // 100 for p in plots)
        batches = []
        while need > 0:
            keep = rng.randint(40_000, 90_000)
            batches.append(nursery.batch(county, rng.choice(county.orgs["nursery"]), rng.choice(varieties),
                                         date(year - 1, 3, rng.randint(1, 28)), keep, date(year, 1, rng.randint(5, 25))))
            need -= keep
        county.historic_batches += batches
        for plot in plots:
            day = date(year, rng.choice((2, 3)), rng.randint(1, 28))
            for candidate in rng.sample(batches, len(batches)):
                if day < candidate["row"]["certified_on"]:
                    continue
                if planting(county, plot, "new", None, plot["area_centimu"], candidate["variety"], day, batch=candidate,
                            density=rng.randint(95, 111)) is not None:
                    break
        for made in batches:  # what the county did not plant was sold to growers outside it
            for grade in (1, 2):
                if made["left"][grade]:
                    nursery.dispatch(county, made, grade, made["left"][grade], date(year, 4, rng.randint(10, 28)),
                                     destination=rng.choice(OUTSIDE_BUYERS))


def plantings(county: County) -> None:
    """New plantations (30,000 mu accepted) on new land, and renovation
    of bearing plots (14,500 mu accepted): replanting with seedlings, top
    grafting, tending. Spring planting, survival checked in September,
    accepted in October and November; a few still wait for acceptance.
    Then seedlings sold to growers outside the county (Youyang is a seedling base)."""
    new_plantations(county)
    renovations(county)
    seedlings_sold_outside(county)


def new_plantations(county: County) -> None:
    rng, year = county.rng, county.year
    planting_coops = rng.sample(county.orgs["cooperative"], 220)
    accepted_new = 0
    while accepted_new < TARGET_NEW_CENTIMU:
        coop = rng.choice(planting_coops)
        area = rng.randint(1_500, 9_000)
        plot = new_plot(county, coop, rng.choice(PLOT_WORDS), "新造林地", area, year, date(year, 1, rng.randint(5, 28)))
        county.new_plots.append(plot)
        day = date(year, rng.choice((2, 3, 3, 4)), rng.randint(1, 28))
        roll = rng.random()
        share = 1000 if roll < 0.85 else rng.randint(800, 980) if roll < 0.97 else None
        if rng.randrange(1000) < UNKNOWN_SOURCE_PERMILLE:  # seedlings of no dispatch on record
            got = planting(county, plot, "new", None, area, rng.choice(list(county.varieties)), day,
                           density=rng.randint(80, 111), accept_share=share)
        else:
            chosen = nursery.pick_batch(county, area * 111 // 100, day)
            got = planting(county, plot, "new", None, area, chosen["variety"], day, batch=chosen,
                           density=rng.randint(80, 111), accept_share=share)
        accepted_new += got or 0


def renovations(county: County) -> None:
    rng, year = county.rng, county.year
    accepted_renovated = 0
    bearing = [plot for plot in county.bearing if plot["year_planted"] <= year - 5]  # not the young plantations
    for plot in rng.sample(bearing, len(bearing)):
        if accepted_renovated >= TARGET_RENOVATED_CENTIMU:
            break
        area = plot["area_centimu"] * rng.randint(30, 100) // 100
        day = date(year, rng.choice((2, 3, 4)), rng.randint(1, 28))
        method = rng.choices(tuple(RENOVATION_METHODS), tuple(RENOVATION_METHODS.values()))[0]
        roll = rng.random()
        share = 1000 if roll < 0.88 else rng.randint(800, 980) if roll < 0.98 else None
        if method == "replanting" and rng.randrange(1000) < UNKNOWN_SOURCE_PERMILLE:
            got = planting(county, plot, "renovation", method, area, rng.choice(list(county.varieties)), day,
                           density=rng.randint(60, 100), accept_share=share)
        elif method == "replanting":
            chosen = nursery.pick_batch(county, area * 100 // 100, day)
            got = planting(county, plot, "renovation", method, area, chosen["variety"], day, batch=chosen,
                           density=rng.randint(60, 100), accept_share=share)
        else:
            got = planting(county, plot, "renovation", method, area, rng.choice(list(county.varieties)[:6]), day,
                           accept_share=share, survival=method != "tending")
        accepted_renovated += got or 0


def seedlings_sold_outside(county: County) -> None:
    rng = county.rng
    for made in county.batches:
        if rng.random() < 0.55:
            grade = 1 if made["left"][1] > made["left"][2] else 2
            quantity = made["left"][grade] * rng.randint(40, 90) // 100
            if quantity:
                sent_on = made["row"]["certified_on"] + timedelta(days=rng.randint(5, 60))
                nursery.dispatch(county, made, grade, quantity, sent_on, destination=rng.choice(OUTSIDE_BUYERS))
