"""Recalls: from any lot or plot (a seedling batch, a plot, a harvest, a seed
or oil lot) to every product lot made from it, its serial range and every
sale with its buyer. Starting a recall puts every lot it reaches on hold
(ledger `Hold`: nothing may consume them but their receipt, a reversal and a
disposal; what is made from them, or harvested on a recalled plot, is held
too), and every affected bottle's page shows the warning (checked live on
each scan). Closing the recall lifts its holds, with who and why."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlmodel import Session, select

from .. import clock, db, events
from ..admin.models import Township
from ..admin.services import audit
from ..auth.actor import Actor
from ..auth.models import Organization, User
from ..errors import Forbidden, Invalid, NotFound
from ..ledger.models import STANDING, Event, Hold, Lot, PlotHold
from ..ledger import get_lot
from ..ledger.trace import Graph, Node, downstream, years_later
from ..planting.models import Plot
from ..processing.models import Product, ProductLot
from ..sales.models import Sale
from .models import Recall


@dataclass
class Affected:
    product_lots: list = field(default_factory=list)  # (Lot, ProductLot, Product, Organization)
    sales: dict = field(default_factory=dict)  # lot id -> [(Sale, Event)]

    @property
    def units(self) -> int:
        return sum(lot.quantity for lot, *_ in self.product_lots)

    @property
    def sold_units(self) -> int:
        return sum(sale.quantity for rows in self.sales.values() for sale, _ in rows)

    @property
    def buyers(self) -> list[str]:
        return sorted({sale.buyer for rows in self.sales.values() for sale, _ in rows})


def start_node(session: Session, *, lot_code: str = "", plot_id: int | None = None) -> tuple[Node, str]:
    """Where a recall starts: a lot by its code, or a plot."""
    if plot_id is not None:
        plot = session.get(Plot, plot_id)
        if plot is None:
            raise NotFound(_l("Choose a plot from the list."), field="plot_id")
        township = session.get(Township, plot.township_id)
        return ("plot", plot.id), f"{plot.name} ({township.name} {plot.village})"
    if not lot_code.strip():
        raise Invalid(_l("Give a lot code or choose a plot."), field="code")
    lot = get_lot(session, lot_code)
    return ("lot", lot.id), lot.code


def affected(session: Session, node: Node, lot_ids: set[int] | None = None) -> Affected:
    """The product lots downstream of `node` (or the given ones), with their
    serial ranges and standing sales."""
    if lot_ids is None:
        lot_ids = downstream(session, node).ids("lot")
    found = Affected()
    if not lot_ids:
        return found
    found.product_lots = list(
        session.exec(
            select(Lot, ProductLot, Product, Organization)
            .join(ProductLot, ProductLot.lot_id == Lot.id)
            .join(Product, Product.id == ProductLot.product_id)
            .join(Organization, Organization.id == Product.org_id)
            .where(Lot.id.in_(lot_ids))
            .order_by(Lot.code)
        )
    )
    product_ids = [lot.id for lot, *_ in found.product_lots]
    if product_ids:
        for sale, event in session.exec(
            select(Sale, Event).join(Event, Event.id == Sale.event_id).where(Sale.lot_id.in_(product_ids), STANDING)
            .order_by(Sale.sold_on, Sale.id)
        ):
            found.sales.setdefault(sale.lot_id, []).append((sale, event))
    return found


def start_recall(session: Session, *, actor: Actor, reason: str, lot_code: str = "", plot_id: int | None = None) -> Recall:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau runs recalls."))
    if not reason.strip():
        raise Invalid(_l("Give the reason for the recall."), field="reason")
    node, label = start_node(session, lot_code=lot_code, plot_id=plot_id)
    recall = Recall(start_kind=node[0], start_id=node[1], start_label=label, reason=db.fit(reason, Recall.reason), user_id=actor.user_id)
    session.add(recall)
    session.flush()
    graph = reach_locked(session, node)
    for lot_id in sorted(graph.ids("lot")):
        session.add(Hold(recall_id=recall.id, lot_id=lot_id))
    for plot_id in sorted(graph.ids("plot")):
        session.add(PlotHold(recall_id=recall.id, plot_id=plot_id, from_day=held_from(graph, plot_id)))
    session.flush()
    found = affected(session, node, lot_ids=graph.ids("lot"))
    events.publish(session, events.RecallOpened(recall.id))  # no GI mark while held
    audit(session, user_id=actor.user_id, action="recall", entity="recall", entity_id=recall.id, start=label,
          product_lots=len(found.product_lots), lots_held=len(graph.ids("lot")))
    session.flush()
    return recall


def reach_locked(session: Session, node: Node) -> Graph:
    """What a recall from `node` reaches, with every plot and lot of it
    locked. A step that committed while this waited for a lock may have made
    more of it, so the walk is taken again until it finds nothing new; from
    then on nothing can consume what it reached until this commits."""
    locked: set = set()
    while True:
        graph = downstream(session, node)
        new = graph.nodes - locked
        if not new:
            return graph
        db.lock(session, Plot, [i for kind, i in new if kind == "plot"])  # plots before lots, as steps take them
        db.lock(session, Lot, [i for kind, i in new if kind == "lot"])
        locked |= new


def held_from(graph: Graph, plot_id: int):
    """From which day a harvest on a reached plot is held: every harvest on
    the recall's own plot; on a plot reached through a planting, those of
    trees old enough to bear (the trace's bearing rule)."""
    if graph.start == ("plot", plot_id):
        return None
    planted = graph.plot_dates.get(plot_id)
    return years_later(planted, graph.bearing_years) if planted else None


def close_recall(session: Session, *, actor: Actor, recall_id: int, note: str) -> Recall:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau runs recalls."))
    locked = db.lock(session, Recall, [recall_id])
    recall = locked[0] if locked else None
    if recall is None:
        raise NotFound(_l("No such recall."))
    if recall.closed_at is not None:
        raise Invalid(_l("This recall is closed already."))
    if not note.strip():
        raise Invalid(_l("Say how the recall ended: its holds are lifted with this note."), field="note")
    now = clock.utcnow()
    recall.closed_at, recall.closed_note, recall.closed_by = now, db.fit(note, Recall.closed_note), actor.user_id
    session.add(recall)
    held = set(session.exec(select(Hold.lot_id).where(Hold.recall_id == recall.id)))
    db.lock(session, Lot, held)
    for model in (Hold, PlotHold):
        session.execute(
            update(model).where(model.recall_id == recall.id, model.lifted_at.is_(None)).values(lifted_at=now)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    events.publish(session, events.RecallClosed(recall.id))
    audit(session, user_id=actor.user_id, action="close", entity="recall", entity_id=recall.id, note=recall.closed_note,
          lots_released=len(held))
    session.flush()
    return recall


def held_lot_ids(session: Session, recall: Recall) -> set[int]:
    """Every lot the recall put on hold (lifted or not)."""
    return set(session.exec(select(Hold.lot_id).where(Hold.recall_id == recall.id)))


def recall_lots(session: Session, recall: Recall) -> Affected:
    """What a recall marked, with the sales as they stand now."""
    return affected(session, (recall.start_kind, recall.start_id), lot_ids=held_lot_ids(session, recall))


def hold_summary(session: Session, recall: Recall) -> dict:
    """What a recall holds (or held): lots by kind, plots, and who closed it."""
    from sqlalchemy import func

    by_kind = dict(session.exec(
        select(Lot.kind, func.count()).join(Hold, Hold.lot_id == Lot.id).where(Hold.recall_id == recall.id).group_by(Lot.kind)
    ).all())
    plots = session.exec(select(func.count()).select_from(PlotHold).where(PlotHold.recall_id == recall.id)).one()
    closer = session.get(User, recall.closed_by) if recall.closed_by else None
    return {"lots": sum(by_kind.values()), "by_kind": by_kind, "plots": plots, "closed_by": closer.display_name if closer else None}


def open_recall(session: Session, lot_id: int) -> Recall | None:
    """The open recall holding a lot, if any (one indexed lookup per scan)."""
    return session.exec(
        select(Recall).join(Hold, Hold.recall_id == Recall.id)
        .where(Hold.lot_id == lot_id, Hold.lifted_at.is_(None))
        .order_by(Recall.id)
    ).first()


def holds_of(session: Session, org_id: int, lot_id: int | None = None) -> list[tuple[Recall, list[Lot]]]:
    """The open recalls holding an organization's lots (or one lot), each
    with the held lots it owns that have something left: what its start
    page and lot pages show."""
    query = (
        select(Recall, Lot).join(Hold, Hold.recall_id == Recall.id).join(Lot, Lot.id == Hold.lot_id)
        .where(Hold.lifted_at.is_(None), Lot.status != "reversed")
        .order_by(Recall.id, Lot.code)
    )
    if lot_id is not None:
        query = query.where(Lot.id == lot_id)
    else:
        query = query.where(Lot.owner_org_id == org_id, Lot.remaining > 0)
    grouped: dict[int, tuple[Recall, list[Lot]]] = {}
    for recall, lot in session.exec(query):
        grouped.setdefault(recall.id, (recall, []))[1].append(lot)
    return list(grouped.values())


def plot_holds_of(session: Session, org_id: int) -> list[tuple[Recall, list[tuple[Plot, object]]]]:
    """The open recalls holding a cooperative's plots, each with its plots and
    the day from which their harvests are held (None: every harvest)."""
    grouped: dict[int, tuple[Recall, list]] = {}
    for recall, plot, from_day in session.exec(
        select(Recall, Plot, PlotHold.from_day).join(PlotHold, PlotHold.recall_id == Recall.id)
        .join(Plot, Plot.id == PlotHold.plot_id)
        .where(PlotHold.lifted_at.is_(None), Plot.cooperative_id == org_id)
        .order_by(Recall.id, Plot.name)
    ):
        grouped.setdefault(recall.id, (recall, []))[1].append((plot, from_day))
    return list(grouped.values())


def open_recalls(session: Session) -> list[Recall]:
    """Recalls not yet closed, oldest first: the bureau's start page lists them."""
    return list(session.exec(select(Recall).where(Recall.closed_at.is_(None)).order_by(Recall.id)))


def all_recalls(session: Session) -> list[Recall]:
    return list(session.exec(select(Recall).order_by(Recall.id.desc())))
