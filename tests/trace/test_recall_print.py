"""A recall report long enough for several pages, printed over HTTP and read
back with poppler: its sales table repeats its heading row on every page,
the heading row's words are whole, every figure is on one line, and no
section heading ends a page."""

from datetime import date

import pytest
from flask_babel import force_locale, gettext

from oilchain.sales import services as sales

from .. import chain
from ..chain import db_session
from ..pdftools import check_header_row, header_words, info_of, pages_words, text_of
from .conftest import start

SALES = 90  # of 10 bottles each: three pages of sales
EACH = 10
SOLD_ON = date(2025, 12, 8)


def buyer(n: int) -> str:
    return f"酉阳县第{n:02d}号茶油专卖店"


@pytest.fixture
def widely_sold(app, world) -> chain.Chain:
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        for n in range(SALES):
            sales.sell(session, actor=world.actors["processor"], lot_code=built.product_lot.code, buyer=buyer(n),
                       channel="retail", quantity=EACH, unit_price_fen=12_800, sold_on=SOLD_ON)
            session.commit()
        return built


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_a_long_recall_report_repeats_its_heading_row_on_every_page(app, auth, client, world, widely_sold, tmp_path,
                                                                    language):
    code = widely_sold.product_lot.code
    auth.login("bureau")
    recall_id = start(auth, code=widely_sold.batch.code, reason="检疫证书造假")
    client.set_cookie("lang", "en" if language == "en" else "zh_Hans_CN")
    response = client.get(f"/recalls/{recall_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    with app.test_request_context(), force_locale(language):
        header = [gettext("Lot"), gettext("Buyer"), gettext("Date"), gettext("Units")]
        title = gettext("Sales to buyers (%(units)s units sold)", units=SALES * EACH)
    pages = pages_words(pdf, tmp_path)
    assert int(info_of(pdf, tmp_path)["Pages"]) == len(pages) >= 3

    # Each sale on one line: its lot code, buyer, date and units.
    text = text_of(pdf, tmp_path)
    lines = [line.split() for line in text.splitlines()]
    for n in range(SALES):
        [row] = [line for line in lines if buyer(n) in line]
        assert row[0] == code and row[2] == SOLD_ON.isoformat(), row
        assert row[3].startswith(str(EACH)), row

    # Every page with sales on it has the heading row above its first sale.
    heading_line = None
    sale_pages = 0
    for number, page in enumerate(pages):
        heading = [w for w in page if w.text.startswith(title.split()[0])]
        sale_rows = [w for w in page if w.text.startswith("酉阳县第")]
        if heading:
            heading_line = number
            top = heading[0].y1
            assert sale_rows and sale_rows[0].y0 > top, f"the sales heading ends page {number + 1}"
        elif not sale_rows:
            continue
        else:
            top = 0
        first = min(sale_rows, key=lambda w: w.y0)
        codes = [w for w in page if w.text == code and abs(w.y0 - first.y0) < 1]
        assert codes, f"page {number + 1}: no lot code beside the first sale"
        check_header_row(header_words(page, top, first.y0), header)
        sale_pages += 1
    assert heading_line is not None and sale_pages >= 3
