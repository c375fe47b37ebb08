"""Rules on pace, each against its season curve (brain.models.SeasonCurve),
never a straight line: a township's harvest behind what its curve expects
by the date, a target behind what the months so far call for."""

from datetime import date

from sqlmodel import Session, select

from ...admin.models import Township
from ...errors import Message as _l
from ...reports.metrics import METRICS
from ...reports.models import Target
from ...reports.services import rollup_state, sums
from ..models import Forecast
from .base import Finding, season_share


def harvest_behind(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """The latest forecast of the season (up to `day`) per township: the
    seed harvested by its date against what the township's curve expects
    harvested by then (the curve's seed for the season times the harvest
    window's share of that date), once that share reaches
    `min_expected_permille`. Not against the forecast: that holds the
    harvest already (harvested + the curve's share still to come), so a
    township behind lowers its own yardstick."""
    as_of = session.exec(
        select(Forecast.as_of).where(Forecast.season == day.year, Forecast.as_of <= day)
        .order_by(Forecast.as_of.desc()).limit(1)
    ).first()
    if as_of is None:
        return []
    share = season_share(session, "harvest", as_of)
    if share is None or share < thresholds["min_expected_permille"] or share == 0:
        return []
    findings = []
    for forecast, township in session.exec(
        select(Forecast, Township).join(Township, Township.id == Forecast.township_id)
        .where(Forecast.season == day.year, Forecast.as_of == as_of).order_by(Township.id)
    ):
        expected = forecast.curve_seed_g * share // 1000
        if expected <= 0 or forecast.harvested_seed_g * 1000 >= expected * thresholds["permille"]:
            continue
        findings.append(Finding.of("township", township.id, township.name, _l(
            "%(township)s: %(harvested_g)s kg of seed harvested by %(as_of)s, %(done_permille)s of the %(expected_g)s kg "
            "its yield curve expects harvested by then (%(share_permille)s of the harvest window, of the %(curve_g)s kg "
            "the curve expects for the season).",
            township=township.name, harvested_g=forecast.harvested_seed_g, as_of=as_of.isoformat(),
            done_permille=forecast.harvested_seed_g * 1000 // expected, expected_g=expected,
            curve_g=forecast.curve_seed_g, share_permille=share), township=township.id))
    return findings


def target_behind(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """Each target of the year with a season curve: the roll-up's actual up
    to the day it reaches (never past `day`) against the target times the
    curve's share of that day. A ratio's target (the improved-variety
    share) is no pace: a share is not made up month by month, so it is
    skipped."""
    state = rollup_state(session, day.year)
    if state is None:
        return []  # no roll-up of the year yet: nothing to measure
    through = min(state.through_day, day)
    actual = sums(session, date(day.year, 1, 1), through)
    findings = []
    for target in session.exec(select(Target).where(Target.year == day.year).order_by(Target.id)):
        if target.metric not in METRICS or METRICS[target.metric].part_of or target.value <= 0:
            continue
        share = season_share(session, target.metric, through)
        if not share:
            continue
        expected = target.value * share // 1000
        done = actual.get(target.metric, 0)
        if expected <= 0 or done * 1000 >= expected * thresholds["permille"]:
            continue
        findings.append(Finding.of("target", target.id, f"{target.year} {target.metric}", _l(
            "%(metric)s: %(actual_metric)s by %(through)s, %(done_permille)s of the %(expected_metric)s the season curve "
            "calls for by then (%(share_permille)s of the year's target of %(target_metric)s).",
            metric=target.metric, unit=METRICS[target.metric].unit, through=through.isoformat(), share_permille=share,
            done_permille=done * 1000 // expected, actual_metric=done, expected_metric=expected,
            target_metric=target.value)))
    return findings
