"""The printed output report: figures from the roll-up, translated and
formatted for the reader, rendered by documents.report, and archived."""

from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlmodel import Session, select

from .. import actors, clock
from ..documents.report import Chart, ReportData, output_report
from ..i18n import chart_unit, format_day, format_local_time, format_metric, format_period
from .metrics import LISTED
from .models import ReportArchive
from .services import chart_series, figures, period_bounds, rollup_state, rollup_year, yesterday


def column_headings() -> dict[str, str]:
    """The by-township table's column headings: each metric's name (the
    ratio's short one) in the context "column heading", whose Chinese marks
    with a zero-width space where the heading may break between words
    (documents/tables.py keeps a run of Chinese characters whole otherwise)."""
    return {
        "seedlings_raised": pgettext("column heading", "Improved-variety seedlings raised"),
        "planted_new": pgettext("column heading", "New plantations"),
        "renovated": pgettext("column heading", "Renovated low-yield plantations"),
        "improved_share": pgettext("column heading", "Improved-variety share"),
        "seed_processed": pgettext("column heading", "Seed processed"),
        "oil_output": pgettext("column heading", "Oil pressed"),
        "output_value": pgettext("column heading", "Camellia oil output value"),
        "by_product_value": pgettext("column heading", "By-product output value"),
        "by_products": pgettext("column heading", "New by-product products"),
    }


def report_data(session: Session, year: int, month: int | None, printed_by: str) -> ReportData:
    found = figures(session, year, month)
    listed = LISTED
    labels = {key: str(metric.label) for key, metric in listed.items()}
    units = {key: metric.unit for key, metric in listed.items()}
    headings = column_headings()
    if month:
        targets_header = [_("Metric"), _("Target for the year"), _("This month"), _("Year to date"), _("Progress")]
    else:
        targets_header = [_("Metric"), _("Target"), _("Actual"), _("Progress")]
    targets = []
    for row in found.rows:
        cells = [labels[row.metric], format_metric(row.target, row.unit)]
        if month:
            cells.append(format_metric(row.period_actual, row.unit))
        cells += [format_metric(row.actual, row.unit), "—" if row.percent is None else f"{row.percent}%"]
        targets.append(cells)
    townships = [
        [entry["name"] or _("(no township)")] + [format_metric(entry["values"][key], units[key]) for key in listed]
        for entry in found.townships
    ]
    month_names = [str(m) for m in range(1, found.months + 1)]
    charts = [
        Chart(
            title=f"{labels[s.metric]} ({chart_unit(s.unit)})" if chart_unit(s.unit) else labels[s.metric],
            months=month_names,
            values=s.values,
            target_per_month=s.per_month,
        )
        for s in chart_series(found)
    ]
    notes = [_("Only accepted planting area counts. Reversed entries do not count."),
             _("Camellia oil output value counts the bottled and bulk camellia oil sold; by-product output value counts "
               "the by-products and the products made of them, and has no plan target.")]
    share = next(row for row in found.rows if row.metric == "improved_share")
    parts = share.parts
    notes.append(_(
        "Improved-variety share: %(improved)s of the %(planted)s of accepted new planting, replanting and top grafting "
        "(%(improved_plants)s of %(planted_plants)s) were planted with certified seedlings of improved varieties from "
        "batches on record; %(unknown)s (%(unknown_plants)s) were planted without dispatched seedlings on record: "
        "unknown source.",
        improved=format_metric(parts["improved_area"], "centimu"), planted=format_metric(parts["planted_area"], "centimu"),
        improved_plants=format_metric(parts["improved_plants"], "plant"),
        planted_plants=format_metric(parts["planted_plants"], "plant"),
        unknown=format_metric(parts["unknown_area"], "centimu"), unknown_plants=format_metric(parts["unknown_plants"], "plant")))
    if found.empty:
        notes.insert(0, _("No activity was recorded in this period."))
    return ReportData(
        title=_("Youyang camellia oil industry: output report"),
        subtitle=_("Period: %(period)s", period=format_period(year, month)),
        meta=[
            _("Printed by %(name)s", name=printed_by),
            _("Printed at %(when)s", when=format_local_time(clock.utcnow())),
            _("Figures through %(day)s", day=format_day(found.through)) if found.through else _("Figures not yet computed"),
        ],
        targets_header=targets_header,
        targets=targets,
        townships_title=_("By township"),
        townships_header=[_("Township")] + [headings.get(key) or str(getattr(listed[key], "short", None) or labels[key])
                                             for key in listed],
        townships=townships,
        charts_title=_("Month by month (dashed line: a twelfth of the year's target)"),
        charts=charts,
        notes=notes,
        page_label=_("Page %(page)s", page="%(page)s"),
    )


def render(session: Session, year: int, month: int | None, printed_by: str) -> bytes:
    return output_report(report_data(session, year, month, printed_by))


def archive_month(session: Session, year: int, month: int, created_by: str) -> ReportArchive:
    """Bring the roll-up up to the month's end, render its report and keep it
    (replacing an earlier copy): running it twice leaves one archived report."""
    _start, end = period_bounds(year, month)
    # Through the month's end at least, but never back from where the nightly
    # roll-up already reached (and never past yesterday: today is not over).
    state = rollup_state(session, year)
    reached = state.through_day if state else end
    rollup_year(session, year, min(max(end, reached), yesterday()))
    pdf = render(session, year, month, actors.who_text(created_by))  # a system actor printed as one
    entry = session.exec(select(ReportArchive).where(ReportArchive.year == year, ReportArchive.month == month)).first()
    entry = entry or ReportArchive(year=year, month=month, pdf=pdf)
    entry.pdf, entry.created_at, entry.created_by = pdf, clock.utcnow(), created_by
    session.add(entry)
    session.flush()
    return entry


class Archived(NamedTuple):
    id: int
    year: int
    month: int | None
    created_at: datetime
    created_by: str  # a person's name or a system actor (actors.stored: the old "scheduler" too)


def archived(session: Session) -> list[Archived]:
    """The archive's entries without their PDFs, newest period first."""
    columns = (ReportArchive.id, ReportArchive.year, ReportArchive.month, ReportArchive.created_at, ReportArchive.created_by)
    rows = session.exec(select(*columns).order_by(ReportArchive.year.desc(), ReportArchive.month.desc()))
    return [Archived(*row[:4], created_by=actors.stored(row.created_by)) for row in rows]
