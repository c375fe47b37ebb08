"""The years of a county run (`oilchain demo --scale county --years N`):
the targets each year aims at, and which steps happen once.

The first year aims at the plan's targets (the bearing plots are added
until the yield curve expects the plan's seed: plots.bearing_plots). Each
later year keeps the plan's nursery and planting targets and sets the seed
it will press and the output value by what the yield curve expects of the
plots that year, as the bureau does: the plantations age, and each year's
new ones come into bearing."""

from ...reference import PLAN_TARGETS
from .harvest import expected_seed_g
from .plan import SEED_SURPLUS_PERMILLE, TARGET_OUTPUT_VALUE_FEN, TARGET_SEED_PROCESSED_G
from .state import County

HUNDRED_T = 100_000_000  # g: seed targets are set to the hundred tonnes
MILLION_YUAN = 100_000_000  # fen


def set_targets(county: County) -> None:
    """The year's targets (after the spring's plantings: renovations change what the plots give)."""
    if county.year == county.first_year:
        county.targets = dict(PLAN_TARGETS)
        return
    expected = sum(expected_seed_g(county, plot) for plot in county.bearing)
    seed = expected * 1000 // (1000 + SEED_SURPLUS_PERMILLE) // HUNDRED_T * HUNDRED_T
    value = TARGET_OUTPUT_VALUE_FEN * seed // TARGET_SEED_PROCESSED_G // MILLION_YUAN * MILLION_YUAN
    # The plan's two new by-product products are the first year's; later years set none.
    county.targets = {metric: value for metric, value in PLAN_TARGETS.items() if metric != "by_products"}
    county.targets.update(seed_processed=seed, output_value=value)


def only_in(which: str):
    """A step made in one year of the run only: "first_year" (what lasts:
    products, the by-product registry, the GI) or "last_year" (how things
    stand now: the tanks' contents)."""
    def wrap(step):
        def once(county: County) -> None:
            if county.year == getattr(county, which):
                step(county)
        once.__name__ = step.__name__
        return once
    return wrap


first_year_only, last_year_only = only_in("first_year"), only_in("last_year")
