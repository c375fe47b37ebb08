"""Plots: the cooperatives' bearing plantations (about 100,000 mu), and one
plot row at a time for the new-planting land, names unique in a village."""

from datetime import date

from ... import geo
from .memory_ledger import utc_at
from .plan import BEARING_AREA_MU, PLOT_WORDS, VILLAGE_WORDS
from .state import County

PLOT_SPREAD_E6 = 30_000  # microdegrees either way of the township's centre


def bearing_plots(county: County) -> None:
    """Bearing plantations planted 2005 .. five years before the demo year."""
    rng = county.rng
    coops = county.orgs["cooperative"]
    county.bearing = []
    total = 0
    while total < BEARING_AREA_MU * 100:
        coop = coops[len(county.bearing) % len(coops)] if len(county.bearing) < len(coops) * 5 else rng.choice(coops)
        area = rng.randint(1_500, 9_000) if rng.random() < 0.85 else rng.randint(9_000, 22_000)
        planted = rng.choice(range(2005, county.year - 4))
        created = date(max(planted, 2011), 1, rng.randint(5, 28))
        county.bearing.append(plot(county, coop, rng.choice(PLOT_WORDS), "油茶园", area, planted, created))
        total += area
    county.bearing_centimu = total
    # New-planting land of the demo year, added as acceptance totals are reached (planting.plantings).
    county.new_plots = []


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
