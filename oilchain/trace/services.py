"""Reading the chain: who may see a lot, its details, its trace, and the
origin story that a bottle's page shows."""

import json
from collections import defaultdict

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import clock
from ..admin.models import Township, Variety
from ..auth.actor import Actor
from ..auth.models import Organization
from ..harvest.models import HarvestRecord
from ..ledger.models import Event, EventLine, Lot, Shipment
from ..ledger.services import on_reverse
from ..ledger.trace import Graph, downstream, upstream
from ..nursery.models import SeedlingBatch
from ..planting.models import PlantingRecord, Plot
from ..processing.models import ProductLot, QualityTest
from ..processing.quality import grade_of
from ..units import LAB_DECIMALS, centimu_to_mu, from_base, normalized

FULL, ORIGIN = "full", "origin"
STORY_PLOT_LIMIT = 12


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


def origin_story(session: Session, lot_id: int) -> dict:
    """Where a lot came from, summarized by township and cooperative so that a
    lot pooled from hundreds of plots still reads in a few lines. Only origin
    facts: anyone downstream may read them. (Townships and plots are ordered
    by the fruit harvested there, but no quantity is told.)"""
    graph = upstream(session, ("lot", lot_id))
    lot_ids = graph.ids("lot")
    plot_ids = graph.ids("plot")
    lots = {lot.id: lot for lot in session.exec(select(Lot).where(Lot.id.in_(lot_ids)))}

    plots = {}
    if plot_ids:
        rows = session.exec(
            select(Plot, Township, Organization)
            .join(Township, Township.id == Plot.township_id)
            .join(Organization, Organization.id == Plot.cooperative_id)
            .where(Plot.id.in_(plot_ids))
        ).all()
        plots = {plot.id: (plot, township, coop) for plot, township, coop in rows}

    harvests = list(session.exec(select(HarvestRecord).where(HarvestRecord.lot_id.in_(lot_ids))))
    fruit_by_plot = defaultdict(int)
    for record in harvests:
        fruit_by_plot[record.plot_id] += lots[record.lot_id].quantity

    townships: dict[str, dict] = {}
    cooperatives: dict[str, dict] = {}
    for plot_id, (plot, township, coop) in plots.items():
        entry = townships.setdefault(
            township.name,
            {"id": township.id, "name": township.name, "plots": 0, "area_centimu": 0, "fruit_g": 0, "cooperatives": set()},
        )
        entry["plots"] += 1
        entry["area_centimu"] += plot.area_centimu
        entry["fruit_g"] += fruit_by_plot.get(plot_id, 0)
        entry["cooperatives"].add(coop.name)
        coop_entry = cooperatives.setdefault(coop.name, {"name": coop.name, "township": township.name, "plots": 0})
        coop_entry["plots"] += 1

    # Varieties of the plantings this walk reached (old enough to bear the fruit).
    varieties = set()
    plant_events = {e.event_id for e in graph.edges if e.kind == "plant"}
    if plant_events:
        varieties.update(
            session.exec(
                select(Variety.name)
                .join(PlantingRecord, PlantingRecord.variety_id == Variety.id)
                .where(PlantingRecord.event_id.in_(plant_events))
            ).all()
        )
    batch_rows = session.exec(
        select(SeedlingBatch, Variety.name)
        .join(Variety, Variety.id == SeedlingBatch.variety_id)
        .where(SeedlingBatch.lot_id.in_(lot_ids))
    ).all()
    varieties.update(name for _, name in batch_rows)
    nurseries = set()
    if batch_rows:
        nurseries.update(
            session.exec(
                select(Organization.name)
                .join(Event, Event.org_id == Organization.id)
                .join(EventLine, EventLine.event_id == Event.id)
                .where(EventLine.lot_id.in_([b.lot_id for b, _ in batch_rows]), EventLine.role == "output")
            ).all()
        )

    pressings = session.exec(
        select(Event, Organization.name)
        .join(Organization, Organization.id == Event.org_id)
        .where(Event.id.in_({e.event_id for e in graph.edges if e.kind == "press"}))
    ).all()
    oil_ids = [i for i, lot in lots.items() if lot.kind == "oil"]
    test = None
    if oil_ids:
        test = session.exec(
            select(QualityTest)
            .where(QualityTest.lot_id.in_(oil_ids), QualityTest.withdrawn_at.is_(None))
            .order_by(QualityTest.tested_on.desc(), QualityTest.id.desc())
        ).first()

    harvest_days = sorted(record.harvested_on for record in harvests)
    press_days = sorted(event.occurred_on for event, _ in pressings)
    plot_list = sorted(plots.values(), key=lambda row: -fruit_by_plot.get(row[0].id, 0))
    return {
        "townships": [
            {
                "id": t["id"],
                "name": t["name"],
                "plots": t["plots"],
                "area_mu": normalized(centimu_to_mu(t["area_centimu"])),
                "cooperatives": sorted(t["cooperatives"]),
            }
            for t in sorted(townships.values(), key=lambda t: (-t["fruit_g"], t["name"]))
        ],
        "cooperatives": sorted(cooperatives.values(), key=lambda c: c["name"]),
        "plots": [
            {"name": plot.name, "village": plot.village, "township": township.name, "cooperative": coop.name}
            for plot, township, coop in plot_list[:STORY_PLOT_LIMIT]
        ],
        "plot_count": len(plots),
        "varieties": sorted(varieties),
        "nurseries": sorted(nurseries),
        "harvest_first": harvest_days[0].isoformat() if harvest_days else None,
        "harvest_last": harvest_days[-1].isoformat() if harvest_days else None,
        "processors": sorted({name for _, name in pressings}),
        "pressed_first": press_days[0].isoformat() if press_days else None,
        "pressed_last": press_days[-1].isoformat() if press_days else None,
        "quality": None
        if test is None
        else {
            "tested_on": test.tested_on.isoformat(),
            "acid_value": normalized(from_base(test.acid_value_milli, LAB_DECIMALS)),
            "peroxide_value": normalized(from_base(test.peroxide_value_milli, LAB_DECIMALS)),
            "moisture": normalized(from_base(test.moisture_milli, LAB_DECIMALS)),
            "laboratory": test.laboratory,
            "grade": grade_of(session, test),
        },
    }


def refresh_stories(session: Session, lot_id: int) -> int:
    """Recompute the stored origin story of every product lot made from
    `lot_id` (itself included); returns how many were refreshed."""
    return rewrite_stories(session, downstream(session, ("lot", lot_id)).ids("lot"))


@on_reverse("*")
def _refresh_after_reversal(session: Session, event: Event) -> None:
    """A correction upstream changes the story of every bottle made downstream."""
    lot_ids = set(session.exec(select(EventLine.lot_id).where(EventLine.event_id == event.id)))
    affected = set(lot_ids)
    for lot_id in lot_ids:
        affected |= downstream(session, ("lot", lot_id)).ids("lot")
    if event.plot_id is not None:
        affected |= downstream(session, ("plot", event.plot_id)).ids("lot")
    rewrite_stories(session, affected)


def rewrite_stories(session: Session, lot_ids: set[int]) -> int:
    """Store afresh the origin story and GI status of the product lots among
    `lot_ids`, bumping their story_version so the consumer pages' cached
    copies are read again; returns how many there were."""
    if not lot_ids:
        return 0
    product_lots = session.exec(select(ProductLot).where(ProductLot.lot_id.in_(lot_ids))).all()
    stories = shared_stories(session, [p.lot_id for p in product_lots])
    for product_lot in product_lots:
        product_lot.origin_story = stories[product_lot.lot_id]
        product_lot.story_updated_at = clock.utcnow()
        product_lot.story_version += 1
        session.add(product_lot)
    session.flush()
    from ..gi import services as gi  # the GI status follows the story (and a withdrawn lot loses it)

    gi.refresh(session, {p.lot_id for p in product_lots})
    return len(product_lots)


def shared_stories(session: Session, lot_ids: list[int]) -> dict[int, str]:
    """The origin story (as stored, JSON) of each lot of `lot_ids`. Lots made
    from the same lots (the product lots of one oil lot) share one upstream
    graph and so one story: it is computed once for all of them."""
    made, used = aliased(EventLine), aliased(EventLine)
    sources = defaultdict(set)
    for lot_id, source_id in session.exec(
        select(made.lot_id, used.lot_id)
        .join(used, (used.event_id == made.event_id) & (used.role == "input"))
        .where(made.role == "output", made.lot_id.in_(lot_ids))
    ):
        sources[lot_id].add(source_id)
    computed, stories = {}, {}
    for lot_id in lot_ids:
        key = frozenset(sources[lot_id]) or lot_id
        if key not in computed:
            computed[key] = json.dumps(origin_story(session, lot_id), ensure_ascii=False)
        stories[lot_id] = computed[key]
    return stories


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
    holder, no code or quantity); downstream, nothing of the others but a count."""
    full = fully_visible(session, actor, graph)
    rows = trace_rows(session, graph)

    def shown(node) -> bool:
        return node[0] == "plot" or node[1] in full or upstream_walk

    edges = [e for e in graph.edges if shown(e.source) and shown(e.target)]
    hidden = {n for n in graph.nodes if not shown(n)}
    return {**rows, "edges": edges, "full": full, "hidden": len(hidden)}


def graph_json(session: Session, actor: Actor, graph: Graph, upstream_walk: bool) -> dict:
    view = visible_trace(session, actor, graph, upstream_walk)
    full = view["full"]

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
        return view["lots"][n[1]].code if n[1] in full else f"lot:{n[1]}"

    nodes = {n for e in view["edges"] for n in (e.source, e.target)} | {graph.start}
    return {
        "start": ref(graph.start),
        "nodes": [dict(node(n), ref=ref(n)) for n in sorted(nodes)],
        "edges": [
            {
                "from": ref(e.source),
                "to": ref(e.target),
                "event": e.event_id,
                "step": e.kind,
                "date": view["events"][e.event_id].occurred_on.isoformat(),
                "quantity": e.quantity if e.source[0] == "plot" or e.source[1] in full else None,
            }
            for e in view["edges"]
        ],
        "not_shown": view["hidden"],
    }
