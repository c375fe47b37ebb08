"""The bureau's targets forms."""

from ..forms import Form, IntegerField, Optional
from .metrics import TARGETED


class TargetsForm(Form):
    """One field per metric a target may name, named by the metric; errors stand next to them."""

    dynamic_fields = frozenset(TARGETED)


class CopyTargetsForm(Form):
    """Copy a year's targets into a later one (both hidden: the page says which)."""

    from_year = IntegerField(validators=[Optional()])
    into = IntegerField(validators=[Optional()])
