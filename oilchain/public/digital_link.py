"""A GS1 Digital Link path read as GS1 Digital Link URI syntax 1.x says:
/01/{gtin} then its key qualifiers in order (22 consumer product variant,
10 batch/lot, 21 serial; or 235), each value up to 20 characters of GS1's
character set 82. A GTIN-8, -12 or -13 is the GTIN-14 with leading zeros.
Anything else is a syntax error (`Malformed`), which the resolver answers
400; well-formed codes that were never issued are services.NotIssued."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from .. import codes

GTIN_RE = re.compile(r"[0-9]{8}|[0-9]{12,14}")
CSET82_RE = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
CPV_RE = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
TPX_RE = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,28}")
# Key qualifiers of a GTIN and the order they come in.
QUALIFIERS = {"22": CPV_RE, "10": CSET82_RE, "21": CSET82_RE, "235": TPX_RE}
ORDER = ("22", "10", "21")


class Malformed(ValueError):
    """Not a GS1 Digital Link path; `reason` is "syntax" or "gtin" (check digit)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Path:
    given_gtin: str
    gtin: str  # 14 digits
    qualifiers: dict[str, str]

    @property
    def lot(self) -> str | None:
        return self.qualifiers.get("10")

    @property
    def serial(self) -> str | None:
        return self.qualifiers.get("21")

    @property
    def canonical(self) -> bool:
        """Written as the resolver answers it: a 14-digit GTIN, a serial only under its lot."""
        return self.given_gtin == self.gtin and (self.serial is None or self.lot is not None)


def parse(rest: str) -> Path:
    """`rest`: the path after /01/, one trailing slash tolerated."""
    if rest.endswith("/"):
        rest = rest[:-1]
    segments = rest.split("/")
    given, pairs = segments[0], segments[1:]
    if not GTIN_RE.fullmatch(given) or len(pairs) % 2:
        raise Malformed("syntax")
    gtin = given.zfill(14)
    if not codes.is_valid_gtin(gtin):
        raise Malformed("gtin")
    qualifiers: dict[str, str] = {}
    last = -1
    for key, value in zip(pairs[::2], pairs[1::2]):
        pattern = QUALIFIERS.get(key)
        if pattern is None or not pattern.fullmatch(value) or key in qualifiers:
            raise Malformed("syntax")
        if key == "235":
            if qualifiers or len(pairs) != 2:
                raise Malformed("syntax")  # the third-party serial stands alone
        else:
            if ORDER.index(key) < last:
                raise Malformed("syntax")
            last = ORDER.index(key)
        qualifiers[key] = value
    return Path(given_gtin=given, gtin=gtin, qualifiers=qualifiers)


def path_of(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    path = f"/01/{gtin}"
    if lot is not None:
        path += f"/10/{quote(lot, safe='')}"
    if serial is not None:
        path += f"/21/{quote(serial, safe='')}"
    return path
