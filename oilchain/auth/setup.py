"""Sign-in and CSRF wiring for the app factory."""

from flask import session as browser_session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user
from flask_wtf.csrf import CSRFProtect

from .. import db
from . import services

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
csrf = CSRFProtect()


SESSION_VERSION = "sv"  # the user's session version at sign-in
SESSION_DEVICE = "device"  # the tablet's device token, when the session is a tablet's


@login_manager.user_loader
def load_actor(user_id: str):
    """The signed-in user, if the session still stands on the server (see
    auth.services.session_actor): checked on every request."""
    try:
        user = int(user_id)
    except ValueError:
        return None
    return services.session_actor(db.session(), user, version=browser_session.get(SESSION_VERSION),
                                  device_id=browser_session.get(SESSION_DEVICE))


def start_session(actor) -> None:
    """Sign the browser in, carrying the user's session version."""
    login_user(actor)
    browser_session[SESSION_VERSION] = services.session_version(db.session(), actor.user_id)
    browser_session.pop(SESSION_DEVICE, None)


def bind_to_device(token_id: int) -> None:
    """This browser session is a tablet's: it ends when the tablet's sign-in is revoked."""
    browser_session[SESSION_DEVICE] = token_id


def init_app(app) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
