"""The admin's user pages (deactivate, reactivate, reset a password) and the
bureau's audit log, on the admin blueprint."""

from datetime import date

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import db
from ..auth import accounts, sessions
from ..auth.access import BUREAU_ROLES, roles_required
from ..auth.models import Organization, User
from ..forms import Form
from ..web import attempt, done, get_or_404, htmx, int_arg
from . import audit_log
from .forms import ResetPasswordForm
from .views import bp


def user_or_404(user_id: int) -> User:
    return get_or_404(User, user_id)


def user_page(user: User, reset: ResetPasswordForm, status: int = 200, toggle: Form | None = None):
    session = db.session()
    return render_template(
        "admin/user.html", user=user, org=session.get(Organization, user.organization_id), reset=reset,
        toggle=toggle or Form(), sessions_open=sessions.open_count(session, user.id),
        own=user.id == current_user.user_id,
    ), status


@bp.route("/users/<id:user_id>")
@roles_required("admin")
def user(user_id: int):
    return user_page(user_or_404(user_id), ResetPasswordForm())


@bp.route("/users/<id:user_id>/active", methods=["POST"])
@roles_required("admin")
def set_active(user_id: int):
    """Deactivate (sign-in refused, every session ended) or reactivate, as `active` says."""
    target = user_or_404(user_id)
    form = Form()
    active = request.form.get("active") == "1"
    if form.validate_on_submit() and attempt(
            form, lambda: accounts.set_active(db.session(), admin=current_user, user_id=target.id, active=active)):
        message = _("User %(name)s reactivated.", name=target.username) if active else \
            _("User %(name)s deactivated; every session of the user ended.", name=target.username)
        return done(url_for("admin.user", user_id=target.id), message)
    return user_page(target, ResetPasswordForm(formdata=None), 422, toggle=form)


@bp.route("/users/<id:user_id>/reset", methods=["POST"])
@roles_required("admin")
def reset_password(user_id: int):
    target = user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit() and attempt(
            form, lambda: accounts.reset_password(db.session(), admin=current_user, user_id=target.id,
                                                  password=form.password.data)):
        return done(url_for("admin.user", user_id=target.id),
                    _("Password of %(name)s reset: tell the user the temporary password; a new one is asked at sign-in.",
                      name=target.username))
    return user_page(target, form, 422)


def day_arg(name: str) -> date | None:
    """A day of the query string; none outside 2000-2999 (nothing was recorded then, and year 1 in the
    county's zone is before what a datetime holds in UTC)."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2999 else None


@bp.route("/audit")
@roles_required(*BUREAU_ROLES)
def audit():
    """The audit log, filtered by user, action and days; the table alone for htmx."""
    session = db.session()
    known = audit_log.actions(session)
    action = request.args.get("action", "")
    wanted = audit_log.AuditFilter(
        user_id=int_arg("user"), action=action if action in known else "", since=day_arg("since"),
        until=day_arg("until"), page=int_arg("page", high=100_000, default=1))
    rows, total = audit_log.entries(session, wanted)
    context = {"rows": rows, "total": total, "wanted": wanted, "per_page": audit_log.PER_PAGE,
               "more": wanted.page * audit_log.PER_PAGE < total}
    if htmx and not htmx.boosted:
        return render_template("admin/_audit_rows.html", **context)
    users = list(session.exec(select(User.id, User.username).order_by(User.username)))
    return render_template("admin/audit.html", actions=known, users=users, **context)
