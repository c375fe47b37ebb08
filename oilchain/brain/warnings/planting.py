"""Rules on plantings and seedlings: acceptance overdue, low survival,
certified seedlings short of what the year's plan still needs."""

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ...errors import Message as _l
from ...ledger.models import STANDING, Event, Lot
from ...nursery.models import SeedlingBatch
from ...planting.models import Acceptance, PlantingRecord, Plot, SurvivalCheck
from ...planting.services import latest_survival_checks
from ...reports.models import Target
from .base import Finding


def _checked_not_accepted(session: Session):
    """(planting, plot, latest survival check) of standing plantings not yet accepted."""
    latest = latest_survival_checks()
    return session.exec(
        select(PlantingRecord, Plot, SurvivalCheck)
        .join(Plot, Plot.id == PlantingRecord.plot_id)
        .join(Event, Event.id == PlantingRecord.event_id)
        .join(latest, latest.c.planting_id == PlantingRecord.id)
        .join(SurvivalCheck, SurvivalCheck.id == latest.c.check_id)
        .outerjoin(Acceptance, Acceptance.planting_id == PlantingRecord.id)
        .where(STANDING, Acceptance.id.is_(None))
        .order_by(PlantingRecord.id)
    ).all()


def _label(plot: Plot, record: PlantingRecord) -> str:
    return f"{plot.name} {record.planted_on.isoformat()}"


def acceptance_overdue(session: Session, day: date, thresholds: dict) -> list[Finding]:
    since = day - timedelta(days=thresholds["days"])
    return [
        Finding.of("planting", record.id, _label(plot, record), _l(
            "Planting on %(plot)s of %(planted_on)s was survival-checked on %(checked_on)s, %(days)s days ago, "
            "and is not accepted yet.", plot=plot.name, planted_on=record.planted_on.isoformat(),
            checked_on=check.checked_on.isoformat(), days=(day - check.checked_on).days),
            org=plot.cooperative_id, township=plot.township_id)
        for record, plot, check in _checked_not_accepted(session) if check.checked_on < since
    ]


def low_survival(session: Session, day: date, thresholds: dict, planting_ids: set | None = None) -> list[Finding]:
    return [
        Finding.of("planting", record.id, _label(plot, record), _l(
            "Planting on %(plot)s of %(planted_on)s: survival %(survival_permille)s at the check of %(checked_on)s, "
            "below %(threshold_permille)s.", plot=plot.name, planted_on=record.planted_on.isoformat(),
            survival_permille=check.survival_permille, checked_on=check.checked_on.isoformat(),
            threshold_permille=thresholds["permille"]),
            org=plot.cooperative_id, township=plot.township_id)
        for record, plot, check in _checked_not_accepted(session)
        if check.survival_permille < thresholds["permille"] and check.checked_on <= day
        and (planting_ids is None or record.id in planting_ids)
    ]


def certified_stock(session: Session, day: date) -> int:
    """Seedlings (grade I and II left) of certified batches, certified by `day`."""
    return int(session.exec(
        select(func.coalesce(func.sum(Lot.remaining), 0))
        .join(SeedlingBatch, SeedlingBatch.lot_id == Lot.id)
        .where(Lot.kind == "seedling", Lot.status == "active", SeedlingBatch.certified_on.is_not(None),
               SeedlingBatch.certified_on <= day)
    ).one())


def planted_this_year(session: Session, day: date) -> int:
    """Area of the standing plantings and renovations of `day`'s year up to it (hundredths of a mu)."""
    return int(session.exec(
        select(func.coalesce(func.sum(PlantingRecord.area_centimu), 0))
        .join(Event, Event.id == PlantingRecord.event_id)
        .where(STANDING, PlantingRecord.planted_on.between(date(day.year, 1, 1), day))
    ).one())


def seedlings_short(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """The year's new-planting and renovation targets less the area planted
    so far, times the density: the seedlings still needed; the certified
    stock against them."""
    targets = dict(session.exec(
        select(Target.metric, Target.value).where(Target.year == day.year, Target.metric.in_(("planted_new", "renovated")))
    ).all())
    if not targets:
        return []
    planned = sum(targets.values())
    left = max(planned - planted_this_year(session, day), 0)
    needed = left * thresholds["density_per_mu"] // 100
    stock = certified_stock(session, day)
    if needed == 0 or stock * 1000 >= needed * thresholds["permille"]:
        return []
    return [Finding.of("target", day.year, str(day.year), _l(
        "Certified seedlings in stock: %(stock)s, short of the %(needed)s the plan still needs for %(left_centimu)s mu "
        "at %(density)s plants a mu.", stock=stock, needed=needed, left_centimu=left,
        density=thresholds["density_per_mu"]))]
