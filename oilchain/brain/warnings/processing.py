"""Rules on processors' seed and oil: seed left unpressed, a backlog
against the pressing pace, quality drifting up, a product lot in stock
below the grade its product claims."""

from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ...auth.models import Organization
from ...errors import Message as _l
from ...ledger.models import STANDING, Event, EventLine, Lot, Shipment
from ...processing.models import Product, ProductLot, QualityTest
from ...processing.quality import best_grade, grades, method_of, ranks as grade_ranks
from .base import Finding, per_mille


def seed_unpressed(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """Seed a processor received more than `days` ago that it still holds."""
    received_on = func.max(Event.occurred_on).label("received_on")
    rows = session.exec(
        select(Lot, Organization, received_on)
        .join(Shipment, Shipment.lot_id == Lot.id)
        .join(Event, Event.id == Shipment.receive_event_id)
        .join(Organization, Organization.id == Lot.owner_org_id)
        .where(Lot.kind == "seed", Lot.status == "active", Lot.remaining > 0, Shipment.to_org_id == Lot.owner_org_id,
               Organization.kind == "processor", STANDING)
        .group_by(Lot.id, Organization.id)
        .order_by(Lot.id)
    ).all()
    since = day - timedelta(days=thresholds["days"])
    return [
        Finding.of("lot", lot.id, lot.code, _l(
            "Seed lot %(code)s, received on %(received_on)s, is not pressed after %(days)s days: %(remaining_g)s kg "
            "left (acid value rises in stored seed).", code=lot.code, received_on=received.isoformat(),
            days=(day - received).days, remaining_g=lot.remaining), org=org.id, township=org.township_id)
        for lot, org, received in rows if received < since
    ]


def _seed_on_hand(session: Session, before: date | None = None) -> dict[int, int]:
    """g of seed each processor holds (of lots made before `before`, when given)."""
    query = (
        select(Lot.owner_org_id, func.sum(Lot.remaining))
        .join(Organization, Organization.id == Lot.owner_org_id)
        .where(Lot.kind == "seed", Lot.status == "active", Lot.remaining > 0, Organization.kind == "processor")
        .group_by(Lot.owner_org_id)
    )
    if before is not None:
        query = query.where(Lot.produced_on < before)
    return {org_id: int(grams) for org_id, grams in session.exec(query).all()}


def pressing_backlog(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """Seed on hand over the seed pressed a day over the last `pace_days`:
    more than `days` of it at that pace. A processor that pressed nothing in
    the window has no pace: it is behind once it holds seed older than
    `days` (seed that came in last night is no backlog yet)."""
    on_hand = _seed_on_hand(session)
    old_seed = _seed_on_hand(session, before=day - timedelta(days=thresholds["days"]))
    window = thresholds["pace_days"]
    pressed = dict(session.exec(
        select(Event.org_id, -func.sum(EventLine.delta))
        .join(EventLine, EventLine.event_id == Event.id)
        .join(Lot, Lot.id == EventLine.lot_id)
        .where(Event.kind == "press", STANDING, EventLine.role == "input", Lot.kind == "seed",
               Event.occurred_on > day - timedelta(days=window), Event.occurred_on <= day)
        .group_by(Event.org_id)
    ).all())
    findings = []
    for org in session.exec(select(Organization).where(Organization.id.in_(list(on_hand) or [0])).order_by(Organization.id)):
        seed, done = int(on_hand[org.id]), int(pressed.get(org.id) or 0)
        if done <= 0:
            if not old_seed.get(org.id):
                continue
            message = _l("%(org)s holds %(seed_g)s kg of seed and pressed none in the last %(window)s days.",
                         org=org.name, seed_g=seed, window=window)
        elif seed * window // done > thresholds["days"]:
            message = _l("%(org)s holds %(seed_g)s kg of seed: %(backlog)s days at its pace of the last %(window)s days "
                         "(%(pressed_g)s kg pressed).", org=org.name, seed_g=seed, backlog=seed * window // done,
                         window=window, pressed_g=done)
        else:
            continue
        findings.append(Finding.of("organization", org.id, org.name, message, org=org.id, township=org.township_id))
    return findings


def _tests_by_processor(session: Session, day: date) -> dict[int, list[QualityTest]]:
    """Standing tests of oil up to `day`, per processor that pressed it (a
    pressing not reversed), oldest first."""
    made = aliased(EventLine)
    rows = session.exec(
        select(QualityTest, Event.org_id)
        .join(made, (made.lot_id == QualityTest.lot_id) & (made.role == "output"))
        .join(Event, (Event.id == made.event_id) & (Event.kind == "press"))
        .where(QualityTest.withdrawn_at.is_(None), QualityTest.tested_on <= day, STANDING)
        .order_by(QualityTest.tested_on, QualityTest.id)
    ).all()
    found: dict[int, list[QualityTest]] = {}
    for test, org_id in rows:
        found.setdefault(org_id, []).append(test)
    return found


DRIFT_VALUES = (("acid_value_milli", "acid value"), ("peroxide_value_milli", "peroxide value"))


def quality_drift(session: Session, day: date, thresholds: dict) -> list[Finding]:
    """The mean of the latest `tests` tests against the `tests` before them."""
    count, rise = thresholds["tests"], thresholds["rise_permille"]
    findings = []
    for org_id, tests in sorted(_tests_by_processor(session, day).items()):
        if len(tests) < 2 * count:
            continue
        before, latest = tests[-2 * count:-count], tests[-count:]
        for column, name in DRIFT_VALUES:
            old = sum(getattr(test, column) for test in before) // count
            new = sum(getattr(test, column) for test in latest) // count
            if old > 0 and new * 1000 > old * (1000 + rise):
                org = session.get(Organization, org_id)
                message = (_l("%(org)s: the mean acid value of its last %(n)s tests rose from %(before_lab)s to "
                              "%(after_lab)s (%(rise_permille)s).", org=org.name, n=count, before_lab=old, after_lab=new,
                              rise_permille=per_mille(new - old, old))
                           if name == "acid value" else
                           _l("%(org)s: the mean peroxide value of its last %(n)s tests rose from %(before_lab)s to "
                              "%(after_lab)s (%(rise_permille)s).", org=org.name, n=count, before_lab=old, after_lab=new,
                              rise_permille=per_mille(new - old, old)))
                findings.append(Finding.of("organization", org.id, org.name, message, org=org.id, township=org.township_id))
                break
    return findings


def quality_below_grade(session: Session, day: date, thresholds: dict, oil_lot_ids: set | None = None) -> list[Finding]:
    """Product lots in stock whose standing test (the latest of their oil's,
    as on a sale) is below their product's lowest grade (any grade, when it
    names none)."""
    made, used, oil = aliased(EventLine), aliased(EventLine), aliased(Lot)
    query = (
        select(Lot, Product, used.lot_id)
        .join(ProductLot, ProductLot.lot_id == Lot.id)
        .join(Product, Product.id == ProductLot.product_id)
        .join(made, (made.lot_id == Lot.id) & (made.role == "output"))
        .join(Event, (Event.id == made.event_id) & (Event.kind == "bottle"))
        .join(used, (used.event_id == Event.id) & (used.role == "input"))
        .join(oil, (oil.id == used.lot_id) & (oil.kind == "oil"))
        .where(Lot.status == "active", Lot.remaining > 0, STANDING)
        .order_by(Lot.id)
    )
    if oil_lot_ids is not None:
        query = query.where(used.lot_id.in_(list(oil_lot_ids) or [0]))
    rows = session.exec(query).all()
    if not rows:
        return []
    latest: dict[int, QualityTest] = {}
    for test in session.exec(
        select(QualityTest).where(QualityTest.lot_id.in_({oil_id for _, _, oil_id in rows}),
                                  QualityTest.withdrawn_at.is_(None), QualityTest.tested_on <= day)
        .order_by(QualityTest.tested_on, QualityTest.id)
    ):
        latest[test.lot_id] = test  # the last wins: latest day, then last entered
    ranks = grade_ranks(session)
    by_method: dict[str, list] = {}  # each oil's grades by its extraction method, read once per method
    lots: dict[int, tuple] = {}
    for lot, product, oil_id in rows:
        test = latest.get(oil_id)
        known = lots.get(lot.id, (lot, product, None))[2]
        if test is not None and (known is None or (test.tested_on, test.id) > (known.tested_on, known.id)):
            known = test
        lots[lot.id] = (lot, product, known)
    findings = []
    for lot, product, test in lots.values():
        if test is None:
            continue
        method = method_of(session, test.lot_id)
        if method not in by_method:
            by_method[method] = grades(session, method)
        reached = best_grade(by_method[method], test.values)
        wanted = product.lowest_grade if product.lowest_grade in ranks else None
        if reached is not None and (wanted is None or ranks[reached] <= ranks[wanted]):
            continue
        values = dict(code=lot.code, product=product.name, remaining=lot.remaining, tested_on=test.tested_on.isoformat())
        message = (_l("Lot %(code)s (%(product)s, %(remaining)s units in stock): its quality test of %(tested_on)s "
                      "reaches no grade.", **values) if reached is None and wanted is None else
                   _l("Lot %(code)s (%(product)s, %(remaining)s units in stock): its quality test of %(tested_on)s "
                      "reaches %(reached_grade)s, below %(wanted_grade)s.", **values, reached_grade=reached or "",
                      wanted_grade=wanted))
        findings.append(Finding.of("lot", lot.id, lot.code, message, org=product.org_id))
    return findings
