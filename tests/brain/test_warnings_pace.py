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


def forecast(session, township, as_of, *, curve_g, harvested_g):
    """A township's forecast row as forecast.compute makes it: the harvest
    so far plus the curve's share of the window still to come."""
    forecast_g = harvested_g + curve_g * (1000 - season_share(session, "harvest", as_of)) // 1000
    row = Forecast(season=as_of.year, as_of=as_of, township_id=township, bearing_centimu=100_000, curve_seed_g=curve_g,
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
        early = forecast(session, mawang, date(2025, 10, 15), curve_g=100 * T, harvested_g=1 * T)
        assert evaluate(session, TODAY, "harvest_behind") == []  # 6% of the window: too early to tell
        row = forecast(session, mawang, date(2025, 11, 20), curve_g=100 * T, harvested_g=10 * T)  # 92 t expected by then

        def caught_up():
            row.harvested_seed_g = 90 * T
            session.add(row)
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "harvest_behind", ("township", mawang), caught_up)
        assert (warning.township_id, warning.values["expected_g"], warning.values["share_permille"]) == (mawang, 92 * T, 920)
        assert early.id < row.id


def test_harvest_behind_is_measured_against_the_curve_not_the_forecast_that_holds_it(app, world):
    """Half the curve's seed picked when 92% of the window is over: far
    behind. The forecast (50 t + 8% of 100 t = 58 t) holds that harvest, so
    92% of it (53 t) would call 50 t nearly on time."""
    with db_session(app) as session:
        mawang = township_id(session, "麻旺镇")
        row = forecast(session, mawang, date(2025, 11, 20), curve_g=100 * T, harvested_g=50 * T)
        assert row.forecast_seed_g == 58 * T
        [warning] = evaluate(session, TODAY, "harvest_behind")
        assert (warning.subject_id, warning.values["harvested_g"], warning.values["expected_g"],
                warning.values["share_permille"], warning.values["done_permille"], warning.values["curve_g"]) == (
            mawang, 50 * T, 92 * T, 920, 50 * 1000 // 92, 100 * T)


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


def test_accepted_area_targets_are_not_behind_before_acceptance_can_come(app, world):
    """planted_new and renovated count accepted area (reports.metrics), and
    acceptance comes in the autumn: by the end of June nothing can be
    accepted yet, so no target is behind; by mid-December it is."""
    with db_session(app) as session:
        targets = [Target(year=2025, metric=metric, value=1_000 * 100) for metric in ("planted_new", "renovated")]
        state = Rollup(year=2025, through_day=date(2025, 6, 30))
        session.add_all([*targets, state])
        session.commit()
        assert [season_share(session, t.metric, date(2025, 6, 30)) for t in targets] == [0, 0]
        assert evaluate(session, TODAY, "target_behind") == []
        state.through_day = date(2025, 12, 15)
        session.add(state)
        session.commit()
        found = evaluate(session, TODAY, "target_behind")
        assert sorted(w.subject_id for w in found) == sorted(t.id for t in targets)
