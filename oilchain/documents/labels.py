"""A 50 x 30 mm lot label for a portable label printer: the lot's QR code
(vector) with its code and a few facts beside it."""

import io

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


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a line into rows that fit, between any two characters (Chinese
    has no spaces to break at)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    rows, row = [], ""
    for char in text:
        if row and stringWidth(row + char, font, size) > width:
            rows.append(row)
            row = char.lstrip()
        else:
            row += char
    return rows + ([row] if row else [])


def fit(text: str, font: str, size: float, width: float) -> str:
    """Cut a line to the width, marking the cut with an ellipsis."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
