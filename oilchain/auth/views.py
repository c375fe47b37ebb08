from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required, logout_user

from .. import db
from ..forms import has_control_characters
from ..i18n import LANG_COOKIE, LANGUAGES
from ..web import attempt, render_form
from . import services
from .forms import LoginForm
from .setup import start_session

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
    form = LoginForm()
    if form.validate_on_submit():
        actor = attempt(
            form, lambda: services.authenticate(db.session(), username=form.username.data, password=form.password.data)
        )
        if actor:
            start_session(actor)
            return redirect(safe_next(request.args.get("next")) or url_for("auth.home"), code=303)
    return render_form(form, "auth/login.html", "auth/login.html")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch language; a signed-in user's choice is remembered on the account."""
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
