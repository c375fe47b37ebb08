"""Trace benchmark: the app's walks against one recursive SQL query each.

- upstream of one bottle: `oilchain.ledger.trace.upstream` from a product lot;
- downstream (recall) from one seedling batch whose trees bear:
  `oilchain.ledger.trace.downstream` from the batch lot;

each against a single hand-written WITH RECURSIVE query over event_line and
event plus the plot edges with the same bearing rule (`ledger.trace.bearing_years`, the
yield curve's first age with seed), which must
return the same lots and plots (asserted). Rounds are taken in turn (app,
then SQL); the figure is the median of the per-round ratios time(app) /
time(SQL). Target: <= 3. PostgreSQL only (the SQL uses its date arithmetic).

    OILCHAIN_DATABASE_URL=postgresql://... python bench/trace.py [--rounds 5]
"""

import argparse
import random
import time

from sqlalchemy import text

from _common import app as make_app
from _common import median, verdict

# Standing events only (not reversed, not reversals). Written out in each
# branch rather than as a CTE: a CTE named twice is materialized by
# PostgreSQL, and the walk would then scan it instead of using the indexes.
S = "e.reversed_by_event_id IS NULL AND e.kind <> 'reverse'"

UPSTREAM_SQL = f"""
WITH RECURSIVE
walk(node_kind, node_id, bound) AS (
  SELECT 'lot'::text, CAST(:start AS integer), NULL::date
  UNION
  SELECT nxt.node_kind, nxt.node_id, nxt.bound FROM walk w CROSS JOIN LATERAL (
    -- the inputs of the event that made the lot
    SELECT 'lot'::text AS node_kind, i.lot_id AS node_id, NULL::date AS bound
      FROM event_line o JOIN event e ON e.id = o.event_id
      JOIN event_line i ON i.event_id = e.id AND i.role = 'input'
      WHERE {S} AND w.node_kind = 'lot' AND o.lot_id = w.node_id AND o.role = 'output'
    UNION ALL
    -- a harvest's plot, with the harvest's day as the bound of its plantings
    SELECT 'plot', e.plot_id, e.occurred_on
      FROM event_line o JOIN event e ON e.id = o.event_id
      WHERE {S} AND w.node_kind = 'lot' AND o.lot_id = w.node_id AND o.role = 'output' AND e.kind = 'harvest'
        AND e.plot_id IS NOT NULL
    UNION ALL
    -- the seedlings of plantings at least three years older than that harvest
    SELECT 'lot', i.lot_id, NULL
      FROM event e JOIN event_line i ON i.event_id = e.id AND i.role = 'input'
      WHERE {S} AND w.node_kind = 'plot' AND e.plot_id = w.node_id AND e.kind = 'plant'
        AND e.occurred_on <= w.bound - make_interval(years => CAST(:bearing AS integer))
  ) nxt
)
SELECT DISTINCT node_kind, node_id FROM walk
"""

DOWNSTREAM_SQL = f"""
WITH RECURSIVE
walk(node_kind, node_id, bound) AS (
  SELECT 'lot'::text, CAST(:start AS integer), NULL::date
  UNION
  SELECT nxt.node_kind, nxt.node_id, nxt.bound FROM walk w CROSS JOIN LATERAL (
    -- the outputs of the events that used the lot
    SELECT 'lot'::text AS node_kind, o.lot_id AS node_id, NULL::date AS bound
      FROM event_line i JOIN event e ON e.id = i.event_id
      JOIN event_line o ON o.event_id = e.id AND o.role = 'output'
      WHERE {S} AND w.node_kind = 'lot' AND i.lot_id = w.node_id AND i.role = 'input'
    UNION ALL
    -- a planting's plot, with the planting's day as the bound of its harvests
    SELECT 'plot', e.plot_id, e.occurred_on
      FROM event_line i JOIN event e ON e.id = i.event_id
      WHERE {S} AND w.node_kind = 'lot' AND i.lot_id = w.node_id AND i.role = 'input' AND e.kind = 'plant'
        AND e.plot_id IS NOT NULL
    UNION ALL
    -- the fruit of harvests at least three years younger than that planting
    SELECT 'lot', o.lot_id, NULL
      FROM event e JOIN event_line o ON o.event_id = e.id AND o.role = 'output'
      WHERE {S} AND w.node_kind = 'plot' AND e.plot_id = w.node_id AND e.kind = 'harvest'
        AND e.occurred_on >= w.bound + make_interval(years => CAST(:bearing AS integer))
  ) nxt
)
SELECT DISTINCT node_kind, node_id FROM walk
"""


def walk_sql(session, sql, start_id: int, bearing: int) -> set:
    """The nodes one of the recursive queries reaches from a lot."""
    rows = session.connection().execute(text(sql), {"start": start_id, "bearing": bearing})
    return {(kind, node_id) for kind, node_id in rows}


def recall_batch(session) -> int:
    """The batch whose dispatches reached most plots planted years ago: its trees bear, so the recall is large."""
    from oilchain.ledger.trace import bearing_years

    return session.connection().execute(text("""
        SELECT d.batch_lot_id FROM seedling_dispatch d JOIN event e ON e.id = d.event_id
        WHERE d.plot_id IS NOT NULL AND e.occurred_on <= (SELECT MAX(occurred_on) FROM event) - make_interval(years => CAST(:bearing AS integer))
        GROUP BY d.batch_lot_id ORDER BY COUNT(*) DESC, d.batch_lot_id LIMIT 1"""),
        {"bearing": bearing_years(session)}).scalar()


def compare(session, name, walk, sql, start_id, rounds, repeat):
    from oilchain.ledger.trace import bearing_years

    def app_nodes():
        graph = walk(session, ("lot", start_id))
        return set(graph.nodes)

    def sql_nodes():
        return walk_sql(session, sql, start_id, bearing_years(session))

    expected, got = app_nodes(), sql_nodes()  # warm-up, and the equality the figures rest on
    lots = sum(1 for kind, _ in expected if kind == "lot")
    plots = len(expected) - lots
    assert got == expected, f"{name}: SQL and app differ: {len(got ^ expected)} nodes, e.g. {sorted(got ^ expected)[:5]}"
    print(f"  {name}: start lot {start_id}, {lots:,} lots and {plots:,} plots; SQL result = app result (asserted)")
    ratios, app_times, sql_times = [], [], []
    for n in range(1, rounds + 1):
        # One round: `repeat` calls of each, alternating app and SQL, so that
        # load from elsewhere on the machine falls on both alike.
        spent_app = spent_sql = 0.0
        for _ in range(repeat):
            t0 = time.perf_counter()
            nodes = app_nodes()
            t1 = time.perf_counter()
            rows = sql_nodes()
            t2 = time.perf_counter()
            assert nodes == expected and rows == expected
            spent_app += t1 - t0
            spent_sql += t2 - t1
        app_times.append(spent_app / repeat)
        sql_times.append(spent_sql / repeat)
        ratios.append(spent_app / spent_sql)
        print(f"    round {n}: app {1000 * app_times[-1]:8.1f} ms   SQL {1000 * sql_times[-1]:8.1f} ms   "
              f"ratio {ratios[-1]:.2f}   (mean of {repeat} calls each)")
    ratio = median(ratios)
    print(f"  {name}: app {1000 * median(app_times):.1f} ms, SQL {1000 * median(sql_times):.1f} ms (medians); "
          f"time(app)/time(SQL) = {ratio:.2f} (median of {rounds} rounds), {verdict(ratio, 3, higher_is_better=False)}")
    return ratio


def main():
    parser = argparse.ArgumentParser(description="Trace walks against recursive SQL")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=10, help="calls of each per round (downstream: a third of it)")
    args = parser.parse_args()
    from oilchain import db
    from oilchain.ledger.trace import downstream, upstream

    app = make_app()
    with app.app_context():
        session = db.session()
        conn = session.connection()
        if conn.dialect.name != "postgresql":
            raise SystemExit("bench/trace.py runs on PostgreSQL (its SQL uses PostgreSQL's date arithmetic).")
        product_lots = [r for (r,) in conn.execute(text("SELECT lot_id FROM product_lot ORDER BY lot_id"))]
        bottle_lot = random.Random(args.seed).choice(product_lots)
        batch_lot = recall_batch(session)
        print("Trace benchmark (PostgreSQL)")
        up = compare(session, "upstream of one bottle", upstream, UPSTREAM_SQL, bottle_lot, args.rounds, args.repeat)
        down = compare(session, "downstream recall from one seedling batch", downstream, DOWNSTREAM_SQL, batch_lot, args.rounds,
                       max(1, args.repeat // 3))
        print(f"RESULT trace upstream time(app)/time(SQL) = {up:.2f}; {verdict(up, 3, False)}")
        print(f"RESULT trace downstream time(app)/time(SQL) = {down:.2f}; {verdict(down, 3, False)}")


if __name__ == "__main__":
    main()
