"""The processor's progress on its start page: its stock by kind (what is
left in the lots it holds: ledger.in_stock, the lot list's stock filter),
the plan year's pressings (the oil lots its pressings made, and the seed
they took: the targets' own metric rows) and its sales of the year (the
sales list's query, sales.services.season_sales)."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from ..ledger import in_stock
from ..ledger.models import LOT_UNITS, Lot
from ..reports.progress import Total, made_rows, metric_rows, plan_year, total
from ..sales.services import season_sales

# Always shown, even when nothing is left; by-products (and fruit) when some are.
MAIN_KINDS = ("seed", "oil", "product")


@dataclass(frozen=True)
class Stock:
    """What is left of one kind in the lots held: by unit (goods may be
    kept in grams and, packed, in units), and in how many lots."""

    kind: str
    lots: int
    remaining: dict[str, int]  # unit -> what is left, in that unit


@dataclass(frozen=True)
class Sold:
    count: int
    value_fen: int
    grams: int  # sold by weight
    units: int  # sold by units


@dataclass(frozen=True)
class ProcessorProgress:
    year: int
    stock: list[Stock]
    pressings: Total  # one oil lot each, grams of oil
    seed_pressed: int  # grams of seed the pressings took
    sales: Sold


def stock(session: Session, org_id: int) -> list[Stock]:
    lots: dict[str, int] = {}
    left: dict[str, dict[str, int]] = {}
    for kind, unit, count, remaining in session.execute(
        select(Lot.kind, Lot.unit, func.count(), func.sum(Lot.remaining)).where(in_stock(org_id))
        .group_by(Lot.kind, Lot.unit).order_by(Lot.kind, Lot.unit)):
        lots[kind] = lots.get(kind, 0) + int(count)
        left.setdefault(kind, {})[unit] = int(remaining)
    kinds = [*MAIN_KINDS, *sorted(kind for kind in left if kind not in MAIN_KINDS)]
    return [Stock(kind, lots.get(kind, 0), left.get(kind) or {LOT_UNITS[kind]: 0}) for kind in kinds]


def sold(session: Session, org_id: int, year: int) -> Sold:
    rows = season_sales(org_id, year).subquery()
    count, value, grams, units = session.execute(select(
        func.count(), func.coalesce(func.sum(rows.c.value), 0),
        func.coalesce(func.sum(rows.c.quantity).filter(rows.c.unit == "g"), 0),
        func.coalesce(func.sum(rows.c.quantity).filter(rows.c.unit == "unit"), 0),
    )).one()
    return Sold(int(count), int(value), int(grams), int(units))


def progress(session: Session, org_id: int, year: int | None = None) -> ProcessorProgress:
    year = plan_year(session) if year is None else year
    return ProcessorProgress(
        year=year,
        stock=stock(session, org_id),
        pressings=total(session, made_rows("press", "oil", year, org_id)),
        seed_pressed=total(session, metric_rows("seed_processed", year, org_id)).value,
        sales=sold(session, org_id, year),
    )
