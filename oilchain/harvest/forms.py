"""The cooperative's harvest forms (also the processor's drying and
shipping), and the field app's tablet sign-in."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField

from ..forms import ChoiceField, CountField, DayField, Form, KgField, LotInputsForm, OptionalKgField, TextField
from .services import MAX_PICKERS


class HarvestForm(Form):
    plot_id = ChoiceField(_l("Plot"))
    weight = KgField(_l("Fresh fruit (kg)"))
    pickers = CountField(_l("Pickers"), high=MAX_PICKERS)
    occurred_on = DayField(_l("Harvested on"))


class DryHullForm(LotInputsForm):
    seed = KgField(_l("Dry seed (kg)"))
    husk = KgField(_l("Husks (kg)"), zero_allowed=True)
    occurred_on = DayField(_l("Date"))


class ShipForm(Form):
    code = ChoiceField(_l("Lot"), coerce=str)
    to_org_id = ChoiceField(_l("Ship to"))
    quantity = OptionalKgField(_l("Part to ship (kg)"))
    occurred_on = DayField(_l("Shipped on"))
    note = TextField(_l("Note"), 500, required=False)


class TabletForm(Form):
    password = PasswordField(_l("Your password"))
    label = StringField(_l("Tablet"))
