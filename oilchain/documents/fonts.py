"""The one font every PDF uses: WenQuanYi Micro Hei, TrueType outlines with
Latin and CJK glyphs, embedded (subset) in each document."""

from pathlib import Path

from reportlab.graphics import shapes
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "WQYMicroHei"
FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"


def register() -> str:
    """Register the font with reportlab once; returns its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
        # Charts start each drawing in reportlab's default font (Helvetica,
        # not embedded); ours is the only font our documents use.
        shapes.STATE_DEFAULTS["fontName"] = FONT
    return FONT
