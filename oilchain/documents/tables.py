"""The one table builder of every PDF (reportlab): column widths measured
from the content in the font the table is set in, numbers that never wrap,
headings that wrap only at their break points, and the page orientation and
font size a document's tables need to fit.

Break points. A heading breaks at a space, after a hyphen inside a Latin
word and at a zero-width space (U+200B, Unicode's break opportunity), and
nowhere else: a run of Chinese characters is kept whole, as CSS's
`word-break: keep-all` keeps it. Chinese headings mark their breaks between
words in their translation ("良种苗木\u200b繁育量"), where the translator knows
the words; a dictionary segmenter would guess (jieba and jieba-rs both cut
良种苗木 as 良种苗 / 木). Body text (names) may also break between Chinese
characters, never inside a Latin word, a code or a number. Zero-width spaces
are never written to the page.

Cells are plain strings with the line breaks chosen here, so reportlab never
wraps on its own: a number is one string on one line.
"""

import re
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Table, TableStyle

PALE = colors.HexColor("#efede2")
RULE = colors.HexColor("#d8d4c4")
BREAK = "\u200b"
PAD = 4  # points of padding left and right of each cell
LEADING = 1.3  # line height over font size

# A cell that is a figure: a number with grouping, a sign or a currency
# before it and a short unit or a percent after it, a date, a range, or the dash.
NUMBER = re.compile(r"^(?:[¥$+\-−]?\d[\d,.:/\-–]*(?:\s?[^\s\d]{1,6})?|—|-)$")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# Body text: a Chinese character (with closing punctuation kept on its line),
# or a run of anything else up to a space or a Chinese character.
BODY_PIECE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff][\uff09\uff0c\u3001\u3002\uff1a\uff1b)]*|[^\s\u200b\u2e80-\u9fff\uf900-\ufaff]+")

# The stated order of fallbacks when a document's tables do not fit the page:
# first a smaller font in portrait, down to SMALLEST_PORTRAIT; then landscape
# from each table's own size down to SMALLEST.
STEP = 0.5
SMALLEST_PORTRAIT = 7.0
SMALLEST = 6.0
SHORT_NAME = 6  # ems: a text cell this short is never wrapped


def _clean(text: str) -> str:
    return text.replace(BREAK, "")


def heading_words(text: str) -> list[tuple[str, str]]:
    """(glue, word) pairs: the glue is what stands between the word and the
    one before it when both share a line (" " after a space, "" after a
    zero-width space or a hyphen); a line may start at any word."""
    words, glue = [], ""
    for i, chunk in enumerate(re.split(r"(\s+|\u200b)", text)):
        if i % 2:  # a separator
            glue = "" if chunk == BREAK and glue == "" else " "
            continue
        for j, part in enumerate(p for p in re.split(r"(?<=[A-Za-z]-)(?=[A-Za-z])", chunk) if p):
            words.append(("" if j else glue if words else "", part))
            glue = ""
    return words


def body_words(text: str) -> list[tuple[str, str]]:
    words, last = [], 0
    for match in BODY_PIECE.finditer(text):
        gap = text[last : match.start()]
        words.append((" " if words and gap.strip(BREAK) else "", match.group()))
        last = match.end()
    return words


def wrap(words: list[tuple[str, str]], font: str, size: float, width: float) -> list[str]:
    """Greedy lines of `words` no wider than `width` (a word wider than the
    width has a line of its own)."""
    lines, line = [], ""
    for glue, word in words:
        candidate = line + glue + word if line else word
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines or [""]


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


@dataclass
class Plan:
    """The widths of one table at one size, or why it does not fit."""

    widths: list[float]
    numeric: list[bool]
    fits: bool


def is_figure(cell: str) -> bool:
    return bool(NUMBER.match(cell.strip())) or (bool(cell) and not CJK.search(cell) and not re.search(r"\s", cell.strip()))


def plan(header: list[str], rows: list[list[str]], font: str, size: float, width: float) -> Plan:
    """Column widths for `width` points: a figure column (numbers, dates,
    codes: cells that must not wrap) at least its widest cell, every column
    at least its heading's widest word; text columns share what is left up to
    their widest cell, then headings get room to stand on one line, then any
    width left is spread evenly over all columns."""
    n = len(header)
    columns = [[_clean(str(row[c])) for row in rows] for c in range(n)]
    numeric = [bool(rows) and all(is_figure(cell) for cell in column if cell) for column in columns]
    head_min = [max((_width(w, font, size) for _g, w in heading_words(h)), default=0) + 2 * PAD for h in header]
    head_full = [_width(" ".join(_clean(header[c]).split()), font, size) + 2 * PAD for c in range(n)]
    full = [max((_width(cell, font, size) for cell in column), default=0) + 2 * PAD for column in columns]
    least = []
    for c in range(n):
        if numeric[c]:
            least.append(max(full[c], head_min[c]))
        else:
            word = max((_width(w, font, size) for cell in columns[c] for _g, w in body_words(cell)), default=0) + 2 * PAD
            # a short name (up to SHORT_NAME em) stays on one line
            least.append(max(word, head_min[c], min(full[c], SHORT_NAME * size + 2 * PAD)))
    widths = list(least)
    if sum(widths) > width + 0.01:
        return Plan(widths, numeric, False)

    def grow(targets: list[float], which: list[int]):
        room = width - sum(widths)
        wants = {c: targets[c] - widths[c] for c in which if targets[c] > widths[c]}
        total = sum(wants.values())
        if room <= 0 or total <= 0:
            return
        share = min(1.0, room / total)
        for c, want in wants.items():
            widths[c] += want * share

    text = [c for c in range(n) if not numeric[c]]
    grow(full, text)
    grow(head_full, list(range(n)))
    room = width - sum(widths)
    if room > 0:  # spread evenly: figures get air around them too
        widths = [w + room / n for w in widths]
    return Plan(widths, numeric, True)


def fitting_size(header, rows, font: str, size: float, width: float, smallest: float) -> float | None:
    """The largest size from `size` down to `smallest` (in half points) at
    which the table fits `width`, or None."""
    current = size
    while current >= smallest - 1e-9:
        if plan(header, rows, font, current, width).fits:
            return current
        current = round(current - STEP, 2)
    return None


@dataclass
class Spec:
    """A table to be laid out once the page's width is known."""

    header: list[str]
    rows: list[list[str]]
    size: float = 8.5


def choose_page(specs: list[Spec], font: str, margins: float) -> tuple[tuple[float, float], list[float]]:
    """The page size and each table's font size, in the stated order: A4
    portrait at each table's size or smaller down to 7 pt; else A4 landscape
    from each table's size down to 6 pt (and at 6 pt if even that is too
    wide: its text columns then take their least, numbers still unwrapped)."""
    portrait = A4
    sizes = [fitting_size(s.header, s.rows, font, s.size, portrait[0] - margins, min(SMALLEST_PORTRAIT, s.size)) for s in specs]
    if all(size is not None for size in sizes):
        return portrait, sizes
    wide = landscape(A4)
    sizes = [fitting_size(s.header, s.rows, font, s.size, wide[0] - margins, SMALLEST) or SMALLEST for s in specs]
    return wide, sizes


def data_table(spec: Spec, font: str, width: float, size: float | None = None) -> Table:
    """The table at `size` (the spec's own by default) across `width` points,
    its heading row repeated on every page."""
    size = size or spec.size
    laid = plan(spec.header, spec.rows, font, size, width)
    widths, numeric = laid.widths, laid.numeric
    header = ["\n".join(wrap(heading_words(h), font, size, widths[c] - 2 * PAD)) for c, h in enumerate(spec.header)]
    body = [
        [_clean(str(cell)) if numeric[c] else "\n".join(wrap(body_words(_clean(str(cell))), font, size, widths[c] - 2 * PAD))
         for c, cell in enumerate(row)]
        for row in spec.rows
    ]
    table = Table([header] + body, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font, size, size * LEADING),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    right = [bool(spec.rows) and all(NUMBER.match(_clean(str(row[c])).strip()) for row in spec.rows if row[c]) for c in range(len(widths))]
    style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in range(len(widths)) if right[c]]
    table.setStyle(TableStyle(style))
    return table


def keep_with_first_rows(table: Table, heading_height: float, width: float, rows: int = 3) -> CondPageBreak:
    """A page break when less than the heading, the table's heading row and
    its first `rows` rows is left on the page, so that a heading never
    stands alone at a page's foot."""
    table.wrap(width, 10**6)
    needed = heading_height + sum(table._rowHeights[: rows + 1])
    return CondPageBreak(needed)


def grid(cells: list[list], width: float, font: str) -> Table:
    """A layout grid (the report's small multiples): equal columns, no rules."""
    columns = max(len(row) for row in cells)
    table = Table(cells, colWidths=[width / columns] * columns)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table
