"""The forms on a lot's page (corrections, disposal, a split) and the bureau's recalls."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import InputRequired

from ..forms import ChoiceField, DayField, Exact, Form, KgField, TextField
from ..units import WEIGHT_DECIMALS


class ReverseForm(Form):
    reason = TextField(_l("Reason for the correction"), 500)


class DisposeForm(Form):
    quantity = DecimalField(_l("Quantity to dispose of"), validators=[InputRequired(), Exact(WEIGHT_DECIMALS)], places=None,
                            render_kw={"inputmode": "decimal"})
    reason = TextField(_l("Reason for the disposal"), 500)
    occurred_on = DayField(_l("Disposed of on"))


class SplitForm(Form):
    quantity = KgField(_l("Part to split off (kg)"))
    occurred_on = DayField(_l("Split on"))


class RecallForm(Form):
    code = TextField(_l("Lot code"), 200, required=False)
    plot_id = ChoiceField(_l("Or a plot"), required=False)
    reason = TextField(_l("Reason for the recall"), 500)


class CloseForm(Form):
    note = TextField(_l("How the recall ended"), 500)
