"""The bureau's targets form."""

from ..forms import Form
from .metrics import METRICS


class TargetsForm(Form):
    """One field per metric, named by the metric; errors stand next to them."""

    dynamic_fields = frozenset(METRICS)
