"""The printed report's layout, read back with poppler: figures never split
over two lines, headings cut only between words, a section heading never
alone at a page's foot, the heading row on every page of a table, and
landscape or a smaller font when a table is too wide, in that stated order."""

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth

from oilchain.documents import fonts, tables
from oilchain.documents.report import Section, TablesDocument, output_report, tables_document
from oilchain.reports import printing
from oilchain.reports import services as reports
from oilchain.sales import services as sales

from .. import chain
from ..pdftools import check_header_row, header_words, info_of, page_size_pts, pages_words, row_cells, squeeze, text_of
from .test_pdf import build_year

ROOT = Path(__file__).resolve().parents[2]
PRICE_FEN = 1_112_845  # ¥11,128.45 a bottle: 1,000 bottles make ¥11,128,450.00, the eight-digit yuan


def a_big_year(session, world):
    """The report test's year, and a thousand bottles sold at a gift-box
    price, so that the output value has the width that used to wrap."""
    build_year(session, world)
    built = chain.full_chain(session, world)
    sales.sell(session, actor=world.actors["processor"], lot_code=built.product_lot.code, buyer="重庆永辉超市",
               channel="supermarket", quantity=chain.UNITS, unit_price_fen=PRICE_FEN, sold_on=date(2025, 12, 8),
               price_note="礼盒装")
    session.commit()
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()


def report_in(session, language: str, month: int | None):
    with force_locale(language):
        data = printing.report_data(session, 2025, month, printed_by="局长 · 县林业局")
    return data, output_report(data)


def line_of(page, phrase: str):
    """The words of `phrase` where they stand on one line of the page, or None."""
    parts = phrase.split()
    for i, word in enumerate(page):
        run = page[i : i + len(parts)]
        if [w.text for w in run] == parts and all(abs(w.y0 - word.y0) < 1 for w in run):
            return run
    return None


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("month", [None, 12])
def test_figures_stay_on_one_line_and_headings_break_between_words(session, world, tmp_path, language, month):
    a_big_year(session, world)
    data, pdf = report_in(session, language, month)
    text = text_of(pdf, tmp_path)
    widest = max((cell for row in data.townships for cell in row[1:]), key=len)
    assert widest == "¥11,128,450.00", widest
    for row in data.targets:
        assert row_cells(text, row[0]) == squeeze(" ".join(row[1:])).split(), row
    for row in data.townships:
        assert row_cells(text, row[0]) == squeeze(" ".join(row[1:])).split(), row

    # The by-township heading row: between the section's heading and its first row.
    [page] = [p for p in pages_words(pdf, tmp_path) if line_of(p, data.townships_title)]
    heading = line_of(page, data.townships_title)
    first_row = next(w for w in page if w.text == data.townships[0][0] and w.y0 > heading[0].y1)
    check_header_row(header_words(page, heading[0].y1, first_row.y0), data.townships_header)


def test_a_heading_never_ends_a_page(session, world, tmp_path):
    """Notes of the report's year pushed down, a line at a time, over the
    whole of a page: wherever the by-township heading falls, its page also
    has the heading row and the first rows of its table."""
    a_big_year(session, world)
    with force_locale("zh_Hans_CN"):
        data = printing.report_data(session, 2025, None, printed_by="局长")
    first_row = data.townships[0][0]
    for extra in range(0, 44):
        pushed = replace(data, notes=data.notes + ["说明占位：这一行把后面的内容往下推。"] * extra)
        pages = [page.splitlines() for page in text_of(output_report(pushed), tmp_path).split("\f")]
        [(number, lines)] = [(n, page) for n, page in enumerate(pages) if any(line.strip() == data.townships_title for line in page)]
        at = next(i for i, line in enumerate(lines) if line.strip() == data.townships_title)
        after = [line.strip() for line in lines[at + 1 :] if line.strip()]
        rows = [line for line in after if line.startswith(first_row + " ")]
        assert rows, f"{extra} notes: the heading ends page {number + 1}, followed only by {after}"
        body_rows = [line for line in after if any(line.startswith(row[0] + " ") for row in data.townships)]
        assert len(body_rows) >= min(3, len(data.townships)), (extra, after)


def test_a_table_too_wide_for_portrait_goes_landscape_numbers_whole(tmp_path):
    """Fourteen columns of eight-digit yuan do not fit A4 portrait even at
    7 pt: the document turns landscape and no figure is cut."""
    figure = "¥99,999,999.99"
    header = ["Township"] + [f"Column {n}" for n in range(1, 15)]
    rows = [[f"乡镇{n}"] + [figure] * 14 for n in range(5)]
    pdf = tables_document(TablesDocument("Wide", "", ["me"], [Section("Wide table", header, rows, size=8)]))
    assert page_size_pts(info_of(pdf, tmp_path)) == pytest.approx(landscape(A4), abs=0.5)
    text = text_of(pdf, tmp_path)
    for row in rows:
        assert row_cells(text, row[0]) == [figure] * 14


def test_the_stated_order_smaller_font_in_portrait_before_landscape():
    font = fonts.register()
    margins = 2 * 16 * 72 / 25.4
    figure = "¥1,234,567.89"
    width = A4[0] - margins

    def spec(columns):
        return tables.Spec(["Name"] + [f"C{n}" for n in range(columns)], [["x"] + [figure] * columns], 8.5)

    def needs(columns, size):
        return sum(stringWidth(figure, font, size) + 2 * tables.PAD for _ in range(columns)) + 2 * size + 2 * tables.PAD

    # as many columns as fit at 7.5 pt but not at 8.5 pt: portrait, smaller font
    columns = next(c for c in range(2, 40) if needs(c, 8.5) > width and needs(c, 7.5) <= width)
    page, sizes = tables.choose_page([spec(columns)], font, margins)
    assert page == A4 and sizes[0] < 8.5 and sizes[0] >= 7
    # too many for 7 pt: landscape, at the largest size that fits there
    columns = next(c for c in range(2, 40) if needs(c, 7) > width)
    page, sizes = tables.choose_page([spec(columns)], font, margins)
    assert page == landscape(A4)
    assert needs(columns, sizes[0]) <= A4[1] - margins


def test_a_figure_column_is_at_least_its_widest_figure():
    font = fonts.register()
    header = ["Name", "Value"]
    rows = [["酉阳县桃花源茶油有限公司酉阳县桃花源茶油有限公司", "¥11,128,450.00"], ["x", "1"]]
    laid = tables.plan(header, rows, font, 8, 120)
    assert laid.fits and laid.numeric == [False, True]
    assert laid.widths[1] >= stringWidth("¥11,128,450.00", font, 8) + 2 * tables.PAD
    assert sum(laid.widths) == pytest.approx(120)


def test_every_reportlab_table_is_made_by_the_one_builder():
    """No module of oilchain/ but documents/tables.py imports reportlab's
    Table or LongTable, so every PDF table follows the same rules."""
    builders = []
    for path in (ROOT / "oilchain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab.platypus"):
                if {alias.name for alias in node.names} & {"Table", "LongTable", "*"}:
                    builders.append(str(path.relative_to(ROOT)))
            if isinstance(node, ast.Attribute) and node.attr in {"Table", "LongTable"} and \
                    isinstance(node.value, ast.Name) and node.value.id == "platypus":
                builders.append(str(path.relative_to(ROOT)))
    assert sorted(set(builders)) == ["oilchain/documents/tables.py"]


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_the_column_headings_are_the_metrics_names_with_their_break_points(session, language):
    """The by-township headings say what the dashboard says (the ratio's
    short name), and a Chinese heading longer than four characters marks
    where it may break, so that it never needs a cut inside a word."""
    from oilchain.reports.metrics import LISTED

    with force_locale(language):
        headings = printing.column_headings()
        names = {key: str(getattr(metric, "short", None) or metric.label) for key, metric in LISTED.items()}
    assert set(headings) == set(LISTED)
    for key, heading in headings.items():
        assert heading.replace(tables.BREAK, "") == names[key], key
        if language != "en" and len(names[key]) > 4:
            assert tables.BREAK in heading, (key, heading)
