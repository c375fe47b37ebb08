"""The small demo's product photo: a bottle of camellia oil drawn with
Pillow (no file to ship, nothing to download), uploaded through the same
service as the processor's form (processing.photos), so it is checked and
made small as any upload is."""

import io

from PIL import Image, ImageDraw, ImageFont

OIL = (214, 160, 38)
GLASS = (236, 226, 190)
GREEN = (75, 107, 42)
CREAM = (246, 244, 234)


def bottle_png(width: int = 900, height: int = 900) -> bytes:
    """A bottle of oil on a table beside camellia leaves and a flower, as PNG."""
    image = Image.new("RGB", (width, height), CREAM)
    draw = ImageDraw.Draw(image)
    u = width / 100  # drawing units: 1/100 of the width
    draw.rectangle((0, height * 0.78, width, height), fill=(226, 214, 186))  # the table
    # Leaves and a flower, behind the bottle on the left.
    for cx, cy, angle in ((22, 62, -30), (30, 70, 20), (16, 72, -70)):
        leaf = Image.new("RGBA", (int(24 * u), int(10 * u)), (0, 0, 0, 0))
        ImageDraw.Draw(leaf).ellipse((0, 0, leaf.width - 1, leaf.height - 1), fill=(63, 110, 45, 255))
        leaf = leaf.rotate(angle, expand=True)
        image.paste(leaf, (int(cx * u - leaf.width / 2), int(cy * u - leaf.height / 2)), leaf)
    for dx, dy in ((0, -5), (5, 0), (0, 5), (-5, 0)):
        draw.ellipse(((24 + dx - 5) * u, (58 + dy - 5) * u, (24 + dx + 5) * u, (58 + dy + 5) * u), fill=(250, 250, 246),
                     outline=(220, 214, 200))
    draw.ellipse((21.5 * u, 55.5 * u, 26.5 * u, 60.5 * u), fill=(235, 190, 40))
    # The bottle: shoulders, body full of oil, neck and a green cap.
    left, right, top, bottom = 42 * u, 72 * u, 34 * u, 84 * u
    draw.rounded_rectangle((left, top, right, bottom), radius=5 * u, fill=GLASS, outline=(170, 150, 100), width=int(u / 2))
    draw.rounded_rectangle((left + 1.5 * u, top + 6 * u, right - 1.5 * u, bottom - 1.5 * u), radius=4 * u, fill=OIL)
    draw.polygon(((left + 4 * u, top + 1), (right - 4 * u, top + 1), (61 * u, 22 * u), (53 * u, 22 * u)), fill=GLASS)
    draw.rectangle((53 * u, 14 * u, 61 * u, 23 * u), fill=GLASS, outline=(170, 150, 100))
    draw.rounded_rectangle((52 * u, 8 * u, 62 * u, 16 * u), radius=u, fill=GREEN)
    draw.rectangle((left + 8 * u, top + 4 * u, left + 9.5 * u, bottom - 8 * u), fill=(245, 214, 120))  # light on the glass
    # The label.
    draw.rounded_rectangle((left + 3 * u, 52 * u, right - 3 * u, 72 * u), radius=2 * u, fill=(252, 250, 240))
    draw.rectangle((left + 3 * u, 52 * u, right - 3 * u, 56 * u), fill=GREEN)
    font = ImageFont.load_default(size=int(4.2 * u))
    small = ImageFont.load_default(size=int(2.6 * u))
    draw.text(((left + right) / 2, 62 * u), "YOUYANG", fill=GREEN, font=font, anchor="mm")
    draw.text(((left + right) / 2, 67.5 * u), "camellia oil", fill=(93, 103, 87), font=small, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
