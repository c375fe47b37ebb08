"""Geographical indication (地理标志): the product's definition, its
authorized producers, each product lot's eligibility with its reasons, the
special marks issued (never more than the eligible units) and the register.

A product lot's eligibility is computed from its stored origin story (the
townships of every upstream plot and the latest standing quality test), the
GI's protected townships and thresholds, and its bottler's authorization. It
is stored on the lot (like the story) and recomputed whenever any of those
change, so a consumer's scan never recomputes it.
"""

import json
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlmodel import Session, select

from .. import db, events
from ..admin.models import Township
from ..admin.services import audit
from ..auth.actor import Actor
from ..auth.models import Organization
from ..errors import Forbidden, Invalid, NotFound
from ..ledger.models import Lot
from ..ledger import check_date, refuse_held
from ..processing.models import Product, ProductLot
from ..processing.services import get_product_lot
from ..lab import LabValues
from .models import GIMarkIssue, GIProducer, GIProduct, GIProtectedTownship



def active_gi(session: Session) -> GIProduct | None:
    return session.exec(select(GIProduct).where(GIProduct.active.is_(True)).order_by(GIProduct.id)).first()


def protected_townships(session: Session, gi: GIProduct) -> list[Township]:
    return list(
        session.exec(
            select(Township)
            .join(GIProtectedTownship, GIProtectedTownship.township_id == Township.id)
            .where(GIProtectedTownship.gi_id == gi.id)
            .order_by(Township.id)
        )
    )


def producers(session: Session, gi: GIProduct) -> list[tuple[GIProducer, Organization]]:
    return list(
        session.exec(
            select(GIProducer, Organization)
            .join(Organization, Organization.id == GIProducer.org_id)
            .where(GIProducer.gi_id == gi.id)
            .order_by(Organization.name)
        )
    )


def status_of(product_lot: ProductLot) -> dict:
    return json.loads(product_lot.gi_status or "{}")


def require_bureau(actor: Actor) -> None:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau keeps the GI register."))


def save_definition(
    session: Session,
    *,
    actor: Actor,
    name: str,
    registration: str,
    specification: str,
    limits: LabValues,
    township_ids: list[int],
) -> GIProduct:
    require_bureau(actor)
    if not name.strip():
        raise Invalid(_l("Give the GI product's name."), field="name")
    if not registration.strip():
        raise Invalid(_l("Give the registration (certificate number and authority)."), field="registration")
    for value_name, value in limits.items():
        if value <= 0:
            raise Invalid(_l("A threshold must be more than zero."), field=f"max_{value_name}")
    known = set(session.exec(select(Township.id).where(Township.id.in_(township_ids))))
    if not township_ids or known != set(township_ids):
        raise Invalid(_l("Choose the protected townships."), field="township_ids")
    gi = active_gi(session) or GIProduct(name=name, registration=registration, **limits.columns("max_"))
    gi.name, gi.registration, gi.specification = (db.fit(name, GIProduct.name), db.fit(registration, GIProduct.registration),
                                                   db.fit(specification, GIProduct.specification))
    for column, value in limits.columns("max_").items():
        setattr(gi, column, value)
    session.add(gi)
    session.flush()
    for row in session.exec(select(GIProtectedTownship).where(GIProtectedTownship.gi_id == gi.id)):
        session.delete(row)
    session.flush()
    for township_id in sorted(set(township_ids)):
        session.add(GIProtectedTownship(gi_id=gi.id, township_id=township_id))
    audit(session, user_id=actor.user_id, action="save", entity="gi_product", entity_id=gi.id, name=gi.name,
          townships=sorted(set(township_ids)))
    session.flush()
    events.publish(session, events.GIRulesChanged(gi.id))
    return gi


def authorize(session: Session, *, actor: Actor, org_id: int, authorized_on: date) -> GIProducer:
    require_bureau(actor)
    gi = active_gi(session)
    if gi is None:
        raise Invalid(_l("Define the GI product first."))
    org = session.get(Organization, org_id)
    if org is None or org.kind != "processor":
        raise Invalid(_l("Choose a processor."), field="org_id")
    if not org.credit_code:
        raise Invalid(_l("This producer has no unified social credit code on record; add it first."), field="org_id")
    check_date(authorized_on)
    # Each authorization is a period of its own: a renewal never rewrites the past.
    # The open-period unique index stands behind this when two managers authorize at once.
    periods = session.exec(select(GIProducer).where(GIProducer.gi_id == gi.id, GIProducer.org_id == org.id)).all()
    if any(p.revoked_on is None for p in periods):
        raise Invalid(_l("This producer is authorized already."), field="org_id")
    if any(p.revoked_on is not None and authorized_on < p.revoked_on for p in periods):
        raise Invalid(_l("A new authorization cannot start before the last one was revoked."), field="occurred_on")
    producer = GIProducer(gi_id=gi.id, org_id=org.id, authorized_on=authorized_on)
    session.add(producer)
    audit(session, user_id=actor.user_id, action="authorize", entity="gi_producer", entity_id=org.id, on=authorized_on)
    session.flush()
    events.publish(session, events.GIAuthorizationChanged(org.id))
    return producer


def revoke(session: Session, *, actor: Actor, producer_id: int, revoked_on: date) -> GIProducer:
    require_bureau(actor)
    locked = db.lock(session, GIProducer, [producer_id])
    producer = locked[0] if locked else None
    if producer is None:
        raise NotFound(_l("No such producer."))
    if producer.revoked_on is not None:
        raise Invalid(_l("This authorization was revoked on %(day)s already.", day=producer.revoked_on.isoformat()))
    check_date(revoked_on, not_before=producer.authorized_on)
    producer.revoked_on = revoked_on
    session.add(producer)
    audit(session, user_id=actor.user_id, action="revoke", entity="gi_producer", entity_id=producer.org_id, on=revoked_on)
    session.flush()
    events.publish(session, events.GIAuthorizationChanged(producer.org_id))
    return producer


def marks_issued(session: Session, lot_id: int) -> int:
    return int(session.exec(select(func.coalesce(func.sum(GIMarkIssue.units), 0)).where(GIMarkIssue.lot_id == lot_id)).one())


def issue_marks(session: Session, *, actor: Actor, lot_code: str, units: int, issued_on: date) -> GIMarkIssue:
    """Special marks for a product lot: only an eligible lot not on hold,
    for the next `units` serials from its first unmarked one, and never more
    marks in all than it has units. The lot is locked (a recall opening at
    the same moment waits or is waited for), and the counter moves in one
    guarded UPDATE that the database's check constraint stands behind."""
    require_bureau(actor)
    lot, product_lot = get_product_lot(session, lot_code, for_update=True)
    if lot.status == "reversed":
        raise Invalid(_l("Lot %(code)s was withdrawn: its bottles may not carry the mark.", code=lot.code), field="code")
    refuse_held(session, [lot])
    status = status_of(product_lot)
    if not status.get("eligible"):
        raise Invalid(_l("Lot %(code)s is not eligible for the GI mark; see its reasons.", code=lot.code), field="code")
    if units <= 0:
        raise Invalid(_l("The number of marks must be more than zero."), field="units")
    check_date(issued_on, not_before=lot.produced_on)
    marked = session.execute(
        update(ProductLot)
        .where(ProductLot.lot_id == lot.id,
               ProductLot.gi_marked + units <= ProductLot.serial_last - ProductLot.serial_first + 1)
        .values(gi_marked=ProductLot.gi_marked + units)
        .returning(ProductLot.gi_marked)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    session.refresh(product_lot)
    if marked is None:
        already = product_lot.gi_marked
        raise Invalid(
            _l("Only %(left)s of the lot's %(total)s units are left for marks (%(issued)s issued); %(asked)s were asked for.",
               left=lot.quantity - already, total=lot.quantity, issued=already, asked=units),
            field="units",
        )
    first = product_lot.serial_first + marked - units
    issue = GIMarkIssue(gi_id=status["gi_id"], lot_id=lot.id, units=units, serial_first=first,
                        serial_last=first + units - 1, issued_on=issued_on, user_id=actor.user_id)
    session.add(issue)
    session.flush()
    return issue


def marked_ranges(session: Session, lot_id: int) -> list[tuple[int, int]]:
    """The serial ranges of a product lot that carry the GI mark, in order."""
    return [
        (first, last) for first, last in session.exec(
            select(GIMarkIssue.serial_first, GIMarkIssue.serial_last)
            .where(GIMarkIssue.lot_id == lot_id).order_by(GIMarkIssue.serial_first)
        )
    ]


def register(session: Session, year: int) -> dict:
    """The GI register of a year: the definition, its producers and every
    product lot bottled that year with its eligibility and marks."""
    gi = active_gi(session)
    if gi is None:
        return {"gi": None, "townships": [], "producers": [], "lots": []}
    bottled_that_year = Lot.produced_on.between(date(year, 1, 1), date(year, 12, 31))
    marks = dict(session.exec(  # the year's lots' marks, not every year's
        select(GIMarkIssue.lot_id, func.sum(GIMarkIssue.units)).join(Lot, Lot.id == GIMarkIssue.lot_id)
        .where(bottled_that_year).group_by(GIMarkIssue.lot_id)).all())
    rows = session.exec(
        select(Lot, ProductLot, Product, Organization)
        .join(ProductLot, ProductLot.lot_id == Lot.id)
        .join(Product, Product.id == ProductLot.product_id)
        .join(Organization, Organization.id == Product.org_id)
        .where(bottled_that_year, Lot.status != "reversed")
        .order_by(Lot.produced_on, Lot.id)
    ).all()
    lots = [
        {"lot": lot, "product": product, "processor": org, "status": status_of(product_lot), "marks": int(marks.get(lot.id, 0))}
        for lot, product_lot, product, org in rows
    ]
    return {
        "gi": gi,
        "townships": protected_townships(session, gi),
        "producers": producers(session, gi),
        "lots": lots,
        "limits": gi.limits.as_text(),
    }
