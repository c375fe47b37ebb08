"""When each by-product product was first made, from the ledger: its first
standing `make` event (by day, then lot) that produced a lot of it. A
reversed make does not count, so the next make becomes the first."""

from sqlalchemy import and_, func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from ..auth.models import Organization
from ..ledger.models import STANDING, Event, EventLine, Lot
from .models import ByProduct, GoodsLot


def first_makes() -> Select:
    """One row per by-product product ever made: by_product_id, lot_id, day, org_id."""
    ranked = (
        select(
            GoodsLot.by_product_id.label("by_product_id"),
            Lot.id.label("lot_id"),
            Event.occurred_on.label("day"),
            Event.org_id.label("org_id"),
            func.row_number().over(partition_by=GoodsLot.by_product_id, order_by=(Event.occurred_on, Lot.id)).label("rank"),
        )
        .join(Lot, Lot.id == GoodsLot.lot_id)
        .join(EventLine, and_(EventLine.lot_id == Lot.id, EventLine.role == "output"))
        .join(Event, Event.id == EventLine.event_id)
        .where(STANDING, Event.kind == "make")
        .subquery()
    )
    return select(ranked.c.by_product_id, ranked.c.lot_id, ranked.c.day, ranked.c.org_id).where(ranked.c.rank == 1)


def registry(session: Session) -> list:
    """Every registered product with its first lot, the day, the maker and
    its id (None: not made yet)."""
    first = first_makes().subquery()
    return list(
        session.execute(
            select(ByProduct, Lot.code, first.c.day, Organization.name, first.c.org_id)
            .outerjoin(first, first.c.by_product_id == ByProduct.id)
            .outerjoin(Lot, Lot.id == first.c.lot_id)
            .outerjoin(Organization, Organization.id == first.c.org_id)
            .order_by(ByProduct.name)
        ).all()
    )


def products(session: Session) -> list[ByProduct]:
    return list(session.scalars(select(ByProduct).order_by(ByProduct.name)))
