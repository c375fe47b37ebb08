"""Harvest, drying and hulling: each bearing plot picked on several days in
October and November, and each cooperative's fruit dried and hulled into
seed and husks."""

from collections import defaultdict
from datetime import timedelta

from .plan import SEED_SURPLUS_PERMILLE, TARGET_SEED_PROCESSED_G
from .state import County


def harvests(county: County) -> None:
    """Each bearing plot is picked on several days from mid October to
    late November; its seed yield lies in 100..200 kg/mu around the mean
    that makes the plan's 13,000 t."""
    rng = county.rng
    seed_needed = TARGET_SEED_PROCESSED_G * (1000 + SEED_SURPLUS_PERMILLE) // 1000
    mean_seed_per_centimu = seed_needed / county.bearing_centimu  # g of seed per 0.01 mu
    county.fruit_by_coop = defaultdict(list)
    county.harvest_count = 0
    for plot in county.bearing:
        coop = county.by_id[plot["cooperative_id"]]
        seed_g_per_mu = min(200_000, max(100_000, int(mean_seed_per_centimu * 100 * rng.uniform(0.7, 1.3))))
        fruit = plot["area_centimu"] * seed_g_per_mu // 100 * 1000 // 250  # fresh fruit, about 25% seed
        days = []
        while fruit > 0:
            pickers = rng.randint(6, 30)
            weight = min(fruit, pickers * rng.randint(70_000, 140_000))
            if fruit - weight < 100_000:
                weight = fruit
            fruit -= weight
            day = county.between(county.day(10, 12), county.day(11, 22))
            days.append((day, weight, pickers))
        for day, weight, pickers in sorted(days):
            ev, (lot,) = county.ledger.event("harvest", coop, day, plot=plot["id"], outputs=[("fruit", weight, None, None)])
            county.rows["harvest_record"].append(dict(lot=lot, plot_id=plot["id"], harvested_on=day, pickers=pickers,
                                                      client_uuid=None, recorded_at=None, received_at=ev.recorded_at))
            county.fruit_by_coop[coop["id"]].append(lot)
            county.harvest_count += 1


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
