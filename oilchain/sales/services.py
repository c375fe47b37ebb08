"""Sales: units of a product lot sold to a named buyer, with a standing
quality test behind them and a price that is plausible or explained."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import db, events
from ..admin.services import audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid
from ..labels import CHANNELS
from ..ledger.models import STANDING, Event, Lot
from ..ledger import lock_lots, record_event, refuse_held
from ..processing.models import Product, ProductLot
from ..processing.quality import oil_sources, require_sellable
from ..processing.services import get_product_lot
from ..units import fen_to_yuan
from .models import PriceBound, Sale

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
    """(lowest, highest, median) unit price in fen a sale may have without a
    reason: a share of the median of the product's recent prices when there
    are enough of them (else no median), or the per-kg floor and ceiling for
    a unit's oil. A pure function, also for the county generator."""
    if len(recent_prices) >= bound.min_sales:
        median = median_fen(recent_prices)
        return median * bound.low_percent // 100, -(-median * bound.high_percent // 100), median
    return bound.floor_fen_per_kg * fill_grams // 1000, -(-bound.ceiling_fen_per_kg * fill_grams // 1000), None


def plausible_prices(session: Session, product: Product, on: date) -> Plausible | None:
    """The bounds for one unit of `product` sold on `on` (None: no bounds set)."""
    bound = session.get(PriceBound, "product")
    if bound is None:
        return None
    since = on - timedelta(days=bound.window_days)
    prices = [price for _id, _on, price in recent_sales(session, product.id, since, on)]
    return plausible_of(bound, prices, product.fill_grams, since)


def plausible_of(bound: PriceBound, prices: list[int], fill_grams: int, since: date) -> Plausible:
    low, high, median = plausible_range(bound, prices, fill_grams)
    return Plausible(low, high, median, len(prices), since)


def recent_sales(session: Session, product_id: int, since: date, until: date) -> list[tuple[int, date, int]]:
    """(sale id, day, unit price) of the product's standing sales from `since` to `until`, by day."""
    return list(session.exec(
        select(Sale.id, Sale.sold_on, Sale.unit_price_fen)
        .join(Event, Event.id == Sale.event_id)
        .join(ProductLot, ProductLot.lot_id == Sale.lot_id)
        .where(ProductLot.product_id == product_id, Sale.sold_on.between(since, until), STANDING, Sale.quantity > 0)
        .order_by(Sale.sold_on, Sale.id)
    ))


def price_outliers(session: Session, since: date, until: date, sale_ids: set | None = None) -> list[tuple[Sale, Product, Plausible]]:
    """Standing sales sold from `since` to `until` (or those of `sale_ids`)
    whose price lies outside what `check_price` allows: the same bounds,
    from the product's other sales of the window before each."""
    bound = session.get(PriceBound, "product")
    if bound is None:
        return []
    query = (
        select(Sale, Product)
        .join(Event, Event.id == Sale.event_id)
        .join(ProductLot, ProductLot.lot_id == Sale.lot_id)
        .join(Product, Product.id == ProductLot.product_id)
        .where(Sale.sold_on.between(since, until), STANDING, Sale.quantity > 0)
        .order_by(Product.id, Sale.sold_on, Sale.id)
    )
    if sale_ids is not None:
        query = query.where(Sale.id.in_(list(sale_ids) or [0]))
    found, by_product = [], {}
    for sale, product in session.exec(query):
        by_product.setdefault(product.id, (product, []))[1].append(sale)
    window = timedelta(days=bound.window_days)
    for product, sold in by_product.values():
        others = recent_sales(session, product.id, sold[0].sold_on - window, sold[-1].sold_on)
        days = [day for _id, day, _price in others]
        for sale in sold:
            start = sale.sold_on - window
            prices = [price for other_id, _day, price in others[bisect_left(days, start):bisect_right(days, sale.sold_on)]
                      if other_id != sale.id]
            bounds = plausible_of(bound, prices, product.fill_grams, start)
            if not bounds.allows(sale.unit_price_fen):
                found.append((sale, product, bounds))
    return found


def yuan(fen: int) -> str:
    return f"¥{fen_to_yuan(fen):,.2f}"


def check_price(session: Session, product: Product, unit_price_fen: int, on: date, price_note: str) -> None:
    """A price far from the product's recent prices is refused unless the
    seller confirms it with a reason (a typo of ¥99,999 a bottle would add
    millions to the county's output value)."""
    bounds = plausible_prices(session, product, on)
    if bounds is None or bounds.allows(unit_price_fen) or price_note.strip():
        return
    if bounds.median_fen is not None:
        message = _l(
            "%(price)s a unit is far from this product's recent prices (median %(median)s of %(n)s sales since "
            "%(since)s; plausible %(low)s to %(high)s). Check the price, or confirm it with the reason below.",
            price=yuan(unit_price_fen), median=yuan(bounds.median_fen), n=bounds.sales, since=bounds.since.isoformat(),
            low=yuan(bounds.low_fen), high=yuan(bounds.high_fen),
        )
    else:
        message = _l(
            "%(price)s a unit is outside the plausible %(low)s to %(high)s for this product's %(grams)s g of oil. "
            "Check the price, or confirm it with the reason below.",
            price=yuan(unit_price_fen), low=yuan(bounds.low_fen), high=yuan(bounds.high_fen), grams=product.fill_grams,
        )
    raise Invalid(message, field="unit_price")


def sell(
    session: Session,
    *,
    actor: Actor,
    lot_code: str,
    buyer: str,
    channel: str,
    quantity: int,
    unit_price_fen: int,
    sold_on: date,
    price_note: str = "",
) -> Sale:
    """Units of a product lot to a buyer. The lot and its oil are locked, so
    a racing sale or a test withdrawn at the same moment is seen."""
    lot, product_lot = get_product_lot(session, lot_code)
    lock_lots(session, [lot, *session.exec(select(Lot).where(Lot.id.in_(oil_sources(session, lot) or [0])))])
    refuse_held(session, [lot], "code")  # beside the lot chosen, before any other reason
    product = session.get(Product, product_lot.product_id)
    if not buyer.strip():
        raise Invalid(_l("Name the buyer."), field="buyer")
    if channel not in CHANNELS:  # the codes the form offers
        raise Invalid(_l("Choose a sales channel from the list."), field="channel")
    if unit_price_fen < 0:
        raise Invalid(_l("The price cannot be negative."), field="unit_price")
    if sold_on < lot.produced_on:
        raise Invalid(_l("The sale cannot come before the lot was bottled."), field="occurred_on")
    recorded = record_event(
        session,
        actor=actor,
        kind="sell",
        occurred_on=sold_on,
        inputs=[(lot, quantity)],
        input_fields={lot.id: "quantity"},
    )
    require_sellable(session, lot, sold_on, product.lowest_grade)
    check_price(session, product, unit_price_fen, sold_on, price_note)
    sale = Sale(
        event_id=recorded.event.id,
        lot_id=lot.id,
        buyer=buyer.strip(),
        channel=channel,
        quantity=quantity,
        unit_price_fen=unit_price_fen,
        amount_fen=quantity * unit_price_fen,
        sold_on=sold_on,
        price_note=db.fit(price_note, Sale.price_note),
    )
    session.add(sale)
    session.flush()
    events.publish(session, events.Sold(sale.id))
    return sale


def sales_of(session: Session, org_id: int, limit: int | None = 200) -> list[tuple[Sale, Lot, Event]]:
    """The organization's sales, newest first (the latest `limit`, or all)."""
    query = (
        select(Sale, Lot, Event)
        .join(Lot, Lot.id == Sale.lot_id)
        .join(Event, Event.id == Sale.event_id)
        .where(Event.org_id == org_id)
        .order_by(Sale.sold_on.desc(), Sale.id.desc())
    )
    return list(session.exec(query if limit is None else query.limit(limit)))


def save_price_bound(
    session: Session, *, actor: Actor, kind: str, window_days: int, min_sales: int, low_percent: int, high_percent: int,
    floor_fen_per_kg: int, ceiling_fen_per_kg: int,
) -> PriceBound:
    """The bureau edits what price is plausible."""
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau edits the price bounds."))
    if not 0 < low_percent < 100 < high_percent:
        raise Invalid(_l("The lower share lies below 100 and the upper above it."), field="low_percent")
    if not 0 < floor_fen_per_kg < ceiling_fen_per_kg:
        raise Invalid(_l("The floor must be more than zero and below the ceiling."), field="floor")
    bound = session.get(PriceBound, kind) or PriceBound(kind=kind, window_days=1, min_sales=1, low_percent=1,
                                                        high_percent=101, floor_fen_per_kg=1, ceiling_fen_per_kg=2)
    bound.window_days, bound.min_sales = window_days, min_sales
    bound.low_percent, bound.high_percent = low_percent, high_percent
    bound.floor_fen_per_kg, bound.ceiling_fen_per_kg = floor_fen_per_kg, ceiling_fen_per_kg
    session.add(bound)
    audit(session, user_id=actor.user_id, action="save", entity="price_bound", entity_id=None, kind=kind,
          window_days=window_days, min_sales=min_sales, low_percent=low_percent, high_percent=high_percent,
          floor_fen_per_kg=floor_fen_per_kg, ceiling_fen_per_kg=ceiling_fen_per_kg)
    session.flush()
    return bound
