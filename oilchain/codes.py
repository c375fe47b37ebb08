"""Identifiers: lot codes, GS1 check digits (GTIN-14, GLN), keyed consumer
serials, and the counters behind them."""

import base64
import hashlib
import hmac
import re

from sqlalchemy import update
from sqlmodel import Session

from .db import insert_for
from .ledger.models import LOT_CODE_LETTERS, Sequence

LOT_CODE_RE = re.compile(r"YY-[A-Z][0-9]{2}-[0-9]{6}")
SERIAL_DIGITS = 8
CHECK_LENGTH = 4
# ASCII digits only: \d would also take full-width and other Unicode digits.
SERIAL_RE = re.compile(r"^([0-9]{%d})([A-Z2-7]{%d})$" % (SERIAL_DIGITS, CHECK_LENGTH))


def allocate(session: Session, name: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers of counter `name`; return the first.

    One UPDATE ... RETURNING takes the row lock on PostgreSQL and the write
    lock on SQLite, so two requests never get the same numbers."""
    session.execute(
        insert_for(session, Sequence).values(name=name, next_value=1).on_conflict_do_nothing(index_elements=["name"])
    )
    after = session.execute(
        update(Sequence)
        .where(Sequence.name == name)
        .values(next_value=Sequence.next_value + count)
        .returning(Sequence.next_value)
    ).scalar_one()
    return after - count


def lot_series(kind: str, year: int) -> str:
    """The counter a lot's code is numbered from: one per kind letter and year."""
    return f"lot:{LOT_CODE_LETTERS[kind]}{year % 100:02d}"


def lot_code(kind: str, year: int, number: int) -> str:
    """The lot code format (YY-H25-000123), for the app and the county data alike."""
    return f"YY-{LOT_CODE_LETTERS[kind]}{year % 100:02d}-{number:06d}"


def new_lot_code(session: Session, kind: str, year: int) -> str:
    return lot_code(kind, year, allocate(session, lot_series(kind, year)))


def normalize_lot_code(raw: str) -> str:
    """What a scanner or a person typed -> a lot code: the bare code or the
    lot's full URL (`/l/` or, as its QR code carries it, `/L/`), any case,
    stray spaces dropped."""
    value = (raw or "").strip()
    parts = LOT_PATH_RE.split(value)
    if len(parts) > 1:
        value = parts[-1]
    return value.strip().strip("/").upper()


LOT_PATH_RE = re.compile(r"/l/", re.IGNORECASE)


def qr_payload(url: str) -> str:
    """What a QR code carries for `url`: the scheme and host in capitals
    (both are case-insensitive; GS1 Digital Link allows it), the path as it
    is. Bottle paths and lot codes are digits, capitals and `-/`, so the
    whole payload fits QR alphanumeric mode and the symbol is smaller."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme.upper()}://{host.upper()}{slash}{path}"


def lot_qr_payload(base_url: str, code: str = "") -> str:
    """A lot's QR payload: its URI with the upper-case alias of the lot path,
    `/L/` (answered as `/l/` is, trace.views.lot_alias). Without `code`:
    the prefix a lot code is appended to (the field app's QR codes)."""
    return qr_payload(f"{base_url}/L/{code}")


def is_lot_code(code: str) -> bool:
    return bool(LOT_CODE_RE.fullmatch(code or ""))


def gtin_check_digit(first13: str) -> int:
    """GS1's mod-10 check digit of a key's digits before it (any GS1 key:
    the 13 of a GTIN-14, the 12 of a GLN): weights 3 and 1 from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first13)))
    return (10 - total % 10) % 10


def is_valid_gtin(gtin: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{14}", gtin or "")) and gtin_check_digit(gtin[:13]) == int(gtin[13])


def is_valid_gln(gln: str) -> bool:
    """A GS1 Global Location Number: 13 ASCII digits, the last GS1's check digit."""
    return bool(re.fullmatch(r"[0-9]{13}", gln or "")) and gtin_check_digit(gln[:12]) == int(gln[12])


def keyed_check(key: str, message: str, length: int) -> str:
    """The first `length` base32 letters of the message's HMAC-SHA256 under the serial key."""
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:length]


def serial_check(key: str, gtin: str, lot_code: str, number: int) -> str:
    return keyed_check(key, f"{gtin}|{lot_code}|{number}", CHECK_LENGTH)


def serial_text(key: str, gtin: str, lot_code: str, number: int) -> str:
    """GS1 AI 21: the sequence number then its keyed check code, e.g. 00012345K7QZ."""
    return f"{number:0{SERIAL_DIGITS}d}{serial_check(key, gtin, lot_code, number)}"


def parse_serial(key: str, gtin: str, lot_code: str, serial: str) -> int | None:
    """The sequence number of a genuine serial, or None when the check code
    does not match (guessed or altered)."""
    match = SERIAL_RE.fullmatch(serial or "")
    if not match:
        return None
    number = int(match.group(1))
    expected = serial_check(key, gtin, lot_code, number)
    return number if hmac.compare_digest(expected, match.group(2)) else None


# A seedling bundle's label (苗木标签): its dispatch, its bundle number and the
# plants a bundle of that grade held when it was printed, then a keyed check.
# The check's message starts with a purpose label, so it can never equal a
# bottle serial's (whose message starts with a 14-digit GTIN).
SEEDLING_PURPOSE = "seedling-label"
SEEDLING_CHECK_LENGTH = 6
# The dispatch id has at most 9 digits: inside a 32-bit integer column.
SEEDLING_RE = re.compile(r"^([1-9][0-9]{0,8})-([1-9][0-9]{0,5})-([1-9][0-9]{0,5})-([A-Z2-7]{%d})$" % SEEDLING_CHECK_LENGTH)


def seedling_check(key: str, dispatch_id: int, bundle: int, per_bundle: int) -> str:
    return keyed_check(key, f"{SEEDLING_PURPOSE}|{dispatch_id}|{bundle}|{per_bundle}", SEEDLING_CHECK_LENGTH)


def seedling_code(key: str, dispatch_id: int, bundle: int, per_bundle: int) -> str:
    """e.g. 123-7-50-K7QZAB: only digits, upper-case letters and '-' (QR alphanumeric mode)."""
    return f"{dispatch_id}-{bundle}-{per_bundle}-{seedling_check(key, dispatch_id, bundle, per_bundle)}"


def parse_seedling_code(key: str, code: str) -> tuple[int, int, int] | None:
    """(dispatch id, bundle, plants per bundle) of a genuine label code, or
    None when it is malformed or its check does not match (guessed or altered)."""
    match = SEEDLING_RE.fullmatch((code or "").strip().upper())
    if not match:
        return None
    dispatch_id, bundle, per_bundle = (int(match.group(i)) for i in (1, 2, 3))
    expected = seedling_check(key, dispatch_id, bundle, per_bundle)
    return (dispatch_id, bundle, per_bundle) if hmac.compare_digest(expected, match.group(4)) else None
