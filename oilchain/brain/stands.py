"""What a plot's trees are in a season: its area split into stands of one
variety group, one age and one renovation, each expecting the yield curve's
seed times the renovation's effect. Plain values in and out, so the
forecast (from the database) and the county generator (from its rows in
memory) reckon a plot alike.

The rules, in one place:
- The plot's trees are as old as the season less the plot's `year_planted`,
  of the variety group of its latest new planting on record; a plot with no
  new planting on record holds old seedling-grown trees: "local".
- Renovations, latest first, each claim their area of what is not claimed
  yet (a later renovation of the same ground replaces an earlier one):
  replanting starts trees of its own variety again at age 0 in its year;
  tending and top grafting keep the trees and give the renovation effect
  by years since (per mille of the curve).
- What no renovation claims keeps the plot's trees.
"""

from dataclasses import dataclass

from .curves import Curves

LOCAL = "local"  # the group of plots with no new planting on record


@dataclass(frozen=True)
class Planting:
    kind: str  # new, renovation
    method: str | None  # replanting, top_grafting, tending (renovations)
    area_centimu: int
    group: str  # the variety's yield group
    year: int  # the year planted


@dataclass(frozen=True)
class Stand:
    area_centimu: int
    group: str
    planted: int  # the year its trees were planted
    method: str | None = None  # tending or top grafting: the effect applies
    renovated: int | None = None  # the renovation's year

    def seed_per_mu(self, curves: Curves, season: int) -> int:
        """g of dry seed per mu this stand is expected to give in `season`."""
        seed = curves.seed_per_mu(self.group, season - self.planted)
        if self.method is not None:
            seed = seed * curves.effect(self.method, season - self.renovated) // 1000
        return seed

    def seed_g(self, curves: Curves, season: int) -> int:
        return self.area_centimu * self.seed_per_mu(curves, season) // 100

    def bearing(self, curves: Curves, season: int) -> bool:
        return curves.seed_per_mu(self.group, season - self.planted) > 0


def stands(area_centimu: int, year_planted: int, plantings: list[Planting]) -> list[Stand]:
    """The plot's stands, from its plantings (standing ones, in date order)."""
    news = [p for p in plantings if p.kind == "new"]
    group = news[-1].group if news else LOCAL
    left, result = area_centimu, []
    for planting in reversed([p for p in plantings if p.kind == "renovation"]):
        area = min(planting.area_centimu, left)
        if area <= 0:
            break
        left -= area
        if planting.method == "replanting":
            result.append(Stand(area, planting.group, planting.year))
        else:
            result.append(Stand(area, group, year_planted, planting.method, planting.year))
    if left > 0:
        result.append(Stand(left, group, year_planted))
    return result
