"""Rules as data and acknowledgements: bad input refused with a clear
message and nothing written; who may acknowledge; an acknowledged warning
stays until resolved."""

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from oilchain.admin.models import AuditEntry
from oilchain.brain import rules
from oilchain.brain.models import Warning, WarningRule
from oilchain.brain.warnings import standing
from oilchain.errors import Forbidden, Invalid, NotFound
from oilchain.public.models import SerialScan

from .. import chain
from ..chain import db_session, nothing_written
from .warned import evaluate, of_kind

TODAY = chain.TODAY.date()
pytestmark = pytest.mark.usefixtures("english")


def copied(session, world):
    """A copied-code warning about the processor's product lot (and the scan row behind it)."""
    built = chain.full_chain(session, world)
    at = datetime(2025, 12, 10, tzinfo=timezone.utc)
    row = SerialScan(lot_id=built.product_lot.id, serial=3, first_scan_at=at, last_scan_at=at, count=9, networks=9)
    session.add(row)
    session.commit()
    return evaluate(session, TODAY, "copied_code")[0], row


@pytest.mark.parametrize("kind, thresholds, field, message", [
    ("no_such_kind", {}, "kind", "There is no warning rule of the kind no_such_kind."),
    ("low_survival", {"permille": 1_001}, "permille", "Give a value from 1 to 1000."),
    ("low_survival", {"permille": 0}, "permille", "Give a value from 1 to 1000."),
    ("low_survival", {}, "permille", "Give a value."),
    ("low_survival", {"permille": 800, "days": 3}, "days", "The rule low_survival has no threshold days."),
    ("copied_code", {"networks": "5", "days": 10}, "networks", "Give a whole number."),
    ("seedlings_short", {"permille": 1_000, "density_per_mu": -1}, "density_per_mu", "Give a value from 1 to 1000."),
])
def test_bad_thresholds_are_refused_by_name_and_nothing_is_written(app, world, kind, thresholds, field, message):
    with db_session(app) as session, nothing_written(app):
        with pytest.raises(Invalid) as refused:
            rules.save_rule(session, actor=world.actors["bureau"], kind=kind, severity="warning", enabled=True,
                            thresholds=thresholds)
        session.rollback()
    assert (refused.value.field, str(refused.value.message)) == (field, message)


def test_every_default_rule_is_valid_and_every_kind_has_its_row(app):
    from oilchain.reference import WARNING_RULES

    assert set(WARNING_RULES) == set(rules.KINDS)
    for kind, (severity, thresholds) in WARNING_RULES.items():
        assert rules.validate(kind, thresholds) == thresholds and severity in rules.SEVERITIES
    with db_session(app) as session:
        assert [rule.kind for rule in rules.rules(session)] == list(rules.KINDS)


def test_a_manager_saves_a_rule_with_an_audit_entry_and_others_may_not(app, world):
    with db_session(app) as session:
        for who in ("processor", "coop"):
            with pytest.raises(Forbidden):
                rules.save_rule(session, actor=world.actors[who], kind="low_survival", severity="info", enabled=True,
                                thresholds={"permille": 800})
        rules.save_rule(session, actor=world.actors["bureau"], kind="low_survival", severity="critical", enabled=False,
                        thresholds={"permille": 800})
        session.commit()
        rule = session.exec(select(WarningRule).where(WarningRule.kind == "low_survival")).one()
        assert (rule.severity, rule.enabled, rule.thresholds, rule.updated_by) == (
            "critical", False, {"permille": 800}, world.actors["bureau"].user_id)
        entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "warning_rule")).one()
        assert entry.user_id == world.actors["bureau"].user_id


def test_a_rule_turned_off_is_not_evaluated(app, world):
    with db_session(app) as session:
        copied(session, world)
        rule = session.exec(select(WarningRule).where(WarningRule.kind == "copied_code")).one()
        rule.enabled = False
        session.add(rule)
        session.commit()
        from oilchain.brain import warnings

        # Not evaluated: its standing warning resolved (nothing would ever
        # resolve it otherwise), and no new one while it is off.
        assert warnings.evaluate(session, TODAY)["copied_code"] == {"found": 0, "new": 0, "resolved": 1}
        session.commit()
        assert "copied_code" not in warnings.evaluate(session, TODAY)
        session.commit()
        assert [w.state for w in of_kind(session, "copied_code")] == ["resolved"]


def test_an_acknowledgement_needs_a_reason_and_writes_nothing_without_one(app, world):
    with db_session(app) as session:
        warning, _row = copied(session, world)
        with nothing_written(app):
            for reason in ("", "   "):
                with pytest.raises(Invalid) as refused:
                    standing.acknowledge(session, actor=world.actors["processor"], warning_id=warning.id, reason=reason)
                assert refused.value.field == "reason"
            session.rollback()


def test_only_the_bureau_and_the_organization_concerned_acknowledge(app, world):
    with db_session(app) as session:
        warning, _row = copied(session, world)
        for who in ("processor2", "coop", "nursery"):
            with pytest.raises(NotFound):
                standing.acknowledge(session, actor=world.actors[who], warning_id=warning.id, reason="看过了")
            session.rollback()
        assert [w.id for w in standing.visible(session, world.actors["processor2"])] == []
        assert [w.id for w in standing.visible(session, world.actors["processor"])] == [warning.id]
        assert [w.id for w in standing.visible(session, world.actors["bureau"])] == [warning.id]


def test_an_acknowledged_warning_stays_until_resolved(app, world):
    with db_session(app) as session:
        warning, row = copied(session, world)
        standing.acknowledge(session, actor=world.actors["processor"], warning_id=warning.id, reason="已报警，标签被仿冒")
        session.commit()
        with pytest.raises(Invalid):
            standing.acknowledge(session, actor=world.actors["bureau"], warning_id=warning.id, reason="again")
        session.rollback()
        again = evaluate(session, TODAY, "copied_code")
        assert [(w.id, w.state, w.acknowledgement, w.acknowledged_by) for w in again] == [
            (warning.id, "acknowledged", "已报警，标签被仿冒", world.actors["processor"].user_id)]
        row.networks = 1
        session.add(row)
        session.commit()
        assert [(w.id, w.state) for w in evaluate(session, TODAY, "copied_code")] == [(warning.id, "resolved")]
        # It comes back as a new warning when the condition holds again.
        row.networks = 9
        session.add(row)
        session.commit()
        assert [w.state for w in evaluate(session, TODAY, "copied_code")] == ["resolved", "open"]
        assert session.exec(select(Warning).where(Warning.state != "resolved")).one().id != warning.id


def test_a_rule_row_saved_before_a_threshold_was_declared_gets_its_default(app, world):
    from oilchain.brain import warnings

    with db_session(app) as session:
        rule = session.exec(select(WarningRule).where(WarningRule.kind == "pressing_backlog")).one()
        rule.thresholds = {"days": 30}  # as seeded before pace_days was declared
        session.add(rule)
        session.commit()
        chain.seed_at_processor(session, world)
        assert warnings.evaluate(session, TODAY, kinds=("pressing_backlog",))["pressing_backlog"]["found"] == 1
        session.commit()
