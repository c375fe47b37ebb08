"""Who may open what. Views declare the roles they serve; services check
ownership of the records themselves."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import BUREAU_ROLES  # noqa: F401  (for views: roles_required(*BUREAU_ROLES))


def roles_required(*roles: str):
    """Signed in, and one of `roles` (admins pass only where listed)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.roles = roles  # who the view serves, for tools that read the routes (the fuzz test)
        return wrapped

    return decorate
