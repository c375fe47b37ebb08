"""The early warnings' pages, on the brain's blueprint: the list (the
bureau sees all, each organization those about its own records) with an
acknowledgement form per warning, the rules managers edit, and the
partial each start page shows (`brain_warnings()` in templates)."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired

from .. import db
from ..auth.access import roles_required
from ..auth.models import BUREAU_ROLES, ROLES, User
from ..forms import ChoiceField, Form, TextField
from ..web import attempt, done, htmx
from . import rules as warning_rules
from .models import WARNING_STATES, Warning
from .views import bp
from .wording import message_of
from .warnings import standing as warnings_standing

STATE_LABELS = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")}


@bp.app_template_global()
def brain_warnings(limit: int = 10) -> dict:
    """The signed-in organization's open warnings, for its start page."""
    session = db.session()
    rows = warnings_standing.visible(session, current_user, state="open", limit=limit)
    return {"rows": rows, "count": warnings_standing.open_count(session, current_user)}


@bp.app_template_filter("warning_message")
def warning_message(warning: Warning) -> str:
    return message_of(warning)


@bp.app_template_filter("warning_kind")
def warning_kind(kind: str) -> str:
    return str(warning_rules.KINDS[kind].label) if kind in warning_rules.KINDS else kind


@bp.app_template_filter("user_name")
def user_name(user_id: int | None) -> str:
    """Who acknowledged a warning, by the name people know them by."""
    user = db.session().get(User, user_id) if user_id else None
    return user.display_name if user else "—"


@bp.app_template_filter("warning_state")
def warning_state(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


@bp.app_template_filter("warning_severity")
def warning_severity(severity: str) -> str:
    return str(warning_rules.SEVERITY_LABELS.get(severity, severity))


class AcknowledgeForm(Form):
    reason = TextField(_l("Why it may stand"), max_length=500)


def acknowledge_form(warning: Warning, formdata=None) -> AcknowledgeForm:
    return AcknowledgeForm(formdata=formdata, prefix=f"w{warning.id}")


@bp.route("/warnings")
@roles_required(*ROLES)
def warnings():
    session = db.session()
    state = request.args.get("state", "standing")
    state = state if state in (*WARNING_STATES, "standing", "all") else "standing"
    kind = request.args.get("kind") or None
    kind = kind if kind in warning_rules.KINDS else None
    rows = warnings_standing.visible(session, current_user, state=None if state == "all" else state, kind=kind)
    context = {"rows": rows, "state": state, "kind": kind, "kinds": warning_rules.KINDS, "states": STATE_LABELS,
               "forms": {w.id: acknowledge_form(w) for w in rows if w.state == "open"}}
    if htmx and not htmx.boosted:
        return render_template("brain/_warning_rows.html", **context)
    return render_template("brain/warnings.html", **context)


@bp.route("/warnings/<id:warning_id>/acknowledge", methods=["POST"])
@roles_required(*ROLES)
def acknowledge(warning_id: int):
    session = db.session()
    warning = session.get(Warning, warning_id)
    if warning is None or not warnings_standing.may_see(current_user, warning):
        abort(404)
    form = acknowledge_form(warning, request.form)
    if form.validate_on_submit() and attempt(form, lambda: warnings_standing.acknowledge(
            session, actor=current_user, warning_id=warning_id, reason=form.reason.data)):
        if htmx:
            session.refresh(warning)
            return render_template("brain/_warning.html", warning=warning, form=None)
        return done(url_for("brain.warnings"), gettext("Warning acknowledged."))
    status = 422 if form.has_errors() else 200
    if htmx:
        session.refresh(warning)
        return render_template("brain/_warning.html", warning=warning, form=form), status
    return render_template("brain/acknowledge.html", warning=warning, form=form), status


def rule_form(kind: warning_rules.Kind, rule=None, formdata=None):
    """A form for one rule: severity, on or off, and an integer field per threshold."""
    fields = {threshold.name: IntegerField(threshold.label, validators=[InputRequired()],
                                           render_kw={"inputmode": "numeric"}) for threshold in kind.thresholds}
    fields["severity"] = ChoiceField(_l("Severity"), coerce=str)
    fields["enabled"] = BooleanField(_l("Evaluated"))
    form_class = type(f"RuleForm_{kind.key}", (Form,), fields)
    data = None
    if rule is not None and formdata is None:
        data = dict(rule.thresholds, severity=rule.severity, enabled=rule.enabled)
    form = form_class(formdata=formdata, data=data, prefix=kind.key)
    form.severity.choices = [(key, str(label)) for key, label in warning_rules.SEVERITY_LABELS.items()]
    form.kind = kind
    return form


@bp.route("/rules")
@roles_required(*BUREAU_ROLES)
def rules():
    session = db.session()
    found = {rule.kind: rule for rule in warning_rules.rules(session)}
    forms = [rule_form(kind, found.get(key)) for key, kind in warning_rules.KINDS.items()]
    return render_template("brain/rules.html", forms=forms, units=warning_rules.UNIT_LABELS)


@bp.route("/rules/<kind>", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def save_rule(kind: str):
    session = db.session()
    declared = warning_rules.KINDS.get(kind)
    if declared is None:
        message = gettext("There is no warning rule of the kind %(kind)s.", kind=kind[:40])
        return render_template("error.html", status=404, message=message), 404
    form = rule_form(declared, formdata=request.form)
    if form.validate_on_submit() and attempt(form, lambda: warning_rules.save_rule(
            session, actor=current_user, kind=kind, severity=form.severity.data, enabled=form.enabled.data,
            thresholds={t.name: form[t.name].data for t in declared.thresholds})):
        return done(url_for("brain.rules"), gettext("Warning rule saved."))
    status = 422 if form.has_errors() else 200
    if htmx and not htmx.boosted:
        return render_template("brain/_rule_form.html", form=form, units=warning_rules.UNIT_LABELS), status
    return render_template("brain/rules.html", forms=[form], units=warning_rules.UNIT_LABELS), status


__all__ = ["bp"]
