"""The bureau's GI forms: the product's definition, its producers, its marks."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField

from ..forms import ChoiceField, CountField, DayField, Form, LabField, TextField
from ..lab import LabValues
from ..units import LAB_DECIMALS, from_base, to_base


class DefinitionForm(Form):
    name = TextField(_l("GI product name"), 60)
    registration = TextField(_l("Registration (certificate no. and authority)"), 120)
    specification = TextField(_l("Specification (standard or document)"), 500, required=False)
    max_acid_value = LabField(_l("Highest acid value (mg KOH/g)"), "acid_value", limit=True)
    max_peroxide_value = LabField(_l("Highest peroxide value (g/100g)"), "peroxide_value", limit=True)
    max_moisture = LabField(_l("Highest moisture and volatiles (%)"), "moisture", limit=True)
    township_ids = SelectMultipleField(_l("Protected townships"), coerce=int)

    def limits(self) -> LabValues:
        return LabValues(*(to_base(getattr(self, f"max_{name}").data, LAB_DECIMALS) for name in LabValues.NAMES))

    def show(self, limits: LabValues) -> None:
        """Fill the limit fields from stored limits."""
        for name, value in limits.items():
            getattr(self, f"max_{name}").data = from_base(value, LAB_DECIMALS)


class ProducerForm(Form):
    org_id = ChoiceField(_l("Producer"))
    occurred_on = DayField(_l("Authorized on"))


class MarksForm(Form):
    code = TextField(_l("Product lot"), 40)
    units = CountField(_l("Marks issued"), high=10_000_000)
    occurred_on = DayField(_l("Issued on"))
