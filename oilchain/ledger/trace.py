"""Upstream and downstream trace over the ledger, from any lot or plot.

The graph's nodes are lots and plots. Lot-to-lot edges come from events
that consume inputs and create outputs; a planting consumes dispatched
seedlings at a plot (lot -> plot) and a harvest creates fruit at a plot
(plot -> lot). Reversed events and reversals are not part of the chain.

Trees bear only years after they are planted, so a harvest is linked to the
plantings on its plot that are at least `bearing_years` older than it (and a
planting to the harvests at least that much younger): the yield curve's
first age with seed, the same rule the brain's forecast counts bearing area
by. A plot that starts a walk is linked to all of them.

The walk goes one level per query, so its cost grows with the depth of the
chain (about eight steps), not with the number of lots.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func
from sqlmodel import Session, select

from .models import STANDING, Event, EventLine, YieldCurve

Node = tuple[str, int]  # ("lot", id) or ("plot", id)
# Before the yield curve has any row with seed (a database without its
# reference data): the improved varieties' first bearing year.
DEFAULT_BEARING_YEARS = 3


def bearing_years(session: Session) -> int:
    """Trees bear from this age (years since planting): the smallest age
    with seed on the yield curve, over every variety group."""
    first = session.exec(select(func.min(YieldCurve.age_years)).where(YieldCurve.seed_g_per_mu > 0)).one()
    return DEFAULT_BEARING_YEARS if first is None else first


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    event_id: int
    kind: str
    quantity: int  # of the source consumed (lot source) or of the target made (plot source)


@dataclass
class Graph:
    start: Node
    nodes: set[Node] = field(default_factory=set)
    edges: list[Edge] = field(default_factory=list)
    # Per plot reached through the chain: the date that bounds which plantings
    # (upstream: the latest harvest) or harvests (downstream: the earliest
    # planting) belong to this walk.
    plot_dates: dict[int, date] = field(default_factory=dict)
    bearing_years: int = DEFAULT_BEARING_YEARS  # the walk's bearing rule (bearing_years)

    def ids(self, kind: str) -> set[int]:
        return {node_id for node_kind, node_id in self.nodes if node_kind == kind}


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def upstream(session: Session, start: Node) -> Graph:
    return _walk(session, start, _upstream_step, later=True)


def downstream(session: Session, start: Node) -> Graph:
    return _walk(session, start, _downstream_step, later=False)


def _walk(session: Session, start: Node, step, later: bool) -> Graph:
    """Breadth first. A plot is walked again when a new path through the chain
    widens its date bound (a later harvest upstream, an earlier planting
    downstream)."""
    graph = Graph(start=start, nodes={start}, bearing_years=bearing_years(session))
    seen_edges: set[Edge] = set()
    frontier = {start}
    while frontier:
        edges, plot_dates = step(session, frontier, graph)
        frontier = set()
        for plot_id, day in plot_dates.items():
            known = graph.plot_dates.get(plot_id)
            if known is None or (day > known if later else day < known):
                graph.plot_dates[plot_id] = day
                if ("plot", plot_id) in graph.nodes and ("plot", plot_id) != start:
                    frontier.add(("plot", plot_id))
        for edge in edges:
            if edge in seen_edges:
                continue
            seen_edges.add(edge)
            graph.edges.append(edge)
            for node in (edge.source, edge.target):
                if node not in graph.nodes:
                    graph.nodes.add(node)
                    frontier.add(node)
    return graph


def _plot_bound(graph: Graph, plot_id: int):
    """None for the walk's own start plot: everything on it counts."""
    if graph.start == ("plot", plot_id):
        return None
    return graph.plot_dates.get(plot_id)


def _bearing_by(planted: date, harvested: date, years: int) -> bool:
    """Trees planted then bear by the harvest."""
    return planted <= years_later(harvested, -years)


def _borne_after(harvested: date, planted: date, years: int) -> bool:
    """A harvest of trees old enough to bear, planted from `planted`."""
    return harvested >= years_later(planted, years)


def _plot_lines(session: Session, graph: Graph, plot_ids: list[int], kind: str, role: str, old_enough) -> list:
    """The standing `kind` events' `role` lines on these plots, as (plot,
    event, kind, lot, delta), keeping only what trees old enough to bear
    explain: `old_enough(event date, the plot's bound, years)` (the walk's own start
    plot keeps everything). One statement of the same shape for any plots, so
    it is compiled and planned once; the rule is applied to the few rows here."""
    rows = session.exec(
        select(Event.plot_id, Event.id, Event.kind, Event.occurred_on, EventLine.lot_id, EventLine.delta)
        .join(EventLine, EventLine.event_id == Event.id)
        .where(Event.plot_id.in_(plot_ids), Event.kind == kind, EventLine.role == role, STANDING)
    ).all()
    kept = []
    for plot_id, event_id, event_kind, occurred_on, lot_id, delta in rows:
        bound = _plot_bound(graph, plot_id)
        if bound is None or old_enough(occurred_on, bound, graph.bearing_years):
            kept.append((plot_id, event_id, event_kind, lot_id, delta))
    return kept


def _upstream_step(session: Session, frontier: set[Node], graph: Graph):
    lot_ids = [i for k, i in frontier if k == "lot"]
    plot_ids = [i for k, i in frontier if k == "plot"]
    edges, plot_dates = [], {}
    if lot_ids:
        made = select(EventLine.event_id, EventLine.lot_id).where(
            EventLine.lot_id.in_(lot_ids), EventLine.role == "output"
        ).subquery()
        rows = session.exec(
            select(made.c.lot_id, Event.id, Event.kind, Event.plot_id, Event.occurred_on, EventLine.lot_id, EventLine.delta)
            .join(Event, Event.id == made.c.event_id)
            .outerjoin(EventLine, and_(EventLine.event_id == Event.id, EventLine.role == "input"))
            .where(STANDING)
        ).all()
        for made_lot, event_id, kind, plot_id, occurred_on, input_lot, delta in rows:
            if input_lot is not None:
                edges.append(Edge(("lot", input_lot), ("lot", made_lot), event_id, kind, -delta))
            if kind == "harvest" and plot_id is not None:
                edges.append(Edge(("plot", plot_id), ("lot", made_lot), event_id, kind, 0))
                plot_dates[plot_id] = max(occurred_on, plot_dates.get(plot_id, occurred_on))
    if plot_ids:
        for plot_id, event_id, kind, lot_id, delta in _plot_lines(session, graph, plot_ids, "plant", "input", _bearing_by):
            edges.append(Edge(("lot", lot_id), ("plot", plot_id), event_id, kind, -delta))
    return edges, plot_dates


def _downstream_step(session: Session, frontier: set[Node], graph: Graph):
    lot_ids = [i for k, i in frontier if k == "lot"]
    plot_ids = [i for k, i in frontier if k == "plot"]
    edges, plot_dates = [], {}
    if lot_ids:
        used = select(EventLine.event_id, EventLine.lot_id, EventLine.delta).where(
            EventLine.lot_id.in_(lot_ids), EventLine.role == "input"
        ).subquery()
        rows = session.exec(
            select(used.c.lot_id, used.c.delta, Event.id, Event.kind, Event.plot_id, Event.occurred_on, EventLine.lot_id)
            .join(Event, Event.id == used.c.event_id)
            .outerjoin(EventLine, and_(EventLine.event_id == Event.id, EventLine.role == "output"))
            .where(STANDING)
        ).all()
        for used_lot, delta, event_id, kind, plot_id, occurred_on, output_lot in rows:
            if output_lot is not None:
                edges.append(Edge(("lot", used_lot), ("lot", output_lot), event_id, kind, -delta))
            if kind == "plant" and plot_id is not None:
                edges.append(Edge(("lot", used_lot), ("plot", plot_id), event_id, kind, -delta))
                plot_dates[plot_id] = min(occurred_on, plot_dates.get(plot_id, occurred_on))
    if plot_ids:
        for plot_id, event_id, kind, lot_id, delta in _plot_lines(session, graph, plot_ids, "harvest", "output", _borne_after):
            edges.append(Edge(("plot", plot_id), ("lot", lot_id), event_id, kind, delta))
    return edges, plot_dates
