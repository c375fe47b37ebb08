from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from .. import db
from ..errors import DomainError
from ..forms import Form, has_control_characters
from ..i18n import LANG_COOKIE, LANGUAGES
from ..web import attempt, done, form_step, render_form
from . import accounts, services
from .forms import ChangePasswordForm, LoginForm
from .setup import password_check_refused, session_token, start_session
from .throttle import Throttled

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {
    "nursery": "nursery.index",
    "cooperative": "harvest.index",
    "processor": "processing.index",
    "manager": "reports.dashboard",
    "admin": "admin.index",
}


def safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another host (browsers read a
    backslash as a slash, so `/\\host` would be another host)."""
    if not target or "\\" in target or has_control_characters(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in (auth.accounts.sign_in: counted, throttled, one hash whoever
    the name is). A throttled try answers 429 with Retry-After."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            actor, token = accounts.sign_in(db.session(), username=form.username.data, password=form.password.data,
                                            address=request.remote_addr)
        except Throttled as error:
            form.add_error(None, error.message)
            page, _status = render_form(form, "auth/login.html", "auth/login.html")
            return page, 429, {"Retry-After": str(error.seconds)}
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            start_session(actor, token)
            return redirect(safe_next(request.args.get("next")) or url_for("auth.home"), code=303)
    return render_form(form, "auth/login.html", "auth/login.html")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign this browser out: its session's row ends, so a copy of the cookie no longer works."""
    session = db.session()
    db.transaction(session, lambda: accounts.sign_out(session, token=session_token()))
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of the user: other browsers, tablets' sessions, this one."""
    form = Form()
    if not form.validate_on_submit():
        return redirect(url_for("auth.change_password"), code=303)
    session = db.session()
    if attempt(form, lambda: accounts.sign_out_everywhere(session, actor=current_user)):
        logout_user()
    return done(url_for("auth.login"), _("You are signed out on every device."))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    session = db.session()
    form = ChangePasswordForm()
    context = dict(title=_("Your password"), must_change=current_user.must_change_password,
                   lead=_("Choose a new password: at least 10 characters, not a common one. A few unrelated words are "
                          "easy to remember and hard to guess."))
    wait = new_password_fine(form) and password_check_refused(form)
    if wait:
        answer, _status = render_form(form, "auth/password.html", "auth/_password_form.html", **context)
        return answer, 429, {"Retry-After": str(wait)}
    return form_step(
        form,
        lambda: accounts.change_password(session, actor=current_user, current=form.current.data, new=form.new.data,
                                         repeat=form.repeat.data, token=session_token(), address=request.remote_addr),
        done_to=lambda _user: (url_for("auth.home"), _("Your password was changed; your other sessions ended.")),
        partial="auth/_password_form.html",
        page="auth/password.html",
        **context,
    )


def new_password_fine(form) -> bool:
    """Whether the new password passes on its own: only then is the current
    one checked (and counted, so that choosing a password the policy refuses
    is no failed sign-in); the service refuses it again otherwise."""
    try:
        accounts.check_new_password(current_user, current=form.current.data or "", new=form.new.data or "",
                                    repeat=form.repeat.data or "")
    except DomainError:
        return False
    return True


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch language: remembered on this browser (this tablet) for a year
    in a cookie, which comes first (i18n.select_locale), and a signed-in
    user's choice on the account too, for devices where none was made."""
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next")) or url_for("auth.home")
    response = redirect(target, code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
        if current_user.is_authenticated:
            session = db.session()
            services.set_locale(session, user_id=current_user.user_id, locale=lang)
            session.commit()
    return response
