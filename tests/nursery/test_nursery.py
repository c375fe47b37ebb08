"""The nursery as the seedling regulations run it: a batch is registered
when sown or grafted, grows, is graded against the standard, is certified
with its documents, and only then may its grade I and II plants leave, never
more than remain of the grade, to a plot or outside the county."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain.errors import Invalid
from oilchain import ledger
from oilchain.ledger.models import Event
from oilchain.nursery import services as nursery
from oilchain.nursery.models import SeedlingBatch, SeedlingDispatch
from oilchain.reports import services as reports

from .. import chain
from ..chain import db_session, nothing_written
from ..http import assert_refused, lot_code_from, redirected_to

pytestmark = pytest.mark.usefixtures("english_services")  # pages and services in English


def grade(session, world, code, g1=7_000, g2=2_500, rejected=300, on=date(2025, 11, 20)):
    return nursery.grade_batch(session, actor=world.actors["nursery"], code=code, grade1=g1, grade2=g2, rejected=rejected, graded_on=on)


def certify(session, world, code, on=date(2025, 12, 1), **documents):
    values = {"licence_no": "渝林种苗2025-0031", "certificate_no": "2025-ZJ-0017", "label_no": "2025-BQ-0017", "quarantine_no": "渝检2025-0412"}
    values.update(documents)
    return nursery.certify_batch(session, actor=world.actors["nursery"], code=code, certified_on=on, **values)


def test_a_batch_moves_through_its_stages(session, world):
    lot = chain.registered_batch(session, world, quantity=10_000, on=date(2025, 3, 10))
    batch = session.get(SeedlingBatch, lot.id)
    assert (batch.stage, lot.remaining) == ("grafted", 10_000)
    nursery.mark_growing(session, actor=world.actors["nursery"], code=lot.code, on=date(2025, 4, 20))
    assert batch.stage == "growing"
    grade(session, world, lot.code)
    session.commit()
    lot = chain.lot_by_code(session, lot.code)
    # 200 plants died while growing: they and the 300 rejects leave the batch.
    assert (batch.stage, batch.grade1, batch.grade2, batch.rejected, lot.remaining) == ("graded", 7_000, 2_500, 300, 9_500)
    assert (batch.grade1_min_height_mm, batch.grade1_min_diameter_dmm) == (250, 35)  # the standard in force
    grading = session.get(Event, batch.grade_event_id)
    assert grading.loss == 500
    assert ledger.remaining_from_lines(session, lot.id) == 9_500
    certify(session, world, lot.code)
    assert batch.stage == "certified"


def test_only_a_certified_batch_may_be_dispatched(session, world):
    lot = chain.registered_batch(session, world, quantity=10_000, on=date(2025, 3, 10))
    grade(session, world, lot.code)
    session.commit()
    with pytest.raises(Invalid, match="Only a certified batch can be dispatched"):
        nursery.dispatch(session, actor=world.actors["nursery"], batch_code=lot.code, grade=1, quantity=100,
                         plot_id=world.plots["mawang"].id, dispatched_on=date(2025, 12, 5))
    session.rollback()
    with pytest.raises(Invalid, match="This document number is required"):
        certify(session, world, lot.code, quarantine_no="  ")


def test_grading_cannot_count_more_plants_than_the_batch_holds(session, world):
    lot = chain.registered_batch(session, world, quantity=10_000, on=date(2025, 3, 10))
    with pytest.raises(Invalid, match="is more than the 10000 plants"):
        grade(session, world, lot.code, g1=8_000, g2=2_000, rejected=1)


def test_never_more_than_remain_of_the_grade(session, world):
    lot = chain.seedling_batch(session, world)  # grade I 7,000, grade II 2,500
    chain.dispatch(session, world, batch=lot, quantity=6_000)
    with pytest.raises(Invalid, match="Only 1000 Grade I seedlings"):
        chain.dispatch(session, world, batch=lot, quantity=1_001)
    session.rollback()
    # Grade II is counted apart: 2,500 of it remain although only 1,000 grade I do.
    chain.dispatch(session, world, batch=lot, quantity=2_500, grade=2)
    assert nursery.remaining_by_grade(session, session.get(SeedlingBatch, lot.id)) == {1: 1_000, 2: 0}


def test_seedlings_leaving_the_county_are_recorded_without_a_plot(session, world):
    lot = chain.seedling_batch(session, world)
    with pytest.raises(Invalid, match="name the buyer and place outside it"):
        nursery.dispatch(session, actor=world.actors["nursery"], batch_code=lot.code, grade=2, quantity=500, dispatched_on=date(2021, 3, 1))
    session.rollback()
    record = nursery.dispatch(session, actor=world.actors["nursery"], batch_code=lot.code, grade=2, quantity=500,
                              dispatched_on=date(2021, 3, 1), destination="贵州省松桃县 龙某")
    session.commit()
    assert (record.plot_id, record.dispatch_lot_id, record.destination) == (None, None, "贵州省松桃县 龙某")
    assert chain.lot_by_code(session, lot.code).remaining == 9_500 - 500


def test_the_last_seedling_out_marks_the_batch_dispatched_and_a_reversal_brings_it_back(session, world):
    lot = chain.seedling_batch(session, world, grade1=100, grade2=0, rejected=9_900)
    dispatched = chain.dispatch(session, world, batch=lot, quantity=100)
    batch = session.get(SeedlingBatch, lot.id)
    assert batch.stage == "dispatched"
    record = session.exec(select(SeedlingDispatch).where(SeedlingDispatch.dispatch_lot_id == dispatched.id)).one()
    ledger.reverse_event(session, actor=world.actors["nursery"], event_id=record.event_id, reason="wrong plot")
    session.commit()
    assert session.get(SeedlingBatch, lot.id).stage == "certified"


def test_a_grading_that_seedlings_left_under_cannot_be_reversed(session, world):
    lot = chain.seedling_batch(session, world)
    chain.dispatch(session, world, batch=lot, quantity=100)
    batch = session.get(SeedlingBatch, lot.id)
    with pytest.raises(ledger.Blocked):
        ledger.reverse_event(session, actor=world.actors["nursery"], event_id=batch.grade_event_id, reason="miscounted")


def test_reversing_a_grading_restores_the_plants_and_the_stage(session, world):
    lot = chain.registered_batch(session, world, quantity=10_000, on=date(2025, 3, 10))
    grade(session, world, lot.code)
    session.commit()
    batch = session.get(SeedlingBatch, lot.id)
    ledger.reverse_event(session, actor=world.actors["nursery"], event_id=batch.grade_event_id, reason="miscounted")
    session.commit()
    assert (batch.stage, batch.grade1) == ("grafted", None)
    assert chain.lot_by_code(session, lot.code).remaining == 10_000 == ledger.remaining_from_lines(session, lot.id)


def test_seedlings_raised_counts_grade_i_and_ii_of_the_years_gradings(session, world):
    lot = chain.registered_batch(session, world, quantity=10_000, on=date(2025, 3, 10))
    grade(session, world, lot.code, g1=7_000, g2=2_500)
    session.commit()
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    assert reports.figures(session, 2025).rows[0].actual == 9_500


def test_the_stages_through_http(app, auth, world):
    auth.login("nursery")
    with db_session(app) as session:
        variety = chain.variety_id(session)
    code = lot_code_from(auth.post("/nursery/batches/new", {
        "variety_id": variety, "propagation": "grafting", "seed_source": "国家油茶良种基地长林4号采穗圃",
        "quantity": "10000", "occurred_on": "2025-03-10"}))
    redirected_to(auth.post("/nursery/growing", {"code": code, "occurred_on": "2025-04-20"}))
    with nothing_written(app):
        assert_refused(auth.post("/nursery/grade", {"code": code, "grade1": "9000", "grade2": "2000", "rejected": "0", "occurred_on": "2025-11-20"}),
                       "Grade I (9000) + grade II (2000) + rejected (0) is more than the 10000 plants in the batch.")
    redirected_to(auth.post("/nursery/grade", {"code": code, "grade1": "7000", "grade2": "2500", "rejected": "300", "occurred_on": "2025-11-20"}))
    dispatch = {"batch_code": code, "grade": "1", "quantity": "100", "plot_id": world.plots["mawang"].id, "destination": "", "occurred_on": "2025-12-05"}
    with nothing_written(app):
        response = auth.post("/nursery/dispatch", dispatch)
        assert response.status_code == 422  # not certified: not even offered
    certify = {"code": code, "licence_no": "渝林种苗2025-0031", "certificate_no": "2025-ZJ-0017", "label_no": "2025-BQ-0017",
               "quarantine_no": "", "occurred_on": "2025-12-01"}
    with nothing_written(app):
        assert_refused(auth.post("/nursery/certify", certify), "This field is required.")
    redirected_to(auth.post("/nursery/certify", {**certify, "quarantine_no": "渝检2025-0412"}))
    with nothing_written(app):
        assert_refused(auth.post("/nursery/dispatch", {**dispatch, "quantity": "7001"}),
                       f"Only 7000 Grade I seedlings of batch {code} remain; 7001 were asked for.")
    dispatched = lot_code_from(auth.post("/nursery/dispatch", dispatch))
    assert dispatched.startswith("YY-D25-")
    page = auth.client.get(f"/l/{code}").get_data(as_text=True)
    assert "Certified" in page and "渝检2025-0412" in page and "老屋基" in page
