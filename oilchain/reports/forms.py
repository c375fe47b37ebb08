"""The bureau's targets form."""

from ..forms import Form
from .metrics import TARGETED


class TargetsForm(Form):
    """One field per metric a target may name, named by the metric; errors stand next to them."""

    dynamic_fields = frozenset(TARGETED)
