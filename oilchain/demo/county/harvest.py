"""Harvest, drying and hulling: each bearing plot giving what the yield
curve expects of it (with noise per plot and per township's year), picked
on several days along the harvest window, and each cooperative's fruit
dried and hulled into seed and husks."""

from collections import defaultdict
from datetime import timedelta
from random import Random

from ...brain.stands import stands
from .state import County


def harvests(county: County) -> None:
    """Each bearing plot gives what the yield curve expects of its stands
    (brain.stands: age, variety group, this spring's renovations) times a
    factor of its own (site and care: the same whatever the year) and one of
    its township's year (weather), and is picked on several days along the
    harvest window (the pickings' days drawn from it)."""
    rng, curves = county.rng, county.curves
    county.fruit_by_coop = defaultdict(list)
    county.harvest_count = 0
    for plot in county.bearing:
        coop = county.by_id[plot["cooperative_id"]]
        expected = expected_seed_g(county, plot)
        seed = int(expected * plot_factor(county, plot["id"]) * township_factor(county, plot["township_id"]))
        fruit = seed * 1000 // 250  # fresh fruit, about 25% seed (drying)
        days = []
        while fruit > 0:
            pickers = rng.randint(6, 30)
            weight = min(fruit, pickers * rng.randint(70_000, 140_000))
            if fruit - weight < 100_000:
                weight = fruit
            fruit -= weight
            days.append((curves.day_at(county.year, rng.randint(1, 999)), weight, pickers))
        for day, weight, pickers in sorted(days):
            ev, (lot,) = county.ledger.event("harvest", coop, day, plot=plot["id"], outputs=[("fruit", weight, None, None)])
            county.rows["harvest_record"].append(dict(lot=lot, plot_id=plot["id"], harvested_on=day, pickers=pickers,
                                                      client_uuid=None, recorded_at=None, received_at=ev.recorded_at))
            county.fruit_by_coop[coop["id"]].append(lot)
            county.harvest_count += 1


def expected_seed_g(county: County, plot) -> int:
    """What the yield curve expects of a plot this year (its stands' age, variety group, renovations)."""
    return sum(stand.seed_g(county.curves, county.year)
               for stand in stands(plot["area_centimu"], plot["year_planted"], county.plantings[plot["id"]]))


def plot_factor(county: County, plot_id: int) -> float:
    """A plot's own yield against its curve, 0.75..1.25 (mean 1), fixed per plot."""
    return Random(f"plot {county.seed} {plot_id}").uniform(0.75, 1.25)


def township_factor(county: County, township_id: int) -> float:
    """A township's season against the curve, 0.85..1.15 (mean 1), per year;
    drawn by the township's name, since PostgreSQL numbers the townships on
    after `demo --reset` seeds them again (the same seed, the same county)."""
    return Random(f"township {county.seed} {county.year} {county.township_names[township_id]}").uniform(0.85, 1.15)


def drying(county: County) -> None:
    """Each cooperative dries and hulls its fruit in runs of a few days'
    pickings: seed about 25%, husks about 40%, the rest moisture."""
    rng = county.rng
    county.seed_lots = []
    for coop_id, lots in county.fruit_by_coop.items():
        coop = county.by_id[coop_id]
        lots.sort(key=lambda lot: (lot.produced_on, lot.id or 0))
        i = 0
        while i < len(lots):
            group = lots[i: i + rng.randint(5, 12)]
            i += len(group)
            total = sum(lot.remaining for lot in group)
            day = max(lot.produced_on for lot in group) + timedelta(days=rng.randint(4, 9))
            seed = total * rng.randint(242, 258) // 1000
            husk = total * rng.randint(380, 420) // 1000
            _ev, (seed_lot, _husk) = county.ledger.event(
                "dry_hull", coop, day, inputs=[(lot, lot.remaining) for lot in group],
                outputs=[("seed", seed, None, None), ("husk", husk, None, None)], step="dry_hull")
            county.seed_lots.append(seed_lot)
