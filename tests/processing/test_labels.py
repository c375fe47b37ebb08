"""Bottle labels of a product lot's serial range: the A4 sheet (21 labels a
page, a 20 mm vector QR code of each bottle's GS1 Digital Link, the GI mark
area with the producer's credit code when the lot is eligible) read back
with poppler and zxing, and the same data as CSV; over HTTP and from the
`oilchain labels` command."""

import csv
import io
import math
import re
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from oilchain import codes
from oilchain.auth.models import Organization
from oilchain.gi import services as gi
from oilchain.lab import LabValues
from oilchain.processing.labels import CSV_HEADER
from oilchain.processing.models import ProductLot
from oilchain.public.services import bottle_url

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..pdftools import fonts_of, info_of, page_size_pts, rasterize, text_of

KEY = "test-serial-key"  # the app fixture's SERIAL_KEY
BASE = "https://trace.example.cn"  # the app fixture's PUBLIC_BASE_URL
CREDIT = "91500242MA5U8X7K3Q"
GI_NAME = "酉阳山茶油"
PER_PAGE = 21
A4_PTS = (595.28, 841.89)


@pytest.fixture
def bottled(app, world):
    """The standard chain (1,000 bottles); its processor has a credit code on record."""
    with db_session(app) as session:
        org = session.get(Organization, world.orgs["processor"].id)
        org.credit_code = CREDIT
        session.add(org)
        session.commit()
        built = chain.full_chain(session, world)
        serials = session.get(ProductLot, built.product_lot.id)
        return built, serials.serial_first, serials.serial_last


def make_eligible(app, world, marks_for: tuple[str, int] | None = None):
    """The GI defined and the processor authorized; `marks_for` (lot code,
    units) has the bureau issue that many marks for the lot."""
    bureau = world.actors["bureau"]
    with db_session(app) as session:
        gi.save_definition(session, actor=bureau, name=GI_NAME, registration="AGI2021-01234", specification="",
                           limits=LabValues(acid_value=1_000, peroxide_value=250, moisture=100),
                           township_ids=[chain.township_id(session, "麻旺镇")])
        gi.authorize(session, actor=bureau, org_id=world.orgs["processor"].id, authorized_on=date(2025, 1, 1))
        session.commit()
        if marks_for:
            gi.issue_marks(session, actor=bureau, lot_code=marks_for[0], units=marks_for[1], issued_on=chain.SOLD_ON)
            session.commit()


def urls(gtin: str, lot: str, first: int, last: int) -> list[str]:
    """The bottles' Digital Links as their QR codes carry them (scheme and host in capitals)."""
    return [codes.qr_payload(bottle_url(BASE, KEY, gtin, lot, n)) for n in range(first, last + 1)]


def decoded_pages(pdf: bytes, directory: Path, dpi: int = 300) -> list[list[str]]:
    """The QR codes of each page rendered at `dpi`, as zxing reads them."""
    pages = []
    for png in rasterize(pdf, directory, dpi, name="labels.pdf"):
        found = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
        pages.append([code.text for code in found])
    return pages


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_a4_sheet_scans_to_exactly_the_bottles_of_the_range(app, client, auth, bottled, tmp_path):
    built, lot_first, lot_last = bottled
    gtin, code = built.product.gtin, built.product_lot.code
    first, last = lot_first + 5, lot_first + 27  # 23 labels: a full page and two more
    count = last - first + 1
    client.set_cookie("lang", "en")
    auth.login("processor")
    response = client.get(f"/processing/lots/{code}/labels.pdf?first={first}&last={last}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data

    info = info_of(pdf, tmp_path, "labels.pdf")
    assert int(info["Pages"]) == math.ceil(count / PER_PAGE) == 2
    width, height = page_size_pts(info)
    assert (round(width, 2), round(height, 2)) == A4_PTS
    fonts = fonts_of(pdf, tmp_path, "labels.pdf")
    assert fonts and all(font["emb"] == "yes" for font in fonts), fonts

    expected = urls(gtin, code, first, last)
    pages = decoded_pages(pdf, tmp_path)
    assert [len(p) for p in pages] == [PER_PAGE, count - PER_PAGE]
    assert set(pages[0]) == set(expected[:PER_PAGE]) and set(pages[1]) == set(expected[PER_PAGE:])

    text = text_of(pdf, tmp_path, "labels.pdf")
    for number in (first, last):
        assert codes.serial_text(KEY, gtin, code, number) in text
    assert code in text and "桃花源 压榨山茶油 500ml" in text
    assert CREDIT not in text and "GI product" not in text  # no GI defined: no mark area

    # Every code opens its genuine bottle's page.
    for url in expected:
        assert url.startswith(BASE.upper() + "/01/")
        page = client.get(url[len(BASE):])
        assert page.status_code == 200, url
        assert "Genuine code" in page.get_data(as_text=True)


def squeezed(text: str) -> str:
    """pdftotext's text without its line breaks and spaces (one label a sheet,
    so a wrapped line joins back in order)."""
    return re.sub(r"\s+", "", text)


def test_the_gi_mark_area_carries_the_credit_code_only_for_an_eligible_lot(app, client, auth, world, bottled, tmp_path):
    built, lot_first, _ = bottled
    code = built.product_lot.code
    client.set_cookie("lang", "en")
    auth.login("processor")

    def sheet_text(lot_code, name, first=None):
        query = "" if first is None else f"?first={first}&last={first}"
        response = client.get(f"/processing/lots/{lot_code}/labels.pdf{query}")
        assert response.status_code == 200
        return squeezed(text_of(response.data, tmp_path, name))

    def csv_gi(lot_code):
        response = client.get(f"/processing/lots/{lot_code}/labels.csv?first={lot_first}&last={lot_first + 2}")
        header, *rows = csv_rows(response.get_data(as_text=True))
        return [(row[header.index("gi_product")], row[header.index("credit_code")]) for row in rows]

    before = sheet_text(code, "before.pdf", lot_first)
    assert code in before and CREDIT not in before and "GIproduct" not in before
    assert csv_gi(code) == [("", "")] * 3
    make_eligible(app, world, marks_for=(code, 100))
    after = sheet_text(code, "eligible.pdf", lot_first)
    assert CREDIT in after and "GIproduct" in after and GI_NAME in after
    assert csv_gi(code) == [(GI_NAME, CREDIT)] * 3

    # A lot of the same processor that is not eligible (its oil has no quality test): no mark area.
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world, grams=2_000 * KG)
        seed, _ = chain.dry_hull(session, world, inputs=[(fruit, 2_000 * KG)], seed=500 * KG, husk=800 * KG)
        chain.ship(session, world, lot=seed)
        chain.receive(session, world, lot=seed, weighed=500 * KG)
        untested, _ = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), 500 * KG)],
                                  oil=125 * KG, cake=350 * KG)
        other = chain.bottle(session, world, oil=untested, made=built.product, units=1).code
    untested_text = sheet_text(other, "untested.pdf")
    assert other in untested_text and CREDIT not in untested_text and "GIproduct" not in untested_text
    assert csv_gi(code) == [(GI_NAME, CREDIT)] * 3  # the eligible lot is unchanged


def test_the_credit_code_is_printed_whole_on_every_label(app, client, auth, world, bottled, tmp_path):
    """An 18-character code broken over two lines cannot be read or checked
    at a glance: the mark area keeps it on one line, on each label."""
    built, lot_first, _ = bottled
    make_eligible(app, world, marks_for=(built.product_lot.code, 3))
    client.set_cookie("lang", "en")
    auth.login("processor")
    response = client.get(f"/processing/lots/{built.product_lot.code}/labels.pdf?first={lot_first}&last={lot_first + 2}")
    text = text_of(response.data, tmp_path, "three.pdf")
    assert text.count(CREDIT) == 3, text


def test_only_serials_inside_an_issued_range_carry_the_gi_mark_and_the_rest_is_said(app, client, auth, world, bottled,
                                                                                      tmp_path):
    """100 marks issued for a lot of 1,000: serials 95..105 print the mark on
    the first six only, and both the PDF's first page and the CSV say why the
    others have none."""
    built, lot_first, _ = bottled
    code = built.product_lot.code
    make_eligible(app, world, marks_for=(code, 100))
    client.set_cookie("lang", "en")
    auth.login("processor")
    first, last = lot_first + 94, lot_first + 104
    response = client.get(f"/processing/lots/{code}/labels.pdf?first={first}&last={last}")
    assert response.status_code == 200
    pages = text_of(response.data, tmp_path, "beyond.pdf").split("\f")
    notice = squeezed(pages[0])
    assert "Readbeforeprinting" in notice and CREDIT not in notice
    assert squeezed(f"GI marks were issued for serials {lot_first}–{lot_first + 99} only. 5 of the 11 labels") in notice
    assert pages[1].count(CREDIT) == 6  # serials 95..100 of the range 1..100
    header, *rows = csv_rows(client.get(f"/processing/lots/{code}/labels.csv?first={first}&last={last}")
                             .get_data(as_text=True))
    column = {name: i for i, name in enumerate(header)}
    marks = [(int(row[column["serial_number"]]), row[column["credit_code"]], row[column["gi_mark"]], row[column["gi_note"]])
             for row in rows]
    assert marks[:6] == [(n, CREDIT, "yes", "") for n in range(first, first + 6)]
    assert [(credit, mark) for _n, credit, mark, _note in marks[6:]] == [("", "no")] * 5
    assert {note for *_rest, note in marks[6:]} == {f"beyond the GI marks issued for this lot (serials {lot_first}–{lot_first + 99})"}
    assert len(marks) == 11
    # Within the issued range: no notice page, every label marked.
    inside = client.get(f"/processing/lots/{code}/labels.pdf?first={lot_first}&last={lot_first + 20}")
    inside_text = text_of(inside.data, tmp_path, "inside.pdf")
    assert "Read before printing" not in inside_text and inside_text.count(CREDIT) == 21


def test_the_csv_has_the_header_and_one_row_per_serial_with_the_same_urls(app, client, auth, bottled):
    built, lot_first, _ = bottled
    gtin, code = built.product.gtin, built.product_lot.code
    first, last = lot_first + 100, lot_first + 140
    auth.login("processor")
    response = client.get(f"/processing/lots/{code}/labels.csv?first={first}&last={last}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *rows = csv_rows(response.get_data(as_text=True))
    assert tuple(header) == CSV_HEADER
    assert len(rows) == last - first + 1
    column = {name: i for i, name in enumerate(header)}
    assert [row[column["url"]] for row in rows] == urls(gtin, code, first, last)
    assert [int(row[column["serial_number"]]) for row in rows] == list(range(first, last + 1))
    assert [row[column["serial"]] for row in rows] == [codes.serial_text(KEY, gtin, code, n) for n in range(first, last + 1)]
    assert {(row[column["gtin"]], row[column["lot"]], row[column["bottled_on"]]) for row in rows} == {
        (gtin, code, chain.BOTTLED_ON.isoformat())}
    # Without a range: the whole lot.
    whole = csv_rows(client.get(f"/processing/lots/{code}/labels.csv").get_data(as_text=True))
    assert len(whole) - 1 == chain.UNITS


def test_serials_outside_the_lot_are_refused(app, client, auth, runner, bottled, tmp_path):
    built, lot_first, lot_last = bottled
    code = built.product_lot.code
    client.set_cookie("lang", "en")
    auth.login("processor")
    message = f"Choose serials between {lot_first} and {lot_last}, the first not after the last."
    for first, last in ((lot_first - 1, lot_first + 3), (lot_last - 2, lot_last + 1), (lot_first + 9, lot_first + 8)):
        for fmt in ("pdf", "csv"):
            response = client.get(f"/processing/lots/{code}/labels.{fmt}?first={first}&last={last}")
            assert response.status_code == 422, (fmt, first, last)
            assert message in response.get_data(as_text=True)
    with nothing_written(app):
        for name in ("out.pdf", "out.csv"):
            output = tmp_path / name
            result = runner.invoke(args=["labels", code, "--first", str(lot_last), "--last", str(lot_last + 1), "-o", str(output)])
            assert result.exit_code == 1, result.output
            assert result.output.startswith("Error: ")
            assert str(lot_first) in result.output and str(lot_last) in result.output
            assert not output.exists()


def test_the_labels_command_writes_the_pdf_and_the_csv(app, runner, bottled, tmp_path):
    built, lot_first, _ = bottled
    gtin, code = built.product.gtin, built.product_lot.code
    first, last = lot_first + 30, lot_first + 33
    expected = urls(gtin, code, first, last)

    pdf_path = tmp_path / "sheet.pdf"
    result = runner.invoke(args=["labels", code, "--first", str(first), "--last", str(last), "-o", str(pdf_path)])
    assert result.exit_code == 0, result.output
    assert f"{len(expected)} labels" in result.output
    pdf = pdf_path.read_bytes()
    assert int(info_of(pdf, tmp_path, "labels.pdf")["Pages"]) == 1
    assert [sorted(p) for p in decoded_pages(pdf, tmp_path, dpi=150)] == [sorted(expected)]  # the same sheet as over HTTP

    csv_path = tmp_path / "sheet.csv"
    result = runner.invoke(args=["labels", code.lower(), "--first", str(first), "--last", str(last), "-o", str(csv_path)])
    assert result.exit_code == 0, result.output
    header, *rows = csv_rows(csv_path.read_text(encoding="utf-8"))
    assert tuple(header) == CSV_HEADER
    assert [row[header.index("url")] for row in rows] == expected


def test_only_the_lots_processor_and_the_bureau_print_its_labels(app, client, auth, bottled):
    built, lot_first, _ = bottled
    code = built.product_lot.code
    query = f"?first={lot_first}&last={lot_first + 1}"
    for username in ("processor2", "coop"):
        auth.login(username)
        for fmt in ("pdf", "csv"):
            assert client.get(f"/processing/lots/{code}/labels.{fmt}{query}").status_code == 403, (username, fmt)
        auth.logout()
    auth.login("bureau")
    assert client.get(f"/processing/lots/{code}/labels.csv{query}").status_code == 200
    assert client.get("/processing/lots/YY-P25-999999/labels.pdf").status_code == 404
    assert client.get(f"/processing/lots/{code}/labels.txt").status_code == 404


def test_no_labels_for_a_withdrawn_product_lot(app, client, auth, runner, world, bottled, tmp_path):
    """A bottling reversed as recorded in error: the consumer page calls its
    codes void, so no labels may be printed for them."""
    built, _, _ = bottled
    with db_session(app) as session:
        wrong = chain.withdrawn_bottling(session, world, built=built, units=5)
    auth.login("processor")
    for fmt in ("pdf", "csv"):
        response = client.get(f"/processing/lots/{wrong.code}/labels.{fmt}")
        assert 400 <= response.status_code < 500, (fmt, response.status_code)
    output = tmp_path / "void.csv"
    result = runner.invoke(args=["labels", wrong.code, "-o", str(output)])
    assert result.exit_code != 0 and not output.exists()


def test_on_a_production_base_url_the_bottle_qr_is_alphanumeric_and_a_version_smaller(app, app_with_base, bottled,
                                                                                       tmp_path):
    """A typical production host: the Digital Link in byte and alphanumeric
    segments needed version 5 (37 modules, 0.54 mm at 20 mm); in capitals,
    one alphanumeric segment, it is version 4 (33 modules, 0.61 mm)."""
    from oilchain.documents import qr
    from ..conftest import AuthActions

    built, lot_first, _ = bottled
    gtin, code = built.product.gtin, built.product_lot.code
    production = app_with_base("https://oil.youyang.gov.cn")
    client = production.test_client()
    client.set_cookie("lang", "en")
    auth = AuthActions(client)
    auth.login("processor")
    pdf = client.get(f"/processing/lots/{code}/labels.pdf?first={lot_first}&last={lot_first + 2}").data
    [png] = rasterize(pdf, tmp_path, 300, name="labels.pdf")
    found = sorted((b.text, int(b.extra["Version"])) for b in zxingcpp.read_barcodes(Image.open(png),
                                                                                      formats=zxingcpp.BarcodeFormat.QRCode))
    lower = [bottle_url("https://oil.youyang.gov.cn", KEY, gtin, code, n) for n in range(lot_first, lot_first + 3)]
    assert found == [(f"HTTPS://OIL.YOUYANG.GOV.CN{url[len('https://oil.youyang.gov.cn'):]}", 4) for url in lower]
    for payload, _version in found:
        assert qr.symbol(payload) == qr.Symbol(4, 33, ("alphanumeric",))
    assert [qr.symbol(url)[:2] for url in lower] == [(5, 37)] * 3  # as they were encoded before
    # Scanned, the capitals open the genuine bottle's page (the host is the server's; the path is as printed).
    assert "Genuine code" in client.get(found[0][0].split("CN", 1)[1]).get_data(as_text=True)
