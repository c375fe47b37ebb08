"""A lot's QR code and its 50 x 30 mm label: the code decodes (zxing-cpp, as a
phone would read it) to the lot's address on the public base URL, and only
those with full access to the lot may print it."""

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from .. import chain
from ..chain import KG, db_session
from ..pdftools import fonts_of, info_of, page_size_pts, rasterize, text_of

BASE = "https://trace.example.cn"  # the tests' PUBLIC_BASE_URL (tests/conftest.py)
QR_BASE = "HTTPS://TRACE.EXAMPLE.CN/L"  # as a lot's QR code carries it: capitals, for QR alphanumeric mode
MM = 72 / 25.4  # points per millimetre


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def lots(app, world):
    """A fruit lot of coop's, and a seed lot made from it shipped to and
    received by the processor (who so holds something made from the fruit)."""
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
        seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, 600 * KG)], seed=150 * KG, husk=200 * KG)
        chain.ship(session, world, lot=seed, to="processor")
        chain.receive(session, world, lot=chain.lot_by_code(session, seed.code), weighed=150 * KG)
        return {"fruit": fruit.code, "seed": seed.code}


def decoded(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image) if barcode.format == zxingcpp.BarcodeFormat.QRCode]


def svg_as_image(svg: bytes, scale: int = 8) -> Image.Image:
    """Paint the SVG's module rectangles (qrcode's path: M x,y H x2 V y2 H x z)
    on white, so that the SVG itself is what gets decoded."""
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    image = Image.new("L", (int(width * scale), int(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    squares = 0
    for path in root.iter("{http://www.w3.org/2000/svg}path"):
        for x, y, x2, y2 in re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", path.get("d")):
            draw.rectangle([float(x) * scale, float(y) * scale, float(x2) * scale - 1, float(y2) * scale - 1], fill=0)
            squares += 1
    assert squares > 100, "no QR modules found in the SVG's paths"
    return image


def test_the_qr_png_decodes_to_the_lots_public_address(app, auth, world, lots):
    auth.login("coop")
    for code in lots.values():  # the fruit it made, the seed it shipped away: both its own past or present
        response = auth.client.get(f"/l/{code}/qr.png")
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert decoded(Image.open(io.BytesIO(response.data))) == [f"{QR_BASE}/{code}"]
    # a code typed in lower case (or scanned as the full address) finds the lot; the QR carries its canonical code
    response = auth.client.get(f"/l/{lots['fruit'].lower()}/qr.png")
    assert decoded(Image.open(io.BytesIO(response.data))) == [f"{QR_BASE}/{lots['fruit']}"]


def test_the_qr_svg_is_an_svg_of_the_same_address(app, auth, world, lots):
    auth.login("coop")
    response = auth.client.get(f"/l/{lots['fruit']}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert decoded(svg_as_image(response.data)) == [f"{QR_BASE}/{lots['fruit']}"]


def test_the_bureau_may_print_any_lots_code(app, auth, world, lots):
    auth.login("bureau")
    response = auth.client.get(f"/l/{lots['fruit']}/qr.png")
    assert response.status_code == 200
    assert decoded(Image.open(io.BytesIO(response.data))) == [f"{QR_BASE}/{lots['fruit']}"]


@pytest.mark.parametrize("document", ["qr.png", "qr.svg", "label.pdf"])
def test_codes_and_labels_need_full_access_to_the_lot(app, client, auth, world, lots, document):
    anonymous = client.get(f"/l/{lots['fruit']}/{document}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    auth.login("processor2")  # nothing to do with either lot
    assert auth.client.get(f"/l/{lots['fruit']}/{document}").status_code == 403
    assert auth.client.get(f"/l/{lots['seed']}/{document}").status_code == 403

    auth.login("processor")  # holds the seed; may read the fruit's origin, not print its code
    assert auth.client.get(f"/l/{lots['seed']}/{document}").status_code == 200
    assert auth.client.get(f"/l/{lots['fruit']}/{document}").status_code == 403

    auth.login("coop")
    assert auth.client.get(f"/l/YY-H25-999999/{document}").status_code == 404


def label(auth, code: str) -> bytes:
    response = auth.client.get(f"/l/{code}/label.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_the_label_is_one_page_of_50_by_30_mm_with_embedded_fonts(app, auth, world, lots, tmp_path):
    auth.login("coop")
    pdf = label(auth, lots["fruit"])
    info = info_of(pdf, tmp_path)
    assert info["Pages"] == "1"
    width, height = page_size_pts(info)
    assert width == pytest.approx(50 * MM, abs=0.05) and height == pytest.approx(30 * MM, abs=0.05)
    assert (round(width, 2), round(height, 2)) == (141.73, 85.04)
    fonts = fonts_of(pdf, tmp_path)
    assert fonts and all(font["emb"] == "yes" for font in fonts), [f["line"] for f in fonts]
    assert not any("Helvetica" in font["line"] for font in fonts)


def test_the_labels_qr_decodes_when_printed_at_300_dpi(app, auth, world, lots, tmp_path):
    auth.login("coop")
    [page] = rasterize(label(auth, lots["fruit"]), tmp_path, 300)
    with Image.open(page) as image:
        assert abs(image.width - 591) <= 1 and abs(image.height - 354) <= 1  # 50 x 30 mm at 300 dpi
        assert decoded(image) == [f"{QR_BASE}/{lots['fruit']}"]


def test_the_label_text_carries_the_lot_code(app, auth, world, lots, tmp_path):
    auth.login("coop")
    for code in lots.values():
        text = text_of(label(auth, code), tmp_path, f"{code}.pdf")
        assert code in text, text
    auth.login("processor")
    text = text_of(label(auth, lots["seed"]), tmp_path, "seed-at-processor.pdf")
    assert lots["seed"] in text and "150 kg" in text


# --- QR alphanumeric mode (codes.lot_qr_payload) ---------------------------------------------

def version_read(image: Image.Image) -> tuple[str, int]:
    """The text and the symbol version zxing reads in `image` (one QR code)."""
    [barcode] = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    return barcode.text, int(barcode.extra["Version"])


def test_on_the_default_base_url_the_lot_label_s_qr_is_alphanumeric_and_a_version_smaller(app, app_with_base, world,
                                                                                           lots, tmp_path):
    from oilchain.documents import qr
    from ..conftest import AuthActions

    default = app_with_base("http://127.0.0.1:5000")  # PUBLIC_BASE_URL when none is set (config.bind_base_url)
    auth = AuthActions(default.test_client())
    auth.login("coop")
    code = lots["fruit"]
    payload = f"HTTP://127.0.0.1:5000/L/{code}"
    [page] = rasterize(label(auth, code), tmp_path, 300)
    with Image.open(page) as image:
        assert version_read(image) == (payload, 2)
    assert qr.symbol(payload) == qr.Symbol(2, 25, ("alphanumeric",))
    assert qr.symbol(f"http://127.0.0.1:5000/l/{code}").version == 3  # as it was encoded before: byte mode
    png = auth.client.get(f"/l/{code}/qr.png")
    assert version_read(Image.open(io.BytesIO(png.data))) == (payload, 2)


def test_the_upper_case_lot_address_opens_the_lot_and_scans_into_the_receive_form(app, auth, world, lots):
    seed = lots["seed"]
    alias = auth.client.get(f"/L/{seed}")
    assert alias.status_code == 301 and alias.headers["Location"] == f"/l/{seed}"
    assert auth.client.get(f"/L/{seed.lower()}").headers["Location"] == f"/l/{seed}"
    auth.login("processor")
    assert seed in auth.client.get(f"/L/{seed}", follow_redirects=True).get_data(as_text=True)
    for scanned in (f"{QR_BASE}/{seed}", f"{BASE}/l/{seed}", f"{QR_BASE.lower()}/{seed.lower()}"):
        response = auth.client.get("/processing/receive", query_string={"code": scanned})
        assert response.status_code == 200
        assert f'value="{seed}"' in response.get_data(as_text=True), scanned
