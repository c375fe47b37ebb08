"""The load's phases, timed as they run, and the summary it prints: what was
made against the plan's targets, the logins, one bottle's consumer page."""

import time

from sqlalchemy import func, select
from sqlmodel import Session

from ...ledger.models import Event, EventLine, Lot
from ...public.services import bottle_url
from ...reports import services as reports
from ...reports.models import Target
from ..common import DEMO_PASSWORD
from .state import County


class Phases:
    """Named phases of the load: each announced with the seconds since the start."""

    def __init__(self, echo):
        self.echo = echo
        self.began = time.perf_counter()
        self.started: dict[str, float] = {}  # phase key -> when it started

    def start(self, key: str, name: str) -> None:
        self.started[key] = time.perf_counter()
        self.echo(f"[{time.perf_counter() - self.began:6.1f} s] {name}")

    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def durations(self) -> str:
        """Each phase's seconds, the last one up to now."""
        ends = [*list(self.started.values())[1:], time.perf_counter()]
        return ", ".join(f"{key} {(later - self.started[key]):.1f} s" for key, later in zip(self.started, ends))


def summary(county: County, *, seed: int, counts: dict, story: dict, marks: tuple[int, int], rollup_rows: int,
            elapsed: float, phases: Phases, url: str, years: list[str] = ()) -> str:
    """The figures of the year as the reports count them, beside their targets."""
    session, year = county.session, county.year
    totals = dict(session.execute(select(Target.metric, Target.value).where(Target.year == year)).all())
    actual = reports.sums(session, county.day(1, 1), county.day(12, 31))
    bottles = sum(lot.quantity for _, _, lot, _ in county.product_lots)
    issues, marked_lots = marks

    def t(g):
        return f"{g / 1_000_000:,.1f} t"

    def pct(metric):
        return f" ({actual.get(metric, 0) * 100 / totals[metric]:.1f}% of the target)" if totals.get(metric) else ""

    lines = [
        f"County-scale data for {year} (seed {seed}) on {session.get_bind().dialect.name}:",
        (f"  organizations      {len(county.by_id)} ({len(county.orgs['cooperative'])} cooperatives, "
         f"{len(county.orgs['nursery'])} nurseries, {len(county.orgs['processor'])} processors, the bureau); "
         f"{counts['user']} users"),
        (f"  plots              {counts['plot']:,} ({len(county.bearing):,} bearing, "
         f"{county.bearing_centimu / 100:,.0f} mu; {len(county.new_plots):,} new)"),
        f"  seedlings raised   {actual.get('seedlings_raised', 0):,} plants{pct('seedlings_raised')}",
        f"  planted new        {actual.get('planted_new', 0) / 100:,.2f} mu accepted{pct('planted_new')}",
        f"  renovated          {actual.get('renovated', 0) / 100:,.2f} mu accepted{pct('renovated')}",
        f"  harvest lots       {county.harvest_count:,}",
        f"  seed pressed       {t(actual.get('seed_processed', 0))}{pct('seed_processed')}",
        f"  oil pressed        {t(actual.get('oil_output', 0))}",
        f"  bottles            {bottles:,} in {len(county.product_lots):,} product lots; {counts['serial_scan']:,} scanned",
        f"  sales              ¥{actual.get('output_value', 0) / 100:,.2f} in {counts['sale']:,} sales{pct('output_value')}",
        f"  by-products        {actual.get('by_products', 0)}",
        *mill_lines(county, counts, t),
        f"  quality tests      {counts['quality_test']:,}; GI marks: {issues:,} issues for {marked_lots:,} lots",
        f"  ledger             {ledger_counts(session)}, {counts['shipment']:,} shipments",
        (f"  origin stories     {story['distinct_stories']:,} distinct ({story['per_story_ms']:.0f} ms each, "
         f"{story['story_seconds']:.1f} s) for {len(county.product_lots):,} product lots; "
         f"GI refresh {story['gi_seconds']:.1f} s"),
        f"  roll-up            {rollup_rows:,} daily rows",
        *([f"  years              {len(years)}, the last above (ledger: all of them)", *years] if years else []),
        f"  phases             {phases.durations()}",
        f"Elapsed: {elapsed:.1f} s",
        "",
        f"Logins: admin, manager, nursery01.., coop001.., processor01.. (password: {DEMO_PASSWORD})",
        "Consumer page of one bottle:",
        f"  {url}",
    ]
    return "\n".join(lines)


def year_line(county: County, counts: dict) -> str:
    """One line of a year's figures as the reports count them (the year's rows written)."""
    actual = reports.sums(county.session, county.day(1, 1), county.day(12, 31))
    bearing = sum(1 for plot in county.bearing if plot["year_planted"] <= county.year - 5)
    return (f"    {county.year}: {bearing:,} plots of 5 years or more; seed pressed "
            f"{actual.get('seed_processed', 0) / 1_000_000:,.0f} t of {county.target('seed_processed') / 1_000_000:,.0f} t; "
            f"¥{actual.get('output_value', 0) / 100:,.0f} in {counts.get('sale', 0):,} sales; "
            f"{sum(lot.quantity for _, _, lot, _ in county.product_lots):,} bottles in {len(county.product_lots):,} lots; "
            f"{counts.get('serial_scan', 0):,} serials scanned; {counts.get('lot', 0):,} lots, {counts.get('event', 0):,} events")


def mill_lines(county: County, counts: dict, t) -> list[str]:
    """The oil mill's steps: oil by method, refined and blended, tanks, by-products made and sold by weight."""
    events: dict[str, int] = {}
    for ev in county.ledger.events:
        events[ev.kind] = events.get(ev.kind, 0) + 1
    methods: dict[str, int] = {}
    for method in county.oil_method.values():
        methods[method] = methods.get(method, 0) + 1
    made = {kind: sum(lot.quantity for lot in county.ledger.lots if lot.kind == kind) for kind in ("saponin", "meal")}
    sales, fen = county.sold_by_weight
    return [
        (f"  oil lots           {', '.join(f'{n:,} {m}' for m, n in sorted(methods.items()))}; "
         f"{len(county.refined):,} refined ({events.get('refine', 0):,} refinings), {events.get('blend', 0):,} blends; "
         f"{counts.get('tank', 0)} tanks"),
        (f"  by-products made   {t(made['saponin'])} saponin ({events.get('extract', 0)} extractions), {t(made['meal'])} "
         f"meal ({events.get('leach', 0)} solvent extractions), {events.get('make', 0)} makes of "
         f"{len(county.goods_products)} of {counts.get('by_product', 0)} registered by-product products"),
        (f"  sold by weight     ¥{fen / 100:,.2f} in {sales:,} sales "
         f"(bulk oil ¥{county.bulk_oil_fen / 100:,.2f}); {events.get('split', 0)} seed lots split and shipped apart"),
    ]


def ledger_counts(session: Session) -> str:
    lots, events, lines = (session.execute(select(func.count()).select_from(model)).scalar_one()
                           for model in (Lot, Event, EventLine))
    return f"{lots:,} lots, {events:,} events, {lines:,} event lines"


def one_bottle_url(county: County, public_base_url: str, serial_key: str) -> str:
    """The consumer page of the eighth bottle of the first product lot."""
    _processor, product, lot, _oil = county.product_lots[0]
    first, _last = county.serials[lot.id]
    return bottle_url(public_base_url, serial_key, product["gtin"], lot.code, first + 7)
