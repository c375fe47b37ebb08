"""The evaluation as a whole: a rule switched off (or a kind no longer
declared) leaves no warning standing; the list keeps its most severe
standing warnings whatever its limit."""

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from oilchain.brain.models import Warning, WarningRule
from oilchain.brain.warnings import evaluate as evaluate_all
from oilchain.brain.warnings import standing
from oilchain.public.models import SerialScan

from .. import chain
from ..chain import db_session
from .warned import evaluate, of_kind

TODAY = chain.TODAY.date()
AT = datetime(2025, 12, 10, tzinfo=timezone.utc)


def a_warning(kind, subject_id, *, severity="warning", state="open", last_seen=AT):
    return Warning(kind=kind, severity=severity, subject_kind="lot", subject_id=subject_id, first_seen=AT,
                   last_seen=last_seen, state=state, message="A test warning.", values={})


def test_a_rule_switched_off_resolves_its_standing_warnings(app, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        session.add(SerialScan(lot_id=built.product_lot.id, serial=3, first_scan_at=AT, last_scan_at=AT, count=9,
                               networks=9))
        session.commit()
        [warning] = evaluate(session, TODAY, "copied_code")
        session.exec(select(WarningRule).where(WarningRule.kind == "copied_code")).one().enabled = False
        session.commit()
        summary = evaluate_all(session, TODAY, kinds=("copied_code",))
        session.commit()
        assert summary["copied_code"] == {"found": 0, "new": 0, "resolved": 1}
        assert [(w.id, w.state) for w in of_kind(session, "copied_code")] == [(warning.id, "resolved")]


def test_a_kind_no_longer_declared_leaves_no_warning_standing(app, world):
    with db_session(app) as session:
        session.add_all([a_warning("retired_kind", 1), a_warning("retired_kind", 2, state="acknowledged")])
        session.commit()
        evaluate_all(session, TODAY, kinds=("copied_code",))  # another kind alone: left as it is
        session.commit()
        assert {w.state for w in of_kind(session, "retired_kind")} == {"open", "acknowledged"}
        summary = evaluate_all(session, TODAY)
        session.commit()
        assert summary["retired_kind"]["resolved"] == 2
        assert {w.state for w in of_kind(session, "retired_kind")} == {"resolved"}


def test_the_list_limit_keeps_the_most_severe_standing_warnings(app, world):
    """Three recent infos and an older critical: a list of two shows the
    critical first (the order is the database's, before the limit)."""
    with db_session(app) as session:
        session.add_all([a_warning("copied_code", i, severity="info", last_seen=AT + timedelta(days=i))
                         for i in (1, 2, 3)])
        session.add(a_warning("copied_code", 9, severity="critical", last_seen=AT - timedelta(days=5)))
        session.add(a_warning("copied_code", 8, severity="critical", state="resolved", last_seen=AT + timedelta(days=9)))
        session.commit()
        shown = standing.visible(session, world.actors["bureau"], limit=2)
        assert [(w.subject_id, w.severity) for w in shown] == [(9, "critical"), (3, "info")]
        every = standing.visible(session, world.actors["bureau"])
        assert [w.subject_id for w in every] == [9, 3, 2, 1, 8]
