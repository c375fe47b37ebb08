"""QR codes: PNG and SVG files, and the module matrix for vector drawing."""

import io

import qrcode
from qrcode.image.svg import SvgPathImage


def _code(data: str, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


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
