"""The cooperative's plot and planting forms, and the bureau's acceptance."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import InputRequired

from ..forms import ChoiceField, CoordinateField, CountField, DayField, Exact, Form, MuField, TextField


class PlotForm(Form):
    name = TextField(_l("Plot name"), 60)
    township_id = ChoiceField(_l("Township"))
    village = TextField(_l("Village"), 40)
    area = MuField(_l("Area (mu)"))
    latitude = CoordinateField(_l("Latitude"), -90, 90)
    longitude = CoordinateField(_l("Longitude"), -180, 180)
    year_planted = CountField(_l("Year planted"), low=1900, high=2200)


class PlantingForm(Form):
    plot_id = ChoiceField(_l("Plot"))
    kind = ChoiceField(_l("Kind"), coerce=str)
    method = ChoiceField(_l("Renovation method"), coerce=str, required=False)
    area = MuField(_l("Area (mu)"))
    variety_id = ChoiceField(_l("Variety"))
    dispatch_code = ChoiceField(_l("Seedlings from dispatch"), coerce=str, required=False)
    seedlings = CountField(_l("Seedlings used"), low=0, required=False)
    occurred_on = DayField(_l("Planted on"))


class SurvivalForm(Form):
    survival = DecimalField(
        _l("Survival rate (%)"),
        validators=[InputRequired(), Exact(1, low=Decimal(0), high=Decimal(100), inclusive=True)],
        places=None,
        render_kw={"inputmode": "decimal"},
    )
    occurred_on = DayField(_l("Checked on"))


class AcceptanceForm(Form):
    accepted_area = MuField(_l("Accepted area (mu)"), low=Decimal(0))
    occurred_on = DayField(_l("Accepted on"))
    note = TextField(_l("Note"), 500, required=False)
