"""The processor's sale form: any lot it holds, by units or by weight."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..forms import ChoiceField, DayField, Form, KgField, TextField, YuanField


class SaleForm(Form):
    code = ChoiceField(_l("Lot"), coerce=str)
    buyer_org_id = ChoiceField(_l("Registered buyer (ships the lot to it)"), required=False)
    buyer = TextField(_l("Buyer"), 100, required=False)
    channel = ChoiceField(_l("Channel"), coerce=str)
    quantity = KgField(_l("Units"), high=Decimal("10000000"))
    unit_price = YuanField(_l("Unit price (yuan)"), high=100_000)
    occurred_on = DayField(_l("Sold on"))
    price_note = TextField(_l("Reason for this price"), 200, required=False)

    def sold_by(self, unit: str) -> None:
        """Label the quantity and price as the chosen lot is sold: units, or kg."""
        if unit == "g":
            self.quantity.label.text, self.unit_price.label.text = _l("Quantity (kg)"), _l("Price per kg (yuan)")
        else:
            self.quantity.label.text, self.unit_price.label.text = _l("Units"), _l("Unit price (yuan)")


