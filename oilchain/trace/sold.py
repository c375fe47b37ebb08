"""The sales at the end of a downstream trace: every standing sale of a lot
the walk reached (a bottled product lot by units, bulk oil and by-product
goods by weight), and who may learn its buyer.

A sale's buyer, channel and value are the seller's (the organization that
recorded the sale) and the bureau's to see: a retail buyer's name is
personal data. Anyone else who may see the trace (the cooperative that grew
the seed, a mill that sold the oil on) learns only that sales exist: how
many and how much, per lot it sees in full, and in one sum for the later
lots it does not. The rule is applied here, for the actor, so that neither
the page nor the JSON can show more than this returns."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ..auth.actor import Actor
from ..auth.models import Organization
from ..ledger.models import STANDING, Event, Lot
from ..sales.models import Sale

UNIT_ORDER = {"unit": 0, "g": 1}


@dataclass(frozen=True)
class SoldTo:
    """One sale with its buyer: for the seller and the bureau."""

    lot: Lot
    seller: str
    buyer: str
    channel: str
    quantity: int
    unit: str
    amount_fen: int
    sold_on: date
    sale_id: int


@dataclass(frozen=True)
class SalesCount:
    """Sales of one lot (None: of the later lots the reader does not see),
    without their buyers: how many, and how much in each unit (units,
    grams), in the order of UNIT_ORDER."""

    lot: Lot | None
    sales: int
    quantities: tuple[tuple[str, int], ...]


@dataclass
class TraceSales:
    with_buyers: list[SoldTo] = field(default_factory=list)
    counted: list[SalesCount] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.with_buyers) + sum(c.sales for c in self.counted)

    @property
    def buyers(self) -> list[str]:
        return sorted({s.buyer for s in self.with_buyers})

    def __bool__(self) -> bool:
        return self.count > 0


def sees_buyer(actor: Actor, seller_org_id: int) -> bool:
    """Whether the actor may learn who bought from a sale the organization recorded."""
    return actor.is_bureau or actor.org_id == seller_org_id


def trace_sales(session: Session, actor: Actor, lot_ids: set[int], full: set[int]) -> TraceSales:
    """The standing sales of these lots as the actor may see them: with
    buyer, channel and value where it sold them or is the bureau; else
    counted, per lot of `full` (the lots the reader's trace shows in full)
    and in one sum per unit for the rest. Oldest first."""
    found = TraceSales()
    if not lot_ids:
        return found
    rows = session.exec(
        select(Sale, Lot, Event.org_id, Organization.name)
        .join(Event, Event.id == Sale.event_id)
        .join(Lot, Lot.id == Sale.lot_id)
        .join(Organization, Organization.id == Event.org_id)
        .where(Sale.lot_id.in_(sorted(lot_ids)), STANDING)
        .order_by(Sale.sold_on, Sale.id)
    ).all()
    counts: dict[int | None, dict] = {}
    lots: dict[int, Lot] = {}
    for sale, lot, seller_id, seller in rows:
        if sees_buyer(actor, seller_id):
            found.with_buyers.append(SoldTo(lot=lot, seller=seller, buyer=sale.buyer, channel=sale.channel,
                                            quantity=sale.quantity, unit=sale.unit, amount_fen=sale.amount_fen,
                                            sold_on=sale.sold_on, sale_id=sale.id))
            continue
        key = lot.id if lot.id in full else None
        lots[lot.id] = lot
        tally = counts.setdefault(key, {"sales": 0, "by_unit": {}})
        tally["sales"] += 1
        tally["by_unit"][sale.unit] = tally["by_unit"].get(sale.unit, 0) + sale.quantity
    found.counted = [
        SalesCount(lot=lots[lot_id] if lot_id is not None else None, sales=tally["sales"],
                   quantities=tuple(sorted(tally["by_unit"].items(), key=lambda pair: UNIT_ORDER.get(pair[0], 9))))
        for lot_id, tally in sorted(counts.items(), key=lambda item: (item[0] is None, lots[item[0]].code if item[0] else ""))
    ]
    return found
