"""Upstream and downstream trace over the ledger, from any lot or plot.

The graph's nodes are lots and plots. Lot-to-lot edges come from events
that consume inputs and create outputs; a planting consumes dispatched
seedlings at a plot (lot -> plot) and a harvest creates fruit at a plot
(plot -> lot). Reversed events and reversals are not part of the chain.
The walk goes one level per query, so its cost grows with the depth of the
chain (about eight steps), not with the number of lots.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_
from sqlmodel import Session, select

from .models import Event, EventLine

Node = tuple[str, int]  # ("lot", id) or ("plot", id)


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

    def ids(self, kind: str) -> set[int]:
        return {node_id for node_kind, node_id in self.nodes if node_kind == kind}


STANDING = and_(Event.reversed_by_event_id.is_(None), Event.kind != "reverse")


def upstream(session: Session, start: Node) -> Graph:
    return _walk(session, start, _upstream_step)


def downstream(session: Session, start: Node) -> Graph:
    return _walk(session, start, _downstream_step)


def _walk(session: Session, start: Node, step) -> Graph:
    graph = Graph(start=start, nodes={start})
    frontier = {start}
    while frontier:
        edges = step(session, frontier)
        frontier = set()
        for edge in edges:
            graph.edges.append(edge)
            for node in (edge.source, edge.target):
                if node not in graph.nodes:
                    graph.nodes.add(node)
                    frontier.add(node)
    return graph


def _upstream_step(session: Session, frontier: set[Node]) -> list[Edge]:
    lot_ids = [i for k, i in frontier if k == "lot"]
    plot_ids = [i for k, i in frontier if k == "plot"]
    edges = []
    if lot_ids:
        made = select(EventLine.event_id, EventLine.lot_id).where(
            EventLine.lot_id.in_(lot_ids), EventLine.role == "output"
        ).subquery()
        rows = session.exec(
            select(made.c.lot_id, Event.id, Event.kind, Event.plot_id, EventLine.lot_id, EventLine.delta)
            .join(Event, Event.id == made.c.event_id)
            .outerjoin(EventLine, and_(EventLine.event_id == Event.id, EventLine.role == "input"))
            .where(STANDING)
        ).all()
        for made_lot, event_id, kind, plot_id, input_lot, delta in rows:
            if input_lot is not None:
                edges.append(Edge(("lot", input_lot), ("lot", made_lot), event_id, kind, -delta))
            if kind == "harvest" and plot_id is not None:
                edges.append(Edge(("plot", plot_id), ("lot", made_lot), event_id, kind, 0))
    if plot_ids:
        rows = session.exec(
            select(Event.plot_id, Event.id, Event.kind, EventLine.lot_id, EventLine.delta)
            .join(EventLine, EventLine.event_id == Event.id)
            .where(Event.plot_id.in_(plot_ids), Event.kind == "plant", EventLine.role == "input", STANDING)
        ).all()
        for plot_id, event_id, kind, lot_id, delta in rows:
            edges.append(Edge(("lot", lot_id), ("plot", plot_id), event_id, kind, -delta))
    return edges


def _downstream_step(session: Session, frontier: set[Node]) -> list[Edge]:
    lot_ids = [i for k, i in frontier if k == "lot"]
    plot_ids = [i for k, i in frontier if k == "plot"]
    edges = []
    if lot_ids:
        used = select(EventLine.event_id, EventLine.lot_id, EventLine.delta).where(
            EventLine.lot_id.in_(lot_ids), EventLine.role == "input"
        ).subquery()
        rows = session.exec(
            select(used.c.lot_id, used.c.delta, Event.id, Event.kind, Event.plot_id, EventLine.lot_id)
            .join(Event, Event.id == used.c.event_id)
            .outerjoin(EventLine, and_(EventLine.event_id == Event.id, EventLine.role == "output"))
            .where(STANDING)
        ).all()
        for used_lot, delta, event_id, kind, plot_id, output_lot in rows:
            if output_lot is not None:
                edges.append(Edge(("lot", used_lot), ("lot", output_lot), event_id, kind, -delta))
            if kind == "plant" and plot_id is not None:
                edges.append(Edge(("lot", used_lot), ("plot", plot_id), event_id, kind, -delta))
    if plot_ids:
        rows = session.exec(
            select(Event.plot_id, Event.id, Event.kind, EventLine.lot_id, EventLine.delta)
            .join(EventLine, EventLine.event_id == Event.id)
            .where(Event.plot_id.in_(plot_ids), Event.kind == "harvest", EventLine.role == "output", STANDING)
        ).all()
        for plot_id, event_id, kind, lot_id, delta in rows:
            edges.append(Edge(("plot", plot_id), ("lot", lot_id), event_id, kind, delta))
    return edges
