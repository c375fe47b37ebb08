"""Warning rules on the market: price outlier, copied code, GI marks near the eligible units."""

from datetime import datetime, timezone

from oilchain import ledger
from oilchain.public.models import SerialScan
from oilchain.sales import services as sales

from .. import chain
from ..chain import db_session
from .warned import appears_once_then_resolves, evaluate, of_kind, set_thresholds

TODAY = chain.TODAY.date()


def test_a_sale_outside_the_usual_range_is_warned_of_at_once_and_resolved_when_reversed(app, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        chain.sell(session, world, lot=built.product_lot, quantity=10)  # ¥128, within the floor and ceiling
        sale = sales.sell(session, actor=world.actors["processor"], lot_code=built.product_lot.code, buyer="某团购",
                          channel="supermarket", quantity=10, unit_price_fen=9_999_900, sold_on=chain.SOLD_ON,
                          price_note="团购价")
        session.commit()
        found = of_kind(session, "price_outlier")  # the reaction to the sale
        assert [(w.subject_kind, w.subject_id, w.state) for w in found] == [("sale", sale.id, "open")]
        assert (found[0].values["price_fen"], found[0].values["low_fen"], found[0].values["high_fen"]) == (
            9_999_900, 4_000 * 458 // 1000, 100_000 * 458 // 1000)

        def reverse():
            ledger.reverse_event(session, actor=world.actors["processor"], event_id=sale.event_id, reason="价格录错")
            session.commit()

        appears_once_then_resolves(session, TODAY, "price_outlier", ("sale", sale.id), reverse)


def test_the_price_warning_reads_the_same_bounds_as_the_sale_form(app, world):
    from oilchain.sales.models import PriceBound

    with db_session(app) as session:
        built = chain.full_chain(session, world)
        sale = chain.sell(session, world, lot=built.product_lot, quantity=10, price_fen=12_800)
        assert evaluate(session, TODAY, "price_outlier") == []
        bound = session.get(PriceBound, "product")
        bound.floor_fen_per_kg = 300_000  # a floor above ¥128 for 458 g
        bound.ceiling_fen_per_kg = 400_000
        session.add(bound)
        session.commit()
        assert [w.subject_id for w in evaluate(session, TODAY, "price_outlier")] == [sale.id]


def test_a_packed_by_product_products_price_warning_speaks_of_its_unit_not_oil(app, world):
    from ..sales.test_services import packed_product_lot

    with db_session(app) as session:
        lot = packed_product_lot(session, world)
        sale = sales.sell(session, actor=world.actors["processor"], lot_code=lot.code, buyer="某团购", channel="supermarket",
                          quantity=10, unit_price_fen=10, sold_on=chain.SOLD_ON, price_note="清仓")
        session.commit()
        found = of_kind(session, "price_outlier")
        assert [(w.subject_id, w.values["grams"]) for w in found] == [(sale.id, 458)]
        assert found[0].message.endswith("outside the plausible ¥%(low_fen)s to ¥%(high_fen)s for its %(grams)s g unit.")


def scan(session, lot_id, serial, *, networks=1, days=1):
    at = datetime(2025, 12, 10, tzinfo=timezone.utc)
    row = SerialScan(lot_id=lot_id, serial=serial, first_scan_at=at, last_scan_at=at, count=networks + days,
                     networks=networks, days=days)
    session.add(row)
    session.commit()
    return row


def test_a_code_scanned_from_many_networks_or_days(app, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        scan(session, built.product_lot.id, 1, networks=2, days=3)  # an honest rescan
        assert evaluate(session, TODAY, "copied_code") == []
        copied = scan(session, built.product_lot.id, 7, networks=6)

        def rescans_only():
            copied.networks = 1
            session.add(copied)
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "copied_code", ("lot", built.product_lot.id), rescans_only)
        assert (warning.organization_id, warning.values["serials"], warning.values["serial"]) == (
            world.orgs["processor"].id, 1, 7)
        scan(session, built.product_lot.id, 9, days=10)
        assert [w.state for w in evaluate(session, TODAY, "copied_code")] == ["resolved", "open"]


def test_gi_marks_near_the_eligible_units(app, world):
    from oilchain.gi import services as gi

    with db_session(app) as session:
        chain.with_credit_code(session, world)
        built = chain.full_chain(session, world)
        chain.gi_defined(session, world)
        gi.issue_marks(session, actor=world.actors["bureau"], lot_code=built.product_lot.code, units=800,
                       issued_on=chain.SOLD_ON)
        session.commit()
        assert evaluate(session, TODAY, "gi_marks_near") == []  # 800 of 1,000: below 90%
        gi.issue_marks(session, actor=world.actors["bureau"], lot_code=built.product_lot.code, units=150,
                       issued_on=chain.SOLD_ON)
        session.commit()
        warning = appears_once_then_resolves(
            session, TODAY, "gi_marks_near", ("organization", world.orgs["processor"].id),
            lambda: set_thresholds(session, "gi_marks_near", permille=990))
        assert (warning.values["issued"], warning.values["eligible"], warning.values["share_permille"]) == (950, 1_000, 950)
