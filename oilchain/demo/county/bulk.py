"""Sales by weight: bulk oil (solvent-extracted and refined, and pressed
lots kept from bottling), seed cake, husks, saponin, meal and the
by-product products, to named buyers at per-kg prices (a packed product
by its units) inside the plausible range of their price bound."""

from collections import defaultdict, deque
from datetime import timedelta

from sqlalchemy import select

from ...sales.models import PriceBound
from ...sales.services import amount_fen
from .plan import BULK_BUYERS
from .sales import plausible_price
from .state import County

# Lot kind -> (share of its lots on hand sold, per mille; fen per kg, low..high).
# Every price band spans at most a factor of two, so each price lies within
# 50..200% of any median of its kind's (its product's) recent prices.
BY_WEIGHT = {
    "cake": (200, (160, 280)),  # feed and fertilizer
    "husk": (80, (35, 60)),  # fuel, mushroom substrate
    "saponin": (600, (2_800, 4_500)),  # crude tea saponin, to detergent and pesticide makers
    "meal": (500, (120, 200)),  # pond clearing, feed
}
GOODS_PRICE = {"g": (120, 180), "unit": (900, 1_200)}  # fertilizer per kg; a 500 g detergent per unit
OIL_PRICE = {"solvent": (5_200, 5_800), "hot_pressed": (8_200, 9_500), "cold_pressed": (9_500, 10_400)}


def bulk_sales(county: County) -> None:
    """The sales by weight, each after its lot was made, in date order per
    price group; bulk oil after a quality test of its lot. Their oil's
    value is what the bottles need not make of the output value."""
    rng = county.rng
    bounds = {row.kind: row for row in county.session.execute(select(*PriceBound.__table__.c))}
    pending = []
    for processor, lot, tested in county.bulk_oil:
        assert county.oil_test[lot][0] == tested and county.oil_test[lot][1] is not None
        pending += portions(county, processor, lot, tested, rng.randint(600, 950), OIL_PRICE[county.oil_method[lot]])
    on_hand = defaultdict(list)
    for lot in county.ledger.lots:
        if lot.kind in BY_WEIGHT and lot.remaining > 0 and lot.status == "active":
            on_hand[lot.kind].append(lot)
    for kind, (share, prices) in BY_WEIGHT.items():
        for lot in on_hand[kind]:
            if rng.randrange(1000) < share:
                pending += portions(county, county.by_id[lot.owner], lot, lot.since, rng.randint(500, 1000), prices)
    for processor, lot in county.by_products.get("goods", []):
        pending += portions(county, processor, lot, lot.since, rng.randint(700, 950), GOODS_PRICE[lot.unit or "g"])
    pending.sort(key=lambda sale: sale[0])
    recent = defaultdict(deque)  # price group -> (day, price) of its sales so far
    total = 0
    for day, org, lot, quantity, buyer, channel, price in pending:
        product = county.goods_of.get(lot)
        group = ("goods", product["id"]) if product else lot.kind
        bound = bounds[lot.kind]
        price = plausible_price(bound, recent[group], 1000 if lot.unit is None else product["unit_grams"], day, price)
        ev, _ = county.ledger.event("sell", org, day, inputs=[(lot, quantity)])
        unit = "unit" if lot.unit == "unit" else "g"
        amount = amount_fen(quantity, unit, price)
        county.rows["sale"].append(dict(id=county.next_id("sale"), event=ev, lot=lot, buyer=buyer, channel=channel,
                                        quantity=quantity, unit=unit, unit_price_fen=price,
                                        amount_fen=amount, sold_on=day, price_note="", buyer_org_id=None))
        total += amount
        if lot.kind == "oil":
            county.bulk_oil_fen += amount
    county.sold_by_weight = (len(pending), total)


def portions(county: County, org, lot, since, permille, prices) -> list[tuple]:
    """`permille` of what remains of the lot, in one to three sales within
    three weeks of `since` (not past the year's end), to buyers of its kind."""
    rng = county.rng
    to_sell = lot.remaining * permille // 1000
    parts = rng.randint(1, 3)
    sales = []
    for k in range(parts):
        quantity = to_sell // parts + (to_sell % parts if k == 0 else 0)
        if quantity <= 0:
            continue
        buyer, channel = rng.choice(BULK_BUYERS[lot.kind])
        day = min(since + timedelta(days=rng.randint(0, 20)), county.day(12, 31))
        sales.append((day, org, lot, quantity, buyer, channel, rng.randint(*prices)))
    return sales

