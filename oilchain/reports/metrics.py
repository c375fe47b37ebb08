"""What each target counts, in one place: for every metric a query of the
records it sums, each with its day, township and value. The nightly roll-up
groups those rows by day and township; the dashboard's figures link back to
the same rows, so a figure and its records always agree.

Townships: seedlings count where the nursery is, plantings where the plot
is, processing and sales where the processor is.

A ratio (the improved-variety share of the year's planting) is no sum: the
roll-up stores its numerator and its denominator as metrics of their own
(`part_of` the ratio), and the share is derived from their sums (RATIOS).
"""

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, literal, or_, select
from sqlalchemy.sql import Select

from ..admin.models import Variety
from ..auth.models import Organization
from ..byproducts.models import ByProduct
from ..byproducts.queries import first_makes
from ..ledger.models import BY_PRODUCT_KINDS, STANDING, Event, EventLine, Lot
from ..nursery.models import SeedlingBatch
from ..planting.models import Acceptance, PlantingRecord, Plot
from ..processing.models import Product, ProductLot
from ..sales.models import Sale
from .share import SHARE_COLUMNS, per_mille, planted

@dataclass(frozen=True)
class Metric:
    key: str
    unit: str  # plant, centimu, g, fen, count
    label: object
    # rows(start, end) -> a SELECT whose first columns are day, township_id,
    # value, followed by what a person reads in the record list.
    rows: Callable[[date, date], Select]
    columns: tuple  # labels of the reading columns after day, township, value
    part_of: str | None = None  # a ratio's numerator or denominator (RATIOS): shown inside the ratio


@dataclass(frozen=True)
class Ratio:
    """A target metric that is a share: numerator / denominator, both sums
    the roll-up stores, in per mille. `beside`: further stored sums shown
    with it (plants, unknown source). Its records are the denominator's."""

    key: str
    label: object
    numerator: str
    denominator: str
    beside: tuple[str, ...] = ()
    unit: str = "permille"
    short: object = None  # the township table's column heading
    after: str | None = None  # listed after this metric

    def share(self, sums: dict) -> int | None:
        """numerator / denominator in per mille, rounded down; None without a denominator."""
        return per_mille(sums.get(self.numerator, 0), sums.get(self.denominator, 0))


def _seedlings(start: date, end: date) -> Select:
    return (
        select(
            SeedlingBatch.graded_on.label("day"),
            Organization.township_id.label("township_id"),
            (SeedlingBatch.grade1 + SeedlingBatch.grade2).label("value"),
            Lot.code,
            Variety.name,
            Organization.name,
        )
        .join(Lot, Lot.id == SeedlingBatch.lot_id)
        .join(Event, Event.id == SeedlingBatch.grade_event_id)
        .join(Organization, Organization.id == Event.org_id)
        .join(Variety, Variety.id == SeedlingBatch.variety_id)
        .where(STANDING, SeedlingBatch.graded_on.between(start, end))
    )


def _accepted(kind: str):
    def rows(start: date, end: date) -> Select:
        return (
            select(
                PlantingRecord.planted_on.label("day"),
                Plot.township_id.label("township_id"),
                Acceptance.accepted_area_centimu.label("value"),
                Plot.name,
                Organization.name,
                PlantingRecord.area_centimu,
                Acceptance.accepted_on,
            )
            .join(Acceptance, Acceptance.planting_id == PlantingRecord.id)
            .join(Event, Event.id == PlantingRecord.event_id)
            .join(Plot, Plot.id == PlantingRecord.plot_id)
            .join(Organization, Organization.id == Plot.cooperative_id)
            .where(STANDING, PlantingRecord.kind == kind, PlantingRecord.planted_on.between(start, end))
        )

    return rows


def transformation(kind: str, role: str, lot_kinds: tuple[str, ...]):
    """rows(start, end) of the standing `kind` events' `role` lines of these
    lot kinds, positive quantities: pressing's seed in and oil out for the
    targets, and drying's fruit in and seed out for the forecast's ratio."""
    sign = -1 if role == "input" else 1

    def rows(start: date, end: date) -> Select:
        return (
            select(
                Event.occurred_on.label("day"),
                Organization.township_id.label("township_id"),
                (EventLine.delta * sign).label("value"),
                Lot.code,
                Organization.name,
            )
            .join(Event, Event.id == EventLine.event_id)
            .join(Lot, Lot.id == EventLine.lot_id)
            .join(Organization, Organization.id == Event.org_id)
            .where(
                STANDING,
                Event.kind == kind,
                EventLine.role == role,
                Lot.kind.in_(lot_kinds),
                Event.occurred_on.between(start, end),
            )
        )

    return rows


def _pressing(role: str, lot_kinds: tuple[str, ...]):
    return transformation("press", role, lot_kinds)


def _sales(camellia_oil: bool):
    """rows(start, end) of the standing sales of camellia oil (bottled oil
    and bulk oil: the plan's 茶油加工产值), or of everything else the mills
    sell (by-products by weight, and bottled by-product products). A sale to
    a registered organization (`buyer_org_id`: a shipment with a price
    between the county's own mills) is left out: value counts once, when it
    leaves the registered chain, else oil sold mill A to mill B and resold
    would count twice."""

    def rows(start: date, end: date) -> Select:
        bottled_oil = and_(Lot.kind == "product", Product.by_product_id.is_(None))
        what = (or_(bottled_oil, Lot.kind == "oil") if camellia_oil else
                or_(Lot.kind.in_(BY_PRODUCT_KINDS), and_(Lot.kind == "product", Product.by_product_id.is_not(None))))
        return (
            select(
                Sale.sold_on.label("day"),
                Organization.township_id.label("township_id"),
                Sale.amount_fen.label("value"),
                Lot.code,
                Organization.name,
                Sale.buyer,
                Sale.quantity,
                Sale.unit,
            )
            .join(Event, Event.id == Sale.event_id)
            .join(Lot, Lot.id == Sale.lot_id)
            .join(Organization, Organization.id == Event.org_id)
            .outerjoin(ProductLot, ProductLot.lot_id == Lot.id)
            .outerjoin(Product, Product.id == ProductLot.product_id)
            .where(STANDING, Sale.sold_on.between(start, end), Sale.buyer_org_id.is_(None), what)
        )

    return rows


def _by_products(start: date, end: date) -> Select:
    """A by-product product counts once, the county over: on the day of its
    first standing `make` ever (byproducts.queries), when that day falls in
    the period, where its maker is. One first made in an earlier year, or
    never made, does not count; two mills making it count it once."""
    first = first_makes().subquery()
    return (
        select(
            first.c.day.label("day"),
            Organization.township_id.label("township_id"),
            literal(1).label("value"),
            Lot.code,
            Organization.name,
            ByProduct.name.label("product"),
        )
        .join(Lot, Lot.id == first.c.lot_id)
        .join(Organization, Organization.id == first.c.org_id)
        .join(ByProduct, ByProduct.id == first.c.by_product_id)
        .where(first.c.day.between(start, end))
    )


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("seedlings_raised", "plant", _l("Improved-variety seedlings raised"), _seedlings,
               (_l("Batch"), _l("Variety"), _l("Nursery"))),
        Metric("planted_new", "centimu", _l("New plantations"), _accepted("new"),
               (_l("Plot"), _l("Cooperative"), _l("Area planted"), _l("Accepted on"))),
        Metric("renovated", "centimu", _l("Renovated low-yield plantations"), _accepted("renovation"),
               (_l("Plot"), _l("Cooperative"), _l("Area planted"), _l("Accepted on"))),
        *(Metric(key, unit, label, planted(measure, which), SHARE_COLUMNS, part_of="improved_share")
          for key, unit, label, measure, which in (
              ("planted_area", "centimu", _l("Area planted (new planting, replanting, top grafting)"), "area", None),
              ("improved_area", "centimu", _l("Area planted with improved varieties"), "area", "improved"),
              ("unknown_area", "centimu", _l("Area planted with seedlings of unknown source"), "area", "unknown"),
              ("planted_plants", "plant", _l("Plants planted"), "plants", None),
              ("improved_plants", "plant", _l("Improved-variety plants planted"), "plants", "improved"),
              ("unknown_plants", "plant", _l("Plants of unknown source planted"), "plants", "unknown"),
          )),
        Metric("seed_processed", "g", _l("Seed processed"), _pressing("input", ("seed",)),
               (_l("Seed lot"), _l("Processor"))),
        Metric("oil_output", "g", _l("Oil pressed"), _pressing("output", ("oil",)),
               (_l("Oil lot"), _l("Processor"))),
        Metric("output_value", "fen", _l("Camellia oil output value"), _sales(camellia_oil=True),
               (_l("Lot"), _l("Processor"), _l("Buyer"), _l("Quantity"), _l("Unit"))),
        Metric("by_product_value", "fen", _l("By-product output value"), _sales(camellia_oil=False),
               (_l("Lot"), _l("Processor"), _l("Buyer"), _l("Quantity"), _l("Unit"))),
        Metric("by_products", "count", _l("New by-product products"), _by_products,
               (_l("First lot"), _l("Maker"), _l("Product"))),
    )
}

RATIOS: dict[str, Ratio] = {
    r.key: r
    for r in (
        Ratio("improved_share", _l("Improved-variety share of planting (by area)"), "improved_area", "planted_area",
              beside=("improved_plants", "planted_plants", "unknown_area", "unknown_plants"),
              short=_l("Improved-variety share"), after="renovated"),
    )
}

# What the dashboard lists and a target may name: the plain sums and the
# ratios, each ratio after the metric it names (LISTED: key -> Metric or Ratio).
SHOWN = [key for key, metric in METRICS.items() if metric.part_of is None]
LISTED: dict = {}
for _key in SHOWN:
    LISTED[_key] = METRICS[_key]
    LISTED.update({ratio.key: ratio for ratio in RATIOS.values() if ratio.after == _key})
LISTED.update({key: ratio for key, ratio in RATIOS.items() if key not in LISTED})
TARGETED = list(LISTED)
