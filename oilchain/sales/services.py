"""Sales: a quantity of any lot its owner holds, to a buyer: a bottled
product lot by units, bulk oil and by-products by weight at a price per kg
(a packed by-product by units), oil with a standing quality test behind it,
at a price that is plausible or explained. A sale to a registered
organization is a shipment with a price (the buyer receives the lot)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import db, events
from ..admin.services import audit
from ..auth.actor import Actor
from ..auth.models import Organization
from ..errors import Forbidden, Invalid
from ..labels import CHANNELS
from ..ledger.models import STANDING, Event, Lot
from ..ledger import get_lot, lock_lots, owned_lots, record_event, refuse_held, require_owned, ship_part
from ..processing.quality import oil_sources, require_sellable
from .models import PriceBound, Sale
from .pricing import SELLABLE, check_price, pricing_of, yuan

# Who a sale to a registered organization may go to: a mill, which receives
# the lot and works it on (bulk oil to bottle, cake to leach or extract).
BUYER_ORG_KINDS = ("processor",)


def amount_fen(quantity: int, unit: str, unit_price_fen: int) -> int:
    """What a sale comes to, in whole fen: units times the unit price, or
    grams times the price per kg over 1000, rounded half up. Exact integers;
    a pure function, also for the county generator."""
    if unit == "g":
        return (quantity * unit_price_fen + 500) // 1000
    return quantity * unit_price_fen


def buyer_orgs(session: Session, actor: Actor) -> list[Organization]:
    """The registered organizations a sale may go to: mills other than the seller."""
    return list(session.exec(
        select(Organization).where(Organization.kind.in_(BUYER_ORG_KINDS), Organization.id != actor.org_id)
        .order_by(Organization.name)
    ))


def sellable_lots(session: Session, org_id: int) -> list[Lot]:
    """The organization's lots a sale may take from, oldest first."""
    return owned_lots(session, org_id, SELLABLE)


def sell(
    session: Session,
    *,
    actor: Actor,
    lot_code: str,
    buyer: str,
    channel: str,
    quantity: int,
    unit_price_fen: int,
    sold_on: date,
    price_note: str = "",
    buyer_org_id: int | None = None,
) -> Sale:
    """`quantity` of a lot (units, or grams for a lot kept in grams) at
    `unit_price_fen` a unit or a kg, to a buyer or, `buyer_org_id`, to a
    registered organization: then the buyer is the organization's name
    (a typed one is not used) and the part sold is shipped to it
    (ship_sold). The lot and its oil are locked, so a racing sale or a test
    withdrawn at the same moment is seen."""
    lot = get_lot(session, lot_code)
    require_owned(lot, actor)
    pricing, product = pricing_of(session, lot)
    graded = lot.kind == "oil" or (product is not None and product.by_product_id is None)
    oil = oil_sources(session, lot) if graded else []
    lock_lots(session, [lot, *session.exec(select(Lot).where(Lot.id.in_([i for i in oil if i != lot.id] or [0])))])
    refuse_held(session, [lot], "code")  # beside the lot chosen, before any other reason
    buyer_org = check_buyer_org(session, actor, buyer_org_id)
    buyer = buyer_org.name if buyer_org is not None else buyer.strip()
    check_terms(lot, buyer, channel, unit_price_fen, sold_on)
    if buyer_org is None:
        event_id, sold = record_event(session, actor=actor, kind="sell", occurred_on=sold_on, inputs=[(lot, quantity)],
                                      input_fields={lot.id: "quantity"}).event.id, lot
    else:
        event_id, sold = ship_sold(session, actor, lot, quantity, buyer_org, sold_on)
    if graded:
        require_sellable(session, lot, sold_on, product.lowest_grade if product is not None else None)
    check_price(session, pricing, unit_price_fen, sold_on, price_note, lot.code)
    sale = Sale(
        event_id=event_id,
        lot_id=sold.id,
        buyer=db.fit(buyer, Sale.buyer),
        channel=channel,
        quantity=quantity,
        unit=lot.unit,
        unit_price_fen=unit_price_fen,
        amount_fen=amount_fen(quantity, lot.unit, unit_price_fen),
        sold_on=sold_on,
        buyer_org_id=buyer_org.id if buyer_org is not None else None,
        price_note=db.fit(price_note, Sale.price_note),
    )
    session.add(sale)
    session.flush()
    events.publish(session, events.Sold(sale.id))
    return sale


def check_terms(lot: Lot, buyer: str, channel: str, unit_price_fen: int, sold_on: date) -> None:
    """A sale's buyer, channel, price and day, as the form asks them."""
    if not buyer:
        raise Invalid(_l("Name the buyer."), field="buyer")
    if channel not in CHANNELS:  # the codes the form offers
        raise Invalid(_l("Choose a sales channel from the list."), field="channel")
    if unit_price_fen <= 0:
        raise Invalid(_l("The price of lot %(code)s must be more than zero (%(price)s was given).", code=lot.code,
                         price=yuan(unit_price_fen)), field="unit_price")
    if sold_on < lot.produced_on:
        raise Invalid(_l("The sale cannot come before the lot was bottled.") if lot.kind == "product" else
                      _l("The sale cannot come before lot %(code)s was made (%(day)s).", code=lot.code,
                         day=lot.produced_on.isoformat()), field="occurred_on")


def check_buyer_org(session: Session, actor: Actor, buyer_org_id: int | None) -> Organization | None:
    if buyer_org_id is None:
        return None
    org = session.get(Organization, buyer_org_id)
    if org is None or org.kind not in BUYER_ORG_KINDS or org.id == actor.org_id:
        raise Invalid(_l("Choose a registered buyer from the list: another processor."), field="buyer_org_id")
    return org


def ship_sold(session: Session, actor: Actor, lot: Lot, quantity: int, buyer_org: Organization,
              sold_on: date) -> tuple[int, Lot]:
    """A sale to a registered organization is a shipment of the part sold
    (ledger.ship_part: split off, then shipped), but a bottled lot goes
    whole: its units carry a serial range. Returns the ship event's id and
    the lot shipped."""
    if lot.kind == "product" and 0 < quantity < lot.remaining:
        raise Invalid(_l("Lot %(code)s goes to a registered buyer whole (%(remaining)s units), not %(asked)s: sell part of "
                         "it to a named buyer instead.", code=lot.code, remaining=lot.remaining, asked=quantity),
                      field="quantity")
    shipment = ship_part(session, actor=actor, code=lot.code, to_org_id=buyer_org.id, occurred_on=sold_on,
                         quantity=quantity)
    return shipment.ship_event_id, session.get(Lot, shipment.lot_id)


def season_sales(org_id: int, year: int):
    """The organization's standing sales of `year` (to registered
    organizations too), their amounts as values: the start page's figure and
    the sales list of the year."""
    return (
        select(Sale.id, Sale.sold_on.label("day"), Sale.amount_fen.label("value"), Sale.quantity, Sale.unit)
        .join(Event, Event.id == Sale.event_id)
        .where(Event.org_id == org_id, STANDING, Sale.sold_on.between(date(year, 1, 1), date(year, 12, 31)))
    )


def sales_of(session: Session, org_id: int, limit: int | None = 200, year: int | None = None) -> list[tuple[Sale, Lot, Event]]:
    """The organization's sales, newest first (the latest `limit`, or all;
    `year`: only the standing sales of that year, season_sales)."""
    query = (
        select(Sale, Lot, Event)
        .join(Lot, Lot.id == Sale.lot_id)
        .join(Event, Event.id == Sale.event_id)
        .where(Event.org_id == org_id)
        .order_by(Sale.sold_on.desc(), Sale.id.desc())
    )
    if year is not None:
        query = query.where(Sale.id.in_(select(season_sales(org_id, year).subquery().c.id)))
    return list(session.exec(query if limit is None else query.limit(limit)))


def save_price_bound(
    session: Session, *, actor: Actor, kind: str, window_days: int, min_sales: int, low_percent: int, high_percent: int,
    floor_fen_per_kg: int, ceiling_fen_per_kg: int,
) -> PriceBound:
    """The bureau edits what price is plausible."""
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau edits the price bounds."))
    if kind not in SELLABLE:
        raise Invalid(_l("Choose what the bounds are for from the list."), field="kind")
    if not 0 < low_percent < 100 < high_percent:
        raise Invalid(_l("The lower share lies below 100 and the upper above it."), field="low_percent")
    if not 0 < floor_fen_per_kg < ceiling_fen_per_kg:
        raise Invalid(_l("The floor must be more than zero and below the ceiling."), field="floor")
    bound = session.get(PriceBound, kind) or PriceBound(kind=kind, window_days=1, min_sales=1, low_percent=1,
                                                        high_percent=101, floor_fen_per_kg=1, ceiling_fen_per_kg=2)
    bound.window_days, bound.min_sales = window_days, min_sales
    bound.low_percent, bound.high_percent = low_percent, high_percent
    bound.floor_fen_per_kg, bound.ceiling_fen_per_kg = floor_fen_per_kg, ceiling_fen_per_kg
    session.add(bound)
    audit(session, user_id=actor.user_id, action="save", entity="price_bound", entity_id=None, kind=kind,
          window_days=window_days, min_sales=min_sales, low_percent=low_percent, high_percent=high_percent,
          floor_fen_per_kg=floor_fen_per_kg, ceiling_fen_per_kg=ceiling_fen_per_kg)
    session.flush()
    return bound
