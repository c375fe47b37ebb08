"""What follows a change is declared in one table (oilchain/reactions.py)
and runs before the transaction commits; a product lot's derived state has
one writer (oilchain.provenance), which writes each lot once per
transaction, however many events touched it."""

import dataclasses
import json
from datetime import date

import pytest
from sqlmodel import select

from oilchain import events, provenance, reactions
from oilchain.errors import Invalid
from oilchain.gi import services as gi
from oilchain.lab import LabValues
from oilchain.processing import services as processing
from oilchain.processing.models import ProductLot
from oilchain.sales import services as sales
from oilchain.sales.models import Sale

from . import chain
from .chain import db_session


def story_versions(session, lot_ids) -> dict[int, int]:
    rows = session.exec(select(ProductLot).where(ProductLot.lot_id.in_(lot_ids)).execution_options(populate_existing=True))
    return {p.lot_id: p.story_version for p in rows}


@pytest.fixture
def three_bottlings(app, world):
    """One oil lot bottled into three product lots, and the GI defined."""
    with db_session(app) as session:
        chain.with_credit_code(session, world)
        built = chain.full_chain(session, world)
        more = [chain.bottle(session, world, oil=chain.lot_by_code(session, built.oil.code), made=built.product, units=20)
                for _ in range(2)]
        chain.gi_defined(session, world)
        return built, [built.product_lot.id, *[lot.id for lot in more]]


def test_a_quality_test_and_a_gi_rule_change_in_one_transaction_write_each_lot_once(app, world, three_bottlings,
                                                                                      monkeypatch):
    built, lot_ids = three_bottlings
    computed = []
    real = provenance.story.origin_story
    monkeypatch.setattr(provenance.story, "origin_story", lambda session, lot_id: computed.append(lot_id) or real(session, lot_id))
    with db_session(app) as session:
        before = story_versions(session, lot_ids)
        processing.record_quality_test(session, actor=world.actors["processor"], lot_code=built.oil.code,
                                       tested_on=chain.SOLD_ON, values=LabValues(700, 100, 50),
                                       laboratory="重庆市林产品质量检验检测中心")
        gi.save_definition(session, actor=world.actors["bureau"], name=chain.GI_NAME, registration="AGI2021-01234",
                           specification="", limits=LabValues(900, 250, 100),
                           township_ids=[chain.township_id(session, "麻旺镇")])
        assert [type(e) for e in events.waiting(session)] == [events.QualityTestRecorded, events.GIRulesChanged]
        session.commit()
        after = story_versions(session, lot_ids)
        stories = {p.lot_id: json.loads(p.origin_story) for p in session.exec(select(ProductLot))}
    assert {lot_id: after[lot_id] - before[lot_id] for lot_id in lot_ids} == {lot_id: 1 for lot_id in lot_ids}
    assert len(computed) == 1  # three lots of one oil share one story: computed once
    assert all(stories[lot_id]["quality"]["acid_value"] == "0.7" for lot_id in lot_ids)


def test_nothing_changed_bumps_nothing(app, world, three_bottlings):
    _built, lot_ids = three_bottlings
    with db_session(app) as session:
        before = story_versions(session, lot_ids)
        events.publish(session, events.GIAuthorizationChanged(world.orgs["processor"].id))  # nothing really changed
        session.commit()
        assert story_versions(session, lot_ids) == before


def test_committing_dispatches_what_is_waiting_and_a_refusal_there_writes_nothing(app, world, three_bottlings):
    """No commit shows a change without its consequences: a plain
    session.commit() dispatches first; a reaction that refuses rolls the
    whole change back, and the caller gets its refusal."""
    built, lot_ids = three_bottlings
    with db_session(app) as session:
        processing.withdraw_quality_test(session, actor=world.actors["processor"],
                                         test_id=session.exec(select(processing.QualityTest.id)).first(), reason="仪器未校准")
        session.commit()  # not db.transaction: the story follows all the same
        assert all(json.loads(p.origin_story)["quality"] is None for p in session.exec(select(ProductLot)))
        assert events.waiting(session) == []

    def refuse(session, happened):
        raise Invalid("a reaction refused")

    table = reactions.TABLE
    events.install(dataclasses.replace(table, reactions={**table.reactions, events.GIRulesChanged: (refuse,)}))
    try:
        with chain.nothing_written(app), db_session(app) as session:
            gi.save_definition(session, actor=world.actors["bureau"], name="改名", registration="AGI2021-01234",
                               specification="", limits=LabValues(900, 250, 100),
                               township_ids=[chain.township_id(session, "麻旺镇")])
            with pytest.raises(Invalid, match="a reaction refused"):
                session.commit()
            session.rollback()
    finally:
        reactions.install()


def test_every_kind_of_event_and_question_has_its_line_in_the_table():
    """A new kind of event that nothing reacts to is a mistake to see at once."""
    def kinds(base):
        return {cls for cls in vars(events).values() if isinstance(cls, type) and issubclass(cls, base) and cls is not base}

    assert kinds(events.Happened) == set(reactions.TABLE.reactions)
    assert kinds(events.Question) == set(reactions.TABLE.checks)


def test_many_events_in_one_transaction_run_their_reactions_once_each_at_the_outer_commit(app, world):
    """A reaction that writes in a savepoint (the brain's price check on each
    sale) must not run the next event's reactions inside that savepoint's
    commit: SQLAlchemy fires before_commit for a savepoint too, and 90 sales in
    one transaction once recursed past Python's limit."""
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        for n in range(150):
            sales.sell(session, actor=world.actors["processor"], lot_code=built.product_lot.code, buyer=f"店{n}",
                       channel="retail", quantity=1, unit_price_fen=12_800, sold_on=date(2025, 12, 8))
        session.commit()
        stored = session.exec(select(Sale).where(Sale.lot_id == built.product_lot.id)).all()
        assert len(stored) == 150
        assert not session.info.get(events.QUEUE)
