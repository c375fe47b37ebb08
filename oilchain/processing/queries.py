"""Read-only views for the processor's pages."""

from sqlmodel import Session, select

from ..auth.models import Organization
from ..ledger.models import Lot, Shipment
from ..ledger.services import owned_lots
from .services import product_lots_of, products_of


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
        "incoming": incoming(session, org_id),
        "stock": owned_lots(session, org_id, ("fruit", "seed", "husk", "oil", "cake")),
        "products": products_of(session, org_id),
        "product_lots": product_lots_of(session, org_id),
    }
