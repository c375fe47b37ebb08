"""Price bounds: what a lot's price is of (Priced), the prices a sale may
have without a reason (from the recent sales priced alike, else a per-kg
floor and ceiling), the check the sale form applies and the sales the
brain's price warning finds outside them."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..byproducts.models import ByProduct, GoodsLot
from ..errors import Invalid, Label
from ..ledger.models import SOLD_BY_WEIGHT, STANDING, Event, Lot
from ..processing.models import Product, ProductLot
from ..units import fen_to_yuan
from .models import PriceBound, Sale

# What a sale may take: bottled products, bulk oil and the by-products.
# Seed and fruit go to a processor as a shipment; seedlings to a plot.
SELLABLE = ("product", *SOLD_BY_WEIGHT)


@dataclass(frozen=True)
class Priced:
    """What a lot's price is of and compared with: the price_bound row,
    the unit priced ("unit" or "g": a price per kg), the grams one priced
    unit holds (a bottle's oil, a packed unit, 1000 for a kg), and whose
    sales make the median: the same product, the same by-product product
    (goods), else the same lot kind."""

    bound: str
    unit: str
    grams: int
    kind: str
    product_id: int | None = None
    by_product_id: int | None = None
    name: str = ""  # the product's or by-product's name, for a warning


def priced(lot: Lot, product: Product | None = None, by_product: ByProduct | None = None) -> Priced:
    """How a lot of this kind is priced (a pure function of its rows)."""
    if lot.kind == "product":
        return Priced("goods" if product.by_product_id else "product", "unit", product.fill_grams, lot.kind,
                      product_id=product.id, name=product.name)
    by_id, name = (by_product.id, by_product.name) if by_product is not None else (None, "")
    if lot.unit == "unit":  # a packed by-product product: by units
        return Priced("goods", "unit", (by_product.unit_grams if by_product else None) or 1000, lot.kind,
                      by_product_id=by_id, name=name)
    return Priced(lot.kind, "g", 1000, lot.kind, by_product_id=by_id, name=name)


def pricing_of(session: Session, lot: Lot) -> tuple[Priced, Product | None]:
    """How `lot` is sold, and its product when it is bottled; a lot of a
    kind that is not sold is refused, naming it."""
    if lot.kind not in SELLABLE:
        raise Invalid(_l("Lot %(code)s is %(kind)s, which is not sold here: sales take bottled products, bulk oil and "
                         "by-products (seed and fruit go to a processor as a shipment).",
                         code=lot.code, kind=Label("lot_kind", lot.kind)), field="code")
    product_lot = session.get(ProductLot, lot.id) if lot.kind == "product" else None
    product = session.get(Product, product_lot.product_id) if product_lot is not None else None
    if lot.kind == "product" and product is None:
        raise Invalid(_l("Lot %(code)s is not a bottled product lot.", code=lot.code), field="code")
    goods = session.get(GoodsLot, lot.id) if lot.kind == "goods" else None
    return priced(lot, product, session.get(ByProduct, goods.by_product_id) if goods else None), product


@dataclass(frozen=True)
class Plausible:
    """The unit prices a sale may have without a reason, and what they rest on."""

    low_fen: int
    high_fen: int
    median_fen: int | None  # of the recent sales, when there were enough
    sales: int  # how many recent sales the median is of
    since: date

    def allows(self, unit_price_fen: int) -> bool:
        return self.low_fen <= unit_price_fen <= self.high_fen


def median_fen(prices: list[int]) -> int:
    """The median of whole-fen prices, in whole fen (rounded down), without floats."""
    ordered = sorted(prices)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) // 2


def plausible_range(bound: PriceBound, recent_prices: list[int], fill_grams: int) -> tuple[int, int, int | None]:
    """(lowest, highest, median) price in fen (a unit's, or a kg's when
    `fill_grams` is 1000) a sale may have without a reason: a share of the
    median of the same kind's recent prices when there are enough of them
    (else no median), or the per-kg floor and ceiling for what one priced
    unit holds. A pure function, also for the county generator."""
    if len(recent_prices) >= bound.min_sales:
        median = median_fen(recent_prices)
        return median * bound.low_percent // 100, -(-median * bound.high_percent // 100), median
    return bound.floor_fen_per_kg * fill_grams // 1000, -(-bound.ceiling_fen_per_kg * fill_grams // 1000), None


def plausible_prices(session: Session, pricing: Priced, on: date) -> Plausible | None:
    """The bounds for a price of `pricing` on `on` (None: no bounds set)."""
    bound = session.get(PriceBound, pricing.bound)
    if bound is None:
        return None
    since = on - timedelta(days=bound.window_days)
    prices = [price for _id, _on, price in recent_sales(session, pricing, since, on)]
    return plausible_of(bound, prices, pricing.grams, since)


def plausible_of(bound: PriceBound, prices: list[int], fill_grams: int, since: date) -> Plausible:
    low, high, median = plausible_range(bound, prices, fill_grams)
    return Plausible(low, high, median, len(prices), since)


def recent_sales(session: Session, pricing: Priced, since: date, until: date) -> list[tuple[int, date, int]]:
    """(sale id, day, price) of the standing sales priced alike from `since` to `until`, by day."""
    query = (
        select(Sale.id, Sale.sold_on, Sale.unit_price_fen)
        .join(Event, Event.id == Sale.event_id)
        .where(Sale.sold_on.between(since, until), STANDING, Sale.quantity > 0, Sale.unit == pricing.unit)
        .order_by(Sale.sold_on, Sale.id)
    )
    if pricing.product_id is not None:
        query = query.join(ProductLot, ProductLot.lot_id == Sale.lot_id).where(ProductLot.product_id == pricing.product_id)
    elif pricing.by_product_id is not None:
        query = query.join(GoodsLot, GoodsLot.lot_id == Sale.lot_id).where(GoodsLot.by_product_id == pricing.by_product_id)
    else:
        query = query.join(Lot, Lot.id == Sale.lot_id).where(Lot.kind == pricing.kind)
    return list(session.exec(query))


def price_outliers(session: Session, since: date, until: date, sale_ids: set | None = None) -> list[tuple[Sale, Priced, Plausible]]:
    """Standing sales sold from `since` to `until` (or those of `sale_ids`)
    whose price lies outside what `check_price` allows: the same bounds,
    from the other sales priced alike of the window before each."""
    bounds = {bound.kind: bound for bound in session.exec(select(PriceBound))}
    query = (
        select(Sale, Lot, Product, ByProduct)
        .join(Event, Event.id == Sale.event_id)
        .join(Lot, Lot.id == Sale.lot_id)
        .outerjoin(ProductLot, ProductLot.lot_id == Lot.id)
        .outerjoin(Product, Product.id == ProductLot.product_id)
        .outerjoin(GoodsLot, GoodsLot.lot_id == Lot.id)
        .outerjoin(ByProduct, ByProduct.id == GoodsLot.by_product_id)
        .where(Sale.sold_on.between(since, until), STANDING, Sale.quantity > 0, Lot.kind.in_(SELLABLE))
        .order_by(Lot.kind, Product.id, ByProduct.id, Sale.sold_on, Sale.id)
    )
    if sale_ids is not None:
        query = query.where(Sale.id.in_(list(sale_ids) or [0]))
    by_pricing: dict[Priced, list[Sale]] = {}
    for sale, lot, product, by_product in session.exec(query):
        if lot.kind != "product" or product is not None:
            by_pricing.setdefault(priced(lot, product, by_product), []).append(sale)
    found = []
    for pricing, sold in by_pricing.items():
        bound = bounds.get(pricing.bound)
        if bound is None:
            continue
        window = timedelta(days=bound.window_days)
        others = recent_sales(session, pricing, sold[0].sold_on - window, sold[-1].sold_on)
        days = [day for _id, day, _price in others]
        for sale in sold:
            start = sale.sold_on - window
            prices = [price for other_id, _day, price in others[bisect_left(days, start):bisect_right(days, sale.sold_on)]
                      if other_id != sale.id]
            plausible = plausible_of(bound, prices, pricing.grams, start)
            if not plausible.allows(sale.unit_price_fen):
                found.append((sale, pricing, plausible))
    return found


def yuan(fen: int) -> str:
    return f"¥{fen_to_yuan(fen):,.2f}"


def check_price(session: Session, pricing: Priced, unit_price_fen: int, on: date, price_note: str, lot_code: str = "") -> None:
    """A price far from the recent prices of what is sold is refused unless
    the seller confirms it with a reason (a typo of ¥99,999 a bottle would
    add millions to the county's output value)."""
    bounds = plausible_prices(session, pricing, on)
    if bounds is None or bounds.allows(unit_price_fen) or price_note.strip():
        return
    numbers = dict(price=yuan(unit_price_fen), low=yuan(bounds.low_fen), high=yuan(bounds.high_fen))
    if pricing.unit == "g" and bounds.median_fen is not None:
        message = _l(
            "%(price)s a kg for lot %(code)s is far from the recent prices of %(kind)s (median %(median)s a kg of %(n)s "
            "sales since %(since)s; plausible %(low)s to %(high)s). Check the price, or confirm it with the reason below.",
            **numbers, code=lot_code, kind=Label("lot_kind", pricing.kind), median=yuan(bounds.median_fen), n=bounds.sales,
            since=bounds.since.isoformat(),
        )
    elif pricing.unit == "g":
        message = _l(
            "%(price)s a kg for lot %(code)s is outside the plausible %(low)s to %(high)s a kg for %(kind)s. "
            "Check the price, or confirm it with the reason below.",
            **numbers, code=lot_code, kind=Label("lot_kind", pricing.kind),
        )
    elif bounds.median_fen is not None:
        message = _l(
            "%(price)s a unit is far from this product's recent prices (median %(median)s of %(n)s sales since "
            "%(since)s; plausible %(low)s to %(high)s). Check the price, or confirm it with the reason below.",
            **numbers, median=yuan(bounds.median_fen), n=bounds.sales, since=bounds.since.isoformat(),
        )
    elif pricing.bound == "goods":  # a packed by-product product: no oil in it
        message = _l(
            "%(price)s a unit is outside the plausible %(low)s to %(high)s for this product's %(grams)s g unit. "
            "Check the price, or confirm it with the reason below.",
            **numbers, grams=pricing.grams,
        )
    else:
        message = _l(
            "%(price)s a unit is outside the plausible %(low)s to %(high)s for this product's %(grams)s g of oil. "
            "Check the price, or confirm it with the reason below.",
            **numbers, grams=pricing.grams,
        )
    raise Invalid(message, field="unit_price")
