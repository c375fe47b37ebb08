"""The forecast's rules as the database holds them: the yield curve
(`ledger.models.YieldCurve`), the renovation effects and the harvest window
(`brain.models`), read once into plain values (`Curves`) that the forecast
and the county generator compute with alike."""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from ..ledger.models import YieldCurve
from .models import RenovationEffect, SeasonCurve

HARVEST = "harvest"  # the harvest window's SeasonCurve


def _last_holds(points: dict[int, int], key: int, before: int) -> int:
    """The value at the largest listed key <= `key` (the last listed holds
    beyond it); `before` below the first."""
    keys = sorted(points)
    at = bisect_right(keys, key)
    return points[keys[at - 1]] if at else before


def share_by(points, day: date) -> int:
    """A season curve's cumulative per mille reached by `day`, from its
    points (month, day, per mille) in date order: 0 before the first, 1000
    from the last on, linear between (the harvest window and the targets'
    profiles alike)."""
    dated = [(date(day.year, month, min(dom, 28) if month == 2 else dom), share) for month, dom, share in points]
    if not dated or day >= dated[-1][0]:
        return 1000
    if day < dated[0][0]:
        return 0
    for (start, low), (end, high) in zip(dated, dated[1:]):
        if start <= day < end:
            return low + (high - low) * (day - start).days // (end - start).days
    return 1000


@dataclass(frozen=True)
class Curves:
    yields: dict[str, dict[int, int]]  # variety group -> age -> g of dry seed per mu
    effects: dict[str, dict[int, int]]  # renovation method -> years since -> per mille
    window: tuple[tuple[int, int, int], ...]  # (month, day, cumulative per mille), by date

    def seed_per_mu(self, group: str, age: int) -> int:
        """g of dry seed per mu of trees of `group` at `age` (0 before planting;
        a group without a curve gives nothing)."""
        return _last_holds(self.yields.get(group, {}), age, 0) if age >= 0 else 0

    def effect(self, method: str, years_since: int) -> int:
        """Per mille of the curve a renovated area gives (1000 for a method
        without rows, or before the renovation)."""
        return _last_holds(self.effects.get(method, {}), years_since, 1000) if years_since >= 0 else 1000

    def share(self, day: date) -> int:
        """Share of the season's harvest picked by `day`, per mille."""
        return share_by(self.window, day)

    def day_at(self, year: int, permille: int) -> date:
        """The first day of `year` by which the window reaches `permille`
        (share's inverse: the county generator dates its pickings by it)."""
        points = [(date(year, month, dom), share) for month, dom, share in self.window]
        for (start, low), (end, high) in zip(points, points[1:]):
            if low <= permille <= high and high > low:
                return start + timedelta(days=-(-(permille - low) * (end - start).days // (high - low)))
        return points[-1][0] if points and permille > 0 else self.window_end(year)

    def window_end(self, year: int) -> date:
        month, day, _ = self.window[-1] if self.window else (12, 31, 1000)
        return date(year, month, day)


def load(session: Session) -> Curves:
    yields: dict[str, dict[int, int]] = {}
    for group, age, seed in session.execute(select(YieldCurve.variety_group, YieldCurve.age_years, YieldCurve.seed_g_per_mu)):
        yields.setdefault(group, {})[age] = seed
    effects: dict[str, dict[int, int]] = {}
    for method, years, permille in session.execute(
            select(RenovationEffect.method, RenovationEffect.years_since, RenovationEffect.permille)):
        effects.setdefault(method, {})[years] = permille
    window = tuple(tuple(row) for row in session.execute(
        select(SeasonCurve.month, SeasonCurve.day, SeasonCurve.cumulative_permille)
        .where(SeasonCurve.curve == HARVEST).order_by(SeasonCurve.month, SeasonCurve.day)))
    return Curves(yields=yields, effects=effects, window=window)
