"""Exact quantities. The database holds integers in base units; Decimal lives
only at the edges (form input, display). Never a float.

| quantity | shown as | stored as          | decimals |
| weight   | kg       | grams              | 3        |
| area     | mu       | hundredths of a mu | 2        |
| money    | yuan     | fen                | 2        |
| lab value| as is    | thousandths        | 3        |
"""

import re
from decimal import Decimal, InvalidOperation

WEIGHT_DECIMALS = 3
AREA_DECIMALS = 2
MONEY_DECIMALS = 2
LAB_DECIMALS = 3


class NotExact(ValueError):
    """The value has more decimals than its base unit can hold, or is not a number."""


# No quantity here needs more than 18 digits before the point (a BIGINT
# holds 9.2e18); anything longer is refused before any arithmetic on it.
MAX_DIGITS = 18


# What a person types as a quantity: ASCII digits only (Decimal would also
# take full-width digits and underscores), an optional sign, point and exponent.
ASCII_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def to_base(value, decimals: int) -> int:
    """Decimal (or str/int) in display units -> integer base units, refusing rounding."""
    if isinstance(value, str) and not ASCII_NUMBER.fullmatch(value.strip()):
        raise NotExact(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise NotExact(value) from exc
    if not number.is_finite() or number.adjusted() + decimals >= MAX_DIGITS or number.as_tuple().exponent < -MAX_DIGITS:
        raise NotExact(value)
    scaled = number.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise NotExact(value)
    return int(scaled)


def from_base(amount: int | None, decimals: int) -> Decimal | None:
    if amount is None:
        return None
    return Decimal(int(amount)).scaleb(-decimals)


def kg_to_g(kg) -> int:
    return to_base(kg, WEIGHT_DECIMALS)


def g_to_kg(grams: int | None) -> Decimal | None:
    return from_base(grams, WEIGHT_DECIMALS)


def mu_to_centimu(mu) -> int:
    return to_base(mu, AREA_DECIMALS)


def centimu_to_mu(centimu: int | None) -> Decimal | None:
    return from_base(centimu, AREA_DECIMALS)


def yuan_to_fen(yuan) -> int:
    return to_base(yuan, MONEY_DECIMALS)


def fen_to_yuan(fen: int | None) -> Decimal | None:
    return from_base(fen, MONEY_DECIMALS)


def normalized(value: Decimal | None) -> str:
    """A Decimal without trailing zeros and never in exponent form: 12.500 -> '12.5'."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def show_quantity(amount: int, unit: str) -> str:
    """A quantity for a message: grams as kg, others as they are."""
    if unit == "g":
        return f"{normalized(g_to_kg(amount))} kg"
    return f"{amount:,}"
