"""The brain's forms: the forecast's curves (brain/curve_views.py), display screens (brain/displays.py)."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import ChoiceField, CountField, Form, KgField, TextAreaField
from .curve_services import MAX_AGE_YEARS, MAX_EFFECT_PERMILLE, MAX_SEED_G_PER_MU, MAX_YEARS_SINCE


class YieldForm(Form):
    group = ChoiceField(_l("Variety group"), coerce=str)
    age_years = CountField(_l("Tree age (years since planting)"), low=0, high=MAX_AGE_YEARS)
    seed_kg = KgField(_l("Dry seed per mu (kg)"), high=Decimal(MAX_SEED_G_PER_MU) / 1000, zero_allowed=True)


class EffectForm(Form):
    method = ChoiceField(_l("Renovation"), coerce=str)
    years_since = CountField(_l("Years since the renovation"), low=0, high=MAX_YEARS_SINCE)
    permille = CountField(_l("Share of the curve (per mille)"), low=0, high=MAX_EFFECT_PERMILLE)


class WindowForm(Form):
    points = TextAreaField(_l("Harvest window: one day a line, MM-DD and the share picked by then (per mille)"),
                           validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 8})


class DisplayForm(Form):
    """A screen token's name (the service checks it: named, not too long)."""

    label = StringField(_l("Screen"))
