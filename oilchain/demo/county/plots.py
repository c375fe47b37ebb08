"""Plots: the cooperatives' bearing plantations (as many as the yield curve needs), and one
plot row at a time for the new-planting land, names unique in a village."""

from datetime import date

from ... import geo
from .memory_ledger import utc_at
from ...brain.stands import LOCAL, Stand
from .plan import (ON_RECORD_PERMILLE, ON_RECORD_SINCE, PLOT_WORDS, RENOVATION_METHODS, SEED_SURPLUS_PERMILLE,
                   TARGET_RENOVATED_CENTIMU, TARGET_SEED_PROCESSED_G, VILLAGE_WORDS)
from .state import County

IMPROVED = "improved"  # the varieties the nurseries raise (reference.VARIETIES)
PLOT_SPREAD_E6 = 30_000  # microdegrees either way of the township's centre


def bearing_plots(county: County) -> None:
    """Bearing plantations planted 2005 .. five years before the demo year,
    added until the yield curve expects the seed the plan's pressing needs
    beyond what this spring's renovations take (planting.renovations): those
    planted from 2012 mostly from batches on record, of improved varieties
    (planting.history), the others local seedling-grown stands."""
    rng = county.rng
    coops = county.orgs["cooperative"]
    county.bearing, county.on_record = [], set()
    seed_needed = TARGET_SEED_PROCESSED_G * (1000 + SEED_SURPLUS_PERMILLE) // 1000
    lost = renovation_loss_permille(county)
    total = expected = 0
    on_record_since = min(ON_RECORD_SINCE, county.year - 8)  # ten years back, the records start earlier
    while total == 0 or expected - expected * renovated_centimu() // total * lost // 1000 < seed_needed:
        coop = coops[len(county.bearing) % len(coops)] if len(county.bearing) < len(coops) * 5 else rng.choice(coops)
        area = rng.randint(1_500, 9_000) if rng.random() < 0.85 else rng.randint(9_000, 22_000)
        planted = rng.choice(range(2005, county.year - 4))
        created = date(max(planted, 2011), 1, rng.randint(5, 28))
        row = plot(county, coop, rng.choice(PLOT_WORDS), "油茶园", area, planted, created)
        county.bearing.append(row)
        on_record = planted >= on_record_since and rng.randint(1, 1000) <= ON_RECORD_PERMILLE
        if on_record:
            county.on_record.add(row["id"])
        expected += Stand(area, IMPROVED if on_record else LOCAL, planted).seed_g(county.curves, county.year)
        total += area
    county.bearing_centimu = total
    # New-planting land of the demo year, added as acceptance totals are reached (planting.plantings).
    county.new_plots = []


def renovated_centimu() -> int:
    """The area the year's renovations take: the accepted target over the
    share of it accepted (about 97%: planting.renovations)."""
    return TARGET_RENOVATED_CENTIMU * 1000 // 970


def renovation_loss_permille(county: County) -> int:
    """Per mille of a renovated area's seed lost in the renovation's own
    season, by the methods' weights: replanted trees start again at age 0,
    the others give their renovation effect."""
    loss = {method: 1000 if method == "replanting" else 1000 - county.curves.effect(method, 0)
            for method in RENOVATION_METHODS}
    return sum(loss[m] * weight for m, weight in RENOVATION_METHODS.items()) // sum(RENOVATION_METHODS.values())


def plot(county: County, coop, name_word, suffix, area_centimu, year_planted, created_on) -> dict:
    """A plot of `coop` near its township's centre (about 3 km either way),
    inside the county's outline, in a village of it."""
    rng = county.rng
    lat, lon = geo.random_point_inside(rng, county.centers[coop["township"]], PLOT_SPREAD_E6)
    plot_id = county.next_id("plot")
    township_id = county.townships[coop["township"]]
    village = f"{rng.choice(VILLAGE_WORDS)}村"
    name = unique_plot_name(county, coop["id"], township_id, village, f"{name_word}{suffix}")
    row = dict(id=plot_id, name=name, township_id=township_id, village=village, cooperative_id=coop["id"],
               area_centimu=area_centimu, latitude_e6=lat, longitude_e6=lon, year_planted=year_planted,
               created_at=utc_at(created_on, rng))
    county.rows["plot"].append(row)
    return row


def unique_plot_name(county: County, coop_id, township_id, village, name) -> str:
    """A cooperative's plot names are unique in a village (a constraint):
    a second 大坪油茶园 there is numbered, 大坪油茶园 (2), as the
    migration numbered the plots it found."""
    candidate, number = name, 1
    while (coop_id, township_id, village, candidate) in county.plot_names:
        number += 1
        candidate = f"{name} ({number})"
    county.plot_names.add((coop_id, township_id, village, candidate))
    return candidate
