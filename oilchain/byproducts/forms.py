"""The by-product forms: registering a product, extracting, leaching, making."""

from flask_babel import lazy_gettext as _l

from ..forms import ChoiceField, CountField, DayField, Form, KgField, LotInputsForm, TextField, optional_id


class RegisterForm(Form):
    name = TextField(_l("Product name"), 80)
    source_kind = ChoiceField(_l("Made from"), coerce=str)
    unit = ChoiceField(_l("Sold"), coerce=str)
    unit_grams = CountField(_l("Weight of one unit (g)"), high=1_000_000, required=False)
    gtin = TextField(_l("GTIN-14 (packed products)"), 14, required=False)


class ExtractForm(LotInputsForm):
    saponin = KgField(_l("Tea saponin (kg)"))
    meal = KgField(_l("Extracted meal (kg)"))
    occurred_on = DayField(_l("Extracted on"))


class LeachForm(LotInputsForm):
    oil = KgField(_l("Oil (kg)"))
    meal = KgField(_l("Extracted meal (kg)"))
    occurred_on = DayField(_l("Extracted on"))


class MakeForm(LotInputsForm):
    by_product_id = ChoiceField(_l("Product"), coerce=optional_id)
    quantity = KgField(_l("Made (kg, or units for a packed product)"))
    untraced = KgField(_l("Untraced ingredients (kg): water, surfactant, manure"), zero_allowed=True, default=0)
    occurred_on = DayField(_l("Made on"))
