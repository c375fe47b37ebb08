"""Form pieces every module uses: exact quantity fields, dates judged in the
county's zone, and errors that a service raises shown next to their field."""

import re
from decimal import Decimal

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField  # noqa: F401
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError  # noqa: F401

from . import clock
from .db import INTEGER_MAX
from .errors import DomainError, Invalid
from .lab import LabValues
from .units import ASCII_NUMBER, LAB_DECIMALS, MAX_DIGITS, NotExact, kg_to_g, to_base


# Control characters (C0 but tab, line feed and carriage return; DEL; C1):
# nothing a person types, and a NUL byte is refused by PostgreSQL's text type.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text) -> bool:
    return isinstance(text, str) and CONTROL_CHARACTERS.search(text) is not None


class Form(FlaskForm):
    """A FlaskForm that also holds errors for fields made on the fly (one
    quantity field per input lot, `dynamic_fields`) and for the form as a whole.

    Every field of every form refuses control characters, and every integer
    field a number an INTEGER column cannot hold (fields for wider columns
    bound themselves lower anyway), so neither reaches a service."""

    dynamic_fields: frozenset = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:  # a phone's number keypad for every number field (unless a field says otherwise)
            if isinstance(field, (DecimalField, IntegerField)):
                kind = "numeric" if isinstance(field, IntegerField) else "decimal"
                field.render_kw = {"inputmode": kind, **(field.render_kw or {})}
        self.extra_errors: dict[str, list[str]] = {}
        self.whole_form_errors: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if any(has_control_characters(raw) for raw in (field.raw_data or [])):
                field.errors = [str(_l("Remove the control characters (such as a NUL byte) from this field."))]
                valid = False
            elif isinstance(field, IntegerField) and isinstance(field.data, int) and abs(field.data) > INTEGER_MAX:
                field.errors = [str(_l("This number is far too large."))]
                valid = False
        return valid

    def add_error(self, field_name: str | None, message, lot: str | None = None) -> None:
        """Next to its field; a refusal about a lot that names no field goes
        next to that lot's quantity field (`input-<code>`), if the form has one."""
        if field_name is None and lot is not None:
            field_name = input_field(lot)
        field = getattr(self, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors") and hasattr(field, "data"):
            field.errors = list(field.errors) + [str(message)]
        elif field_name and (field_name.startswith("input-") or field_name in self.dynamic_fields):
            self.extra_errors.setdefault(field_name, []).append(str(message))
        else:  # no field of that name on this form: the message stands above it
            self.whole_form_errors.append(str(message))

    def read_lot_inputs(self, formdata, lots, decimals: int, lookup):
        """The (lot, amount) pairs typed in `input-<code>` fields, or None when
        any is not an exact number or names no lot (its error is then on the
        form). Codes that are not among the offered `lots` are looked up with
        `lookup(code)`, so the service refuses them by name (another
        organization's lot, one used up) instead of their being dropped."""
        offered = {lot.code: lot for lot in lots}
        chosen, failed = [], False
        for name, raw in formdata.items():
            if not name.startswith("input-") or not (raw or "").strip():
                continue
            code = name[len("input-"):]
            try:
                lot = offered.get(code) or lookup(code)
                chosen.append((lot, to_base(raw, decimals)))
            except NotExact:
                self.add_error(name, not_exact_message(raw, decimals))
                failed = True
            except DomainError as error:
                self.add_error(name, error.message)
                failed = True
        return None if failed else chosen

    def has_errors(self) -> bool:
        return bool(self.extra_errors or self.whole_form_errors or any(field.errors for field in self))


class LotInputsForm(Form):
    """A form that also takes quantities from lots, one `input-<code>` field
    per lot (`Form.read_lot_inputs`): `offer` them before validating; a valid
    submission has the (lot, amount) pairs in `inputs`. The lot fields are
    read once the form's own fields are valid."""

    inputs: list | None = None

    def offer(self, lots, decimals: int, lookup) -> "LotInputsForm":
        self.lots, self.decimals, self.lookup = lots, decimals, lookup
        return self

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.inputs = self.read_lot_inputs(request.form, self.lots, self.decimals, self.lookup)
        return self.inputs is not None


def input_field(code: str) -> str:
    """The form field that carries the quantity taken from lot `code`."""
    return f"input-{code}"


class Exact:
    """An exact decimal: at most `decimals` places, more than `low` (or at
    least, when `inclusive`), at most `high`: by default as much as an
    INTEGER column holds in base units (a field for a wider column says so)."""

    def __init__(self, decimals: int, low: Decimal = Decimal(0), high: Decimal | None = None, inclusive: bool = False):
        high = Decimal(INTEGER_MAX).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_FLOOR") \
            if high is None else high
        self.decimals, self.low, self.high, self.inclusive = decimals, Decimal(low), high, inclusive

    def __call__(self, form, field):
        if field.data is None:
            return
        raw = field.raw_data[0] if field.raw_data else str(field.data)
        try:
            to_base(raw, self.decimals)
        except NotExact:
            raise ValidationError(not_exact_message(raw, self.decimals))
        too_low = field.data < self.low if self.inclusive else field.data <= self.low
        if too_low:
            if self.inclusive:
                raise ValidationError(_l("Must be at least %(low)s.", low=self.low))
            raise ValidationError(_l("Must be more than %(low)s.", low=self.low))
        if self.high is not None and field.data > self.high:
            raise ValidationError(_l("Must be at most %(high)s.", high=self.high))


def not_exact_message(raw, decimals: int):
    """Why a typed number cannot be an exact quantity, in the reader's language."""
    from decimal import Decimal, InvalidOperation

    if not ASCII_NUMBER.fullmatch(str(raw).strip()):
        return _l("Enter a number, in digits 0-9.")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return _l("Enter a number, in digits 0-9.")
    if number.adjusted() + decimals >= MAX_DIGITS:
        return _l("This number is far too large.")
    return _l("Use at most %(places)s decimal places.", places=decimals)


def not_future(form, field):
    if field.data and field.data > clock.today():
        raise ValidationError(_l("The date cannot be in the future."))


def KgField(label, high: Decimal = Decimal("10000000"), zero_allowed: bool = False, **kwargs):
    """A weight in kilograms, to the gram; more than zero unless `zero_allowed`."""
    validators = [InputRequired(), Exact(3, high=high, inclusive=zero_allowed)]
    return DecimalField(label, validators=validators, places=None, render_kw={"inputmode": "decimal"}, **kwargs)


def OptionalKgField(label, high: Decimal = Decimal("10000000")):
    """A weight in kilograms, to the gram, that may be left empty (None)."""
    return DecimalField(label, validators=[Optional(), Exact(3, high=high)], places=None, render_kw={"inputmode": "decimal"})


def MuField(label, high: Decimal = Decimal("100000"), low: Decimal | None = None):
    """An area in mu, to the hundredth; more than zero unless `low` allows it."""
    exact = Exact(2, high=high) if low is None else Exact(2, low=low, high=high, inclusive=True)
    return DecimalField(label, validators=[InputRequired(), exact], places=None, render_kw={"inputmode": "decimal"})


def YuanField(label, high: Decimal = Decimal("100000000")):
    return DecimalField(label, validators=[InputRequired(), Exact(2, high=high)], places=None, render_kw={"inputmode": "decimal"})


def LabField(label, name: str, limit: bool = False):
    """One of the lab values (`LabValues.NAMES`): a measured value may be zero,
    a `limit` (a grade's or the GI's highest value) must be more."""
    exact = Exact(LAB_DECIMALS, high=LabValues.HIGHEST[name], inclusive=not limit)
    return DecimalField(label, validators=[InputRequired(), exact], places=None, render_kw={"inputmode": "decimal"})


def CoordinateField(label, low, high, required: bool = True):
    """A latitude or longitude in decimal degrees, exact to the microdegree
    (6 places; stored as `to_base(value, 6)`)."""
    return DecimalField(
        label,
        validators=[InputRequired() if required else Optional(), Exact(6, low=Decimal(low), high=Decimal(high), inclusive=True)],
        places=None,
        render_kw={"inputmode": "decimal"},
    )


def CountField(label, low: int = 1, high: int = 100_000_000, required: bool = True):
    validators = [InputRequired() if required else Optional(), NumberRange(min=low, max=high)]
    return IntegerField(label, validators=validators, render_kw={"inputmode": "numeric"})


def DayField(label):
    """A calendar day, today by default, never in the future."""
    return DateField(label, validators=[InputRequired(), not_future], default=clock.today)


def TextField(label, max_length: int, required: bool = True):
    validators = [DataRequired() if required else Optional(), Length(max=max_length)]
    return StringField(label, validators=validators, filters=[lambda v: v.strip() if isinstance(v, str) else v])


def optional_id(value) -> int | None:
    """An id from a select whose empty choice ("—") means none."""
    return int(value) if value not in (None, "", "None") else None


def ChoiceField(label, coerce=None, required: bool = True):
    """A select whose choices the view fills; an unknown value is refused.
    Ids by default, which an optional select may leave empty."""
    coerce = coerce or (int if required else optional_id)
    return SelectField(label, coerce=coerce, validators=[InputRequired() if required else Optional()], validate_choice=True)


def base_quantity(typed: Decimal, unit: str, code: str | None = None, field: str = "quantity") -> int:
    """A typed quantity in a lot's base unit: kilograms to grams for a lot
    kept in grams, else a whole number of units (packed goods, bottles);
    the refusal names the lot when there is one."""
    if unit == "g":
        return kg_to_g(typed)
    if typed != typed.to_integral_value():
        raise Invalid(_l("Lot %(code)s is counted in whole units: %(typed)s is not a whole number.", code=code,
                         typed=typed) if code else _l("Give a whole number of units."), field=field)
    return int(typed)
