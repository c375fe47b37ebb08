"""What the lot pages show."""

from sqlmodel import Session, func, select

from ..admin.models import Township, Variety
from ..auth.actor import Actor
from ..auth.models import Organization, User
from ..harvest.models import HarvestRecord
from ..ledger.models import Event, EventLine, Lot, Shipment
from ..ledger import lot_history
from ..nursery.models import SeedlingBatch
from ..planting.models import Plot
from ..processing.models import OilLot, Product, ProductLot, QualityTest, Refining, Tank
from ..provenance import oil_gi_status
from ..gi.services import marked_ranges
from ..processing.quality import grade_of
from .recalls import holds_of
from .services import took_part

PAGE_SIZE = 50


def visible_lots(session: Session, actor: Actor, *, search: str = "", kind: str = "", page: int | None = 1) -> tuple[list, bool]:
    """Lots the actor's organization holds or has held (all, for the bureau),
    newest first, one page at a time (page None: all of them). Returns
    (rows, more pages follow)."""
    query = select(Lot, Organization.name).join(Organization, Organization.id == Lot.owner_org_id)
    if not actor.is_bureau:
        query = query.where(took_part(actor.org_id))
    if search.strip():
        query = query.where(Lot.code.contains(search.strip().upper()))
    if kind:
        query = query.where(Lot.kind == kind)
    query = query.order_by(Lot.id.desc())
    if page is None:
        return list(session.exec(query)), False
    rows = session.exec(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def lot_detail(session: Session, lot: Lot) -> dict:
    """Everything an owner or the bureau sees on a lot's page."""
    detail = {"lot": lot, "owner": session.get(Organization, lot.owner_org_id)}
    batch = session.exec(
        select(SeedlingBatch, Variety.name).join(Variety, Variety.id == SeedlingBatch.variety_id).where(SeedlingBatch.lot_id == lot.id)
    ).first()
    detail["batch"] = batch
    if batch is not None:
        from ..nursery.services import dispatches_of, remaining_by_grade

        detail["grade_left"] = remaining_by_grade(session, batch[0])
        detail["dispatches"] = dispatches_of(session, lot.id)
    detail["harvest"] = session.exec(
        select(HarvestRecord, Plot, Township.name)
        .join(Plot, Plot.id == HarvestRecord.plot_id)
        .join(Township, Township.id == Plot.township_id)
        .where(HarvestRecord.lot_id == lot.id)
    ).first()
    detail["product_lot"] = session.exec(
        select(ProductLot, Product).join(Product, Product.id == ProductLot.product_id).where(ProductLot.lot_id == lot.id)
    ).first()
    detail["tests"] = list(session.exec(select(QualityTest).where(QualityTest.lot_id == lot.id).order_by(QualityTest.tested_on.desc())))
    detail["shipments"] = list(
        session.exec(
            select(Shipment, Organization.name)
            .join(Organization, Organization.id == Shipment.to_org_id)
            .where(Shipment.lot_id == lot.id)
            .order_by(Shipment.id)
        )
    )
    history = lot_history(session, lot)
    user_ids = {event.user_id for event, _ in history if event.user_id}
    org_ids = {event.org_id for event, _ in history}
    detail["users"] = {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    detail["orgs"] = {o.id: o.name for o in session.exec(select(Organization).where(Organization.id.in_(org_ids)))} if org_ids else {}
    detail["history"] = history
    detail["dispatch_plot"] = None
    if lot.kind == "dispatch":
        detail["dispatch_plot"] = session.exec(
            select(Plot)
            .join(Event, Event.plot_id == Plot.id)
            .join(EventLine, EventLine.event_id == Event.id)
            .where(EventLine.lot_id == lot.id, EventLine.role == "output")
        ).first()
    detail["holds"] = holds_of(session, lot.owner_org_id, lot_id=lot.id)
    detail["grades"] = {t.id: grade_of(session, t) for t in detail["tests"]}
    detail["oil"] = oil_facts(session, lot) if lot.kind == "oil" else None
    if detail["product_lot"] is not None:
        detail["marked"] = marked_ranges(session, lot.id)
    detail["used_count"] = session.exec(
        select(func.count()).select_from(EventLine).where(EventLine.lot_id == lot.id, EventLine.role == "input")
    ).one()
    return detail


def oil_facts(session: Session, lot: Lot) -> dict | None:
    """An oil lot's method and state, the refining steps that made it, and its GI eligibility."""
    oil = session.get(OilLot, lot.id)
    if oil is None:
        return None
    steps = session.exec(
        select(Refining.steps).join(EventLine, EventLine.event_id == Refining.event_id)
        .where(EventLine.lot_id == lot.id, EventLine.role == "output")
    ).first()
    tank = session.get(Tank, oil.tank_id) if oil.tank_id else None
    return {"oil": oil, "steps": steps.split(",") if steps else [], "tank": tank, "gi": oil_gi_status(session, lot)}


def label_lines(session: Session, lot: Lot) -> list[str]:
    """A few facts for a lot's label, in the reader's language."""
    from ..i18n import format_day, format_quantity
    from ..labels import kind_label

    lines = [f"{kind_label(lot.kind)} · {format_day(lot.produced_on)}", format_quantity(lot.quantity, lot.unit)]
    harvest = session.exec(
        select(Plot.name, Plot.village, Township.name)
        .join(HarvestRecord, HarvestRecord.plot_id == Plot.id)
        .join(Township, Township.id == Plot.township_id)
        .where(HarvestRecord.lot_id == lot.id)
    ).first()
    if harvest:
        lines.append(f"{harvest[2]} {harvest[1]} · {harvest[0]}")
    batch = session.exec(
        select(Variety.name).join(SeedlingBatch, SeedlingBatch.variety_id == Variety.id).where(SeedlingBatch.lot_id == lot.id)
    ).first()
    if batch:
        lines.append(batch)
    product = session.exec(select(Product.name).join(ProductLot, ProductLot.product_id == Product.id).where(ProductLot.lot_id == lot.id)).first()
    if product:
        lines.append(product)
    lines.append(session.get(Organization, lot.owner_org_id).name)
    return lines
