"""Recalls: from any lot or plot (a seedling batch, a plot, a harvest, a seed
or oil lot) to every product lot made from it, its serial range and every
sale with its buyer. The bureau marks a recall; from then on every affected
bottle's page shows the warning (checked live on each scan)."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock
from ..admin.models import Township
from ..admin.services import audit
from ..auth.actor import Actor
from ..auth.models import Organization
from ..errors import Forbidden, Invalid, NotFound
from ..ledger.models import STANDING, Event, Lot
from ..ledger.services import get_lot
from ..ledger.trace import Node, downstream
from ..planting.models import Plot
from ..processing.models import Product, ProductLot
from ..sales.models import Sale
from .models import Recall, RecallLot


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
    found = affected(session, node)
    recall = Recall(start_kind=node[0], start_id=node[1], start_label=label, reason=reason.strip()[:500], user_id=actor.user_id)
    session.add(recall)
    session.flush()
    for lot, *_ in found.product_lots:
        session.add(RecallLot(recall_id=recall.id, lot_id=lot.id))
    audit(session, user_id=actor.user_id, action="recall", entity="recall", entity_id=recall.id, start=label,
          product_lots=len(found.product_lots))
    session.flush()
    return recall


def close_recall(session: Session, *, actor: Actor, recall_id: int, note: str) -> Recall:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau runs recalls."))
    recall = session.get(Recall, recall_id)
    if recall is None:
        raise NotFound(_l("No such recall."))
    if recall.closed_at is not None:
        raise Invalid(_l("This recall is closed already."))
    recall.closed_at, recall.closed_note = clock.utcnow(), note.strip()[:500]
    session.add(recall)
    audit(session, user_id=actor.user_id, action="close", entity="recall", entity_id=recall.id, note=recall.closed_note)
    session.flush()
    return recall


def recall_lots(session: Session, recall: Recall) -> Affected:
    """What a recall marked, with the sales as they stand now."""
    lot_ids = set(session.exec(select(RecallLot.lot_id).where(RecallLot.recall_id == recall.id)))
    return affected(session, (recall.start_kind, recall.start_id), lot_ids=lot_ids)


def open_recall(session: Session, lot_id: int) -> Recall | None:
    """The open recall of a product lot, if any (one indexed lookup per scan)."""
    return session.exec(
        select(Recall).join(RecallLot, RecallLot.recall_id == Recall.id)
        .where(RecallLot.lot_id == lot_id, Recall.closed_at.is_(None))
        .order_by(Recall.id)
    ).first()


def all_recalls(session: Session) -> list[Recall]:
    return list(session.exec(select(Recall).order_by(Recall.id.desc())))


def mark_new_product_lot(session: Session, lot_id: int) -> list[Recall]:
    """A product lot bottled while a recall is open on something upstream of
    it is recalled too: its bottles warn from their first scan."""
    from ..ledger.trace import upstream

    open_recalls = session.exec(select(Recall).where(Recall.closed_at.is_(None))).all()
    if not open_recalls:
        return []
    above = upstream(session, ("lot", lot_id)).nodes
    reached = [r for r in open_recalls if (r.start_kind, r.start_id) in above]
    for recall in reached:
        session.add(RecallLot(recall_id=recall.id, lot_id=lot_id))
    session.flush()
    return reached
