"""One bearing rule: the trace links a harvest to the plantings its trees
are old enough to bear from, by the yield curve's first age with seed (the
same data the forecast counts bearing area by)."""

from sqlmodel import select

from oilchain.ledger import trace
from oilchain.ledger.models import YieldCurve
from oilchain.reference import YIELD_CURVE

from .. import chain


def first_seed_age() -> int:
    return min(age for curve in YIELD_CURVE.values() for age, seed in curve.items() if seed > 0)


def test_the_bearing_rule_is_the_yield_curves_first_age_with_seed(session):
    assert trace.bearing_years(session) == first_seed_age() == 3
    session.delete(session.exec(select(YieldCurve).where(YieldCurve.variety_group == "improved",
                                                         YieldCurve.age_years == 3)).one())
    session.commit()
    assert trace.bearing_years(session) == 4  # a missing age is no seed there: the next age with seed


def test_editing_the_curve_moves_the_traces_rule(session, world):
    built = chain.full_chain(session, world)  # planted March 2021, harvested October 2025: 4 years 7 months
    fruit, planted_from = ("lot", built.fruit.id), {built.dispatched.id, built.batch.id}
    assert planted_from <= trace.upstream(session, fruit).ids("lot")
    assert built.fruit.id in trace.downstream(session, ("lot", built.batch.id)).ids("lot")
    for row in session.exec(select(YieldCurve).where(YieldCurve.age_years < 5)):
        row.seed_g_per_mu = 0  # no group bears before its 5th year now
        session.add(row)
    session.commit()
    assert trace.bearing_years(session) == 5
    assert trace.upstream(session, fruit).ids("lot") & planted_from == set()
    assert built.fruit.id not in trace.downstream(session, ("lot", built.batch.id)).ids("lot")
