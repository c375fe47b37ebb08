"""The processor's forms: receiving, pressing, refining, blending, tanks,
testing, products and bottling."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectMultipleField
from wtforms.validators import Optional

from ..labels import OIL_METHODS, REFINING_STEPS
from ..forms import ChoiceField, Exact, CountField, DayField, Form, KgField, LabField, LotInputsForm, TextField
from ..lab import LabValues
from ..units import LAB_DECIMALS, to_base


class ReceiveForm(Form):
    code = TextField(_l("Lot code"), 200)
    weighed = KgField(_l("Weighed weight (kg)"))
    occurred_on = DayField(_l("Received on"))
    note = TextField(_l("Reason for a weight difference"), 500, required=False)


class PressForm(LotInputsForm):
    method = ChoiceField(_l("Pressing"), coerce=str)
    oil = KgField(_l("Oil (kg)"))
    cake = KgField(_l("Seed cake (kg)"))
    occurred_on = DayField(_l("Pressed on"))


class QualityForm(Form):
    code = ChoiceField(_l("Oil lot"), coerce=str)
    acid_value = LabField(_l("Acid value (mg KOH/g)"), "acid_value")
    peroxide_value = LabField(_l("Peroxide value (g/100g)"), "peroxide_value")
    moisture = LabField(_l("Moisture and volatiles (%)"), "moisture")
    laboratory = TextField(_l("Laboratory"), 80)
    occurred_on = DayField(_l("Tested on"))

    def values(self) -> LabValues:
        """The three values as typed (raises NotExact, TypeError for a field not yet a number)."""
        return LabValues(*(to_base(getattr(self, name).data, LAB_DECIMALS) for name in LabValues.NAMES))


class ProductForm(Form):
    name = TextField(_l("Product name"), 80)
    gtin = TextField(_l("GTIN-14"), 14)
    net_content_ml = CountField(_l("Net content (ml)"), high=30000)
    fill_grams = CountField(_l("Oil per unit (g)"), high=30000)
    shelf_life_days = CountField(_l("Shelf life (days)"), low=1, high=3650)
    lowest_grade = ChoiceField(_l("Lowest grade it is sold at"), coerce=lambda v: v or None, required=False)


class BottleForm(Form):
    oil_code = ChoiceField(_l("Oil lot"), coerce=str)
    product_id = ChoiceField(_l("Product"))
    units = CountField(_l("Units filled"), high=10_000_000)
    oil_used = KgField(_l("Oil used (kg)"))
    occurred_on = DayField(_l("Bottled on"))


def method_choices(methods) -> list:
    return [(code, OIL_METHODS[code]) for code in methods]


class RefineForm(Form):
    code = ChoiceField(_l("Crude oil lot"), coerce=str)
    oil_used = KgField(_l("Crude oil used (kg)"))
    refined = KgField(_l("Refined oil (kg)"))
    steps = SelectMultipleField(_l("Refining steps done"), coerce=str, choices=list(REFINING_STEPS.items()))
    occurred_on = DayField(_l("Refined on"))


class BlendForm(LotInputsForm):
    oil = KgField(_l("Blended oil (kg)"))
    occurred_on = DayField(_l("Blended on"))


class TankForm(Form):
    name = TextField(_l("Tank name"), 40)
    capacity = DecimalField(_l("Capacity (kg), if known"), validators=[Optional(), Exact(3)], places=None,
                            render_kw={"inputmode": "decimal"})


class PutForm(Form):
    tank_id = ChoiceField(_l("Tank"))
    code = ChoiceField(_l("Oil lot"), coerce=str)
    occurred_on = DayField(_l("Put in on"))


class GradeLimitForm(Form):
    method = ChoiceField(_l("Extraction method"), coerce=str)
    grade_code = ChoiceField(_l("Grade"), coerce=str)
    max_acid_value = LabField(_l("Highest acid value (mg KOH/g)"), "acid_value", limit=True)
    max_peroxide_value = LabField(_l("Highest peroxide value (g/100g)"), "peroxide_value", limit=True)
    max_moisture = LabField(_l("Highest moisture and volatiles (%)"), "moisture", limit=True)

    def limits(self) -> LabValues:
        return LabValues(*(to_base(getattr(self, f"max_{name}").data, LAB_DECIMALS) for name in LabValues.NAMES))
