"""The county generator's oil mill (demo/county/mill.py, byproducts.py,
bulk.py, the split shipments of shipping.py), run in memory up to the
numbering: the new steps at their rates, under the ledger's rules, the same
for the same seed. (bench/check_county.py checks the written data.)"""

from collections import Counter

import pytest

from oilchain.demo import demo_year
from oilchain.demo.county import (bulk, byproducts, harvest, mill, nursery, organizations, planting, plots, processing,
                                  sales, shipping)
from oilchain.demo.county.state import County
from oilchain.demo.county.memory_ledger import bounds_by_step
from oilchain.ledger import balance
from oilchain.reference import YIELD_BOUNDS

STEPS = (organizations.organizations, plots.bearing_plots, planting.history, nursery.seedlings, planting.plantings,
         harvest.harvests, harvest.drying, shipping.shipping, processing.products, processing.pressing,
         mill.refining, mill.blending, mill.leaching, byproducts.extraction, byproducts.registry, byproducts.making,
         processing.bottling, bulk.bulk_sales, sales.sales, mill.tanks, mill.oil_rows)
_made: dict = {}  # the generated county, once per worker (a few seconds)


def generate(session) -> County:
    county = County(session, 20_24, demo_year())
    for step in STEPS:
        step(county)
    return county


@pytest.fixture
def county(session):
    if "county" not in _made:
        _made["county"] = generate(session)
    return _made["county"]


def lines(ev, role):
    return [(lot, delta) for lot, r, delta in ev.lines if r == role]


def test_the_mill_steps_happen_at_plausible_rates(county):
    kinds = Counter(ev.kind for ev in county.ledger.events)
    assert kinds["refine"] > 50 and kinds["blend"] >= 5 and kinds["leach"] >= 3 and kinds["extract"] >= 3
    assert kinds["make"] >= 2 and kinds["split"] > 50
    methods = Counter(county.oil_method[lot] for lot in county.ledger.lots if lot.kind == "oil")
    assert methods["hot_pressed"] > methods["cold_pressed"] > 0 and methods["solvent"] > 0
    assert len(county.rows["oil_lot"]) == sum(1 for lot in county.ledger.lots if lot.kind == "oil")
    # Two by-product products first made this year (the plan's two), a third only registered.
    made = {row["by_product_id"] for row in county.rows["goods_lot"]}
    assert len(county.rows["by_product"]) == 3 and len(made) == 2
    assert {r["source_kind"] for r in county.rows["by_product"]} == {"saponin", "cake", "husk"}


def test_every_new_transformation_balances_with_untraced_inside_its_bounds(county):
    bounds = bounds_by_step(YIELD_BOUNDS)
    for ev in county.ledger.events:
        if ev.kind not in ("extract", "leach", "make", "refine", "blend"):
            continue
        inputs = lines(ev, "input")
        step = f"make_{inputs[0][0].kind}" if ev.kind == "make" else ev.kind
        outputs = [(lot.kind, delta * (county.goods_of[lot]["unit_grams"] if lot.unit == "unit" else 1))
                   for lot, delta in lines(ev, "output")]
        total = -sum(delta for _, delta in inputs) + ev.untraced
        loss, outside = balance(total, outputs, bounds[step])
        assert outside is None and loss == ev.loss, (ev.kind, total, outputs, ev.loss)
        assert (ev.untraced > 0) == (ev.kind == "make")


def test_splits_refinings_blends_and_tanks_keep_the_rules(county):
    for ev in county.ledger.events:
        if ev.kind == "split":
            ((original, taken),), ((part, given),) = lines(ev, "input"), lines(ev, "output")
            assert -taken == given and ev.loss == 0 and part.kind == original.kind == "seed" and part is not original
        if ev.kind in ("refine", "blend"):
            ins, ((out, _),) = lines(ev, "input"), lines(ev, "output")
            assert {county.oil_method[lot] for lot, _ in ins} == {county.oil_method[out]}
            assert (out in county.refined) == (ev.kind == "refine" or ins[0][0] in county.refined)
            assert ev.kind == "blend" or ins[0][0] not in county.refined
    # Every split part was shipped to another processor than the rest of its lot.
    to = {row["lot"]: row["to_org_id"] for row in county.rows["shipment"]}
    splits = [ev for ev in county.ledger.events if ev.kind == "split"]
    assert all(to[lines(ev, "output")[0][0]] != to[lines(ev, "input")[0][0]] for ev in splits)
    for tank in county.rows["tank"]:
        lot = tank["lot"]
        assert lot is None or (lot.kind == "oil" and lot.status == "active" and lot.owner == tank["org_id"]
                               and county.tank_of[lot] == tank["id"])


def test_weight_sales_amounts_prices_and_the_output_value(county):
    weight = [row for row in county.rows["sale"] if row["lot"].kind != "product"]
    assert {row["lot"].kind for row in weight} == {"oil", "cake", "husk", "saponin", "meal", "goods"}
    for row in weight:
        if row["unit"] == "g":
            assert row["amount_fen"] == (row["quantity"] * row["unit_price_fen"] + 500) // 1000
            low, high = bulk.BY_WEIGHT.get(row["lot"].kind, (0, (100, 10_400)))[1]
            assert low // 2 <= row["unit_price_fen"] <= high * 2
        else:
            assert row["lot"].unit == "unit" and row["amount_fen"] == row["quantity"] * row["unit_price_fen"]
    camellia = sum(row["amount_fen"] for row in county.rows["sale"] if row["lot"].kind in ("product", "oil"))
    target = county.target("output_value")
    assert abs(camellia - target) * 100 < target


def test_the_same_seed_gives_the_same_mill(session):
    """Twice on the same reference data (a PostgreSQL database seeded again
    numbers its townships and varieties on, so not the cached county)."""
    county, again = generate(session), generate(session)

    def shape(c):
        return [(ev.kind, ev.day, ev.loss, ev.untraced, [(lot.kind, d) for lot, _r, d in ev.lines])
                for ev in c.ledger.events if ev.kind in ("split", "refine", "blend", "leach", "extract", "make", "sell")]
    assert shape(again) == shape(county)
