"""Sales: each product lot sold to the county's buyers in date order, after
a quality test of its oil that reaches a grade, each price inside the range
`sales.pricing.check_price` would find plausible then."""

from collections import defaultdict, deque
from datetime import date, timedelta

from ...sales.pricing import plausible_range
from .plan import BUYERS
from .state import County


def sales(county: County) -> None:
    """Each product lot sells 75..100% of its units in one to five sales
    within weeks of bottling, after its oil's quality test; prices are
    set per kg of oil by channel and bottle size, then scaled once so the
    year's sales of camellia oil (these and the bulk oil of bulk.py) make
    the plan's output value. Sales are recorded in date
    order, each price inside the plausible range the sale service would
    find then (the product's sales recorded before it)."""
    pending, raw_total = planned_sales(county)
    target = county.target("output_value") - county.bulk_oil_fen
    recent = defaultdict(deque)  # product id -> (day, unit price) of its sales so far, in order
    for day, processor, product, lot, oil, quantity, name, channel, raw_price in pending:
        require_sellable(county, product, oil, day)
        # Scaled to the target and rounded to whole jiao, in integers.
        price = max(10, (raw_price * target + raw_total * 5) // (raw_total * 10) * 10)
        price = plausible_price(county.price_bound, recent[product["id"]], product["fill"], day, price)
        ev, _ = county.ledger.event("sell", processor, day, inputs=[(lot, quantity)])
        county.rows["sale"].append(dict(id=county.next_id("sale"), event=ev, lot=lot, buyer=name, channel=channel,
                                        quantity=quantity, unit="unit", unit_price_fen=price, amount_fen=quantity * price,
                                        sold_on=day, price_note="", buyer_org_id=None))


def planned_sales(county: County) -> tuple[list[tuple], int]:
    """Every sale to make, by day (stable: the order they are recorded in),
    at its unscaled price; and the sum of quantity x unscaled price."""
    rng = county.rng
    pending, raw_total = [], 0
    for processor, product, lot, oil in county.product_lots:
        to_sell = lot.quantity * rng.randint(750, 1000) // 1000
        parts = rng.randint(1, 5)
        for k in range(parts):
            quantity = to_sell // parts + (to_sell % parts if k == 0 else 0)
            if quantity <= 0:
                continue
            name, channel, per_kg = rng.choice(BUYERS)
            day = min(lot.produced_on + timedelta(days=rng.randint(0, 25)), county.day(12, 31))
            raw_price = per_kg * product["fill"] * product["factor"] // 1_000_000
            pending.append((day, processor, product, lot, oil, quantity, name, channel, raw_price))
            raw_total += quantity * raw_price
    pending.sort(key=lambda sale: sale[0])
    return pending, raw_total


def require_sellable(county: County, product, oil, day) -> None:
    """processing.quality.require_sellable: the oil's standing test, dated
    on or before the sale, reaches a grade, and the product's lowest one
    when it names one."""
    tested_on, grade = county.oil_test[oil]
    lowest = product["lowest_grade"]
    assert tested_on <= day and grade is not None, (tested_on, day, grade)
    assert lowest is None or county.grade_rank[grade] <= county.grade_rank[lowest], (grade, lowest)


def plausible_price(bound, recent: deque, fill_grams: int, day: date, price: int) -> int:
    """The price, kept inside the range sales.pricing.check_price finds
    plausible on `day` under `bound` (a price_bound row) for `fill_grams`
    (a unit's, or 1000 for a kg). `recent` holds the sales of its product
    (price group) recorded so far, oldest first: those before the window
    are dropped, this one added."""
    if bound is None:
        return price
    since = day - timedelta(days=bound.window_days)
    while recent and recent[0][0] < since:
        recent.popleft()
    low, high, _median = plausible_range(bound, [p for _, p in recent], fill_grams)
    price = min(max(price, low), high)
    recent.append((day, price))
    return price
