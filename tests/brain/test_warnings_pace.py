"""Warning rules on pace, against season curves: harvest behind its forecast, a target behind its pace."""

from datetime import date

from oilchain.brain.models import Forecast
from oilchain.brain.warnings.base import season_share
from oilchain.reports.models import DailyActual, Rollup, Target

from .. import chain
from ..chain import db_session, township_id
from .warned import appears_once_then_resolves, evaluate

TODAY = chain.TODAY.date()
T = 1_000_000  # g in a tonne


def forecast(session, township, as_of, *, forecast_g, harvested_g):
    row = Forecast(season=as_of.year, as_of=as_of, township_id=township, bearing_centimu=100_000, curve_seed_g=forecast_g,
                   harvested_seed_g=harvested_g, forecast_seed_g=forecast_g, forecast_oil_g=forecast_g // 4,
                   oil_permille=250, curve_only=False)
    session.add(row)
    session.commit()
    return row


def test_the_season_curve_is_a_curve(app):
    with db_session(app) as session:
        assert [season_share(session, "harvest", date(2025, m, d)) for m, d in
                ((10, 1), (10, 15), (11, 1), (11, 20), (12, 1))] == [0, 60, 420, 920, 1000]
        assert season_share(session, "no such curve", TODAY) is None


def test_a_township_behind_its_forecast_for_the_date(app, world):
    with db_session(app) as session:
        mawang = township_id(session, "麻旺镇")
        early = forecast(session, mawang, date(2025, 10, 15), forecast_g=100 * T, harvested_g=1 * T)
        assert evaluate(session, TODAY, "harvest_behind") == []  # 6% of the window: too early to tell
        row = forecast(session, mawang, date(2025, 11, 20), forecast_g=100 * T, harvested_g=10 * T)  # 92 t expected by then

        def caught_up():
            row.harvested_seed_g = 90 * T
            session.add(row)
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "harvest_behind", ("township", mawang), caught_up)
        assert (warning.township_id, warning.values["expected_g"], warning.values["share_permille"]) == (mawang, 92 * T, 920)
        assert early.id < row.id


def test_a_target_behind_the_pace_its_season_curve_calls_for(app, world):
    with db_session(app) as session:
        target = Target(year=2025, metric="seed_processed", value=1_000 * T)
        through = date(2025, 12, 19)
        session.add_all([target, Rollup(year=2025, through_day=through),
                         DailyActual(day=date(2025, 11, 25), metric="seed_processed", township_id=None, value=10 * T)])
        session.commit()
        share = season_share(session, "seed_processed", through)
        assert share == 650 + 350 * 19 // 31  # between the ends of November and December, not 11/12 of the way

        def more_pressed():
            session.add(DailyActual(day=date(2025, 12, 10), metric="seed_processed", township_id=None, value=800 * T))
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "target_behind", ("target", target.id), more_pressed)
        assert (warning.values["actual_metric"], warning.values["expected_metric"], warning.values["unit"]) == (
            10 * T, 1_000 * T * share // 1000, "g")


def test_no_roll_up_no_target_warning(app, world):
    with db_session(app) as session:
        session.add(Target(year=2025, metric="seed_processed", value=1_000 * T))
        session.commit()
        assert evaluate(session, TODAY, "target_behind") == []
