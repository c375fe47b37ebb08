"""The oil mill's part of bench/check_county.py: every transformation
balanced inside its yield bounds (the pressing and bottling of old and the
mill's steps: extract, leach, make, refine, blend), splits, oil_lot and
goods_lot rows, tanks, refining, sales by weight and their prices, and the
by-product products first made in a year. Each function takes the
connection and check_county's `check(name, bad, detail)`."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import text

from oilchain.processing.models import OIL_METHODS
from oilchain.sales.pricing import plausible_range
from oilchain.sales.services import amount_fen

def as_date(value) -> date:
    """A date column read through text() (SQLite hands back the ISO string)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


STEPS = ("dry_hull", "press", "bottle", "extract", "leach", "make", "refine", "blend")
STANDING = "e.reversed_by_event_id IS NULL AND e.kind <> 'reverse'"
# SQL: does quality test `t` reach the grade limits `gl` of its oil's method.
REACHES = """t.acid_value_milli <= gl.max_acid_value_milli AND t.peroxide_value_milli <= gl.max_peroxide_value_milli
    AND t.moisture_milli <= gl.max_moisture_milli
    AND gl.method = COALESCE((SELECT o.method FROM oil_lot o WHERE o.lot_id = t.lot_id), 'hot_pressed')"""


def transformations(conn, check) -> None:
    """Every standing transformation: inputs + untraced = outputs + loss,
    each output's share (and the loss's) of inputs + untraced inside its
    yield_bound rows. A make's step is make_<its input's kind>. Outputs
    count as their lines, except units: a bottle as the product's fill
    grams, a packed by-product product's unit as its unit_grams."""
    print("Transformations (mass balance inside the yield bounds)")
    bounds = {(s, k): (lo, hi) for s, k, lo, hi in conn.execute(
        text("SELECT step, output_kind, min_permille, max_permille FROM yield_bound"))}
    rows = conn.execute(text(f"""
        SELECT e.id, e.kind, e.loss, e.untraced, l.role, lot.kind, lot.unit, l.delta, p.fill_grams, bp.unit_grams
        FROM event e
        JOIN (SELECT event_id, lot_id, role, SUM(delta) AS delta FROM event_line GROUP BY event_id, lot_id, role) l
          ON l.event_id = e.id
        JOIN lot ON lot.id = l.lot_id
        LEFT JOIN product_lot pl ON pl.lot_id = lot.id LEFT JOIN product p ON p.id = pl.product_id
        LEFT JOIN goods_lot gl ON gl.lot_id = lot.id LEFT JOIN by_product bp ON bp.id = gl.by_product_id
        WHERE e.kind IN ({", ".join(f"'{s}'" for s in STEPS)}) AND {STANDING}""")).all()
    events: dict[int, dict] = {}
    unweighable = 0
    for event_id, kind, loss, untraced, role, lot_kind, unit, delta, fill, unit_grams in rows:
        entry = events.setdefault(event_id, {"step": kind, "loss": loss, "in": untraced, "untraced": untraced,
                                             "out": {}})
        if role == "input":
            entry["in"] -= delta
            if kind == "make":
                entry["step"] = f"make_{lot_kind}"
        elif role == "output":
            grams = fill if lot_kind == "product" else unit_grams if unit == "unit" else 1
            unweighable += grams is None
            entry["out"][lot_kind] = entry["out"].get(lot_kind, 0) + delta * (grams or 0)
    unbalanced = out_of_bounds = 0
    shares: dict[tuple, list] = defaultdict(list)
    per_step: dict[str, int] = defaultdict(int)
    for entry in events.values():
        per_step[entry["step"]] += 1
        if entry["in"] <= 0 or entry["in"] != sum(entry["out"].values()) + entry["loss"] or entry["loss"] < 0:
            unbalanced += 1
            continue
        # Untraced ingredients: at most their bound's share of the traced inputs (none without one).
        untraced_high = bounds.get((entry["step"], "untraced"), (0, 0))[1]
        out_of_bounds += entry["untraced"] * 1000 > untraced_high * (entry["in"] - entry["untraced"])
        for kind, amount in [*entry["out"].items(), ("loss", entry["loss"])]:
            low, high = bounds.get((entry["step"], kind), (0, 1000))
            out_of_bounds += not low * entry["in"] <= amount * 1000 <= high * entry["in"]
            shares[(entry["step"], kind)].append(amount * 1000 / entry["in"])
    check("inputs + untraced = outputs + loss", unbalanced + unweighable,
          ", ".join(f"{n:,} {k}" for k, n in sorted(per_step.items())))
    check("every output's share (and the untraced ingredients') inside its bounds", out_of_bounds)
    for (step, kind), values in sorted(shares.items()):
        low, high = bounds.get((step, kind), (0, 1000))
        print(f"      {step:<12} {kind:<8} {min(values) / 10:5.1f}% .. {max(values) / 10:5.1f}%, "
              f"mean {sum(values) / len(values) / 10:5.1f}%  (bounds {low / 10:.1f}..{high / 10:.1f}%)")


def splits(conn, check) -> None:
    """A split has one input and one output line of equal size, no loss and
    nothing untraced; the part is a new lot of the original's kind and unit,
    made by the split, while the original keeps its code (made earlier)."""
    rows = conn.execute(text(f"""
        SELECT e.id, e.loss, e.untraced, COUNT(*), SUM(CASE WHEN l.role = 'input' THEN -l.delta ELSE 0 END),
               SUM(CASE WHEN l.role = 'output' THEN l.delta ELSE 0 END),
               MIN(CASE WHEN l.role = 'input' THEN l.lot_id END), MIN(CASE WHEN l.role = 'output' THEN l.lot_id END)
        FROM event e JOIN event_line l ON l.event_id = e.id WHERE e.kind = 'split' AND {STANDING}
        GROUP BY e.id, e.loss, e.untraced""")).all()
    lots = {lot_id: (kind, unit, code) for lot_id, kind, unit, code in conn.execute(text(
        "SELECT lot.id, lot.kind, lot.unit, lot.code FROM lot WHERE lot.id IN (SELECT lot_id FROM event_line l "
        "JOIN event e ON e.id = l.event_id WHERE e.kind = 'split')"))}
    made_by = dict(conn.execute(text("""SELECT o.lot_id, o.event_id FROM event_line o JOIN event_line s
        ON s.lot_id = o.lot_id JOIN event e ON e.id = s.event_id WHERE e.kind = 'split' AND o.role = 'output'""")).all())
    bad = 0
    for event_id, loss, untraced, lines, taken, given, original, part in rows:
        bad += (lines != 2 or loss or untraced or taken != given or original is None or part is None
                or lots[original][:2] != lots[part][:2] or lots[original][2] == lots[part][2]
                or made_by.get(part) != event_id or made_by.get(original, event_id) >= event_id)
    shipped = conn.execute(text("""SELECT COUNT(DISTINCT s.lot_id) FROM shipment s JOIN event_line o ON o.lot_id = s.lot_id
        AND o.role = 'output' JOIN event e ON e.id = o.event_id WHERE e.kind = 'split'""")).scalar()
    check("every split balances without loss; the part is new, the original keeps its code", bad,
          f"{len(rows):,} splits, {shipped:,} parts shipped")


def mill_rows(conn, check) -> None:
    """oil_lot and goods_lot rows, tanks and refining."""
    print("The oil mill (oil lots, tanks, refining, by-product products)")
    methods = ", ".join(f"'{m}'" for m in OIL_METHODS)
    check("every oil lot has an oil_lot row of a known method, no other lot one", conn.execute(text(f"""
        SELECT (SELECT COUNT(*) FROM lot LEFT JOIN oil_lot o ON o.lot_id = lot.id
                WHERE lot.kind = 'oil' AND (o.lot_id IS NULL OR o.method NOT IN ({methods})))
             + (SELECT COUNT(*) FROM oil_lot o JOIN lot ON lot.id = o.lot_id WHERE lot.kind <> 'oil')""")).scalar(),
          ", ".join(f"{n:,} {m}{' refined' if r else ''}" for m, r, n in conn.execute(text(
              "SELECT method, refined, COUNT(*) FROM oil_lot GROUP BY method, refined ORDER BY method, refined"))))
    check("every goods lot has a goods_lot row, no other lot one; packed ones in units", conn.execute(text("""
        SELECT (SELECT COUNT(*) FROM lot LEFT JOIN goods_lot g ON g.lot_id = lot.id LEFT JOIN by_product b
                ON b.id = g.by_product_id WHERE lot.kind = 'goods' AND (b.id IS NULL OR lot.unit <> b.unit))
             + (SELECT COUNT(*) FROM goods_lot g JOIN lot ON lot.id = g.lot_id WHERE lot.kind <> 'goods')""")).scalar(),
          f"{conn.execute(text('SELECT COUNT(*) FROM goods_lot')).scalar():,} goods lots")
    check("oil's method follows its step (press: pressed; leach: solvent; refine, blend: their inputs')",
          conn.execute(text(f"""
        SELECT COUNT(*) FROM event e JOIN event_line o ON o.event_id = e.id AND o.role = 'output'
        JOIN oil_lot m ON m.lot_id = o.lot_id
        WHERE {STANDING} AND ((e.kind = 'press' AND m.method NOT IN ('cold_pressed', 'hot_pressed'))
          OR (e.kind = 'leach' AND m.method <> 'solvent')
          OR (e.kind IN ('refine', 'blend') AND EXISTS (SELECT 1 FROM event_line i JOIN oil_lot im ON im.lot_id = i.lot_id
              WHERE i.event_id = e.id AND i.role = 'input' AND im.method <> m.method)))""")).scalar())
    check("a refine takes crude oil and makes refined oil, with its refining steps", conn.execute(text(f"""
        SELECT COUNT(*) FROM event e WHERE e.kind = 'refine' AND {STANDING} AND (
          NOT EXISTS (SELECT 1 FROM refining r WHERE r.event_id = e.id AND r.steps <> '')
          OR EXISTS (SELECT 1 FROM event_line l JOIN oil_lot m ON m.lot_id = l.lot_id JOIN lot ON lot.id = l.lot_id
                     WHERE l.event_id = e.id AND (lot.kind <> 'oil' OR (l.role = 'input' AND m.refined)
                                                  OR (l.role = 'output' AND NOT m.refined)))
          OR NOT EXISTS (SELECT 1 FROM event_line l JOIN oil_lot m ON m.lot_id = l.lot_id
                         WHERE l.event_id = e.id AND l.role = 'output'))""")).scalar(),
          f"{conn.execute(text('SELECT COUNT(*) FROM refining')).scalar():,} refinings")
    check("a blend takes two or more oil lots of one method and state into one of the same", conn.execute(text(f"""
        SELECT COUNT(*) FROM event e WHERE e.kind = 'blend' AND {STANDING} AND (
          (SELECT COUNT(*) FROM event_line l WHERE l.event_id = e.id AND l.role = 'input') < 2
          OR (SELECT COUNT(*) FROM event_line l WHERE l.event_id = e.id AND l.role = 'output') <> 1
          OR (SELECT COUNT(DISTINCT m.method || CASE WHEN m.refined THEN 'r' ELSE 'c' END) FROM event_line l
              JOIN oil_lot m ON m.lot_id = l.lot_id WHERE l.event_id = e.id) <> 1)""")).scalar(),
          f"{conn.execute(text('SELECT COUNT(*) FROM event WHERE kind = :k'), {'k': 'blend'}).scalar():,} blends")
    tanks = conn.execute(text("SELECT COUNT(*), COUNT(lot_id), COUNT(DISTINCT org_id) FROM tank")).one()
    check("a tank holds at most one lot: an active oil lot of its organization, whose oil_lot names the tank",
          conn.execute(text("""
        SELECT (SELECT COUNT(*) FROM tank t JOIN lot ON lot.id = t.lot_id LEFT JOIN oil_lot o ON o.lot_id = lot.id
                WHERE lot.kind <> 'oil' OR lot.status <> 'active' OR lot.remaining <= 0 OR lot.owner_org_id <> t.org_id
                   OR o.tank_id IS NULL OR o.tank_id <> t.id)
             + (SELECT COUNT(*) FROM oil_lot o JOIN tank t ON t.id = o.tank_id WHERE t.lot_id IS NULL OR t.lot_id <> o.lot_id)
             + (SELECT COUNT(*) FROM (SELECT lot_id FROM tank WHERE lot_id IS NOT NULL GROUP BY lot_id
                                      HAVING COUNT(*) > 1) x)""")).scalar(),
          f"{tanks[0]} tanks of {tanks[2]} processors, {tanks[1]} holding a lot")
    for name, kind, unit, grams, made, first in conn.execute(text(f"""
            SELECT b.name, b.source_kind, b.unit, b.unit_grams, COUNT(DISTINCT gl.lot_id), MIN(e.occurred_on)
            FROM by_product b LEFT JOIN goods_lot gl ON gl.by_product_id = b.id
            LEFT JOIN event_line o ON o.lot_id = gl.lot_id AND o.role = 'output'
            LEFT JOIN event e ON e.id = o.event_id AND e.kind = 'make' AND {STANDING}
            GROUP BY b.id, b.name, b.source_kind, b.unit, b.unit_grams ORDER BY b.id""")):
        packed = f"{unit} of {grams} g" if unit == "unit" else "by weight"
        print(f"      {name} (from {kind}, {packed}): {made} lots, first made {first or 'not yet'}")


def weight_sales(conn, check) -> None:
    """Every standing sale of a lot not bottled: in its lot's unit, amount =
    (grams x price a kg + 500) // 1000 (units x price for a packed product);
    bulk oil after a standing quality test of its lot that reaches a grade;
    prices inside the lot kind's price_bound (a goods lot's by its product,
    a packed unit by its weight) against the group's sales recorded before."""
    print("Sales by weight (bulk oil and by-products)")
    rows = conn.execute(text(f"""
        SELECT s.id, lot.kind, lot.unit, s.unit, s.quantity, s.unit_price_fen, s.amount_fen, s.sold_on, s.price_note,
               gl.by_product_id, bp.unit_grams
        FROM sale s JOIN event e ON e.id = s.event_id JOIN lot ON lot.id = s.lot_id
        LEFT JOIN goods_lot gl ON gl.lot_id = lot.id LEFT JOIN by_product bp ON bp.id = gl.by_product_id
        WHERE lot.kind <> 'product' AND {STANDING} ORDER BY s.id""")).all()
    wrong = sum(1 for _id, _kind, lot_unit, unit, quantity, price, amount, *_ in rows
                if unit != lot_unit or amount != amount_fen(quantity, unit, price))
    totals: dict[str, list] = defaultdict(lambda: [0, 0, 0])
    for _id, kind, _lu, _u, quantity, _p, amount, *_ in rows:
        totals[kind][0] += 1
        totals[kind][1] += quantity
        totals[kind][2] += amount
    check("sale unit = the lot's; amount = (grams x price a kg + 500) // 1000, or units x price", wrong,
          "; ".join(f"{kind} {n:,} sales, ¥{fen / 100:,.0f}" for kind, (n, _q, fen) in sorted(totals.items())))
    check("bulk oil sold after a standing quality test of its lot that reaches a grade", conn.execute(text(f"""
        SELECT COUNT(*) FROM sale s JOIN event e ON e.id = s.event_id JOIN lot ON lot.id = s.lot_id
        WHERE lot.kind = 'oil' AND {STANDING} AND NOT EXISTS (
          SELECT 1 FROM quality_test t JOIN grade_limit gl ON {REACHES}
          WHERE t.id = (SELECT latest.id FROM quality_test latest WHERE latest.lot_id = s.lot_id
                        AND latest.withdrawn_at IS NULL AND latest.tested_on <= s.sold_on
                        ORDER BY latest.tested_on DESC, latest.id DESC LIMIT 1))""")).scalar())
    bounds = {row.kind: row for row in conn.execute(text("""SELECT kind, window_days, min_sales, low_percent,
        high_percent, floor_fen_per_kg, ceiling_fen_per_kg FROM price_bound"""))}
    outside = noted = 0
    earlier: dict = defaultdict(list)  # price group -> (day, price) of its sales recorded so far
    for _id, kind, _lu, unit, quantity, price, _amount, sold_on, note, by_product_id, unit_grams in rows:
        day, bound = as_date(sold_on), bounds.get(kind)
        group = earlier[("goods", by_product_id) if kind == "goods" else kind]
        if note.strip():
            noted += 1
        elif bound is not None:
            since = day - timedelta(days=bound.window_days)
            low, high, _median = plausible_range(bound, [p for d, p in group if since <= d <= day],
                                                 unit_grams if unit == "unit" else 1000)
            outside += not low <= price <= high
        if quantity > 0:
            group.append((day, price))
    check("weight sale prices inside the price bounds or explained by a price note", outside,
          f"{len(rows):,} sales, {noted:,} with a note")


def by_products_first_made(conn, start, end) -> int:
    """By-product products first made (their first standing make) from `start` to `end`."""
    return conn.execute(text(f"""SELECT COUNT(*) FROM (SELECT gl.by_product_id, MIN(e.occurred_on) AS first
        FROM goods_lot gl JOIN event_line o ON o.lot_id = gl.lot_id AND o.role = 'output'
        JOIN event e ON e.id = o.event_id WHERE e.kind = 'make' AND {STANDING} GROUP BY gl.by_product_id) x
        WHERE x.first BETWEEN :a AND :b"""), {"a": start, "b": end}).scalar()
