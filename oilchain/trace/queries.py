"""What the lot pages show."""

from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from ..admin.models import Township, Variety
from ..auth.actor import Actor
from ..auth.models import Organization, User
from ..harvest.models import HarvestRecord
from ..ledger.models import LOT_UNITS, STANDING, Event, EventLine, Lot, Shipment
from ..ledger import in_stock, lot_history
from ..reports.progress import made_codes
from ..nursery.models import SeedlingBatch
from ..planting.models import Plot
from ..processing.models import OilLot, Product, ProductLot, QualityTest, Refining, Tank
from ..provenance import oil_gi_status
from ..gi.services import marked_ranges
from ..processing.quality import grade_of
from .recalls import holds_of
from .services import participated_in, took_part

PAGE_SIZE = 50


def visible_lots(session: Session, actor: Actor, *, search: str = "", kind: str = "", page: int | None = 1,
                 made: str = "", year: int | None = None, stock: bool = False) -> tuple[list, bool]:
    """Lots the actor's organization holds or has held (all, for the bureau),
    newest first, one page at a time (page None: all of them). Returns
    (rows, more pages follow). `made` (an event kind) with `year`: only the
    lots the organization's standing events of that kind made that year (a
    start page's figure: reports.progress.made_rows); `stock`: only those it
    holds with something left (ledger.in_stock)."""
    query = select(Lot, Organization.name).join(Organization, Organization.id == Lot.owner_org_id)
    if not actor.is_bureau:
        query = query.where(took_part(actor.org_id))
    if search.strip():
        query = query.where(Lot.code.contains(search.strip().upper()))
    if kind:
        query = query.where(Lot.kind == kind)
    if made and year is not None:
        query = query.where(Lot.code.in_(made_codes(made, kind or tuple(LOT_UNITS), year,
                                                    None if actor.is_bureau else actor.org_id)))
    if stock:
        query = query.where(in_stock(actor.org_id))
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
        from ..nursery.outcomes import outcomes
        from ..nursery.services import standards

        now = standards(session)
        detail["standard_now"] = now if set(now) == {1, 2} else None

        detail["dispatches"] = dispatches_of(session, lot.id)
        detail["outcomes"] = outcomes(session, [d for d, _event, _plot in detail["dispatches"]])
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


def split_links(session: Session, actor: Actor, lot: Lot) -> dict:
    """The parts split off the lot (standing splits: each part, its
    quantity, and whom it was last shipped to) and the lot it was split
    from. A lot the reader took no part in is not named by its code (as in
    a trace): a part downstream is only counted; the original upstream is
    named by its kind and owner."""
    taken, made = aliased(EventLine), aliased(EventLine)
    parts = session.exec(
        select(Lot, made.delta)
        .join(made, made.lot_id == Lot.id)
        .join(Event, Event.id == made.event_id)
        .join(taken, taken.event_id == Event.id)
        .where(Event.kind == "split", STANDING, taken.lot_id == lot.id, taken.role == "input", made.role == "output")
        .order_by(Lot.id)
    ).all()
    # The original and who split it (not its owner now, which is not the part's holder's to learn).
    origin, splitter_id = session.exec(
        select(Lot, Event.org_id)
        .join(taken, taken.lot_id == Lot.id)
        .join(Event, Event.id == taken.event_id)
        .join(made, made.event_id == Event.id)
        .where(Event.kind == "split", STANDING, made.lot_id == lot.id, made.role == "output", taken.role == "input")
    ).first() or (None, None)
    named = {lot_.id for lot_, _ in parts} | ({origin.id} if origin else set())
    seen = named if actor.is_bureau else participated_in(session, actor.org_id, named)
    shown = [(part, quantity, shipped_to(session, part)) for part, quantity in parts if part.id in seen]
    return {
        "split_parts": shown,
        "split_parts_hidden": len(parts) - len(shown),
        "split_from": origin,
        "split_from_seen": origin is not None and origin.id in seen,
        "split_from_owner": session.get(Organization, splitter_id).name if origin else None,
    }


def shipped_to(session: Session, lot: Lot) -> str | None:
    """The organization the lot's last standing shipment went to, if any."""
    return session.exec(
        select(Organization.name)
        .join(Shipment, Shipment.to_org_id == Organization.id)
        .where(Shipment.lot_id == lot.id, Shipment.cancelled.is_(False))
        .order_by(Shipment.id.desc())
    ).first()
