"""The A4 output report (产出报表) as a pure function: plain, already
translated and formatted values in, PDF bytes out."""

import io
from dataclasses import dataclass, field

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import fonts
from xml.sax.saxutils import escape

GREEN = colors.HexColor("#4b6b2a")
PALE = colors.HexColor("#efede2")


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
    first_col: float = 0.25  # share of the width for the first column
    size: float = 8


@dataclass
class TablesDocument:
    """A plain document of tables (the recall report, the GI register)."""

    title: str
    subtitle: str
    meta: list[str]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    page_label: str = "Page %(page)s"


def _build(title_text: str, subtitle: str, meta: list[str], page_label: str, fill) -> bytes:
    """A4 pages with our font, a title block, and the title and page number
    in the footer; `fill(story, doc, styles)` adds the body."""
    font = fonts.register()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=title_text, author=meta[0] if meta else "",
        # Every text, even the canvas's initial state, uses the embedded font.
        initialFontName=font, initialFontSize=9,
    )
    styles = {
        "font": font,
        "heading": ParagraphStyle("heading", fontName=font, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=4, textColor=GREEN),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=13),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.HexColor("#5d6757")),
    }
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, textColor=GREEN)
    story = [Paragraph(escape(title_text), title), Paragraph(escape(subtitle), styles["body"])]
    story += [Paragraph(escape(" · ".join(meta)), styles["small"]), Spacer(0, 4 * mm)]
    fill(story, doc, styles)

    def number_pages(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#5d6757"))
        canvas.drawString(16 * mm, 9 * mm, title_text)
        canvas.drawRightString(A4[0] - 16 * mm, 9 * mm, page_label % {"page": document.page})
        canvas.restoreState()

    doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return out.getvalue()


def output_report(data: ReportData) -> bytes:
    def fill(story, doc, styles):
        font = styles["font"]
        story.append(_table(data.targets_header, data.targets, font, doc.width, first_col=0.34))
        for note in data.notes:
            story += [Spacer(0, 2 * mm), Paragraph(escape(note), styles["small"])]
        if data.charts:
            story += [Paragraph(escape(data.charts_title), styles["heading"]), _charts(data.charts, font, doc.width)]
        story.append(Paragraph(escape(data.townships_title), styles["heading"]))
        story.append(_table(data.townships_header, data.townships, font, doc.width, first_col=0.16, size=7.5))

    return _build(data.title, data.subtitle, data.meta, data.page_label, fill)


def tables_document(data: TablesDocument) -> bytes:
    def fill(story, doc, styles):
        for section in data.sections:
            story.append(Paragraph(escape(section.heading), styles["heading"]))
            if section.rows:
                story.append(_table(section.header, section.rows, styles["font"], doc.width, section.first_col, section.size))
            else:
                story.append(Paragraph("—", styles["small"]))
        for note in data.notes:
            story += [Spacer(0, 2 * mm), Paragraph(escape(note), styles["small"])]

    return _build(data.title, data.subtitle, data.meta, data.page_label, fill)


def _table(header: list[str], rows: list[list[str]], font: str, width: float, first_col: float, size: float = 8.5) -> Table:
    """A table whose cells wrap (long names in Chinese need no spaces to break)."""
    others = (1 - first_col) / max(len(header) - 1, 1)
    left = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.3, wordWrap="CJK")
    right = ParagraphStyle("number", parent=left, alignment=TA_RIGHT)
    wrapped = [[Paragraph(escape(str(value)), left if i == 0 else right) for i, value in enumerate(row)] for row in [header] + rows]
    table = Table(wrapped, colWidths=[width * first_col] + [width * others] * (len(header) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, size),
                ("BACKGROUND", (0, 0), (-1, 0), PALE),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d8d4c4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _charts(charts: list[Chart], font: str, width: float) -> Table:
    """Small multiples, two to a row: each metric's months as bars."""
    cell_width, cell_height = width / 2 - 4, 48 * mm
    drawings = [_chart(chart, font, cell_width, cell_height) for chart in charts]
    rows = [drawings[i : i + 2] for i in range(0, len(drawings), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    grid = Table(rows, colWidths=[width / 2] * 2)
    grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return grid


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
