"""Size benchmark: every app figure on two loaded databases in one run (one
county-year and ten, say), taken in turn, with the ratio large / small.

Two apps live in this process, one on each database, each with its Flask
test client signed in as the county's `manager`. Each figure is measured in
rounds that alternate small, large, small, large ... after a warm-up call on
each; the figure per size is the median of its rounds, and the ratio
large/small the median of the per-round ratios, with their spread.

1. the upstream trace of a bottle (`ledger.trace.upstream` from product lots
   drawn with a seeded random over each database's product lots: all years)
   against bench/trace.py's recursive query: app/SQL at each size (<= 2.5)
   and the app's time large/small (<= 1.1);
2. the downstream recall from bench/trace.py's seedling batch against its
   query: app/SQL at each size, and that ratio large/small (<= 1.3: the
   recall's result itself grows with the years its trees bear);
3. manager pages through the test client (the dashboard, the lot list, the
   brain and its map data, the EPCIS export's tenth page, and others that
   read growing tables): time large/small (<= 1.3);
4. the nightly roll-up of the last day rolled up in the season shown
   (`reports.nightly_rollup`, what the scheduler runs; and `rollup_year` of
   that year alone), in a transaction rolled back: time large/small (<= 1.3);
5. the label sheet (`documents.labels.bottle_sheet` over bench/labels.py's
   real labels) and the reading of those labels: time large/small (<= 1.3).

The season shown (dashboard, brain, roll-up) is each database's dashboard
year; --large-season YEAR shows another on the large one, and draws its
bottles from that year (a generated county's later plan years are larger
than its first: a year as large as the small database's one separates the
years of history from the season's size).

With --explain DIR, each figure that misses its bound is run once more on
the large database with its statements timed, and EXPLAIN (ANALYZE, BUFFERS)
of the slowest ones (run in a transaction rolled back) goes to DIR/<figure>.txt.

    python bench/sizes.py --small postgresql://.../b1y --large postgresql://.../b10y [--rounds 5] [--large-season YEAR] [--explain DIR]
"""

import argparse
import os
import random
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import event, func, select, text

from _common import app as make_app
from _common import median
from brain_page import sign_in, timed
from labels import label_ranges, labels_of
from trace import DOWNSTREAM_SQL, UPSTREAM_SQL, recall_batch, walk_sql

PAGE_BOUND = 1.3
EPCIS_PAGE = 10


@dataclass
class Size:
    name: str
    url: str
    app: object = None
    client: object = None
    data: dict = field(default_factory=dict)  # what the figures run on, found once


@dataclass
class Figure:
    name: str
    measure: object  # measure(size) -> {"time": seconds, ...}: one round's call(s), asserted
    bound: float
    profile: object = None  # what --explain runs (default: measure), e.g. a trace's walks without the SQL
    compare: str = "time"  # the part of the measure whose large/small is bounded
    app_sql_bound: float | None = None  # a trace's bound on app/SQL at each size
    note: str = ""


def session_of(size: Size):
    """A fresh app context's session (as each request has its own)."""
    from oilchain import db

    context = size.app.app_context()
    context.push()
    return context, db.session()


def prepare(size: Size, args, season: int | None = None) -> None:
    from oilchain.demo import DEMO_PASSWORD
    from oilchain.ledger.models import Event, Lot
    from oilchain.ledger.trace import downstream, upstream
    from oilchain.reports import services as reports
    from oilchain.reports.models import Rollup

    size.app = make_app(size.url)
    context, session = session_of(size)
    try:
        conn = session.connection()
        # All years' bottles, or with --large-season that season's (its chain the small one's size).
        product_lots = [r for (r,) in conn.execute(text(
            "SELECT pl.lot_id FROM product_lot pl JOIN lot ON lot.id = pl.lot_id"
            + (" WHERE lot.produced_on BETWEEN :first AND :last" if season else "") + " ORDER BY pl.lot_id"),
            {"first": date(season, 1, 1), "last": date(season, 12, 31)} if season else {})]
        bottles = random.Random(args.seed).sample(product_lots, min(args.bottles, len(product_lots)))
        years = sorted({day.year for (day,) in session.execute(select(Lot.produced_on).where(Lot.id.in_(bottles)))})
        batch = recall_batch(session)
        d = size.data
        d["season"] = season or reports.default_year(session)
        last_day = session.execute(select(func.max(Rollup.through_day))).scalar()
        d["rollup_day"] = min(last_day, date(d["season"], 12, 31))
        d["up"] = {lot: set(upstream(session, ("lot", lot)).nodes) for lot in bottles}
        d["down"] = {batch: set(downstream(session, ("lot", batch)).nodes)}
        d["events"] = session.execute(select(func.count()).select_from(Event)).scalar()
        d["scans"] = conn.execute(text("SELECT count(*) FROM serial_scan")).scalar()
        down_lots = sum(1 for kind, _ in d["down"][batch] if kind == "lot")
        print(f"  {size.name}: {size.url.rsplit('/', 1)[-1]}: {d['events']:,} events, {len(product_lots):,} product lots, "
              f"{d['scans']:,} scans; season {d['season']}, roll-up through {d['rollup_day']}; "
              f"{len(bottles)} bottles' lots from {years[0]}..{years[-1]} ({len(years)} years), "
              f"{sum(len(n) for n in d['up'].values()) / len(bottles):.0f} nodes upstream on average; "
              f"recall batch {batch}: {down_lots:,} lots and {len(d['down'][batch]) - down_lots:,} plots")
    finally:
        context.pop()
    with size.app.test_request_context("/"):
        from oilchain import db

        size.data["label ranges"] = label_ranges(db.session(), args.labels)
        size.data["labels"] = labels_of(size.app, size.data["label ranges"])
    size.client = size.app.test_client()
    sign_in(size.client, DEMO_PASSWORD)
    size.data["epcis"] = epcis_page_url(size.client, EPCIS_PAGE)


def epcis_page_url(client, page: int) -> str:
    """The address of the export's `page`-th page, by its Link headers (the
    paging token is opaque)."""
    url = "/epcis/events"
    for _ in range(page - 1):
        response = client.get(url)
        assert response.status_code == 200 and "Link" in response.headers, (url, response.status_code)
        url = response.headers["Link"].split(">", 1)[0].lstrip("<")
    return url


# --- the figures' measures: one round's work on one size, asserted -----------------


def trace_measure(which: str, with_sql: bool = True):
    """The app's walks and the recursive query over the size's start lots, in
    turn; mean seconds a walk, and the node sets asserted equal (without the
    SQL: the walks alone, for --explain)."""
    from oilchain.ledger.trace import bearing_years, downstream, upstream

    walk, sql = (upstream, UPSTREAM_SQL) if which == "up" else (downstream, DOWNSTREAM_SQL)

    def measure(size: Size) -> dict:
        context, session = session_of(size)
        try:
            session.connection()
            spent_app = spent_sql = 0.0
            for start, expected in size.data[which].items():
                t0 = time.perf_counter()
                nodes = set(walk(session, ("lot", start)).nodes)
                t1 = time.perf_counter()
                rows = walk_sql(session, sql, start, bearing_years(session)) if with_sql else expected
                t2 = time.perf_counter()
                assert nodes == expected and rows == expected, f"trace from lot {start}: app and SQL differ"
                spent_app += t1 - t0
                spent_sql += t2 - t1
            count = len(size.data[which])
            return {"time": spent_app / count, "sql": spent_sql / count, "app/SQL": spent_app / spent_sql}
        finally:
            context.pop()

    return measure


def page_measure(url_of):
    def measure(size: Size) -> dict:
        return {"time": timed(size.client, url_of(size))}

    return measure


def rollup_measure(nightly: bool):
    from oilchain.reports import services as reports

    def measure(size: Size) -> dict:
        day = size.data["rollup_day"]
        context, session = session_of(size)
        try:
            session.connection()
            started = time.perf_counter()
            if nightly:
                written = reports.nightly_rollup(session, day)
            else:
                written = reports.rollup_year(session, day.year, day)
            spent = time.perf_counter() - started
            assert written > 0, "the roll-up wrote nothing"
            return {"time": spent}
        finally:
            session.rollback()  # the loaded databases stay as they are
            context.pop()

    return measure


def label_sheet(size: Size) -> dict:
    from oilchain.documents.labels import bottle_sheet

    started = time.perf_counter()
    pdf = bottle_sheet(size.data["labels"])
    spent = time.perf_counter() - started
    assert pdf.startswith(b"%PDF"), "not a PDF"
    return {"time": spent}


def label_reading(size: Size) -> dict:
    """The app's reading of the sheet's labels (`processing.labels.bottle_labels` per lot)."""
    with size.app.test_request_context("/"):
        started = time.perf_counter()
        labels = labels_of(size.app, size.data["label ranges"])
        spent = time.perf_counter() - started
    assert [label.url for label in labels] == [label.url for label in size.data["labels"]]
    return {"time": spent}


def figures() -> list[Figure]:
    pages = {
        "dashboard": lambda s: f"/reports/dashboard?year={s.data['season']}",
        "lot list": lambda s: "/lots",
        "brain page": lambda s: f"/brain/?season={s.data['season']}",
        "brain map.json": lambda s: f"/brain/map.json?season={s.data['season']}",
        f"EPCIS page {EPCIS_PAGE}": lambda s: s.data["epcis"],
        # other manager pages whose queries read tables that grow with the years
        "copied codes": lambda s: "/scans/copied",
        "warnings": lambda s: "/brain/warnings",
        "recalls": lambda s: "/recalls",
        "GI register": lambda s: "/gi/register",
    }
    return [
        Figure("trace upstream", trace_measure("up"), 1.1, profile=trace_measure("up", with_sql=False), app_sql_bound=2.5),
        Figure("trace downstream", trace_measure("down"), 1.3, profile=trace_measure("down", with_sql=False),
               compare="app/SQL"),
        *(Figure(f"page {name}", page_measure(url), PAGE_BOUND) for name, url in pages.items()),
        Figure("nightly roll-up", rollup_measure(nightly=True), 1.3,
               note="the scheduler's job: the last year through its day and the year before again"),
        Figure("roll-up of the last year", rollup_measure(nightly=False), 1.3),
        Figure("label sheet", label_sheet, 1.3),
        Figure("label reading", label_reading, 1.3, note="processing.labels.bottle_labels of the sheet's lots"),
    ]


# --- rounds, and what they print ----------------------------------------------------


def spread(values) -> str:
    return f"{min(values):.2f}..{max(values):.2f}"


def run(figure: Figure, small: Size, large: Size, rounds: int) -> bool:
    figure.measure(small)  # warm-up: statements prepared, pages cached by the database
    figure.measure(large)
    taken = {small.name: [], large.name: []}
    for _ in range(rounds):
        for size in (small, large):
            taken[size.name].append(figure.measure(size))

    def series(size, key):
        return [m[key] for m in taken[size.name]]

    s, g = series(small, "time"), series(large, "time")
    print(f"  {figure.name}, rounds in ms: small " + " ".join(f"{1000 * t:.1f}" for t in s)
          + "  |  large " + " ".join(f"{1000 * t:.1f}" for t in g))
    ratios = [b[figure.compare] / a[figure.compare] for a, b in zip(taken[small.name], taken[large.name])]
    ratio = median(ratios)
    met = ratio <= figure.bound
    what = "" if figure.compare == "time" else f" of {figure.compare}"
    print(f"RESULT {figure.name}: small {1000 * median(s):.1f} ms, large {1000 * median(g):.1f} ms, "
          f"large/small{what} {ratio:.2f} (spread {spread(ratios)}, {rounds} rounds); "
          f"bound <= {figure.bound:g}: {'MET' if met else 'MISSED'}" + (f"  [{figure.note}]" if figure.note else ""))
    if "sql" in taken[small.name][0]:  # a trace: its app/SQL at each size too
        for size in (small, large):
            app_sql = series(size, "app/SQL")
            bound = ""
            if figure.app_sql_bound:
                ok = median(app_sql) <= figure.app_sql_bound
                met = met and ok
                bound = f"; bound <= {figure.app_sql_bound:g}: {'MET' if ok else 'MISSED'}"
            print(f"RESULT {figure.name} app/SQL at {size.name}: app {1000 * median(series(size, 'time')):.1f} ms, "
                  f"SQL {1000 * median(series(size, 'sql')):.1f} ms, app/SQL {median(app_sql):.2f} "
                  f"(spread {spread(app_sql)}, {rounds} rounds){bound}")
    return met


# --- where a missed figure's time goes --------------------------------------------


def shorten(words: str, most: int) -> str:
    return words if len(words) <= most else words[:most] + f" ... ({len(words):,} characters)"


def explain(figure: Figure, size: Size, path: str, top: int = 4) -> None:
    """Run the figure once on `size` with every statement timed, then
    EXPLAIN (ANALYZE, BUFFERS) the slowest statements (their slowest call's
    parameters), in a transaction rolled back."""
    engine = size.app.extensions["oilchain.engine"]
    shapes: dict[str, dict] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("sizes_started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        spent = time.perf_counter() - conn.info["sizes_started"].pop()
        shape = shapes.setdefault(statement, {"calls": 0, "total": 0.0, "slowest": 0.0, "params": parameters,
                                              "many": executemany})
        shape["calls"] += 1
        shape["total"] += spent
        if spent >= shape["slowest"]:
            shape["slowest"], shape["params"] = spent, parameters

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        started = time.perf_counter()
        (figure.profile or figure.measure)(size)
        whole = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    slowest = sorted(shapes.items(), key=lambda item: -item[1]["total"])
    lines = [f"{figure.name} on {size.url}: {1000 * whole:.1f} ms in all, {sum(s['calls'] for s in shapes.values())} "
             f"statements of {len(shapes)} shapes taking {1000 * sum(s['total'] for s in shapes.values()):.1f} ms", ""]
    raw = engine.raw_connection()
    try:
        for statement, shape in slowest[:top]:
            lines += [f"--- {shape['calls']} calls, {1000 * shape['total']:.1f} ms in all, slowest "
                      f"{1000 * shape['slowest']:.1f} ms", shorten(statement.strip(), 3000),
                      "parameters: " + shorten(repr(shape["params"]), 600), ""]
            if shape["many"] or not statement.lstrip().upper().startswith(("SELECT", "WITH", "DELETE", "UPDATE")):
                lines += ["(not explained: an insert or executemany)", ""]
                continue
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, shape["params"])
            lines += [row[0] for row in cursor.fetchall()] + [""]
            cursor.close()
    finally:
        raw.rollback()
        raw.close()
    with open(path, "w") as out:
        out.write("\n".join(lines))
    print(f"  {figure.name}: the slowest statements and their plans in {path}")


def main():
    parser = argparse.ArgumentParser(description="Every app figure on a small and a large database, in turn")
    parser.add_argument("--small", required=True, help="database URL of the small data (one county-year)")
    parser.add_argument("--large", required=True, help="database URL of the large data (ten county-years)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11, help="draws the bottles' product lots")
    parser.add_argument("--bottles", type=int, default=8, help="product lots traced upstream a round")
    parser.add_argument("--labels", type=int, default=500)
    parser.add_argument("--large-season", type=int, help="the season the large database's season pages and roll-up "
                        "show (default: its dashboard's year), e.g. a year as large as the small database's one")
    parser.add_argument("--only", help="comma-separated words: run the figures whose names hold one of them")
    parser.add_argument("--explain", metavar="DIR", help="EXPLAIN (ANALYZE, BUFFERS) of a missed figure's slowest statements")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("at least 5 rounds (the noise of this machine)")
    small, large = Size("small", args.small), Size("large", args.large)
    print("Size benchmark: small and large data in turn")
    prepare(small, args)
    prepare(large, args, season=args.large_season)
    chosen = [f for f in figures() if not args.only or any(word in f.name for word in args.only.split(","))]
    missed = [figure for figure in chosen if not run(figure, small, large, args.rounds)]
    if args.explain and missed:
        os.makedirs(args.explain, exist_ok=True)
        for figure in missed:
            explain(figure, large, os.path.join(args.explain, figure.name.replace(" ", "_").replace(".", "_") + ".txt"))


if __name__ == "__main__":
    main()
