"""A 50 x 30 mm lot label for a portable label printer: the lot's QR code
(vector) with its code and a few facts beside it."""

import io
import re
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas

from . import fonts, qr

LABEL_SIZE = (50 * mm, 30 * mm)


def lot_label(*, url: str, code: str, lines: list[str]) -> bytes:
    """One page, 50 x 30 mm. `lines` are short facts (kind, date, quantity, owner)."""
    font = fonts.register()
    out = io.BytesIO()
    page = pdfcanvas.Canvas(out, pagesize=LABEL_SIZE, initialFontName=font, initialFontSize=6)
    page.setTitle(code)
    width, height = LABEL_SIZE
    margin = 1.5 * mm
    qr_size = height - 2 * margin
    qr.draw(page, url, margin, margin, qr_size)
    x = margin * 2 + qr_size
    text_width = width - x - margin
    page.setFont(font, 7.5)
    page.drawString(x, height - margin - 7, fit(code, font, 7.5, text_width))
    page.setFont(font, 6)
    rows = [row for line in lines for row in wrap(line, font, 6, text_width)]
    room = int((height - 2 * margin - 14) // 7.5) + 1
    if len(rows) > room:
        rows = rows[: room - 1] + [fit(rows[room - 1] + rows[room], font, 6, text_width)]
    y = height - margin - 16
    for row in rows:
        page.drawString(x, y, row)
        y -= 7.5
    page.showPage()
    page.save()
    return out.getvalue()


WORD = re.compile(r"[A-Za-z0-9.\-_/:]+|\s+|.")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a line into rows that fit: between Chinese characters (which have
    no spaces to break at) and at spaces, never inside a Latin word or a code
    such as a credit code."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    rows, row = [], ""
    for piece in WORD.findall(text):
        if row and stringWidth(row + piece, font, size) > width:
            rows.append(row.rstrip())
            row = piece.lstrip()
        else:
            row += piece
    return rows + ([row] if row else [])


def fit(text: str, font: str, size: float, width: float) -> str:
    """Cut a line to the width, marking the cut with an ellipsis."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


@dataclass
class BottleLabel:
    url: str  # the bottle's GS1 Digital Link
    product: str
    lot: str
    serial: str
    lines: list[str]  # dates and the like, already formatted
    gi: str | None = None  # the GI mark area's text, when the lot is eligible


@dataclass
class Notice:
    """What the person at the printer must read first (a page of its own)."""

    title: str
    lines: list[str]


# A4, 3 columns x 7 rows of 70 x 42.3 mm labels (a common sheet size).
SHEET_COLUMNS, SHEET_ROWS = 3, 7
BOTTLE_QR = 20 * mm  # scans when printed at this size


def bottle_sheet(labels: list[BottleLabel], notice: Notice | None = None, progress=None) -> bytes:
    """A print-ready A4 sheet of bottle labels, 21 to a page: a vector QR code
    of 20 mm, the product, lot, serial and dates, and the GI mark area with
    the producer's credit code on labels that carry the mark. A `notice`
    comes first, on a page of its own, so no label sheet is spoiled by it.
    `progress(n)`, when given, is told after each page how many labels are drawn."""
    return _sheet(labels, SHEET_COLUMNS, SHEET_ROWS, _bottle_label, labels[0].lot if labels else "labels", notice, progress)


@dataclass
class SeedlingLabel:
    """One bundle's tag (the 标签 of 两证一签)."""

    url: str  # the label's verification page, in QR alphanumeric form
    code: str
    title: str
    lines: list[str]  # the bundle's quantity (printed larger), then variety, grade, nursery, documents, date: formatted


# A4, 2 columns x 5 rows of 105 x 59.4 mm tags: room for the documents' numbers.
SEEDLING_COLUMNS, SEEDLING_ROWS = 2, 5
SEEDLING_QR = 30 * mm


def seedling_sheet(labels: list[SeedlingLabel], title: str, progress=None) -> bytes:
    """A print-ready A4 sheet of seedling bundle labels, 10 to a page: a 30 mm
    vector QR code of the label's verification page, its code, and the facts."""
    return _sheet(labels, SEEDLING_COLUMNS, SEEDLING_ROWS, _seedling_label, title, None, progress)


def _sheet(labels, columns: int, rows: int, draw_one, title: str, notice: Notice | None, progress) -> bytes:
    """Labels in a grid on A4 pages, one page after another (bottle and seedling labels alike)."""
    font = fonts.register()
    out = io.BytesIO()
    page = pdfcanvas.Canvas(out, pagesize=A4, initialFontName=font, initialFontSize=7)
    page.setTitle(title)
    if notice is not None:
        _notice_page(page, font, notice)
    width, height = A4[0] / columns, A4[1] / rows
    per_page = columns * rows
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            page.showPage()
            if progress is not None:
                progress(index)
        slot = index % per_page
        x = (slot % columns) * width
        y = A4[1] - (slot // columns + 1) * height
        draw_one(page, font, label, x, y, width, height)
    page.showPage()
    page.save()
    if progress is not None:
        progress(len(labels))
    return out.getvalue()


def _seedling_label(page, font: str, label: SeedlingLabel, x: float, y: float, width: float, height: float) -> None:
    margin = 4 * mm
    # The cutting outline: a dotted frame inside the slot.
    page.saveState()
    page.setStrokeColorRGB(0.7, 0.7, 0.7)
    page.setLineWidth(0.3)
    page.setDash(1, 2)
    page.rect(x + 1.5 * mm, y + 1.5 * mm, width - 3 * mm, height - 3 * mm, stroke=1, fill=0)
    page.restoreState()
    qr_y = y + height - margin - SEEDLING_QR
    qr.draw(page, label.url, x + margin, qr_y, SEEDLING_QR)
    page.setFont(font, 8)
    page.drawString(x + margin, qr_y - 10, fit(label.code, font, 8, SEEDLING_QR + 6 * mm))
    text_x = x + margin * 2 + SEEDLING_QR
    text_width = x + width - margin - text_x
    top = y + height - margin - 11
    page.setFont(font, 12)
    for row in wrap(label.title, font, 12, text_width)[:2]:
        page.drawString(text_x, top, row)
        top -= 15
    bottom = y + margin
    for index, line in enumerate(label.lines):
        size = 10 if index == 0 else 8  # the bundle's quantity first, larger
        page.setFont(font, size)
        for row in wrap(line, font, size, text_width):
            if top < bottom:
                return
            page.drawString(text_x, top, row)
            top -= size * 1.3


def _notice_page(page, font: str, notice: Notice) -> None:
    margin = 20 * mm
    width = A4[0] - 2 * margin
    y = A4[1] - margin - 16
    page.setFont(font, 16)
    for row in wrap(notice.title, font, 16, width):
        page.drawString(margin, y, row)
        y -= 22
    page.setFont(font, 11)
    for line in notice.lines:
        y -= 6
        for row in wrap(line, font, 11, width):
            page.drawString(margin, y, row)
            y -= 16
    page.showPage()


def _bottle_label(page, font: str, label: BottleLabel, x: float, y: float, width: float, height: float) -> None:
    margin = 3 * mm
    qr.draw(page, label.url, x + margin, y + height - margin - BOTTLE_QR, BOTTLE_QR)
    text_x = x + margin * 2 + BOTTLE_QR
    text_width = x + width - margin - text_x
    top = y + height - margin - 8
    page.setFont(font, 8)
    for row in wrap(label.product, font, 8, text_width)[:2]:
        page.drawString(text_x, top, row)
        top -= 9.5
    page.setFont(font, 6.5)
    for row in [label.lot, label.serial] + label.lines:
        page.drawString(text_x, top, fit(row, font, 6.5, text_width))
        top -= 8
    if label.gi:
        box_y = y + margin
        page.saveState()
        page.setStrokeColorRGB(0.29, 0.42, 0.16)
        page.roundRect(x + margin, box_y, width - 2 * margin, 11 * mm - margin * 2 + 2 * mm, 2, stroke=1, fill=0)
        page.restoreState()
        page.setFont(font, 6)
        rows = wrap(label.gi, font, 6, width - 2 * margin - 4)[:2]
        for i, row in enumerate(rows):
            page.drawString(x + margin + 2, box_y + 2 * mm + (len(rows) - 1 - i) * 7.5, row)
