"""A lot's origin story: where it came from, summarized by township and
cooperative so that a lot pooled from hundreds of plots still reads in a
few lines. Only origin facts: anyone downstream may read them. (Townships
and plots are ordered by the fruit harvested there, but no quantity is told.)"""

import json
from collections import defaultdict

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..admin.models import Township, Variety
from ..auth.models import Organization
from ..harvest.models import HarvestRecord
from ..ledger.models import Event, EventLine, Lot
from ..ledger.trace import Graph, Node, upstream
from ..nursery.models import SeedlingBatch
from ..planting.models import PlantingRecord, Plot
from ..processing.models import QualityTest
from ..processing.quality import grade_of
from ..units import centimu_to_mu, normalized

STORY_PLOT_LIMIT = 12
# The consumer page's map (public/storymap.py) draws every plot of the lot as
# a dot: positions are kept to 1/1000 of a degree (about 100 m, the county
# outline's own resolution), the same place once, at most this many.
MAP_POINT_LIMIT = 400
MAP_STEP_E6 = 1000


def origin_story(session: Session, lot_id: int) -> dict:
    graph = upstream(session, ("lot", lot_id))
    lots = {lot.id: lot for lot in session.exec(select(Lot).where(Lot.id.in_(graph.ids("lot"))))}
    plots = plots_reached(session, graph.ids("plot"))
    harvests = list(session.exec(select(HarvestRecord).where(HarvestRecord.lot_id.in_(graph.ids("lot")))))
    fruit_by_plot = defaultdict(int)
    for record in harvests:
        fruit_by_plot[record.plot_id] += lots[record.lot_id].quantity
    townships, cooperatives = by_township_and_cooperative(plots, fruit_by_plot)
    varieties, nurseries = varieties_and_nurseries(session, graph)
    pressings = session.exec(
        select(Event, Organization.name)
        .join(Organization, Organization.id == Event.org_id)
        .where(Event.id.in_({e.event_id for e in graph.edges if e.kind == "press"}))
    ).all()
    harvest_days = sorted(record.harvested_on for record in harvests)
    press_days = sorted(event.occurred_on for event, _ in pressings)
    plot_list = sorted(plots.values(), key=lambda row: -fruit_by_plot.get(row[0].id, 0))
    return {
        "townships": townships,
        "cooperatives": cooperatives,
        "plots": [
            {"name": plot.name, "village": plot.village, "township": township.name, "cooperative": coop.name}
            for plot, township, coop in plot_list[:STORY_PLOT_LIMIT]
        ],
        "plot_count": len(plots),
        # For the page's timeline and map: the years the plots were planted,
        # where they are (lat, lon in thousandths of a degree, the fruit's order).
        "planted_first": min((plot.year_planted for plot, _t, _c in plots.values()), default=None),
        "planted_last": max((plot.year_planted for plot, _t, _c in plots.values()), default=None),
        "positions": map_positions(plot for plot, _t, _c in plot_list),
        "varieties": sorted(varieties),
        "nurseries": sorted(nurseries),
        "harvest_first": harvest_days[0].isoformat() if harvest_days else None,
        "harvest_last": harvest_days[-1].isoformat() if harvest_days else None,
        "processors": sorted({name for _, name in pressings}),
        "pressed_first": press_days[0].isoformat() if press_days else None,
        "pressed_last": press_days[-1].isoformat() if press_days else None,
        "quality": latest_quality(session, [i for i, lot in lots.items() if lot.kind == "oil"]),
        "inputs": blend_inputs(graph, lots, plots),
    }


def blend_inputs(graph: Graph, lots: dict[int, Lot], plots: dict[int, tuple]) -> list[dict]:
    """Each input lot of a blend the walk reached, with the townships its own
    oil came from (walking the graph back from it), so the GI check can name
    the input that comes from outside the protected townships."""
    sources: dict[Node, set] = defaultdict(set)
    for edge in graph.edges:
        sources[edge.target].add(edge.source)
    found = []
    for lot_id in sorted({edge.source[1] for edge in graph.edges if edge.kind == "blend" and edge.source[0] == "lot"}):
        seen, frontier = set(), {("lot", lot_id)}
        while frontier:
            seen |= frontier
            frontier = {source for node in frontier for source in sources[node]} - seen
        townships = {plots[i][1].id: plots[i][1].name for kind, i in seen if kind == "plot" and i in plots}
        found.append({"code": lots[lot_id].code,
                      "townships": [{"id": i, "name": name} for i, name in sorted(townships.items(), key=lambda t: t[1])]})
    return found


def plots_reached(session: Session, plot_ids: set[int]) -> dict[int, tuple]:
    """plot id -> (plot, township, cooperative)."""
    if not plot_ids:
        return {}
    rows = session.exec(
        select(Plot, Township, Organization)
        .join(Township, Township.id == Plot.township_id)
        .join(Organization, Organization.id == Plot.cooperative_id)
        .where(Plot.id.in_(plot_ids))
    ).all()
    return {plot.id: (plot, township, coop) for plot, township, coop in rows}


def map_positions(plots) -> list[list[int]]:
    """The plots' positions (thousandths of a degree: [lat, lon]), each place
    once, in the order given, at most MAP_POINT_LIMIT."""
    found: dict[tuple[int, int], None] = {}
    for plot in plots:
        found.setdefault((round(plot.latitude_e6 / MAP_STEP_E6), round(plot.longitude_e6 / MAP_STEP_E6)))
        if len(found) == MAP_POINT_LIMIT:
            break
    return [list(point) for point in found]


def by_township_and_cooperative(plots: dict[int, tuple], fruit_by_plot: dict[int, int]) -> tuple[list, list]:
    townships: dict[str, dict] = {}
    cooperatives: dict[str, dict] = {}
    for plot_id, (plot, township, coop) in plots.items():
        entry = townships.setdefault(
            township.name,
            {"id": township.id, "name": township.name, "plots": 0, "area_centimu": 0, "fruit_g": 0, "cooperatives": set(),
             "lat": 0, "lon": 0},
        )
        entry["plots"] += 1
        entry["lat"] += plot.latitude_e6
        entry["lon"] += plot.longitude_e6
        entry["area_centimu"] += plot.area_centimu
        entry["fruit_g"] += fruit_by_plot.get(plot_id, 0)
        entry["cooperatives"].add(coop.name)
        coop_entry = cooperatives.setdefault(coop.name, {"name": coop.name, "township": township.name, "plots": 0})
        coop_entry["plots"] += 1
    summary = [
        {
            "id": t["id"],
            "name": t["name"],
            "plots": t["plots"],
            "area_mu": normalized(centimu_to_mu(t["area_centimu"])),
            "cooperatives": sorted(t["cooperatives"]),
            # The centre of its plots in this lot (thousandths of a degree), where the map names it.
            "at": [round(t["lat"] / t["plots"] / MAP_STEP_E6), round(t["lon"] / t["plots"] / MAP_STEP_E6)],
        }
        for t in sorted(townships.values(), key=lambda t: (-t["fruit_g"], t["name"]))
    ]
    return summary, sorted(cooperatives.values(), key=lambda c: c["name"])


def varieties_and_nurseries(session: Session, graph: Graph) -> tuple[set, set]:
    """Varieties of the plantings the walk reached (old enough to bear the
    fruit) and of its seedling batches, and the nurseries that raised them."""
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
        .where(SeedlingBatch.lot_id.in_(graph.ids("lot")))
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
    return varieties, nurseries


def latest_quality(session: Session, oil_ids: list[int]) -> dict | None:
    """The latest standing test of the oil the walk reached, as the story shows it."""
    if not oil_ids:
        return None
    test = session.exec(
        select(QualityTest)
        .where(QualityTest.lot_id.in_(oil_ids), QualityTest.withdrawn_at.is_(None))
        .order_by(QualityTest.tested_on.desc(), QualityTest.id.desc())
    ).first()
    if test is None:
        return None
    return {"tested_on": test.tested_on.isoformat(), **test.values.as_text(), "laboratory": test.laboratory,
            "grade": grade_of(session, test)}


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
