"""Early warnings: every enabled rule (brain/rules.py, rows in
`warning_rule`) is a function of (session, day, thresholds) giving
findings; `evaluate` turns them into `warning` rows.

A finding with a standing (open or acknowledged) warning of its kind and
subject moves that row's last_seen (and its message, values, severity); a
new one is a new row; a standing warning of an evaluated kind that is not
found any more is resolved, and so are those of a kind whose rule was
switched off (or that is no longer declared). So a rerun gives the same rows: the partial
unique index (one standing warning per kind and subject) stands behind it.

The rules are grouped by the records they read: planting (acceptance,
survival, seedlings), processing (seed, pressing, quality), market (prices,
codes, GI marks), pace (harvest and targets against their curves)."""

from datetime import date

from sqlmodel import Session, select

from ... import clock
from ...reference import WARNING_RULES
from ..models import Warning, WarningRule
from ..rules import KINDS
from .base import Finding
from .market import copied_code, gi_marks_near, price_outlier
from .pace import harvest_behind, target_behind
from .planting import acceptance_overdue, low_survival, seedlings_short
from .processing import pressing_backlog, quality_below_grade, quality_drift, seed_unpressed

RULES = {
    "acceptance_overdue": acceptance_overdue,
    "low_survival": low_survival,
    "harvest_behind": harvest_behind,
    "seed_unpressed": seed_unpressed,
    "pressing_backlog": pressing_backlog,
    "quality_drift": quality_drift,
    "quality_below_grade": quality_below_grade,
    "price_outlier": price_outlier,
    "copied_code": copied_code,
    "gi_marks_near": gi_marks_near,
    "seedlings_short": seedlings_short,
    "target_behind": target_behind,
}
assert set(RULES) == set(KINDS), "every declared kind has its rule, and only those"

STANDING_STATES = ("open", "acknowledged")


def thresholds_of(rule: WarningRule) -> dict:
    """The rule's thresholds over the documented defaults: a row saved before
    a threshold was declared (none then) gets the default for it."""
    return {**WARNING_RULES.get(rule.kind, ("", {}))[1], **rule.thresholds}


def evaluate(session: Session, day: date, kinds: tuple[str, ...] | None = None) -> dict:
    """Evaluate every kind (or those of `kinds`) for `day` (evaluate_kind):
    {kind: {"found", "new", "resolved"}}. Flushes, never commits."""
    return {kind: evaluate_kind(session, day, kind) for kind in kinds_to_evaluate(session, kinds)}


def kinds_to_evaluate(session: Session, kinds: tuple[str, ...] | None = None) -> list[str]:
    """Every kind with an enabled rule, and every kind with standing
    warnings (a rule switched off, or a kind no longer declared, whose
    warnings evaluate_kind resolves), of `kinds` when given."""
    enabled = session.exec(select(WarningRule.kind).where(WarningRule.enabled.is_(True))).all()
    standing = session.exec(select(Warning.kind).where(Warning.state.in_(STANDING_STATES)).distinct()).all()
    return sorted(kind for kind in {*enabled, *standing} if kinds is None or kind in kinds)


def evaluate_kind(session: Session, day: date, kind: str) -> dict:
    """One kind for `day`: its rule's findings stored (apply); when the rule
    is off or the kind is no longer declared, its standing warnings are
    resolved (nothing evaluates them any more). Flushes, never commits."""
    rule = session.exec(select(WarningRule).where(WarningRule.kind == kind)).first()
    if rule is None or not rule.enabled or kind not in RULES:
        return apply(session, rule or WarningRule(kind=kind), [])
    return apply(session, rule, RULES[kind](session, day, thresholds_of(rule)))


def apply(session: Session, rule: WarningRule, findings: list[Finding], *, only_subjects: set | None = None) -> dict:
    """Store a rule's findings; resolve its standing warnings not found (of
    `only_subjects` alone, (subject_kind, subject_id) pairs, when a reaction
    evaluated a few subjects)."""
    now = clock.utcnow()
    standing = {
        (w.subject_kind, w.subject_id): w
        for w in session.exec(select(Warning).where(Warning.kind == rule.kind, Warning.state.in_(STANDING_STATES)))
    }
    found, new = set(), 0
    for finding in findings:
        key = (finding.subject_kind, finding.subject_id)
        if key in found:
            continue  # one warning per subject: the rule's first finding of it
        found.add(key)
        warning = standing.get(key)
        if warning is None:
            warning = Warning(kind=rule.kind, subject_kind=finding.subject_kind, subject_id=finding.subject_id,
                              first_seen=now, state="open")
            new += 1
        warning.severity, warning.last_seen = rule.severity, now
        warning.subject_label = finding.subject_label[:120]
        warning.organization_id, warning.township_id = finding.organization_id, finding.township_id
        warning.message, warning.values = finding.message, dict(finding.values)
        session.add(warning)
    resolved = 0
    for key, warning in standing.items():
        if key in found or (only_subjects is not None and key not in only_subjects):
            continue
        warning.state, warning.resolved_at = "resolved", now
        session.add(warning)
        resolved += 1
    session.flush()
    return {"found": len(found), "new": new, "resolved": resolved}


def evaluate_subjects(session: Session, kind: str, find, subjects: set) -> dict | None:
    """A reaction's evaluation of a few subjects of one rule: `find(thresholds)`
    gives the rule's findings among them (None: the rule is off)."""
    rule = session.exec(select(WarningRule).where(WarningRule.kind == kind)).first()
    if rule is None or not rule.enabled:
        return None
    return apply(session, rule, find(thresholds_of(rule)), only_subjects=subjects)


__all__ = ["Finding", "RULES", "evaluate", "evaluate_kind", "evaluate_subjects", "kinds_to_evaluate"]
