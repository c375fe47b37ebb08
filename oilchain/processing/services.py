"""Processing: pressing seed into oil and cake, quality tests, products and
bottling into serial-numbered product lots. Receiving is the ledger's."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock, codes, db, events
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid, NotFound
from ..lab import LabValues
from ..ledger.models import Lot
from ..ledger import (NewLot, check_date, check_in_hands, get_lot, lock_lots, record_event, refuse_held,
                               require_owned)
from ..admin.services import audit
from ..byproducts.models import ByProduct
from ..units import LAB_DECIMALS, from_base, normalized
from ..labels import LAB_LABELS, QUALITY_GRADES as QUALITY_GRADE_LABELS
from .models import OIL_METHODS, PRESSING_METHODS, GradeLimit, OilLot, Product, ProductLot, QualityGrade, QualityTest

SERIAL_LIMIT = 10**codes.SERIAL_DIGITS


def lab_text(value: int) -> str:
    return str(normalized(from_base(value, LAB_DECIMALS)))

# Ranges a lab value can take at all; outside them it is a typing error.
# What a test can give at all (thousandths): beyond it a value is a typing error.
MEASURABLE = LabValues(acid_value=30_000, peroxide_value=5_000, moisture=10_000)


def press(
    session: Session, *, actor: Actor, inputs: list[tuple[Lot, int]], oil_g: int, cake_g: int, occurred_on: date,
    method: str = "hot_pressed",
) -> list[Lot]:
    """Seed lots the processor owns in; a crude oil lot (of the pressing
    method) and a seed-cake lot out; the rest is loss, so the balance closes."""
    if actor.role != "processor":
        raise Forbidden(_l("Only a processor presses oil."))
    if method not in PRESSING_METHODS:
        raise Invalid(_l("Choose how the seed was pressed: cold or hot."), field="method")
    for lot, _amount in inputs:
        if lot.kind != "seed":
            raise Invalid(_l("Lot %(code)s is not seed.", code=lot.code), lot=lot.code)
    if oil_g <= 0:
        raise Invalid(_l("The oil weight must be more than zero."), field="oil")
    if cake_g <= 0:
        raise Invalid(_l("Pressing always leaves seed cake: give its weight."), field="cake")
    recorded = record_event(
        session,
        actor=actor,
        kind="press",
        occurred_on=occurred_on,
        inputs=inputs,
        outputs=[NewLot("oil", oil_g, field="oil"), NewLot("cake", cake_g, field="cake")],
        step="press",
    )
    session.add(OilLot(lot_id=recorded.outputs[0].id, method=method))
    session.flush()
    return recorded.outputs


def part_is_alike(session: Session, happened: events.LotSplit) -> None:
    """Reaction to a split: the part of an oil lot is oil of the same method
    and state (in no tank: it was drawn off)."""
    oil = session.get(OilLot, happened.original_lot_id)
    if oil is not None:
        session.add(OilLot(lot_id=happened.part_lot_id, method=oil.method, refined=oil.refined))
        session.flush()


def record_quality_test(
    session: Session,
    *,
    actor: Actor,
    lot_code: str,
    tested_on: date,
    values: LabValues,
    laboratory: str,
) -> QualityTest:
    """A lab test of an oil lot. The lot is locked, so a bottling or a sale
    at the same moment sees the test (and the bottles' stories show it)."""
    lot = get_lot(session, lot_code, for_update=True)
    require_owned(lot, actor)
    if lot.kind != "oil":
        raise Invalid(_l("Quality tests are recorded on oil lots; %(code)s is not one.", code=lot.code), field="code")
    check_date(tested_on)
    check_in_hands(session, [lot], tested_on)
    for name, value in values.items():
        if value < 0 or name in values.over(MEASURABLE):
            raise Invalid(_l("This value is outside what a test can give."), field=name)
    test = QualityTest(
        lot_id=lot.id,
        tested_on=tested_on,
        **values.columns(),
        laboratory=laboratory.strip(),
        user_id=actor.user_id,
    )
    session.add(test)
    session.flush()
    events.publish(session, events.QualityTestRecorded(lot.id))
    return test


def withdraw_quality_test(session: Session, *, actor: Actor, test_id: int, reason: str) -> QualityTest:
    """A wrong test result is withdrawn with a reason (never deleted); the
    bottles made from the oil show the latest standing test again."""
    test = session.get(QualityTest, test_id)
    if test is None:
        raise NotFound(_l("No such quality test."))
    lot = session.get(Lot, test.lot_id)
    lock_lots(session, [lot])  # then the test as the winner of a racing withdrawal left it
    session.refresh(test)
    require_owned(lot, actor, field_name=None)
    if test.withdrawn_at is not None:
        raise Invalid(_l("This test has been withdrawn already."))
    if not reason.strip():
        raise Invalid(_l("Give the reason for the correction."), field="reason")
    test.withdrawn_at, test.withdrawn_by, test.withdrawn_reason = clock.utcnow(), actor.user_id, db.fit(reason, QualityTest.withdrawn_reason)
    session.add(test)
    session.flush()
    events.publish(session, events.QualityTestWithdrawn(lot.id))
    return test


def create_product(
    session: Session, *, actor: Actor, name: str, gtin: str, net_content_ml: int, fill_grams: int, shelf_life_days: int,
    lowest_grade: str | None = None,
) -> Product:
    if actor.role != "processor":
        raise Forbidden(_l("Only a processor registers products."))
    gtin = gtin.strip()
    if not codes.is_valid_gtin(gtin):
        raise Invalid(_l("A GTIN-14 has 14 digits and a valid check digit."), field="gtin")
    if session.exec(select(Product).where(Product.gtin == gtin)).first() or \
            session.exec(select(ByProduct).where(ByProduct.gtin == gtin)).first():
        raise Invalid(_l("This GTIN is already registered."), field="gtin")
    if not 1 <= net_content_ml <= 30_000:
        raise Invalid(_l("The net content must lie between 1 ml and 30 l."), field="net_content_ml")
    # Camellia oil weighs about 0.91 g/ml; allow for measuring at any temperature.
    if not net_content_ml * 85 <= fill_grams * 100 <= net_content_ml * 95:
        raise Invalid(_l("The oil per unit should be about 0.91 g per ml of net content."), field="fill_grams")
    if not 30 <= shelf_life_days <= 1100:
        raise Invalid(_l("The shelf life must lie between 30 and 1100 days."), field="shelf_life_days")
    if lowest_grade is not None and session.get(QualityGrade, lowest_grade) is None:
        raise Invalid(_l("Choose a quality grade from the list."), field="lowest_grade")
    product = Product(
        org_id=actor.org_id,
        name=name.strip(),
        gtin=gtin,
        net_content_ml=net_content_ml,
        fill_grams=fill_grams,
        shelf_life_days=shelf_life_days,
        lowest_grade=lowest_grade,
    )
    session.add(product)
    session.flush()
    return product


def bottle(
    session: Session, *, actor: Actor, oil_code: str, product_id: int, units: int, oil_used_g: int, occurred_on: date
) -> Lot:
    """Oil into a product lot whose units get the next contiguous serial range."""
    lot = get_lot(session, oil_code, for_update=True)
    if lot.kind != "oil":
        raise Invalid(_l("Lot %(code)s is not an oil lot.", code=lot.code), field="oil_code")
    refuse_held(session, [lot], "oil_code")
    product = session.get(Product, product_id)
    if product is None or product.org_id != actor.org_id:
        raise NotFound(_l("Choose one of your products."), field="product_id")
    if units <= 0:
        raise Invalid(_l("The number of units must be more than zero."), field="units")
    recorded = record_event(
        session,
        actor=actor,
        kind="bottle",
        occurred_on=occurred_on,
        inputs=[(lot, oil_used_g)],
        outputs=[NewLot("product", units, field="units", equivalent=units * product.fill_grams)],
        step="bottle",
        input_fields={lot.id: "oil_used"},
    )
    product_lot = recorded.outputs[0]
    first = codes.allocate(session, f"serial:{product.gtin}", units)
    last = first + units - 1
    if last >= SERIAL_LIMIT:
        raise Invalid(_l("This product has run out of serial numbers."), field="units")
    session.add(
        ProductLot(
            lot_id=product_lot.id,
            product_id=product.id,
            serial_first=first,
            serial_last=last,
            best_before=occurred_on + timedelta(days=product.shelf_life_days),
        )
    )
    session.flush()
    events.publish(session, events.Bottled(product_lot.id))  # its story and GI status are written before commit
    return product_lot


def get_product_lot(session: Session, code: str, *, for_update: bool = False) -> tuple[Lot, ProductLot]:
    """A bottled product lot by its code (Invalid for any other lot);
    `for_update` locks its lot for the transaction."""
    lot = get_lot(session, code, for_update=for_update)
    product_lot = session.get(ProductLot, lot.id, populate_existing=for_update) if lot.kind == "product" else None
    if product_lot is None:
        raise Invalid(_l("Lot %(code)s is not a bottled product lot.", code=lot.code), field="code")
    return lot, product_lot


def products_of(session: Session, org_id: int) -> list[Product]:
    return list(session.exec(select(Product).where(Product.org_id == org_id).order_by(Product.name)))


def product_lots_of(session: Session, org_id: int) -> list[tuple[Lot, ProductLot, Product]]:
    return list(
        session.exec(
            select(Lot, ProductLot, Product)
            .join(ProductLot, ProductLot.lot_id == Lot.id)
            .join(Product, Product.id == ProductLot.product_id)
            .where(Lot.owner_org_id == org_id)
            .order_by(Lot.id.desc())
        )
    )


def save_grade_limit(session: Session, *, actor: Actor, method: str, grade_code: str, limits: LabValues) -> GradeLimit:
    """The bureau sets a grade's limits for oil of one extraction method; a
    better grade's limits may not be looser than a lesser one's."""
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau edits the quality grades' limits."))
    if method not in OIL_METHODS:
        raise Invalid(_l("Choose how the oil was extracted."), field="method")
    grade = session.get(QualityGrade, grade_code)
    if grade is None:
        raise Invalid(_l("Choose a quality grade from the list."), field="grade_code")
    for name, value in limits.items():
        if value <= 0 or name in limits.over(MEASURABLE):
            raise Invalid(_l("This value is outside what a test can give."), field=f"max_{name}")
    others = session.execute(
        select(GradeLimit, QualityGrade.rank).join(QualityGrade, QualityGrade.code == GradeLimit.grade_code)
        .where(GradeLimit.method == method, GradeLimit.grade_code != grade_code)
    ).all()
    for other, rank in others:
        better, worse = ((limits, grade_code), (other.limits, other.grade_code)) if grade.rank < rank else \
            ((other.limits, other.grade_code), (limits, grade_code))
        for name, (value, limit) in better[0].over(worse[0]).items():
            raise Invalid(_l("%(better)s cannot allow more than %(worse)s: %(what)s %(value)s is over %(limit)s.",
                             better=QUALITY_GRADE_LABELS.get(better[1], better[1]),
                             worse=QUALITY_GRADE_LABELS.get(worse[1], worse[1]), what=LAB_LABELS[name],
                             value=lab_text(value), limit=lab_text(limit)), field=f"max_{name}")
    row = session.get(GradeLimit, (method, grade_code)) or GradeLimit(method=method, grade_code=grade_code, **limits.columns("max_"))
    for column, value in limits.columns("max_").items():
        setattr(row, column, value)
    session.add(row)
    audit(session, user_id=actor.user_id, action="save", entity="grade_limit", entity_id=None, method=method,
          grade=grade_code, **limits.columns("max_"))
    session.flush()
    events.publish(session, events.GradeLimitsChanged(method))
    return row
