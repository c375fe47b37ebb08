"""The harvest forecast: the curve alone before the harvest, harvested
seed plus the rest of the window after, renovations, a rerun writing the
same rows, the outlook, the backtest of a past season and the nightly job.

The world's plots have no planting on record, so their trees are "local":
麻旺 老屋基 50 mu planted 2012, 龙潭 青山坡 30 mu planted 2010; in 2025 both
are on the local curve's last age (70 kg of seed per mu)."""

from datetime import date, timedelta

from sqlmodel import select

from oilchain import jobs
from oilchain.admin.models import Township
from oilchain.brain import forecast
from oilchain.ledger.models import Event, EventLine, Lot
from oilchain.brain.models import Forecast, ForecastBacktest, ForecastOutlook, RenovationEffect
from oilchain.planting import services as planting
from oilchain.reference import YIELD_CURVE

from .. import chain
from ..chain import KG

LOCAL_FULL = YIELD_CURVE["local"][9]  # g of seed per mu, 9 years and older
MAWANG, LONGTAN = 50 * LOCAL_FULL, 30 * LOCAL_FULL  # what the curve expects of each plot in 2025


def rows(session, as_of: date) -> dict:
    """township name (None: the county) -> the day's row as a tuple."""
    found = session.exec(select(Forecast).where(Forecast.as_of == as_of)).all()
    names = {None: None, **{t.id: t.name for t in session.exec(select(Township))}}
    return {names[r.township_id]: (r.bearing_centimu, r.curve_seed_g, r.harvested_seed_g, r.forecast_seed_g,
                                    r.forecast_oil_g, r.oil_permille, r.curve_only) for r in found}


def test_a_season_without_harvests_forecasts_from_the_curve_alone(session, world):
    forecast.compute(session, date(2025, 9, 30))
    session.commit()
    assert rows(session, date(2025, 9, 30)) == {
        "麻旺镇": (5000, MAWANG, 0, MAWANG, MAWANG // 4, 250, True),
        "龙潭镇": (3000, LONGTAN, 0, LONGTAN, LONGTAN // 4, 250, True),
        None: (8000, MAWANG + LONGTAN, 0, MAWANG + LONGTAN, (MAWANG + LONGTAN) // 4, 250, True),
    }
    outlook = session.exec(select(ForecastOutlook).order_by(ForecastOutlook.year)).all()
    assert [(o.computed_for, o.year, o.bearing_centimu, o.seed_g) for o in outlook] == [
        (2025, year, 8000, MAWANG + LONGTAN) for year in range(2026, 2031)]


def test_once_harvested_the_forecast_is_the_harvest_plus_the_window_still_to_come(session, world):
    fruit = chain.harvest_lot(session, world, grams=8_000 * KG, on=date(2025, 10, 25))
    forecast.compute(session, date(2025, 11, 1))  # the window: 420 per mille picked by 1 November
    session.commit()
    harvested = 8_000 * KG * 250 // 1000  # no drying yet: the default seed share of fruit
    found = rows(session, date(2025, 11, 1))
    assert found["麻旺镇"][2:4] + found["麻旺镇"][6:] == (harvested, harvested + MAWANG * 580 // 1000, False)
    assert found["龙潭镇"][2:4] + found["龙潭镇"][6:] == (0, LONGTAN, True)  # no harvest there yet: its curve
    assert found[None][3] == harvested + MAWANG * 580 // 1000 + LONGTAN and found[None][6] is False
    # drying gives the season's own seed share (275 per mille); 15 November is 810 per mille into the window
    chain.dry_hull(session, world, inputs=[(fruit, fruit.quantity)], seed=2_200 * KG, husk=3_000 * KG,
                   on=date(2025, 11, 5))
    forecast.compute(session, date(2025, 11, 15))
    session.commit()
    found = rows(session, date(2025, 11, 15))
    assert found["麻旺镇"][2:4] == (2_200 * KG, 2_200 * KG + MAWANG * 190 // 1000)


def test_the_oil_is_the_forecast_seed_times_the_seasons_pressing_ratio(session, world):
    chain.full_chain(session, world)
    pressed = session.exec(select(EventLine.role, Lot.kind, EventLine.delta).join(Event).join(Lot)
                           .where(Event.kind == "press")).all()
    seed_in = -sum(delta for role, kind, delta in pressed if role == "input")
    oil_out = sum(delta for role, kind, delta in pressed if role == "output" and kind == "oil")
    forecast.compute(session, date(2025, 12, 19))
    session.commit()
    county = session.exec(select(Forecast).where(Forecast.township_id.is_(None))).one()
    assert county.oil_permille == oil_out * 1000 // seed_in
    assert county.forecast_oil_g == county.forecast_seed_g * county.oil_permille // 1000


def renovate(session, world, method, area, on):
    planting.record_planting(session, actor=world.actors["coop"], plot_id=world.plots["mawang"].id, kind="renovation",
                             method=method, area_centimu=area, variety_id=chain.variety_id(session), planted_on=on)
    session.commit()


def test_renovated_area_gives_the_renovation_effect_by_years_since(session, world):
    renovate(session, world, "tending", 2_000, date(2024, 3, 1))  # a year since: 1150 per mille
    forecast.compute(session, date(2025, 9, 30))
    session.commit()
    assert rows(session, date(2025, 9, 30))["麻旺镇"][1] == 20 * LOCAL_FULL * 1150 // 1000 + 30 * LOCAL_FULL
    # top grafting this spring: the crown cut back, 100 per mille; it claims its area first (the later work)
    renovate(session, world, "top_grafting", 1_000, date(2025, 3, 1))
    forecast.compute(session, date(2025, 9, 30))
    session.commit()
    assert rows(session, date(2025, 9, 30))["麻旺镇"][1] == (
        10 * LOCAL_FULL * 100 // 1000 + 20 * LOCAL_FULL * 1150 // 1000 + 20 * LOCAL_FULL)
    # the effect is data: a manager's change moves the forecast
    row = session.exec(select(RenovationEffect).where(RenovationEffect.method == "top_grafting",
                                                      RenovationEffect.years_since == 0)).one()
    row.permille = 0
    session.commit()
    assert forecast.estimate(session, date(2025, 9, 30)).townships[world.plots["mawang"].township_id].curve_seed_g == (
        20 * LOCAL_FULL * 1150 // 1000 + 20 * LOCAL_FULL)
    # the outlook ages the renovation: top grafting's fifth year gives 1600 per mille
    outlook = dict(session.exec(select(ForecastOutlook.year, ForecastOutlook.seed_g)).all())
    assert outlook[2030] == 10 * LOCAL_FULL * 1600 // 1000 + 20 * LOCAL_FULL * 1300 // 1000 + 20 * LOCAL_FULL + LONGTAN


def test_a_rerun_for_the_same_day_writes_the_same_rows(session, world):
    chain.harvest_lot(session, world, on=date(2025, 10, 25))
    forecast.compute(session, date(2025, 11, 1))
    session.commit()
    first = rows(session, date(2025, 11, 1))
    forecast.compute(session, date(2025, 11, 1))
    session.commit()
    assert rows(session, date(2025, 11, 1)) == first
    assert len(session.exec(select(Forecast)).all()) == 3
    assert len(session.exec(select(ForecastOutlook)).all()) == 5
    forecast.compute(session, date(2025, 11, 2))  # another day adds its own rows
    session.commit()
    assert len(session.exec(select(Forecast)).all()) == 6


def test_the_database_holds_one_row_per_township_and_one_county_row_a_day(session, world):
    """What makes two runs of a day at once replace rather than duplicate
    each other (the race is tests/test_races.py's): a second township row,
    or a second county row (township NULL), of the same day is refused."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    forecast.compute(session, date(2025, 11, 1))
    session.commit()
    for township in (None, session.exec(select(Township.id).where(Township.name == "麻旺镇")).one()):
        session.add(Forecast(season=2025, as_of=date(2025, 11, 1), township_id=township, bearing_centimu=0, curve_seed_g=0,
                             harvested_seed_g=0, forecast_seed_g=0, forecast_oil_g=0, oil_permille=250))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
    assert len(session.exec(select(Forecast)).all()) == 3


def past_season(session, world):
    """2024: 麻旺 picked 8 t on 25 October and 4 t on 12 November; 龙潭 none."""
    chain.harvest_lot(session, world, grams=8_000 * KG, on=date(2024, 10, 25))
    chain.harvest_lot(session, world, grams=4_000 * KG, on=date(2024, 11, 12))


def test_the_backtest_runs_the_forecast_as_of_earlier_days_without_writing_them(session, world):
    past_season(session, world)
    made = forecast.backtest(session, 2024)
    session.commit()
    actual = 12_000 * KG * 250 // 1000
    curve = MAWANG + LONGTAN  # 2024: still on the local curve's last age
    expected = {
        date(2024, 10, 1): curve,  # nothing picked yet
        date(2024, 10, 15): curve,
        date(2024, 11, 1): 2_000 * KG + MAWANG * 580 // 1000 + LONGTAN,
        date(2024, 11, 15): 3_000 * KG + MAWANG * 190 // 1000 + LONGTAN,
    }
    assert [(r.as_of, r.forecast_seed_g, r.actual_seed_g, r.error_permille) for r in made] == [
        (day, value, actual, round((value - actual) * 1000 / actual)) for day, value in expected.items()]
    assert session.exec(select(Forecast)).all() == []  # a pure read of the earlier days
    assert forecast.accuracy(session, 2025) == made
    assert forecast.accuracy(session, 2023) is None
    forecast.backtest(session, 2024)  # a rerun replaces the season's rows
    session.commit()
    assert len(session.exec(select(ForecastBacktest)).all()) == 4


def test_no_history_no_accuracy(session, world):
    assert forecast.accuracy(session, 2025) is None
    assert forecast.last_finished_season(session, date(2025, 12, 19)) is None


def test_the_nightly_job_forecasts_yesterday_and_backtests_the_last_finished_season(session, world):
    past_season(session, world)
    chain.harvest_lot(session, world, on=date(2025, 10, 25))
    assert forecast.last_finished_season(session, date(2025, 11, 20)) == 2024  # 2025's window not over
    record = jobs.execute(session, jobs.JOBS["nightly_brain"], "2025-12-19")
    assert record.status == "ok", record.message
    assert "forecast 2025 as of 2025-12-19" in record.message and "backtest 2025" in record.message
    assert {r.as_of for r in session.exec(select(Forecast))} == {date(2025, 12, 19)}
    assert {r.season for r in session.exec(select(ForecastBacktest))} == {2025}
    assert [r.township_id for r in forecast.latest(session, 2025)][-1] is None
    again = jobs.execute(session, jobs.JOBS["nightly_brain"], "2025-12-19")
    assert again.status == "ok" and len(session.exec(select(Forecast)).all()) == 3


def test_the_curves_read_between_and_beyond_their_points():
    from oilchain.brain.curves import Curves
    from oilchain.reference import RENOVATION_EFFECTS, SEASON_CURVES

    data = Curves(yields={g: dict(c) for g, c in YIELD_CURVE.items()}, effects={m: dict(e) for m, e in RENOVATION_EFFECTS.items()},
                  window=SEASON_CURVES["harvest"])
    assert data.seed_per_mu("improved", 40) == YIELD_CURVE["improved"][9] and data.seed_per_mu("improved", -1) == 0
    assert data.seed_per_mu("pine", 10) == 0 and data.effect("replanting", 2) == 1000 and data.effect("tending", 9) == 1300
    assert [data.share(date(2025, m, d)) for m, d in ((10, 1), (10, 15), (11, 5), (11, 30), (12, 1))] == [0, 60, 544, 1000, 1000]
    for permille in (1, 120, 421, 700, 999):  # the generator's picking days: the first day the window reaches the share
        day = data.day_at(2025, permille)
        assert data.share(day) >= permille > data.share(day - timedelta(days=1))


def test_the_tables_hold_a_countys_seed_in_grams(session):
    """13,000 t is 13 billion grams: more than a 32-bit column holds."""
    session.add(ForecastBacktest(season=2024, as_of=date(2024, 10, 1), forecast_seed_g=13_135_408_580,
                                 actual_seed_g=12_905_837_711, error_permille=18))
    session.add(ForecastOutlook(computed_for=2024, year=2025, bearing_centimu=14_620_100, seed_g=13_500_000_000))
    session.add(Forecast(season=2024, as_of=date(2024, 10, 1), bearing_centimu=14_620_100, curve_seed_g=13_135_408_580,
                         harvested_seed_g=0, forecast_seed_g=13_135_408_580, forecast_oil_g=3_283_852_145,
                         oil_permille=250))
    session.commit()
    assert session.exec(select(Forecast.forecast_seed_g)).one() == 13_135_408_580
