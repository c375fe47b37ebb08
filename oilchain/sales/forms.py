"""The processor's sale form."""

from flask_babel import lazy_gettext as _l

from ..forms import ChoiceField, CountField, DayField, Form, TextField, YuanField


class SaleForm(Form):
    code = ChoiceField(_l("Product lot"), coerce=str)
    buyer = TextField(_l("Buyer"), 100)
    channel = ChoiceField(_l("Channel"), coerce=str)
    quantity = CountField(_l("Units"), high=10_000_000)
    unit_price = YuanField(_l("Unit price (yuan)"), high=100_000)
    occurred_on = DayField(_l("Sold on"))
    price_note = TextField(_l("Reason for this price"), 200, required=False)
