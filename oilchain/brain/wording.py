"""A warning in the reader's words: its message id translated, its values
(named by what they hold: brain/warnings/base.py) formatted for the
reader's language. The warnings pages and the big screen use it alike."""

from flask_babel import gettext

from ..i18n import format_kg, format_metric, format_mu, format_yuan
from ..processing.quality import grade_name
from ..reports.metrics import METRICS
from ..units import from_base, normalized
from .models import Warning


def shown(name: str, value, values: dict) -> str:
    """A value of a warning's message in the reader's words (brain/warnings/base.py names them)."""
    if value is None:
        return "—"
    if name == "metric":
        return str(METRICS[value].label) if value in METRICS else str(value)
    if name.endswith("_metric"):
        return format_metric(value, values.get("unit", ""))
    if name.endswith("_g"):
        return format_kg(value)
    if name.endswith("_fen"):
        return format_yuan(value)
    if name.endswith("_centimu"):
        return format_mu(value)
    if name.endswith("_permille"):
        return normalized(from_base(value, 1)) + "%"
    if name.endswith("_lab"):
        return normalized(from_base(value, 3))
    if name.endswith("_grade"):
        return str(grade_name(value or None))
    return str(value)


def message_of(warning: Warning) -> str:
    values = warning.values or {}
    return gettext(warning.message) % {name: shown(name, value, values) for name, value in values.items()}
