"""The sign-in form and the user's own account forms."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from ..forms import Form, TextField
from .passwords import MAX_LENGTH


def Password(label):
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_LENGTH)])


class LoginForm(Form):
    username = TextField(_l("Username"), 40)
    password = Password(_l("Password"))


class ChangePasswordForm(Form):
    current = Password(_l("Current password"))
    new = Password(_l("New password"))
    repeat = Password(_l("New password again"))
