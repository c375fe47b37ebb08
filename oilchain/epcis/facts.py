"""What the mapping reads beyond an event's row (its lines, shipment, sale,
plot, reversal, its lots' GTINs, its organizations' GLNs), loaded for a
batch of events at once."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..auth.models import Organization
from ..byproducts.models import ByProduct, GoodsLot
from ..ledger.models import Event, EventLine, Lot, Shipment
from ..planting.models import Plot
from ..processing.models import Product, ProductLot
from ..sales.models import Sale


@dataclass
class Line:
    role: str
    delta: int
    code: str
    unit: str


@dataclass
class Facts:
    """Everything the mapping reads, loaded for a batch of events at once."""

    lines: dict = field(default_factory=lambda: defaultdict(list))  # event id -> [Line]
    shipped: dict = field(default_factory=dict)  # ship event id -> (Shipment, code, unit)
    received: dict = field(default_factory=dict)  # receive event id -> (Shipment, code, unit)
    sales: dict = field(default_factory=dict)  # sell event id -> Sale
    plots: dict = field(default_factory=dict)  # plot id -> Plot
    reversals: dict = field(default_factory=dict)  # reversed event id -> reversal Event
    after_grading: dict = field(default_factory=dict)  # grade event id -> plants left in the batch
    before_split: dict = field(default_factory=dict)  # split event id -> what the original held before it
    gtins: dict = field(default_factory=dict)  # lot code -> its product's GTIN (lots of products with one)
    glns: dict = field(default_factory=dict)  # organization id -> GLN (those with one)


def lot_gtins(session: Session, lot_ids) -> dict[str, str]:
    """Lot code -> GTIN for the lots (a select of ids, or a list) of a
    product with a GTIN: bottled oil and packed by-products."""
    bottled = (select(Lot.code, Product.gtin).join(ProductLot, ProductLot.lot_id == Lot.id)
               .join(Product, Product.id == ProductLot.product_id).where(Lot.id.in_(lot_ids)))
    packed = (select(Lot.code, ByProduct.gtin).join(GoodsLot, GoodsLot.lot_id == Lot.id)
              .join(ByProduct, ByProduct.id == GoodsLot.by_product_id)
              .where(Lot.id.in_(lot_ids), ByProduct.gtin.is_not(None)))
    return {code: gtin for statement in (bottled, packed) for code, gtin in session.exec(statement)}


def org_glns(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Organization.id, Organization.gln).where(Organization.gln.is_not(None))).all())


def load_facts(session: Session, events: list[Event]) -> Facts:
    facts = Facts()
    ids = [e.id for e in events]
    if not ids:
        return facts
    for event_id, role, delta, code, unit in session.exec(
        select(EventLine.event_id, EventLine.role, EventLine.delta, Lot.code, Lot.unit)
        .join(Lot, Lot.id == EventLine.lot_id)
        .where(EventLine.event_id.in_(ids))
        .order_by(EventLine.id)
    ):
        facts.lines[event_id].append(Line(role, delta, code, unit))
    by_kind = defaultdict(list)
    for event in events:
        by_kind[event.kind].append(event.id)
    if by_kind["ship"] or by_kind["receive"]:
        for shipment, code, unit in session.exec(
            select(Shipment, Lot.code, Lot.unit)
            .join(Lot, Lot.id == Shipment.lot_id)
            .where(or_(Shipment.ship_event_id.in_(by_kind["ship"]), Shipment.receive_event_id.in_(by_kind["receive"])))
        ):
            if shipment.ship_event_id in by_kind["ship"]:
                facts.shipped[shipment.ship_event_id] = (shipment, code, unit)
            if shipment.receive_event_id in by_kind["receive"]:
                facts.received[shipment.receive_event_id] = (shipment, code, unit)
    for event_id in by_kind["receive"]:
        if event_id not in facts.received:
            found = reversed_receipt(session, next(e for e in events if e.id == event_id), facts.lines[event_id])
            if found:
                facts.received[event_id] = found
    if by_kind["sell"]:
        facts.sales = {s.event_id: s for s in session.exec(select(Sale).where(Sale.event_id.in_(by_kind["sell"])))}
    plot_ids = {e.plot_id for e in events if e.plot_id}
    if plot_ids:
        facts.plots = {p.id: p for p in session.exec(select(Plot).where(Plot.id.in_(plot_ids)))}
    reversal_ids = [e.reversed_by_event_id for e in events if e.reversed_by_event_id]
    if reversal_ids:
        facts.reversals = {r.reverses_event_id: r for r in session.exec(select(Event).where(Event.id.in_(reversal_ids)))}
    if by_kind["grade"]:
        # What was left in each graded batch: its lines up to the grading (a
        # grading has the one line of its batch).
        facts.after_grading = lot_totals(session, by_kind["grade"], "adjust", through_event=True)
    if by_kind["split"]:
        facts.before_split = lot_totals(session, by_kind["split"], "input", through_event=False)
    named = {line.code for lines in facts.lines.values() for line in lines}
    named |= {code for _shipment, code, _unit in [*facts.shipped.values(), *facts.received.values()]}
    if named:
        facts.gtins = lot_gtins(session, select(Lot.id).where(Lot.code.in_(named)))
    facts.glns = org_glns(session)
    return facts


def lot_totals(session: Session, event_ids: list[int], role: str, *, through_event: bool) -> dict[int, int]:
    """For each event, the sum of the lines of its `role` line's lot up to
    the event (with it, or before it), for all the events at once."""
    own, earlier = aliased(EventLine), aliased(EventLine)
    upto = earlier.event_id <= own.event_id if through_event else earlier.event_id < own.event_id
    return {
        event_id: int(total)  # PostgreSQL sums BIGINTs as NUMERIC
        for event_id, total in session.exec(
            select(own.event_id, func.sum(earlier.delta))
            .join(earlier, (earlier.lot_id == own.lot_id) & upto)
            .where(own.event_id.in_(event_ids), own.role == role)
            .group_by(own.event_id)
        )
    }


def reversed_receipt(session: Session, event: Event, lines: list[Line]):
    """The shipment of a receipt that was reversed (the reversal unlinks it
    from the shipment): found through the receipt's weighbridge line, which
    every receipt has (of zero when the weight agreed)."""
    if not lines:
        return None
    row = session.exec(
        select(Shipment, Lot.code, Lot.unit)
        .join(Lot, Lot.id == Shipment.lot_id)
        .where(Lot.code == lines[0].code, Shipment.to_org_id == event.org_id, Shipment.ship_event_id < event.id)
        .order_by(Shipment.id.desc())
    ).first()
    if row is None:
        return None
    shipment, code, unit = row
    return shipment, code, unit
