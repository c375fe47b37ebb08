"""Sign-in and CSRF wiring for the app factory."""

from flask import redirect, request, url_for
from flask import session as browser_session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user
from flask_wtf.csrf import CSRFProtect

from .. import db
from . import services, throttle
from .throttle import Throttled

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
csrf = CSRFProtect()


SESSION_VERSION = "sv"  # the user's session version at sign-in
SESSION_DEVICE = "device"  # the tablet's device token, when the session is a tablet's
SESSION_TOKEN = "sid"  # the token of the session's row on the server (auth/sessions.py)
# Pages a user who must change a password (after an admin's reset) may still open.
WHILE_CHANGING = {"auth.change_password", "auth.sign_out_everywhere", "auth.logout", "auth.login", "auth.set_language",
                  "static"}


@login_manager.user_loader
def load_actor(user_id: str):
    """The signed-in user, if the session still stands on the server (see
    auth.services.session_actor): checked on every request."""
    try:
        user = int(user_id)
    except ValueError:
        return None
    return services.session_actor(db.session(), user, version=browser_session.get(SESSION_VERSION),
                                  device_id=browser_session.get(SESSION_DEVICE),
                                  token=browser_session.get(SESSION_TOKEN))


def start_session(actor, token: str) -> None:
    """Sign the browser in, carrying the user's session version and its session's token."""
    login_user(actor)
    browser_session[SESSION_VERSION] = services.session_version(db.session(), actor.user_id)
    browser_session[SESSION_TOKEN] = token
    browser_session.pop(SESSION_DEVICE, None)


def session_token() -> str | None:
    return browser_session.get(SESSION_TOKEN)


def must_change_password():
    """After an admin's reset, the user chooses a new password before anything else."""
    if current_user.is_authenticated and current_user.must_change_password and request.endpoint not in WHILE_CHANGING:
        return redirect(url_for("auth.change_password"))
    return None


def bind_to_device(token_id: int) -> None:
    """This browser session is a tablet's: it ends when the tablet's sign-in is revoked."""
    browser_session[SESSION_DEVICE] = token_id


def init_app(app) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(must_change_password)


def password_check_refused(form) -> int:
    """Before a signed-in user's password is checked (changing it, signing a
    tablet in): the try is counted as a sign-in's (auth/throttle.py), so a
    stolen session cannot guess the password either. The seconds to wait,
    with the refusal on the form, or 0 to go on."""
    if request.method != "POST" or not form.validate():
        return 0
    try:
        throttle.claim(db.session(), username=current_user.username, address=request.remote_addr)
    except Throttled as error:
        form.add_error(None, error.message)
        return error.seconds
    return 0
