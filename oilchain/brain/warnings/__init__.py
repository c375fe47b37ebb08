"""Early warnings: every enabled rule (brain/rules.py, rows in
`warning_rule`) is a function of (session, day, thresholds) giving
findings; `evaluate` turns them into `warning` rows.

A finding with a standing (open or acknowledged) warning of its kind and
subject moves that row's last_seen (and its message, values, severity); a
new one is a new row; a standing warning of an evaluated kind that is not
found any more is resolved. So a rerun gives the same rows: the partial
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
    """Run every enabled rule (or those of `kinds`) for `day`: {kind:
    {"found", "new", "resolved"}}. Flushes, never commits."""
    summary = {}
    for rule in session.exec(select(WarningRule).where(WarningRule.enabled.is_(True)).order_by(WarningRule.id)):
        if rule.kind not in RULES or (kinds is not None and rule.kind not in kinds):
            continue
        findings = RULES[rule.kind](session, day, thresholds_of(rule))
        summary[rule.kind] = apply(session, rule, findings)
    return summary


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


__all__ = ["Finding", "RULES", "evaluate", "evaluate_subjects"]
