"""Reading the chain: who may see a lot and its trace. (A lot's origin
story is oilchain.provenance's.)"""

from sqlalchemy import or_
from sqlmodel import Session, select

from ..admin.models import Township
from ..auth.actor import Actor
from ..auth.models import Organization
from ..ledger.models import Event, EventLine, Lot, Shipment
from ..ledger.trace import Graph, downstream
from ..planting.models import Plot
from .sold import trace_sales

FULL, ORIGIN = "full", "origin"


def took_part(org_id: int):
    """A condition on Lot: the organization owns the lot, made or used it (an
    event of its own names it), or shipped or received it."""
    acted = select(EventLine.lot_id).join(Event, Event.id == EventLine.event_id).where(Event.org_id == org_id)
    shipped = select(Shipment.lot_id).where(or_(Shipment.from_org_id == org_id, Shipment.to_org_id == org_id))
    return or_(Lot.owner_org_id == org_id, Lot.id.in_(acted), Lot.id.in_(shipped))


def participated_in(session: Session, org_id: int, lot_ids: set[int]) -> set[int]:
    """Those of the lots the organization took part in."""
    if not lot_ids:
        return set()
    return set(session.exec(select(Lot.id).where(Lot.id.in_(lot_ids), took_part(org_id))))


def participated(session: Session, org_id: int, lot_ids: set[int]) -> bool:
    return bool(participated_in(session, org_id, lot_ids))


def fully_visible(session: Session, actor: Actor, graph: Graph) -> set[int]:
    """The lots of a trace the actor may see in full: all for the bureau, else
    those its organization took part in. Upstream of those, a trace shows the
    others' origin facts only; downstream, it leaves them out."""
    lot_ids = graph.ids("lot")
    return set(lot_ids) if actor.is_bureau else participated_in(session, actor.org_id, lot_ids)


def lot_access(session: Session, actor: Actor, lot: Lot) -> str | None:
    """FULL for its owners past and present and the bureau; ORIGIN for those
    who hold something made from it; None for everyone else."""
    if actor.is_bureau or participated(session, actor.org_id, {lot.id}):
        return FULL
    below = downstream(session, ("lot", lot.id)).ids("lot") - {lot.id}
    return ORIGIN if participated(session, actor.org_id, below) else None


def plot_access(session: Session, actor: Actor, plot: Plot) -> str | None:
    if actor.is_bureau or plot.cooperative_id == actor.org_id:
        return FULL
    below = downstream(session, ("plot", plot.id)).ids("lot")
    return ORIGIN if participated(session, actor.org_id, below) else None


def trace_rows(session: Session, graph: Graph) -> dict:
    """The graph's nodes and edges with what a page needs to show them."""
    lot_ids = graph.ids("lot")
    plot_ids = graph.ids("plot")
    lots = {lot.id: lot for lot in session.exec(select(Lot).where(Lot.id.in_(lot_ids)))} if lot_ids else {}
    plots = {}
    if plot_ids:
        plots = {
            plot.id: (plot, township)
            for plot, township in session.exec(
                select(Plot, Township).join(Township, Township.id == Plot.township_id).where(Plot.id.in_(plot_ids))
            )
        }
    org_ids = {lot.owner_org_id for lot in lots.values()}
    orgs = {o.id: o for o in session.exec(select(Organization).where(Organization.id.in_(org_ids)))} if org_ids else {}
    events = {}
    event_ids = {e.event_id for e in graph.edges}
    if event_ids:
        events = {e.id: e for e in session.exec(select(Event).where(Event.id.in_(event_ids)))}
    return {"lots": lots, "plots": plots, "orgs": orgs, "events": events}


def visible_trace(session: Session, actor: Actor, graph: Graph, upstream_walk: bool) -> dict:
    """What of a trace the actor may see: every node and edge in full for
    lots it took part in; upstream, the other lots as origin facts (kind and
    holder, no code or quantity); downstream, nothing of the others but a
    count, and the sales of every lot reached (sold.trace_sales: their
    buyers only for the seller and the bureau)."""
    full = fully_visible(session, actor, graph)
    rows = trace_rows(session, graph)
    sales = None if upstream_walk else trace_sales(session, actor, graph.ids("lot"), full)

    def shown(node) -> bool:
        return node[0] == "plot" or node[1] in full or upstream_walk

    edges = [e for e in graph.edges if shown(e.source) and shown(e.target)]
    hidden = {n for n in graph.nodes if not shown(n)}
    return {**rows, "edges": edges, "full": full, "hidden": len(hidden), "sales": sales}


def graph_json(session: Session, actor: Actor, graph: Graph, upstream_walk: bool) -> dict:
    """The trace as JSON, showing what the HTML trace shows. No database id
    of a record the reader may not open: a lot it sees in full is named by
    its code; any other lot by a name that holds only in this answer
    (`other-1`, ...), neither its id nor its code, which the page leaves out
    too; an event by its id only when it touches a lot the reader sees in
    full (the lot's page lists it). Plots in a trace are ones the reader may
    open (plot_access), so they keep their id, as the page's links do."""
    view = visible_trace(session, actor, graph, upstream_walk)
    full = view["full"]
    nodes = {n for e in view["edges"] for n in (e.source, e.target)} | {graph.start}
    others = {n: f"other-{i}" for i, n in enumerate(sorted(n for n in nodes if n[0] == "lot" and n[1] not in full), 1)}

    def node(n):
        kind, node_id = n
        if kind == "plot":
            plot, township = view["plots"][node_id]
            return {"type": "plot", "id": plot.id, "name": plot.name, "township": township.name}
        lot = view["lots"][node_id]
        facts = {"type": "lot", "kind": lot.kind, "owner": view["orgs"][lot.owner_org_id].name}
        if node_id in full:
            facts.update(code=lot.code, unit=lot.unit, quantity=lot.quantity)
        return facts

    def ref(n):
        if n[0] == "plot":
            return f"plot:{n[1]}"
        return view["lots"][n[1]].code if n[1] in full else others[n]

    def seen(e) -> bool:
        return any(n[0] == "lot" and n[1] in full for n in (e.source, e.target))

    answer = {
        "start": ref(graph.start),
        "nodes": [dict(node(n), ref=ref(n)) for n in sorted(nodes)],
        "edges": [
            {
                "from": ref(e.source),
                "to": ref(e.target),
                "event": e.event_id if seen(e) else None,
                "step": e.kind,
                "date": view["events"][e.event_id].occurred_on.isoformat(),
                "quantity": e.quantity if e.source[0] == "plot" or e.source[1] in full else None,
            }
            for e in view["edges"]
        ],
        "not_shown": view["hidden"],
    }
    if view["sales"] is not None:
        answer["sales"] = [
            {"lot": ref(("lot", s.lot.id)) if s.lot.id in full else None, "date": s.sold_on.isoformat(), "buyer": s.buyer,
             "channel": s.channel, "quantity": s.quantity, "unit": s.unit, "amount_fen": s.amount_fen, "seller": s.seller}
            for s in view["sales"].with_buyers
        ]
        answer["sales_without_buyers"] = [
            {"lot": ref(("lot", c.lot.id)) if c.lot is not None else None, "sales": c.sales,
             "quantities": [{"unit": unit, "quantity": amount} for unit, amount in c.quantities]}
            for c in view["sales"].counted
        ]
    return answer
