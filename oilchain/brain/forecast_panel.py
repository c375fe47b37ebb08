"""The forecast as the brain's page shows it: the county's forecast of the
season against the plan's target for seed processed (and the oil that
target means at this season's pressing ratio), the five-year outlook, and
how far the forecast was off in the latest finished season the nightly run
backtested, up to the one on show (the season itself once it is over and
backtested: the county's demo year the morning after its last day).
Everything is read from the nightly run's tables and the targets; nothing
is computed here."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from ..reports import services as reports
from . import forecast
from .models import Forecast, ForecastBacktest, ForecastOutlook


@dataclass
class Panel:
    county: Forecast | None  # the latest day's county row; None before the first nightly run
    target_seed_g: int | None  # the season's target for seed processed
    target_oil_g: int | None  # that seed times this season's oil share of seed
    forecast_permille_of_target: int | None
    outlook: list[ForecastOutlook]
    accuracy: list[ForecastBacktest] | None  # None: not enough history yet

    @property
    def accuracy_season(self) -> int | None:
        return self.accuracy[0].season if self.accuracy else None


def panel(session: Session, season: int) -> Panel:
    rows = forecast.latest(session, season)
    county = rows[-1] if rows and rows[-1].township_id is None else None
    target = reports.targets_of(session, season).get("seed_processed")
    target_oil = target * county.oil_permille // 1000 if target and county else None
    share = county.forecast_seed_g * 1000 // target if target and county else None
    outlook = list(session.execute(
        select(ForecastOutlook).where(ForecastOutlook.computed_for == season).order_by(ForecastOutlook.year)).scalars())
    return Panel(county=county, target_seed_g=target, target_oil_g=target_oil, forecast_permille_of_target=share,
                 outlook=outlook, accuracy=forecast.accuracy(session, season))
