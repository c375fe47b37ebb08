"""Read-only views for the processor's pages."""

from sqlmodel import Session, select

from ..auth.models import Organization
from ..ledger.models import Lot, Shipment
from ..ledger import owned_lots
from . import progress
from .services import product_lots_of, products_of
from ..trace.recalls import holds_of
from ..codes import normalize_lot_code
from ..errors import DomainError
from ..ledger import get_lot, receivable
from ..provenance import origin_story


def incoming(session: Session, org_id: int) -> list[tuple[Shipment, Lot, Organization]]:
    """Lots shipped to this processor and not yet received."""
    return list(
        session.exec(
            select(Shipment, Lot, Organization)
            .join(Lot, Lot.id == Shipment.lot_id)
            .join(Organization, Organization.id == Shipment.from_org_id)
            .where(Shipment.to_org_id == org_id, Shipment.receive_event_id.is_(None), Shipment.cancelled.is_(False))
            .order_by(Shipment.id)
        )
    )


def overview(session: Session, org_id: int) -> dict:
    return {
        "progress": progress.progress(session, org_id),
        "holds": holds_of(session, org_id),
        "incoming": incoming(session, org_id),
        "stock": owned_lots(session, org_id, ("fruit", "seed", "husk", "oil", "cake")),
        "products": products_of(session, org_id),
        "product_lots": product_lots_of(session, org_id),
    }


def shipment_for_receipt(session: Session, actor, raw_code: str) -> dict:
    """What a receive form should say about a typed or scanned code: the
    shipment with the lot's origin, or the reason it cannot be received."""
    code = normalize_lot_code(raw_code)
    try:
        lot = get_lot(session, code)
        shipment = receivable(session, actor, lot)  # the receipt's own refusals, word for word
    except DomainError as error:
        return {"code": code, "error": str(error.message)}
    return {
        "code": lot.code,
        "lot": lot,
        "shipment": shipment,
        "sender": session.get(Organization, shipment.from_org_id),
        "story": origin_story(session, lot.id),
    }
