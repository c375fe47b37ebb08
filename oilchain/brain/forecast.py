"""The season's harvest forecast of dry seed, per township and for the
county, its five-year outlook and its backtest. Computed by the nightly run
(brain.nightly) into Forecast, ForecastOutlook and ForecastBacktest; pages
read those tables.

The rule, per plot (stands.py says what a plot's trees expect, E):
- before a township has any harvest this season (as of the day), its plots
  are expected to give the curve alone, E (`curve_only`);
- once it has, each plot gives what it has given so far, H, plus the curve's
  expectation times the share of the harvest window still to come:
  H + E x (1000 - window(day)) / 1000. A plot on its curve and picked along
  the window ends at E; one bearing more (or less) than its curve shows it in
  H, in proportion to how much of the season has been picked; a plot not yet
  picked is taken to be late by as much as others are early.
The county is the sum of its townships. Harvested seed is the fruit
harvested up to the day (entries not reversed) times the season's seed share
of fruit from its drying and hulling so far; the oil is the forecast seed
times the season's oil share of seed from its pressings so far (each the
reference default before the first such event: reference.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, text
from sqlmodel import Session

from .. import reference
from ..admin.models import Variety
from ..harvest.models import HarvestRecord
from ..ledger.models import STANDING, Event, Lot
from ..planting.models import PlantingRecord, Plot
from ..reports.metrics import transformation
from . import curves as curve_data
from .models import Forecast, ForecastBacktest, ForecastOutlook
from .stands import Planting, stands

OUTLOOK_YEARS = 5
BACKTEST_DAYS = ((10, 1), (10, 15), (11, 1), (11, 15))  # as-of days of a finished season
COMPUTE_LOCK = 120_001  # PostgreSQL advisory lock key of compute (any number no other lock uses)


@dataclass
class Row:
    bearing_centimu: int = 0
    curve_seed_g: int = 0
    harvested_seed_g: int = 0
    forecast_seed_g: int = 0
    curve_only: bool = True


@dataclass
class Estimate:
    season: int
    as_of: date
    oil_permille: int
    townships: dict[int, Row] = field(default_factory=dict)
    county: Row = field(default_factory=Row)


def _ratio(session: Session, kind: str, made: tuple[str, str], used: tuple[str, str], start: date, end: date,
           default: int) -> int:
    """Per mille of `made` (role, lot kind) over `used` in the standing
    `kind` events from start to end; `default` when there is none."""
    def total(role, lot_kind):
        rows = transformation(kind, role, (lot_kind,))(start, end).subquery()
        return int(session.execute(select(func.coalesce(func.sum(rows.c.value), 0))).scalar_one())

    base = total(*used)
    return total(*made) * 1000 // base if base > 0 else default


def seed_permille(session: Session, start: date, end: date) -> int:
    return _ratio(session, "dry_hull", ("output", "seed"), ("input", "fruit"), start, end,
                  reference.SEED_PERMILLE_OF_FRUIT)


def oil_permille(session: Session, start: date, end: date) -> int:
    return _ratio(session, "press", ("output", "oil"), ("input", "seed"), start, end, reference.OIL_PERMILLE_OF_SEED)


def plot_stands(session: Session, season: int, as_of: date) -> list[tuple[int, int, list]]:
    """(plot id, township id, stands) of every plot planted by `season`,
    from its standing plantings dated up to `as_of`."""
    plantings = defaultdict(list)
    query = (
        select(PlantingRecord.plot_id, PlantingRecord.kind, PlantingRecord.method, PlantingRecord.area_centimu,
               Variety.yield_group, PlantingRecord.planted_on)
        .join(Event, Event.id == PlantingRecord.event_id)
        .join(Variety, Variety.id == PlantingRecord.variety_id)
        .where(STANDING, PlantingRecord.planted_on <= as_of)
        .order_by(PlantingRecord.planted_on, PlantingRecord.id)
    )
    for plot_id, kind, method, area, group, planted_on in session.execute(query):
        plantings[plot_id].append(Planting(kind, method, area, group, planted_on.year))
    plots = session.execute(
        select(Plot.id, Plot.township_id, Plot.area_centimu, Plot.year_planted)
        .where(Plot.year_planted <= season).order_by(Plot.id))
    return [(plot_id, township, stands(area, planted, plantings[plot_id])) for plot_id, township, area, planted in plots]


def fruit_by_plot(session: Session, start: date, end: date) -> dict[int, int]:
    """g of fresh fruit harvested per plot from start to end (entries not reversed)."""
    query = (
        select(HarvestRecord.plot_id, func.sum(Lot.quantity))
        .join(Lot, Lot.id == HarvestRecord.lot_id)
        .where(Lot.status != "reversed", HarvestRecord.harvested_on.between(start, end))
        .group_by(HarvestRecord.plot_id)
    )
    return {plot_id: int(grams) for plot_id, grams in session.execute(query)}


def estimate(session: Session, as_of: date, curves=None) -> Estimate:
    """The forecast as of a day, computed and not written (a pure read)."""
    curves = curves or curve_data.load(session)
    season, start = as_of.year, date(as_of.year, 1, 1)
    seed_share = seed_permille(session, start, as_of)
    fruit = fruit_by_plot(session, start, as_of)
    to_come = 1000 - curves.share(as_of)
    result = Estimate(season, as_of, oil_permille(session, start, as_of))
    plots = defaultdict(list)  # township -> (expected, harvested) per plot
    for plot_id, township, plot_stands_ in plot_stands(session, season, as_of):
        row = result.townships.setdefault(township, Row())
        row.bearing_centimu += sum(s.area_centimu for s in plot_stands_ if s.bearing(curves, season))
        expected = sum(s.seed_g(curves, season) for s in plot_stands_)
        harvested = fruit.get(plot_id, 0) * seed_share // 1000
        row.curve_seed_g += expected
        row.harvested_seed_g += harvested
        plots[township].append((expected, harvested))
    for township, row in result.townships.items():
        row.curve_only = row.harvested_seed_g == 0
        row.forecast_seed_g = row.curve_seed_g if row.curve_only else sum(
            harvested + expected * to_come // 1000 for expected, harvested in plots[township])
    county = result.county
    for row in result.townships.values():
        county.bearing_centimu += row.bearing_centimu
        county.curve_seed_g += row.curve_seed_g
        county.harvested_seed_g += row.harvested_seed_g
        county.forecast_seed_g += row.forecast_seed_g
    county.curve_only = county.harvested_seed_g == 0
    return result


def outlook(session: Session, season: int, as_of: date, curves=None) -> list[tuple[int, int, int]]:
    """(year, bearing centimu, seed g) for the OUTLOOK_YEARS seasons after
    `season`: the plots and plantings on record as of the day, aging."""
    curves = curves or curve_data.load(session)
    every = [s for _, _, plot_stands_ in plot_stands(session, season, as_of) for s in plot_stands_]
    result = []
    for year in range(season + 1, season + 1 + OUTLOOK_YEARS):
        result.append((year, sum(s.area_centimu for s in every if s.bearing(curves, year)),
                       sum(s.seed_g(curves, year) for s in every)))
    return result


def compute(session: Session, as_of: date) -> Estimate:
    """The forecast as of `as_of` into Forecast (that day's rows replaced)
    and the outlook into ForecastOutlook (the season's replaced); flushed,
    committed by the caller in one transaction, through db.transaction
    (brain.nightly.forecast_step): when another run of the same day commits
    first, its rows (which this delete did not see) refuse this insert on
    the unique keys (one row per township and day, one county row), and the
    retry replaces them. On PostgreSQL the runs take turns first (a
    transaction-scoped advisory lock; SQLite's writers always do), so a
    dozen at once are a dozen turns, not a dozen retries."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COMPUTE_LOCK})
    curves = curve_data.load(session)
    result = estimate(session, as_of, curves)
    season = result.season
    session.execute(delete(Forecast).where(Forecast.season == season, Forecast.as_of == as_of))
    for township, row in [*sorted(result.townships.items()), (None, result.county)]:
        session.add(Forecast(
            season=season, as_of=as_of, township_id=township, bearing_centimu=row.bearing_centimu,
            curve_seed_g=row.curve_seed_g, harvested_seed_g=row.harvested_seed_g, forecast_seed_g=row.forecast_seed_g,
            forecast_oil_g=row.forecast_seed_g * result.oil_permille // 1000, oil_permille=result.oil_permille,
            curve_only=row.curve_only))
    session.execute(delete(ForecastOutlook).where(ForecastOutlook.computed_for == season))
    for year, bearing, seed in outlook(session, season, as_of, curves):
        session.add(ForecastOutlook(computed_for=season, year=year, bearing_centimu=bearing, seed_g=seed))
    session.flush()
    return result


def backtest(session: Session, season: int) -> list[ForecastBacktest]:
    """The forecast as of BACKTEST_DAYS of a finished season (computed, not
    written) against the seed its harvest gave in the end; the season's
    ForecastBacktest rows replaced. Empty when the season had no harvest."""
    curves = curve_data.load(session)
    actual = estimate(session, date(season, 12, 31), curves).county.harvested_seed_g
    session.execute(delete(ForecastBacktest).where(ForecastBacktest.season == season))
    rows = []
    if actual > 0:
        for month, day in BACKTEST_DAYS:
            as_of = date(season, month, day)
            forecast = estimate(session, as_of, curves).county.forecast_seed_g
            rows.append(ForecastBacktest(season=season, as_of=as_of, forecast_seed_g=forecast, actual_seed_g=actual,
                                         error_permille=round((forecast - actual) * 1000 / actual)))
    session.add_all(rows)
    session.flush()
    return rows


def last_finished_season(session: Session, day: date) -> int | None:
    """The latest season with harvests whose harvest window ended before `day`."""
    curves = curve_data.load(session)
    years = session.execute(
        select(func.distinct(func.extract("year", HarvestRecord.harvested_on)))
        .join(Lot, Lot.id == HarvestRecord.lot_id).where(Lot.status != "reversed")).scalars()
    finished = [int(year) for year in years if curves.window_end(int(year)) < day]
    return max(finished, default=None)


def accuracy(session: Session, season: int) -> list[ForecastBacktest] | None:
    """The backtest the page shows beside `season`'s forecast: the rows of
    the latest backtested season up to it, by as-of day; None when there is
    none ("not enough history yet")."""
    latest = session.execute(select(func.max(ForecastBacktest.season)).where(ForecastBacktest.season <= season)).scalar()
    if latest is None:
        return None
    return list(session.execute(
        select(ForecastBacktest).where(ForecastBacktest.season == latest).order_by(ForecastBacktest.as_of)).scalars())


def latest(session: Session, season: int) -> list[Forecast]:
    """The season's forecast rows of its latest computed day (township rows,
    then the county's, township_id None); empty before the first run."""
    day = session.execute(select(func.max(Forecast.as_of)).where(Forecast.season == season)).scalar()
    if day is None:
        return []
    return list(session.execute(
        select(Forecast).where(Forecast.season == season, Forecast.as_of == day)
        .order_by(Forecast.township_id.is_(None), Forecast.township_id)).scalars())
