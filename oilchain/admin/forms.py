"""The administrator's and the bureau's forms: organizations, users,
townships, the seedling grading standard and the ledger's bounds."""

from decimal import Decimal
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField
from wtforms.validators import InputRequired

from ..auth.forms import Password
from ..forms import ChoiceField, CoordinateField, CountField, Exact, Form, TextField, YuanField
from ..units import fen_to_yuan, to_base


class PositionForm(Form):
    """An organization's position on the map: optional, in decimal degrees
    to the microdegree (both or neither; the service checks the county)."""
    latitude = CoordinateField(_l("Latitude"), -90, 90, required=False)
    longitude = CoordinateField(_l("Longitude"), -180, 180, required=False)

    def position_e6(self) -> tuple[int | None, int | None]:
        """(latitude, longitude) in microdegrees, exact; None where empty."""
        return tuple(None if f.data is None else to_base(f.data, 6) for f in (self.latitude, self.longitude))


def plain(value):
    return value.strip() if isinstance(value, str) else value


class ContactForm(Form):
    """An organization's GLN and public contact; the service checks them
    (check digit, uniqueness, plain text, lengths) and names the field."""
    gln = StringField(_l("GLN (GS1 Global Location Number)"), filters=[plain])
    phone = StringField(_l("Phone"), filters=[plain])
    address = StringField(_l("Address"), filters=[plain])


class OrganizationForm(PositionForm):
    name = TextField(_l("Name"), 100)
    kind = ChoiceField(_l("Kind"), coerce=str)
    credit_code = TextField(_l("Unified social credit code"), 18, required=False)
    township_id = ChoiceField(_l("Township"), required=False)


class YieldGroupForm(Form):
    """Which of the yield curve's groups a variety follows (the service checks the group)."""
    yield_group = ChoiceField(_l("Yield curve group"), coerce=str)


class ImprovedForm(Form):
    """Whether a variety is an approved improved variety (良种), with its
    approval number (the service refuses the flag without one)."""
    improved = BooleanField(_l("Approved improved variety (良种)"))
    approval_number = TextField(_l("Approval number"), 40, required=False)
    approval_pending = BooleanField(_l("Number still to be confirmed"))


class UserForm(Form):
    username = TextField(_l("Username"), 40)
    display_name = TextField(_l("Name"), 60)
    role = ChoiceField(_l("Role"), coerce=str)
    organization_id = ChoiceField(_l("Organization"))
    password = Password(_l("Password"))


class TownshipForm(Form):
    name = TextField(_l("Name"), 40)


class RetireForm(Form):
    merged_into_id = ChoiceField(_l("Merged into"), required=False)


def SizeField(label):
    """A seedling's height (cm) or ground diameter (mm), to a tenth; no
    seedling is a metre thick or ten metres tall."""
    return DecimalField(label, validators=[InputRequired(), Exact(1, high=Decimal(1000))], places=None)


class StandardForm(Form):
    grade1_height = SizeField(_l("Grade I: minimum height (cm)"))
    grade1_diameter = SizeField(_l("Grade I: minimum ground diameter (mm)"))
    grade2_height = SizeField(_l("Grade II: minimum height (cm)"))
    grade2_diameter = SizeField(_l("Grade II: minimum ground diameter (mm)"))


class PriceBoundForm(Form):
    kind = SelectField(_l("Sold as"), coerce=str, default="product")
    window_days = CountField(_l("Recent period (days)"), low=7, high=730)
    min_sales = CountField(_l("Sales needed to compare with"), low=1, high=1000)
    low_percent = CountField(_l("Lowest price (percent of the recent median)"), low=1, high=99)
    high_percent = CountField(_l("Highest price (percent of the recent median)"), low=101, high=10_000)
    floor = YuanField(_l("Otherwise at least (yuan per kg)"), high=Decimal("100000"))
    ceiling = YuanField(_l("and at most (yuan per kg)"), high=Decimal("100000"))


class AgeLimitForm(Form):
    propagation = ChoiceField(_l("Propagation method"), coerce=str)
    max_age_days = CountField(_l("Dispatched at most this many days after sowing or grafting"), low=30, high=3650)


def price_defaults(bound):
    """The stored bounds in the form's units (yuan per kg)."""
    if bound is None:
        return None
    return SimpleNamespace(kind=bound.kind, window_days=bound.window_days, min_sales=bound.min_sales, low_percent=bound.low_percent,
                           high_percent=bound.high_percent, floor=fen_to_yuan(bound.floor_fen_per_kg),
                           ceiling=fen_to_yuan(bound.ceiling_fen_per_kg))


class ResetPasswordForm(Form):
    password = Password(_l("Temporary password"))
