"""Files people download: CSV tables that spreadsheet programs open safely,
and the Content-Disposition that names them. One place for both, used by
every download (web.csv_response, web.document, `oilchain labels`).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
(after any spaces) would be read by Excel, WPS or LibreOffice as a formula
(`=HYPERLINK(...)` in a buyer's name), so it is written with a leading `'`,
which those programs show as text. Numbers stay numbers: an int or Decimal
cell, and a text cell that is exactly a decimal number (`-5`, `-0.250`, as
the reports write their figures), are written as they are, since a
spreadsheet reads them as that number and nothing else.
"""

import csv
import io
import re
import unicodedata
from decimal import Decimal
from urllib.parse import quote

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
BOM = "\ufeff"  # the byte-order mark Excel needs to read Chinese as UTF-8


def safe_cell(value):
    """A cell as a spreadsheet should take it: text that could start a formula
    gets a leading `'`; numbers and other text are left alone."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(handle, header, rows) -> None:
    writer = csv.writer(handle)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)


def csv_text(header, rows) -> str:
    """A table as CSV text, with the byte-order mark spreadsheet programs need."""
    out = io.StringIO()
    out.write(BOM)
    write_csv(out, header, rows)
    return out.getvalue()


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266: a quoted ASCII `filename` for old clients and the exact name
    as UTF-8 in `filename*`. Nothing of the name can end the header value
    or add a parameter."""
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C") or "download"
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in name)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
