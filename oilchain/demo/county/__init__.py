"""County-scale data (`oilchain demo --scale county [--seed N] [--years N]`):
full plan years of Youyang, the first at the 2024 plan's targets, for
benchmarks and for seeing the app at its real size (bench/README.md says
what it holds). Years are generated and written one after the other.

The services write one event at a time, far too slow for this; so the
generator computes every row in memory under the ledger's rules (asserted
as they are made), writes them in bulk, then lets the app's own functions
compute the origin stories, the GI status and the roll-up. The same seed
gives the same data; recording times derive from the business dates.

  plan           the targets, the county's make-up, the words names are made of
  memory_ledger  lots and events in memory under the ledger's rules (L, Ev, Ledger)
  state          County: the year being generated, what lasts, and what each step made
  years          each year's targets, and the steps made once (first or last year)
  organizations  the bureau, nurseries, cooperatives, processors and their users
  plots          bearing plantations, and plot rows with names unique in a village
  nursery        seedling batches and their dispatches
  planting       plantings of past years and of the demo year, survival, acceptance
  harvest        harvests, drying and hulling
  shipping       seed to the processors, weighed in
  processing     products, pressing, quality tests, bottling
  mill           oil refined, blended, extracted from cake with solvent; tanks; oil_lot rows
  byproducts     saponin extracted from cake; the by-product registry; by-product products made
  bulk           sales by weight: bulk oil and by-products
  sales          sales in date order at plausible prices
  gi             the GI definition and producers; the marks, issued after writing
  scans          consumers' scans of the bottles, a few dozen of copied labels among them
  writing        ids, lot codes and serial ranges; the bulk insert
  stories        origin stories and GI status of the product lots
  summary        the phases' timing and the summary printed
"""

from collections import defaultdict
from random import Random

from sqlalchemy import text
from sqlmodel import Session

from ...brain import nightly as brain_nightly
from ...reports import services as reports
from ..common import demo_year, mark_improved_varieties
from . import (bulk, byproducts, gi, harvest, mill, nursery, organizations, planting, plots, processing, sales, scans,
               shipping, writing)
from .plan import DEFAULT_SEED
from .state import County
from .stories import stories
from .summary import Phases, one_bottle_url, summary, year_line
from .years import first_year_only, last_year_only, set_targets

__all__ = ["DEFAULT_SEED", "load"]


def load(session: Session, public_base_url: str, serial_key: str, seed: int | None = None, echo=print,
         years: int = 1) -> str:
    """Generate and write `years` consecutive county years ending with the
    demo year, one year at a time; returns the summary."""
    seed = DEFAULT_SEED if seed is None else seed
    last = demo_year()
    mark_improved_varieties(session)
    phases = Phases(echo)
    county = County(session, seed, last - years + 1, last)
    phases.start("planting", "generating organizations, plots and the plantings on record")
    for step in (organizations.organizations, plots.bearing_plots, planting.history):
        step(county)
    totals, story, marks, rollup_rows, year_lines = defaultdict(int), {}, (0, 0), 0, []
    for year in range(county.first_year, last + 1):
        if year > county.first_year:
            county.begin_year(year)
        counts, story, marks, rollup_rows = one_year(county, phases, serial_key, seed)
        for table, n in counts.items():
            totals[table] += n
        year_lines.append(year_line(county, counts))
    if session.get_bind().dialect.name == "postgresql":
        phases.start("vacuum", "VACUUM (ANALYZE): the visibility map for index-only scans, the rewritten rows cleared")
        vacuum_analyze(session)
    elapsed = phases.elapsed()
    lasting = {table: totals[table] for table in ("user", "plot", "tank", "by_product")}  # written once, or over the years
    return summary(county, seed=seed, counts={**counts, **lasting}, story=story, marks=marks, rollup_rows=rollup_rows, elapsed=elapsed,
                   phases=phases, url=one_bottle_url(county, public_base_url, serial_key),
                   years=year_lines if years > 1 else [])


CHAIN = (harvest.harvests, harvest.drying, shipping.shipping, first_year_only(processing.products), processing.pressing,
         mill.refining, mill.blending, mill.leaching, byproducts.extraction, first_year_only(byproducts.registry),
         byproducts.making, processing.bottling, bulk.bulk_sales, sales.sales, last_year_only(mill.tanks), mill.oil_rows,
         first_year_only(gi.gi_definition), writing.number)


def vacuum_analyze(session: Session) -> None:
    """After a bulk load, what autovacuum would do in its time, at once (and
    where it is off): set the visibility map, so that index-only scans skip
    the tables, and clear the rows the stories, GI status and roll-ups wrote
    over. VACUUM runs outside a transaction, on a connection of its own."""
    session.commit()
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


def one_year(county: County, phases: Phases, serial_key: str, seed: int) -> tuple:
    """One year generated and written, with its stories, GI marks, roll-up
    and the brain's nightly run at its end."""
    session, year = county.session, county.year
    phases.start("planting", f"{year}: nurseries and plantings")
    for step in (nursery.seedlings, planting.plantings, set_targets):
        step(county)
    phases.start("chain", f"{year}: harvests, drying, shipping, pressing, the mill's steps, bottling and sales")
    for step in CHAIN:
        step(county)
    phases.start("writing",
                 f"{year}: writing {len(county.ledger.lots):,} lots and {len(county.ledger.events):,} events in bulk")
    counts = writing.write(county)
    counts["serial_scan"] = scans.scans(county, serial_key, seed)
    session.commit()
    # Planner statistics for the tables just filled: without them SQLite
    # drives the trace's queries from the wrong index (a scan of every event).
    session.execute(text("ANALYZE"))
    session.commit()
    phases.start("stories", f"{year}: origin stories of {len(county.product_lots):,} product lots and their GI status")
    story = stories(session, county.product_lots)
    session.commit()
    marks = gi.issue_marks(session, year, county.manager, Random(seed + 2 + year - county.first_year))
    session.commit()
    phases.start("roll-up", f"{year}: roll-up of the year")
    rollup_rows = reports.rollup_year(session, year, county.day(12, 31))
    session.commit()
    phases.start("brain", f"{year}: the brain's nightly run at the season's end: forecast, backtest, warnings")
    brain_nightly.run(session, county.day(12, 31))
    session.commit()
    return counts, story, marks, rollup_rows
