"""Compressed GS1 Digital Link URIs (GS1 Digital Link 1.1, §2.8: its
compression algorithm, as GS1's GS1DigitalLinkCompressionPrototype does
it): the identifiers' binary form written in a URI-safe base-64 alphabet
as one path segment, e.g. https://trace.example.cn/AQyWYExkeA for
https://trace.example.cn/01/06920000123452.

Ours, and only for the keys this resolver answers (GTIN, AI 01, and its
qualifiers batch/lot, AI 10, and serial, AI 21, with GS1's optimisation
codes for them): the one PyPI port of GS1's prototype (gs1-compression
0.1.3, 2021) is unmaintained and decodes variable-length numbers wrongly.
tests/public/test_resolver_compressed.py compares both directions with
fixtures made by GS1's own code (tests/data/digital_link/compress.js).
Anything else (another key, a non-GS1 key=value pair compressed into the
path, bits that do not parse) is refused with `NotCompressed`."""

import math
import re
from urllib.parse import quote

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789ABCDEF"
COMPRESSED_RE = re.compile(r"[A-Za-z0-9_-]{10,}")  # a GTIN alone takes 55 bits: 10 characters

# GS1's table F for these keys: GTIN 14 digits; lot and serial up to 20
# characters of GS1's character set 82. Table "opt": one hex code for a
# sequence of keys (only those made of these keys).
FIXED_DIGITS = {"01": 14}
VARIABLE_MAX = {"10": 20, "21": 20}
OPTIMISED = {"0B": ("01", "10"), "0C": ("01", "21")}
ORDER = ("01", "10", "21")  # the Digital Link path order
ENCODINGS = (  # checked last to first, as the prototype's determineEncoding does
    (4, None),
    (3, re.compile(r"[A-Za-z0-9_-]+")),
    (1, re.compile(r"[0-9a-f]+")),
    (2, re.compile(r"[0-9A-F]+")),
    (0, re.compile(r"[0-9]+")),
)


class NotCompressed(ValueError):
    """The segment is not a compressed Digital Link of the keys answered here."""


def length_bits(maximum: int) -> int:
    return math.ceil(math.log(maximum) / math.log(2) + 0.01)


def value_bits(digits: int) -> int:
    return math.ceil(digits * math.log(10) / math.log(2) + 0.01)


class Bits:
    def __init__(self, text: str):
        self.text, self.at = text, 0

    def take(self, count: int) -> int:
        if self.at + count > len(self.text):
            raise NotCompressed("the bits end in the middle of a value")
        chunk = self.text[self.at:self.at + count]
        self.at += count
        return int(chunk, 2) if chunk else 0

    def left(self) -> int:
        return len(self.text) - self.at


def characters(bits: Bits, encoding: int, count: int) -> str:
    if encoding == 0:
        return str(bits.take(value_bits(count)))  # the prototype drops leading zeros here; so do we
    if encoding in (1, 2):
        text = "".join(HEX[bits.take(4)] for _ in range(count))
        return text.lower() if encoding == 1 else text
    if encoding == 3:
        return "".join(ALPHABET[bits.take(6)] for _ in range(count))
    if encoding == 4:
        return "".join(chr(bits.take(7)) for _ in range(count))
    raise NotCompressed(f"unknown character encoding {encoding}")


def read_value(bits: Bits, key: str) -> str:
    if key in FIXED_DIGITS:
        return str(bits.take(value_bits(FIXED_DIGITS[key]))).zfill(FIXED_DIGITS[key])
    encoding = bits.take(3)
    count = bits.take(length_bits(VARIABLE_MAX[key]))
    return characters(bits, encoding, count)


def decompress_keys(segment: str) -> dict[str, str]:
    """{AI: value} of a compressed segment, e.g. {"01": "06920000123452"}."""
    if not COMPRESSED_RE.fullmatch(segment or ""):
        raise NotCompressed("not a compressed segment")
    bits = Bits("".join(format(ALPHABET.index(c), "06b") for c in segment))
    found: dict[str, str] = {}
    while bits.left() > 8:
        code = f"{bits.take(4):X}{bits.take(4):X}"
        if code in FIXED_DIGITS or code in VARIABLE_MAX:
            keys = (code,)
        elif code in OPTIMISED:
            keys = OPTIMISED[code]
        else:
            raise NotCompressed(f"key {code} is not one this resolver answers")
        for key in keys:
            if key in found:
                raise NotCompressed(f"key {key} twice")
            found[key] = read_value(bits, key)
    if "01" not in found:
        raise NotCompressed("no GTIN")
    return found


def decompress(segment: str) -> str:
    """The uncompressed Digital Link path, e.g. /01/06920000123452/10/YY-P25-000123."""
    found = decompress_keys(segment)
    return "".join(f"/{key}/{quote(found[key], safe='')}" for key in ORDER if key in found)


# -- compression (the inverse; for tests and for printing short codes) ---------------------------


def encode_value(key: str, value: str) -> str:
    if key in FIXED_DIGITS:
        return format(int(value), f"0{value_bits(FIXED_DIGITS[key])}b")
    encoding = next(number for number, pattern in reversed(ENCODINGS) if pattern is None or pattern.fullmatch(value))
    head = format(encoding, "03b") + format(len(value), f"0{length_bits(VARIABLE_MAX[key])}b")
    if encoding == 0:
        return head + format(int(value), f"0{value_bits(len(value))}b")
    if encoding in (1, 2):
        return head + "".join(format(HEX.index(c), "04b") for c in value.upper())
    if encoding == 3:
        return head + "".join(format(ALPHABET.index(c), "06b") for c in value)
    return head + "".join(format(ord(c), "07b") for c in value)


def compress_keys(keys: dict[str, str], optimise: bool = True) -> str:
    """The compressed segment for {AI: value} (AIs 01, 10, 21)."""
    remaining = [key for key in ORDER if key in keys]
    bits = ""
    if optimise:
        for code, sequence in OPTIMISED.items():
            if all(key in remaining for key in sequence):
                bits += "".join(format(int(c, 16), "04b") for c in code)
                bits += "".join(encode_value(key, keys[key]) for key in sequence)
                remaining = [key for key in remaining if key not in sequence]
                break
    for key in remaining:
        bits += "".join(format(int(c), "04b") for c in key) + encode_value(key, keys[key])
    bits += "0" * (-len(bits) % 6)
    return "".join(ALPHABET[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6))
