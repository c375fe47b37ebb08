"""The cooperative's harvest forms (also the processor's drying and
shipping), and the field app's tablet sign-in."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField

from ..errors import Invalid
from ..forms import ChoiceField, CountField, DayField, Form, KgField, LotInputsForm, OptionalKgField, TextField
from ..ledger.models import SOLD_BY_WEIGHT
from ..units import kg_to_g
from .services import MAX_PICKERS

# What the ship form sends to a processor: fruit and seed, bulk oil and the
# by-products (a packed goods lot kept in units ships whole).
SHIPPED_KINDS = ("fruit", "seed", *SOLD_BY_WEIGHT)


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

    def part(self, unit: str) -> int | None:
        """The part typed, in grams (None: the whole lot); a lot kept in
        units (a packed goods lot) ships only whole."""
        if self.quantity.data is None:
            return None
        if unit != "g":
            raise Invalid(_l("Lot %(code)s is kept in units and ships whole: leave the part to ship empty (%(typed)s kg "
                             "was given).", code=self.code.data, typed=self.quantity.data), field="quantity")
        return kg_to_g(self.quantity.data)


def strip(value):
    return value.strip() if isinstance(value, str) else value


class TabletNameForm(Form):
    """A tablet's name; blank gives the default, and the service refuses
    one too long for its column (auth.services.check_tablet_name)."""

    label = StringField(_l("Name of this tablet"), filters=[strip])


class TabletForm(TabletNameForm):
    password = PasswordField(_l("Your password"))
