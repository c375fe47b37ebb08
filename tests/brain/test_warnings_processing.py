"""Warning rules on processors: seed unpressed, pressing backlog, quality drift, below the product's grade."""

from datetime import date

from oilchain.processing import services as processing

from .. import chain
from ..chain import KG, RECEIVED_G, db_session, lot_by_code
from .warned import appears_once_then_resolves, evaluate, of_kind, set_thresholds

TODAY = chain.TODAY.date()


def test_seed_received_and_not_pressed_for_too_long(app, world):
    with db_session(app) as session:
        *_, seed, _husk = chain.seed_at_processor(session, world)  # received on 2025-11-21
        assert evaluate(session, TODAY, "seed_unpressed") == []  # 29 days: within the 45
        later = date(2026, 1, 20)

        def press_it():
            chain.press(session, world, inputs=[(lot_by_code(session, seed.code), RECEIVED_G)], oil=500 * KG,
                        cake=1_400 * KG)

        warning = appears_once_then_resolves(session, later, "seed_unpressed", ("lot", seed.id), press_it)
        assert (warning.organization_id, warning.values["remaining_g"], warning.values["days"]) == (
            world.orgs["processor"].id, RECEIVED_G, 60)


def test_a_backlog_against_the_pressing_pace(app, world):
    with db_session(app) as session:
        *_, seed, _husk = chain.seed_at_processor(session, world)  # 1,990 kg on hand, nothing pressed yet

        def press_half():
            chain.press(session, world, inputs=[(lot_by_code(session, seed.code), 1_000 * KG)], oil=250 * KG,
                        cake=700 * KG, on=date(2025, 12, 10))  # 990 kg left at 1,000 kg a month: 29 days

        warning = appears_once_then_resolves(session, TODAY, "pressing_backlog",
                                             ("organization", world.orgs["processor"].id), press_half)
        assert warning.values["seed_g"] == RECEIVED_G
        set_thresholds(session, "pressing_backlog", days=20)
        found = [w for w in evaluate(session, TODAY, "pressing_backlog") if w.state == "open"]
        assert [(w.values["backlog"], w.values["pressed_g"]) for w in found] == [(29, 1_000 * KG)]


def test_quality_drifting_up(app, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)  # one test, acid 0.85, on 2025-11-28
        set_thresholds(session, "quality_drift", tests=2)
        oil = lot_by_code(session, built.oil.code)
        chain.quality(session, world, oil=oil, acid=850, on=date(2025, 12, 1))
        assert evaluate(session, TODAY, "quality_drift") == []  # four tests are needed to compare two with two
        for day in (2, 3):
            chain.quality(session, world, oil=oil, acid=1_200, on=date(2025, 12, day))

        def better_again():
            for day in (4, 5):
                chain.quality(session, world, oil=oil, acid=850, on=date(2025, 12, day))

        warning = appears_once_then_resolves(session, TODAY, "quality_drift",
                                             ("organization", world.orgs["processor"].id), better_again)
        assert (warning.values["before_lab"], warning.values["after_lab"], warning.values["rise_permille"]) == (
            850, 1_200, 411)


def test_a_product_lot_below_its_grade_is_warned_of_at_the_test_and_resolved_when_the_test_is_withdrawn(app, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        assert evaluate(session, TODAY, "quality_below_grade") == []
        oil = lot_by_code(session, built.oil.code)
        bad = chain.quality(session, world, oil=oil, acid=3_500, on=date(2025, 12, 10))  # over grade 2's 3.0
        assert [(w.subject_id, w.state) for w in of_kind(session, "quality_below_grade")] == [
            (built.product_lot.id, "open")]  # the reaction to the test

        def withdraw():
            processing.withdraw_quality_test(session, actor=world.actors["processor"], test_id=bad.id, reason="样品污染")
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "quality_below_grade", ("lot", built.product_lot.id),
                                             withdraw)
        assert warning.organization_id == world.orgs["processor"].id


def test_a_test_below_the_grade_the_product_claims(app, world):
    from oilchain.processing.models import Product

    with db_session(app) as session:
        built = chain.full_chain(session, world)
        product = session.get(Product, built.product.id)
        product.lowest_grade = "grade1"
        session.add(product)
        session.commit()
        chain.quality(session, world, oil=lot_by_code(session, built.oil.code), acid=2_000, on=date(2025, 12, 10))
        found = evaluate(session, TODAY, "quality_below_grade")
        assert [(w.subject_id, w.values["reached_grade"], w.values["wanted_grade"]) for w in found] == [
            (built.product_lot.id, "grade2", "grade1")]


def test_no_pressing_in_the_window_is_a_backlog_only_once_the_seed_is_older_than_days(app, world):
    """Seed hulled on 11-10 and received on 11-21, nothing pressed yet: on
    11-22 it is 12 days old, within the 30 days; on 12-20 it is 40."""
    with db_session(app) as session:
        chain.seed_at_processor(session, world)
        assert evaluate(session, date(2025, 11, 22), "pressing_backlog") == []
        [warning] = evaluate(session, TODAY, "pressing_backlog")
        assert (warning.subject_id, warning.state, warning.values["seed_g"]) == (
            world.orgs["processor"].id, "open", RECEIVED_G)


def test_a_reversed_pressing_is_no_part_of_the_quality_drift(app, world):
    """Two tests of 0.85 on the oil of one pressing, two of 1.20 on the oil
    of a pressing then reversed (recorded in error): no drift."""
    from oilchain import ledger

    with db_session(app) as session:
        *_, seed, _husk = chain.seed_at_processor(session, world)
        set_thresholds(session, "quality_drift", tests=2)
        kept, _ = chain.press(session, world, inputs=[(lot_by_code(session, seed.code), 1_000 * KG)], oil=250 * KG,
                              cake=700 * KG)
        wrong, _ = chain.press(session, world, inputs=[(lot_by_code(session, seed.code), 990 * KG)], oil=250 * KG,
                               cake=700 * KG)
        for day, oil, acid in ((1, kept, 850), (2, kept, 850), (3, wrong, 1_200), (4, wrong, 1_200)):
            chain.quality(session, world, oil=lot_by_code(session, oil.code), acid=acid, on=date(2025, 12, day))
        ledger.reverse_event(session, actor=world.actors["processor"],
                             event_id=chain.event_that_made(session, lot_by_code(session, wrong.code)).id,
                             reason="录错了压榨")
        session.commit()
        assert evaluate(session, TODAY, "quality_drift") == []
