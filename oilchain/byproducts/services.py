"""By-products: the county's registry of by-product products and the steps
that make them: saponin extraction and solvent extraction from seed cake,
and making a product from by-product lots (with untraced ingredients)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import codes, db, events
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, Label, NotFound
from ..ledger import NewLot, record_event
from ..ledger.models import BY_PRODUCT_KINDS, Lot
from ..processing.models import OilLot, Product
from ..processing.oil import require_processor
from .models import ByProduct, GoodsLot

# What a by-product product is made from: every by-product lot kind but the products themselves.
SOURCE_KINDS = tuple(kind for kind in BY_PRODUCT_KINDS if kind != "goods")
UNITS = ("g", "unit")
REGISTRARS = ("processor", "manager")


def register(
    session: Session, *, actor: Actor, name: str, source_kind: str, unit: str, unit_grams: int | None = None,
    gtin: str | None = None,
) -> ByProduct:
    """A by-product product in the county-wide registry (a processor's or a manager's)."""
    if actor.role not in REGISTRARS:
        raise Forbidden(_l("Only a processor or a manager registers by-product products."))
    name = db.fit(name, ByProduct.name)
    if not name:
        raise Invalid(_l("Give the product's name."), field="name")
    if session.exec(select(ByProduct).where(ByProduct.name == name)).first():
        raise Invalid(_l("A by-product product named %(name)s is registered already.", name=name), field="name")
    if source_kind not in SOURCE_KINDS:
        raise Invalid(_l("%(kind)s is not a by-product a product is made from: choose cake, husk, saponin or meal.",
                         kind=source_kind), field="source_kind")
    if unit not in UNITS:
        raise Invalid(_l("Choose whether it is sold by weight or in packed units."), field="unit")
    if unit == "unit" and not unit_grams:
        raise Invalid(_l("A product packed in units needs the weight of one unit."), field="unit_grams")
    if unit_grams is not None and unit_grams <= 0:
        raise Invalid(_l("The weight of one unit must be more than zero."), field="unit_grams")
    gtin = (gtin or "").strip() or None
    if gtin is not None:
        if not codes.is_valid_gtin(gtin):
            raise Invalid(_l("A GTIN-14 has 14 digits and a valid check digit."), field="gtin")
        if session.exec(select(Product).where(Product.gtin == gtin)).first() or \
                session.exec(select(ByProduct).where(ByProduct.gtin == gtin)).first():
            raise Invalid(_l("GTIN %(gtin)s is already registered.", gtin=gtin), field="gtin")
    product = ByProduct(name=name, source_kind=source_kind, unit=unit,
                        unit_grams=unit_grams if unit == "unit" else None, gtin=gtin, registered_by_org_id=actor.org_id)
    session.add(product)
    session.flush()
    return product


def refuse_not(kind: str, inputs: list[tuple[Lot, int]]) -> None:
    """Every input lot is of `kind`; the first that is not is named."""
    for lot, _amount in inputs:
        if lot.kind != kind:
            raise Invalid(_l("Lot %(code)s is not %(kind)s.", code=lot.code, kind=Label("lot_kind", kind)), lot=lot.code)


def require_positive(grams: int, field: str) -> None:
    if grams <= 0:
        raise Invalid(_l("The weight must be more than zero."), field=field)


def extract(
    session: Session, *, actor: Actor, inputs: list[tuple[Lot, int]], saponin_g: int, meal_g: int, occurred_on: date
) -> list[Lot]:
    """Seed cake in; a tea saponin lot and an extracted-meal lot out (茶皂素提取)."""
    require_processor(actor)
    refuse_not("cake", inputs)
    require_positive(saponin_g, "saponin")
    require_positive(meal_g, "meal")
    return record_event(
        session, actor=actor, kind="extract", occurred_on=occurred_on, inputs=inputs, step="extract",
        outputs=[NewLot("saponin", saponin_g, field="saponin"), NewLot("meal", meal_g, field="meal")],
    ).outputs


def leach(
    session: Session, *, actor: Actor, inputs: list[tuple[Lot, int]], oil_g: int, meal_g: int, occurred_on: date
) -> list[Lot]:
    """Seed cake in; solvent-extracted oil and meal out (浸出). The oil lot is
    oil of method "solvent": a step on cake, not a way of pressing."""
    require_processor(actor)
    refuse_not("cake", inputs)
    require_positive(oil_g, "oil")
    require_positive(meal_g, "meal")
    recorded = record_event(
        session, actor=actor, kind="leach", occurred_on=occurred_on, inputs=inputs, step="leach",
        outputs=[NewLot("oil", oil_g, field="oil"), NewLot("meal", meal_g, field="meal")],
    )
    session.add(OilLot(lot_id=recorded.outputs[0].id, method="solvent"))
    session.flush()
    return recorded.outputs


def make(
    session: Session, *, actor: Actor, by_product_id: int, inputs: list[tuple[Lot, int]], quantity: int,
    untraced_g: int, occurred_on: date,
) -> Lot:
    """By-product lots of the product's source kind (and `untraced_g` of
    ingredients from outside the chain: water, surfactant, manure) in; a
    goods lot of the product out, in grams or, packed, in units. Inputs +
    untraced = output + loss."""
    require_processor(actor)
    product = session.get(ByProduct, by_product_id) if by_product_id else None
    if product is None:
        raise NotFound(_l("Choose a registered by-product product."), field="by_product_id")
    refuse_not(product.source_kind, inputs)
    if quantity <= 0:
        raise Invalid(_l("The quantity made must be more than zero."), field="quantity")
    if product.unit == "unit":
        output = NewLot("goods", quantity, field="quantity", unit="unit", equivalent=quantity * product.unit_grams)
    else:
        output = NewLot("goods", quantity, field="quantity")
    recorded = record_event(
        session, actor=actor, kind="make", occurred_on=occurred_on, inputs=inputs, outputs=[output],
        step=f"make_{product.source_kind}", untraced=untraced_g,
    )
    lot = recorded.outputs[0]
    session.add(GoodsLot(lot_id=lot.id, by_product_id=product.id))
    session.flush()
    return lot


def part_is_alike(session: Session, happened: events.LotSplit) -> None:
    """Reaction to a split: the part of a by-product product's lot is that product too."""
    goods = session.get(GoodsLot, happened.original_lot_id)
    if goods is not None:
        session.add(GoodsLot(lot_id=happened.part_lot_id, by_product_id=goods.by_product_id))
        session.flush()
