from flask_babel import lazy_gettext as _l
from wtforms import StringField

from ..forms import Form


class DisplayForm(Form):
    """A screen token's name (the service checks it: named, not too long)."""

    label = StringField(_l("Screen"))
