"""By-products: the county's registry of by-product products and the steps
that make them (saponin extraction, solvent extraction, making)."""

from sqlmodel import Session

from .. import events
from .models import GoodsLot


def part_is_alike(session: Session, happened: events.LotSplit) -> None:
    """Reaction to a split: the part of a by-product product's lot is that product too."""
    goods = session.get(GoodsLot, happened.original_lot_id)
    if goods is not None:
        session.add(GoodsLot(lot_id=happened.part_lot_id, by_product_id=goods.by_product_id))
        session.flush()
