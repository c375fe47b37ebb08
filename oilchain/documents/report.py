"""The A4 output report (产出报表) as a pure function: plain, already
translated and formatted values in, PDF bytes out."""

import io
from dataclasses import dataclass, field

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from . import fonts, tables
from xml.sax.saxutils import escape

GREEN = colors.HexColor("#4b6b2a")


@dataclass
class Chart:
    title: str
    months: list[str]  # category labels
    values: list[int]  # one per month, in the metric's base unit
    target_per_month: int | None = None  # a twelfth of the year's target, drawn as a line


@dataclass
class ReportData:
    title: str
    subtitle: str  # the period
    meta: list[str]  # printed by, printed at, data through
    targets_header: list[str]
    targets: list[list[str]]
    townships_title: str
    townships_header: list[str]
    townships: list[list[str]]
    charts_title: str
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page_label: str = "Page %(page)s"


@dataclass
class Section:
    heading: str
    header: list[str]
    rows: list[list[str]]
    size: float = 8  # the font size the table is set in, if it fits (else documents.tables' fallbacks)


@dataclass
class TablesDocument:
    """A plain document of tables (the recall report, the GI register)."""

    title: str
    subtitle: str
    meta: list[str]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    page_label: str = "Page %(page)s"


@dataclass
class _Placed:
    """A table (with the heading above it, if any) to lay out once the page is chosen."""

    spec: tables.Spec
    heading: str | None = None


def _build(title_text: str, subtitle: str, meta: list[str], page_label: str, fill) -> bytes:
    """A4 pages with our font, a title block, and the title and page number
    in the footer; `fill(story, styles)` adds the body: flowables, tables as
    `_Placed`, and callables of the frame's width (the charts). The page is
    portrait unless a table cannot fit it (tables.choose_page)."""
    font = fonts.register()
    styles = {
        "font": font,
        "heading": ParagraphStyle("heading", fontName=font, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=4, textColor=GREEN),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=13),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.HexColor("#5d6757")),
    }
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, textColor=GREEN)
    body = []
    fill(body, styles)
    placed = [item for item in body if isinstance(item, _Placed)]
    margin = 16 * mm
    pagesize, sizes = tables.choose_page([item.spec for item in placed], font, 2 * margin)
    size_of = {id(item): size for item, size in zip(placed, sizes)}
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=title_text, author=meta[0] if meta else "",
        # Every text, even the canvas's initial state, uses the embedded font.
        initialFontName=font, initialFontSize=9,
    )
    story = [Paragraph(escape(title_text), title), Paragraph(escape(subtitle), styles["body"])]
    story += [Paragraph(escape(" · ".join(meta)), styles["small"]), Spacer(0, 4 * mm)]
    for item in body:
        if isinstance(item, _Placed):
            story += _placed(item, size_of[id(item)], styles, doc.width)
        elif callable(item):
            story += item(doc.width)
        else:
            story.append(item)

    def number_pages(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#5d6757"))
        canvas.drawString(margin, 9 * mm, title_text)
        canvas.drawRightString(pagesize[0] - margin, 9 * mm, page_label % {"page": document.page})
        canvas.restoreState()

    doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return out.getvalue()


def _placed(item: _Placed, size: float, styles: dict, width: float) -> list:
    """The heading and its table, with a page break before them when the
    heading, the table's heading row and its first rows do not fit below."""
    table = tables.data_table(item.spec, styles["font"], width, size)
    if item.heading is None:
        return [table]
    return _headed(Paragraph(escape(item.heading), styles["heading"]), table, width)


def _headed(heading: Paragraph, table, width: float, rows: int = 3) -> list:
    _w, height = heading.wrap(width, 10**6)
    height += heading.getSpaceBefore() + heading.getSpaceAfter()
    return [tables.keep_with_first_rows(table, height, width, rows), heading, table]


def output_report(data: ReportData) -> bytes:
    def fill(story, styles):
        story.append(_Placed(tables.Spec(data.targets_header, data.targets, 8.5)))
        for note in data.notes:
            story += [Spacer(0, 2 * mm), Paragraph(escape(note), styles["small"])]
        if data.charts:
            story.append(lambda width: _headed(Paragraph(escape(data.charts_title), styles["heading"]),
                                               _charts(data.charts, styles["font"], width), width, rows=0))
        story.append(_Placed(tables.Spec(data.townships_header, data.townships, 7.5), data.townships_title))

    return _build(data.title, data.subtitle, data.meta, data.page_label, fill)


def tables_document(data: TablesDocument) -> bytes:
    def fill(story, styles):
        for section in data.sections:
            if section.rows:
                story.append(_Placed(tables.Spec(section.header, section.rows, section.size), section.heading))
            else:
                story += [Paragraph(escape(section.heading), styles["heading"]), Paragraph("—", styles["small"])]
        for note in data.notes:
            story += [Spacer(0, 2 * mm), Paragraph(escape(note), styles["small"])]

    return _build(data.title, data.subtitle, data.meta, data.page_label, fill)


def _charts(charts: list[Chart], font: str, width: float):
    """Small multiples, two to a row: each metric's months as bars."""
    cell_width, cell_height = width / 2 - 4, 48 * mm
    drawings = [_chart(chart, font, cell_width, cell_height) for chart in charts]
    rows = [drawings[i : i + 2] for i in range(0, len(drawings), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    return tables.grid(rows, width, font)


def _chart(chart: Chart, font: str, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(String(4, height - 11, chart.title, fontName=font, fontSize=8.5, fillColor=GREEN))
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 34, 16, width - 44, height - 36
    bars.data = [chart.values or [0]]
    bars.categoryAxis.categoryNames = chart.months
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 6
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.labels.fontSize = 6
    top = max(max(chart.values or [0]), chart.target_per_month or 0, 5)  # an empty chart still reads 0..5
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top * 1.1
    bars.valueAxis.labelTextFormat = _compact
    bars.bars[0].fillColor = GREEN
    bars.bars[0].strokeColor = None
    drawing.add(bars)
    if chart.target_per_month:
        y = bars.y + bars.height * chart.target_per_month / (top * 1.1)
        drawing.add(Line(bars.x, y, bars.x + bars.width, y, strokeColor=colors.HexColor("#c07b12"), strokeDashArray=[3, 2]))
    return drawing


def _compact(value) -> str:
    """Axis labels: 1.2M, 350k, 40."""
    value = int(value)
    for limit, suffix in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}".replace(".0" + suffix, suffix)
    return str(value)
