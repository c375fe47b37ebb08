"""The early warnings' rules as data: each kind names its thresholds, their
bounds and units, and what it watches. The values live in `warning_rule`
rows (defaults: reference.WARNING_RULES), which managers edit here; the
evaluation (brain/warnings/) reads them, never a number in code.

`validate` refuses an unknown kind, an unknown or missing threshold and a
value out of its bounds, each with a message naming the field."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock, events
from ..admin.services import audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid
from .models import WarningRule

SEVERITIES = ("info", "warning", "critical")
SEVERITY_LABELS = {"info": _l("Information"), "warning": _l("Warning"), "critical": _l("Critical")}


@dataclass(frozen=True)
class Threshold:
    name: str
    low: int
    high: int
    unit: str  # days, permille, count, plants
    label: object


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    description: object
    thresholds: tuple[Threshold, ...] = ()


UNIT_LABELS = {"days": _l("days"), "permille": "‰", "count": "", "plants": _l("plants per mu")}


def _days(label, high=3_650):
    return Threshold("days", 1, high, "days", label)


KINDS = {kind.key: kind for kind in (
    Kind("acceptance_overdue", _l("Acceptance overdue"),
         _l("A planting survival-checked this many days ago and not yet accepted."),
         (_days(_l("Days since the survival check")),)),
    Kind("low_survival", _l("Low survival"), _l("A planting whose latest survival check is below this share."),
         (Threshold("permille", 1, 1_000, "permille", _l("Survival below")),)),
    Kind("harvest_behind", _l("Harvest behind the forecast"),
         _l("A township's harvested seed below this share of what its forecast expects by the date, once the "
            "harvest window has reached the second share."),
         (Threshold("permille", 1, 1_000, "permille", _l("Harvested below")),
          Threshold("min_expected_permille", 0, 1_000, "permille", _l("From this share of the harvest window")))),
    Kind("seed_unpressed", _l("Seed not pressed"),
         _l("Seed received by a processor and still not pressed this many days later (acid value rises in stored seed)."),
         (_days(_l("Days since receipt")),)),
    Kind("pressing_backlog", _l("Pressing backlog"),
         _l("A processor's seed on hand would take more than this many days at its pressing pace of the recent days."),
         (_days(_l("Days of backlog")), Threshold("pace_days", 7, 365, "days", _l("Pace measured over")))),
    Kind("quality_drift", _l("Quality drift"),
         _l("The mean acid or peroxide value of a processor's latest tests risen by this share over the tests before them."),
         (Threshold("tests", 2, 50, "count", _l("Tests compared")),
          Threshold("rise_permille", 1, 10_000, "permille", _l("Rise by")))),
    Kind("quality_below_grade", _l("Below the product's grade"),
         _l("A product lot in stock whose standing quality test is below the grade its product claims.")),
    Kind("price_outlier", _l("Price outlier"),
         _l("A sale whose unit price lies outside the product's usual range (the price bounds the sales form uses)."),
         (_days(_l("Sales of the last days")),)),
    Kind("copied_code", _l("Copied code"),
         _l("A genuine bottle code scanned from this many networks or on this many days (a copied label)."),
         (Threshold("networks", 2, 1_000, "count", _l("Networks")), _days(_l("Days")))),
    Kind("gi_marks_near", _l("GI marks near the eligible units"),
         _l("A processor's GI marks issued this year reach this share of its eligible units."),
         (Threshold("permille", 1, 2_000, "permille", _l("Marks issued of eligible units")),)),
    Kind("seedlings_short", _l("Seedlings short"),
         _l("Certified seedlings in stock below this share of the seedlings the plan still needs this year "
            "(target area not yet planted times the planting density)."),
         (Threshold("permille", 1, 10_000, "permille", _l("Stock below")),
          Threshold("density_per_mu", 1, 1_000, "plants", _l("Planting density")))),
    Kind("target_behind", _l("Target behind its pace"),
         _l("A target's actual below this share of what its season curve calls for by the date."),
         (Threshold("permille", 1, 1_000, "permille", _l("Actual below")),)),
)}


def kind_of(key: str) -> Kind:
    kind = KINDS.get(key)
    if kind is None:
        raise Invalid(_l("There is no warning rule of the kind %(kind)s.", kind=key), field="kind")
    return kind


def validate(key: str, thresholds: dict) -> dict:
    """The thresholds as whole numbers, or a refusal naming the field."""
    kind = kind_of(key)
    names = {threshold.name for threshold in kind.thresholds}
    unknown = sorted(set(thresholds) - names)
    if unknown:
        raise Invalid(_l("The rule %(kind)s has no threshold %(name)s.", kind=key, name=unknown[0]), field=unknown[0])
    checked = {}
    for threshold in kind.thresholds:
        value = thresholds.get(threshold.name)
        if value is None:
            raise Invalid(_l("Give a value."), field=threshold.name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(_l("Give a whole number."), field=threshold.name)
        if not threshold.low <= value <= threshold.high:
            raise Invalid(_l("Give a value from %(low)s to %(high)s.", low=threshold.low, high=threshold.high),
                          field=threshold.name)
        checked[threshold.name] = value
    return checked


def rules(session: Session) -> list[WarningRule]:
    """Every rule row of a declared kind, in the declared order."""
    found = {rule.kind: rule for rule in session.exec(select(WarningRule))}
    return [found[key] for key in KINDS if key in found]


def save_rule(session: Session, *, actor: Actor, kind: str, severity: str, enabled: bool, thresholds: dict) -> WarningRule:
    """A manager edits a rule: nothing is written unless all of it holds."""
    if not actor.is_bureau or actor.role not in ("manager", "admin"):
        raise Forbidden(_l("Only a bureau manager edits the warning rules."))
    checked = validate(kind, thresholds)
    if severity not in SEVERITIES:
        raise Invalid(_l("Choose a severity from the list."), field="severity")
    rule = session.exec(select(WarningRule).where(WarningRule.kind == kind)).first() or WarningRule(kind=kind)
    rule.severity, rule.enabled, rule.thresholds = severity, bool(enabled), checked
    rule.updated_by, rule.updated_at = actor.user_id, clock.utcnow()
    session.add(rule)
    audit(session, user_id=actor.user_id, action="save", entity="warning_rule", entity_id=rule.id, kind=kind,
          severity=severity, enabled=bool(enabled), thresholds=checked)
    session.flush()
    if kind == "copied_code":  # its thresholds decide what a bottle's live part says
        events.publish(session, events.PageFactsChanged(every_lot=True))
    return rule
