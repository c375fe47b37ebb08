"""Warning rules on plantings and seedlings: acceptance overdue, low survival, seedlings short."""

from datetime import date

from oilchain.planting import services as planting
from oilchain.reports.models import Target

from .. import chain
from ..chain import db_session
from .warned import appears_once_then_resolves, evaluate, of_kind, set_thresholds

TODAY = chain.TODAY.date()


def planted(session, world):
    batch = chain.seedling_batch(session, world)
    dispatched = chain.dispatch(session, world, batch=batch)
    return chain.plant(session, world, dispatched=dispatched)


def survival(session, world, record, permille, on):
    check = planting.record_survival(session, actor=world.actors["coop"], planting_id=record.id, checked_on=on,
                                     survival_permille=permille)
    session.commit()
    return check


def test_a_planting_checked_long_ago_and_not_accepted_is_warned_of_until_accepted(app, world):
    with db_session(app) as session:
        record = planted(session, world)
        survival(session, world, record, 920, date(2021, 9, 1))

        def accept():
            planting.accept_planting(session, actor=world.actors["bureau"], planting_id=record.id,
                                     accepted_area_centimu=record.area_centimu, accepted_on=TODAY)
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "acceptance_overdue", ("planting", record.id), accept)
        assert warning.organization_id == world.orgs["coop"].id
        assert warning.values["checked_on"] == "2021-09-01"


def test_a_recent_check_is_not_overdue(app, world):
    with db_session(app) as session:
        record = planted(session, world)
        survival(session, world, record, 920, date(2025, 12, 1))
        assert evaluate(session, TODAY, "acceptance_overdue") == []
        set_thresholds(session, "acceptance_overdue", days=10)
        assert [w.subject_id for w in evaluate(session, TODAY, "acceptance_overdue")] == [record.id]


def test_low_survival_is_warned_of_at_the_check_and_by_the_evaluation_and_resolved_by_a_better_count(app, world):
    with db_session(app) as session:
        record = planted(session, world)
        survival(session, world, record, 700, date(2021, 9, 1))
        # The reaction to the check: the warning is there before any nightly run.
        assert [(w.subject_id, w.state, w.values["survival_permille"]) for w in of_kind(session, "low_survival")] == [
            (record.id, "open", 700)]
        appears_once_then_resolves(
            session, TODAY, "low_survival", ("planting", record.id),
            lambda: survival(session, world, record, 900, date(2021, 10, 1)))


def test_a_better_count_resolves_low_survival_at_once(app, world):
    with db_session(app) as session:
        record = planted(session, world)
        survival(session, world, record, 700, date(2021, 9, 1))
        survival(session, world, record, 900, date(2021, 10, 1))
        assert [w.state for w in of_kind(session, "low_survival")] == ["resolved"]


def test_certified_seedlings_short_of_what_the_plan_still_needs(app, world):
    with db_session(app) as session:
        chain.seedling_batch(session, world)  # 9,500 certified plants (7,000 grade I and 2,500 grade II)
        target = Target(year=2025, metric="planted_new", value=100 * 100)  # 100 mu x 111 plants = 11,100 needed
        session.add_all([target, Target(year=2025, metric="renovated", value=0)])
        session.commit()

        def smaller_plan():
            target.value = 50 * 100  # 5,550 needed
            session.add(target)
            session.commit()

        warning = appears_once_then_resolves(session, TODAY, "seedlings_short", ("target", 2025), smaller_plan)
        assert (warning.values["stock"], warning.values["needed"], warning.organization_id) == (9_500, 11_100, None)


def test_area_planted_this_year_is_taken_off_what_the_plan_needs(app, world):
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world, started=date(2024, 3, 10), on=date(2024, 11, 20))
        dispatched = chain.dispatch(session, world, batch=batch, on=date(2025, 2, 20))
        chain.plant(session, world, dispatched=dispatched, on=date(2025, 3, 1), area_centimu=2_000)  # 20 mu
        session.add(Target(year=2025, metric="renovated", value=85 * 100))  # 65 mu left: 7,215 plants
        session.commit()
        assert evaluate(session, TODAY, "seedlings_short") == []  # 7,500 in stock after 2,000 went out ...
        set_thresholds(session, "seedlings_short", permille=1_100)  # ... but short of 110%
        assert [w.values["needed"] for w in evaluate(session, TODAY, "seedlings_short")] == [7_215]
