"""The cooperative's tablets: signing one in from the field page under a
name the member gives it, the tablet asking what its sign-in is, and the
list where the cooperative renames and revokes them.

Every moment a person reads about a tablet (signed in, last sync, valid
until) is put into words by one function, `i18n.format_local_time`, in
the county's time zone: the list through its `local_time` filter, the
tablet through `device_facts`, which the sign-in, the status check and
every sync answer carry (the tablet shows what the server wrote, never a
date of its own making).
"""

from datetime import date

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, db
from ..auth import services as auth_services
from ..auth.access import roles_required
from ..auth.models import AccessToken
from ..auth.setup import bind_to_device, csrf, password_check_refused
from ..errors import DomainError
from ..forms import Form
from ..i18n import format_day, format_local_time
from ..web import attempt, done, htmx
from .forms import TabletForm, TabletNameForm
from .views import bp

NAME_GLUE = " · "


def default_tablet_name(member: str, day: date) -> str:
    """What a tablet is called unless the member names it: the member and
    the day (browsers no longer tell the tablet's model), "王芳 · 2026年12月3日";
    the member's name is cut so that the day always fits the column."""
    suffix = NAME_GLUE + format_day(day)
    return (member or "").strip()[: auth_services.TABLET_NAME_LENGTH - len(suffix)] + suffix


def device_facts(record: AccessToken) -> dict:
    """What the tablet keeps and shows about its own sign-in."""
    return {
        "name": record.label,
        "expires_at": record.expires_at.isoformat(),
        "expires_label": format_local_time(record.expires_at),
    }


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    return header[len("Bearer "):] if header.startswith("Bearer ") else ""


def first_error(form) -> tuple[str, str | None]:
    """The first refusal on a tablet form and the field it belongs to."""
    csrf_errors = getattr(getattr(form, "csrf_token", None), "errors", None)
    if csrf_errors or not form.is_submitted():
        return _("The form expired or came from elsewhere (CSRF check failed). Reload the page and try again."), None
    for field in form:
        if field.errors and field.name != "csrf_token":
            return str(field.errors[0]), field.name
    return " ".join(str(e) for e in form.whole_form_errors), None


@bp.route("/field/device", methods=["POST"])
@roles_required("cooperative")
def sign_tablet_in():
    """Give this tablet a device token (the page keeps it in localStorage),
    for the member's password typed on it, under the name typed beside it
    (blank: the member and today's date); from now on this browser session
    is the tablet's and ends when the tablet is revoked."""
    form = TabletForm()
    if not form.validate_on_submit():
        error, field = first_error(form)
        return jsonify(error=error, field=field), 400
    name = form.label.data or default_tablet_name(current_user.display_name, clock.today())
    wait = password_check_refused(form)
    if wait:
        return jsonify(error=" ".join(str(e) for e in form.whole_form_errors), field=None), 429, {"Retry-After": str(wait)}
    issued = attempt(form, lambda: auth_services.issue_device_token(
        db.session(), actor=current_user, label=name, password=form.password.data or "", address=request.remote_addr))
    if issued is None:
        error, field = first_error(form)
        return jsonify(error=error, field=field), 400 if field == "label" else 403
    token, record = issued
    bind_to_device(record.id)
    return jsonify(token=token, expires_at=record.expires_at.isoformat(), member=current_user.display_name,
                   device=device_facts(record))


@bp.route("/field/device", methods=["GET"])
@csrf.exempt
def tablet_status():
    """The tablet asks what its sign-in is (its name, until when), in the
    language of this browser, with its device token: a look, not a use (the
    list's "last sync" stays the last sync). 401 when it is no longer valid."""
    session = db.session()
    try:
        _actor, record = auth_services.tablet(session, bearer_token(), touch=False)
    except DomainError as error:
        session.rollback()
        return jsonify(error=str(error.message)), 401
    facts = device_facts(record)
    session.rollback()
    return jsonify(device=facts)


def list_page(form=None, status: int = 200):
    rows = auth_services.devices_of(db.session(), current_user.org_id)
    return render_template("harvest/devices.html", rows=rows, form=form), status


@bp.route("/field/devices")
@roles_required("cooperative")
def devices():
    return list_page()


@bp.route("/field/devices/<id:token_id>/revoke", methods=["POST"])
@roles_required("cooperative")
def revoke_device(token_id: int):
    form = Form()
    if form.validate_on_submit() and attempt(
        form, lambda: auth_services.revoke_device_token(db.session(), actor=current_user, token_id=token_id)
    ):
        return done(url_for("harvest.devices"), _("The tablet can no longer send harvests."))
    return list_page(form, 403)


@bp.route("/field/devices/<id:token_id>/name", methods=["POST"])
@roles_required("cooperative")
def rename_device(token_id: int):
    """Rename a tablet from the list: htmx swaps the row in place; without
    htmx the list again. A blank name gives the default (the member and the
    day the tablet was signed in)."""
    session = db.session()
    try:
        record, member = auth_services.cooperative_tablet(session, actor=current_user, token_id=token_id)
    except DomainError as error:
        form = Form()
        form.add_error(None, error.message)
        return list_page(form, 403)
    form = TabletNameForm()
    renamed = None
    if form.validate_on_submit():
        name = form.label.data or default_tablet_name(member, clock.to_county(record.created_at).date())
        renamed = attempt(form, lambda: auth_services.rename_device_token(
            db.session(), actor=current_user, token_id=token_id, name=name))
    if renamed is None:
        if htmx:
            return render_template("harvest/_device_row.html", token=record, member=member, form=form), 422
        return list_page(form, 422)
    if htmx:
        return render_template("harvest/_device_row.html", token=renamed, member=member, renamed=True)
    return done(url_for("harvest.devices"), _("The tablet is now called %(name)s.", name=renamed.label))
