"""QR codes: PNG and SVG files, and the module matrix for vector drawing.

qrcode picks each segment's mode from its characters: a payload of digits,
capitals and ` $%*+-./:` only is one alphanumeric segment (5.5 bits a
character against byte mode's 8), which is why URLs are encoded as
codes.qr_payload gives them (scheme and host in capitals)."""

import io
from typing import NamedTuple

import qrcode
from qrcode.image.svg import SvgPathImage
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, MODE_KANJI, MODE_NUMBER

QUIET_ZONE = 4  # modules of white around the symbol that readers need (ISO/IEC 18004)
MODE_NAMES = {MODE_NUMBER: "numeric", MODE_ALPHA_NUM: "alphanumeric", MODE_8BIT_BYTE: "byte", MODE_KANJI: "kanji"}


def _code(data: str, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


class Symbol(NamedTuple):
    version: int  # 1..40
    modules: int  # per side, without the quiet zone
    modes: tuple[str, ...]  # the segments' modes, in order


def symbol(data: str) -> Symbol:
    """The symbol `data` is encoded as (at error correction level M, as every code here)."""
    code = _code(data, border=0)
    return Symbol(code.version, code.modules_count, tuple(MODE_NAMES[segment.mode] for segment in code.data_list))


def png(data: str, box_size: int = 8, border: int = 4) -> bytes:
    code = _code(data, border)
    code.box_size = box_size
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return out.getvalue()


def svg(data: str, border: int = 4) -> bytes:
    code = _code(data, border)
    out = io.BytesIO()
    code.make_image(image_factory=SvgPathImage).save(out)
    return out.getvalue()


def matrix(data: str) -> list[list[bool]]:
    """Dark modules, row by row, without the quiet zone."""
    return _code(data, border=0).get_matrix()


def draw(canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code as vector rectangles (one per run of dark modules in a
    row) with its lower-left corner at (x, y), `size` points square. The runs
    are written in module units under one scaling, as a single filled path:
    whole numbers, and far fewer PDF operators than a rectangle each."""
    rows = matrix(data)
    module = size / len(rows)
    runs = []
    for r, row in enumerate(rows):
        c, width = 0, len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                runs.append(f"{start} {r} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, -module, x, y + size)  # module units, rows downward from the top
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()
