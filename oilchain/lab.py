"""The lab values of camellia oil as one value type: acid value (mg KOH/g),
peroxide value (g/100g) and moisture and volatiles (%), each in thousandths
of its unit, exact. A quality test measures them; a quality grade and the GI
specification allow at most some; stories show them as text ("0.85")."""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .units import LAB_DECIMALS, from_base, normalized, to_base


@dataclass(frozen=True)
class LabValues:
    acid_value: int
    peroxide_value: int
    moisture: int

    NAMES: ClassVar[tuple[str, ...]] = ("acid_value", "peroxide_value", "moisture")
    # More than any oil can have (free fatty acid alone has an acid value near
    # 200; the others are shares of the oil): a typed value above is a typo.
    HIGHEST: ClassVar[dict[str, Decimal]] = {"acid_value": Decimal(200), "peroxide_value": Decimal(100),
                                             "moisture": Decimal(100)}

    @classmethod
    def of(cls, row, prefix: str = "") -> "LabValues":
        """From a model's (or a row's) columns `<prefix><name>_milli`."""
        return cls(*(getattr(row, f"{prefix}{name}_milli") for name in cls.NAMES))

    def columns(self, prefix: str = "") -> dict:
        """As the columns `<prefix><name>_milli` take them."""
        return {f"{prefix}{name}_milli": value for name, value in self.items()}

    @classmethod
    def from_text(cls, texts: dict) -> "LabValues":
        """From their decimal text ("0.85"), as a story or a form gives them."""
        return cls(*(to_base(texts[name], LAB_DECIMALS) for name in cls.NAMES))

    def as_text(self) -> dict[str, str]:
        return {name: normalized(from_base(value, LAB_DECIMALS)) for name, value in self.items()}

    def items(self) -> list[tuple[str, int]]:
        return [(name, getattr(self, name)) for name in self.NAMES]

    def over(self, limits: "LabValues") -> dict[str, tuple[int, int]]:
        """The values above their limit: name -> (value, limit), in order."""
        return {name: (value, getattr(limits, name)) for name, value in self.items() if value > getattr(limits, name)}

    def within(self, limits: "LabValues") -> bool:
        return not self.over(limits)
