"""Sign-in and CSRF wiring for the app factory."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .. import db
from . import services

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
csrf = CSRFProtect()


@login_manager.user_loader
def load_actor(user_id: str):
    try:
        return services.actor_for(db.session(), int(user_id))
    except ValueError:
        return None


def init_app(app) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
