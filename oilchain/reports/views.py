from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import clock, db, heartbeat
from ..admin.models import Township
from ..auth.access import BUREAU_ROLES, roles_required
from ..forms import Form, not_exact_message
from ..i18n import chart_unit, format_period
from ..units import NotExact, from_base, to_base
from ..web import attempt, csv_response, document, done, htmx
from . import printing, services
from .forms import CopyTargetsForm, TargetsForm
from .metrics import LISTED, METRICS, RATIOS, TARGETED
from .share import share_totals
from .models import ReportArchive
from ..trace.recalls import open_recalls

bp = Blueprint("reports", __name__, url_prefix="/reports")
# Decimal places of each unit's display form (t, mu, yuan): how targets are typed.
DISPLAY_DECIMALS = {"g": 6, "centimu": 2, "fen": 2, "plant": 0, "count": 0, "permille": 1}
YEARS = range(2000, 2101)


def chosen_period(session) -> tuple[int, int | None]:
    year = request.args.get("year", type=int) or services.default_year(session)
    month = request.args.get("month", type=int)
    if year not in YEARS or (month is not None and not 1 <= month <= 12):
        abort(404)
    return year, month


@bp.route("/dashboard")
@roles_required(*BUREAU_ROLES)
def dashboard():
    """Targets against actuals from the nightly roll-up, by township and month."""
    session = db.session()
    year, month = chosen_period(session)
    found = services.figures(session, year, month)
    context = {
        "found": found,
        "year": year,
        "month": month,
        "years": sorted(set(services.target_years(session)) | {clock.today().year}, reverse=True),
        "metrics": LISTED,
        "charts": charts(found),
        "period": format_period(year, month),
        "new_by_products": services.records(session, "by_products", year, month)[0],  # listed by name under the figures
        "reminder": targets_reminder(session),
        "silent": heartbeat.silent(session, current_app.config),
    }
    if htmx and not htmx.boosted:
        return render_template("reports/_dashboard_body.html", **context)
    return render_template("reports/dashboard.html", open_recalls=open_recalls(session), **context)


def targets_reminder(session) -> dict | None:
    """When this plan year (the county's clock) has no targets: the year, and
    the latest earlier year with targets, which the copy would take (or None)."""
    this_year = clock.today().year
    if services.targets_of(session, this_year):
        return None
    return {"year": this_year, "source": services.copy_source(session, this_year)}


def charts(found) -> list[dict]:
    """Monthly bars per metric as SVG-ready numbers (0..100 of the tallest)."""
    drawn = []
    for series in services.chart_series(found):
        top = max(series.values + [series.per_month or 0, 1])
        base = found.monthly[series.metric]
        drawn.append(
            {
                "metric": series.metric,
                "unit": chart_unit(series.unit),
                "bars": [(i + 1, v, v * 100 // top, base[i]) for i, v in enumerate(series.values)],
                "target_y": None if series.per_month is None else 100 - series.per_month * 100 // top,
            }
        )
    return drawn


DASHBOARD_TABLES = ("targets", "monthly", "townships")


@bp.route("/dashboard.csv")
@roles_required(*BUREAU_ROLES)
def dashboard_csv():
    session = db.session()
    year, month = chosen_period(session)
    found = services.figures(session, year, month)
    table = request.args.get("table", "targets")
    if table not in DASHBOARD_TABLES:  # never echoed: the name goes into the file's name
        message = _("There is no such table to download: choose targets, monthly or townships.")
        return render_template("error.html", status=404, message=message), 404
    if table == "townships":
        header = [_("Township")] + [str(getattr(LISTED[key], "short", None) or LISTED[key].label) for key in LISTED]
        rows = [[entry["name"] or _("(no township)")] + [plain(entry["values"][key], LISTED[key].unit) for key in LISTED]
                for entry in found.townships]
    elif table == "monthly":
        header = [_("Metric")] + [str(m) for m in range(1, found.months + 1)]
        rows = [[str(METRICS[key].label)] + [plain(v, METRICS[key].unit) for v in series] for key, series in found.monthly.items()]
    else:
        header = [_("Metric"), _("Unit"), _("Target"), _("Actual"), _("Progress (%)")]
        rows = [[str(LISTED[r.metric].label), unit_name(r.unit), plain(r.target, r.unit), plain(r.actual, r.unit),
                 "" if r.percent is None else r.percent] for r in found.rows]
    return csv_response(f"oilchain-{table}-{year}{'-%02d' % month if month else ''}.csv", header, rows)


def plain(value, unit: str) -> str:
    """A figure for a spreadsheet: display units, exact, no grouping."""
    if value is None:
        return ""
    return format(from_base(value, DISPLAY_DECIMALS[unit]).normalize(), "f") if DISPLAY_DECIMALS[unit] else str(value)


def unit_name(unit: str) -> str:
    return {"g": _("t"), "centimu": _("mu"), "fen": _("yuan"), "plant": _("plants"), "count": "", "permille": "%"}[unit]


@bp.route("/records")
@roles_required(*BUREAU_ROLES)
def records():
    """The records a dashboard figure sums, with their total; for a ratio,
    the records of its denominator, each saying whether it counts in the
    numerator, with both totals."""
    session = db.session()
    year, month = chosen_period(session)
    metric = request.args.get("metric", "")
    if metric not in METRICS and metric not in RATIOS:
        abort(404)
    ratio = RATIOS.get(metric)
    summed = METRICS[ratio.denominator] if ratio else METRICS[metric]
    township = request.args.get("township", "")
    unassigned = township == "none"
    township_id = int(township) if township.isdigit() else None
    rows, total = services.records(session, metric, year, month, township_id, unassigned)
    context = {
        "metric": summed,
        "ratio": ratio,
        "share": share_totals(rows) if ratio else None,
        "rows": rows,
        "total": total,
        "year": year,
        "month": month,
        "period": format_period(year, month),
        "township": session.get(Township, township_id) if township_id else None,
        "unassigned": unassigned,
        "through": (services.rollup_state(session, year) or None),
    }
    if request.args.get("format") == "csv":
        header = [_("Date"), _("Township"), str(summed.label)] + [str(c) for c in summed.columns]
        names = {t.id: t.name for t in session.exec(select(Township))}
        data = [[row[0].isoformat(), names.get(row[1], ""), plain(row[2], summed.unit)] + [cell_text(c) for c in row[3:]]
                for row in rows]
        return csv_response(f"oilchain-{metric}-{year}.csv", header, data)
    return render_template("reports/records.html", **context)


def cell_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@bp.route("/rollup", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def rollup_now():
    """Bring a year's figures up to today without waiting for the night."""
    session = db.session()
    year = request.form.get("year", type=int)
    if year not in YEARS:
        abort(400)
    form = Form()
    if form.validate_on_submit() and attempt(form, lambda: services.rollup_year(session, year, clock.today()) or True):
        return done(url_for("reports.dashboard", year=year), _("Figures updated."))
    abort(400)


@bp.route("/targets", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def targets():
    """The year's targets, one field per metric in its display unit; a blank
    field removes the metric's target. Beside them, the copy of the year's
    targets into the next (or into `into`, the year the dashboard's reminder names)."""
    session = db.session()
    year = request.values.get("year", type=int) or services.default_year(session)
    if year not in YEARS:
        abort(404)
    form = TargetsForm()
    if form.validate_on_submit():
        typed = {key: (value or "").strip().replace(",", "") for key, value in request.form.items() if key not in ("csrf_token", "year")}
        values = {}
        for key, raw in typed.items():
            decimals = DISPLAY_DECIMALS[LISTED[key].unit] if key in LISTED else 0
            try:
                values[key] = to_base(raw, decimals) if raw else None
            except NotExact:
                form.add_error(key, not_exact_message(raw, decimals))
        if not form.has_errors() and attempt(form, lambda: services.set_targets(session, actor=current_user, year=year, values=values)):
            return done(url_for("reports.dashboard", year=year), _("Targets saved."))
        return targets_page(session, year, form, CopyTargetsForm(formdata=None), copy_into(year), typed)
    return targets_page(session, year, form, CopyTargetsForm(formdata=None), copy_into(year))


def copy_into(year: int) -> int:
    into = request.args.get("into", type=int)
    return into if into in YEARS and into > year else year + 1


def targets_page(session, year: int, form, copy_form, into: int, typed: dict | None = None):
    """The targets form (with what was typed, or the year's targets) and the copy action."""
    if typed is None:
        current = services.targets_of(session, year)
        typed = {key: plain(current.get(key), LISTED[key].unit) for key in TARGETED}
    units = {key: unit_name(metric.unit) for key, metric in LISTED.items()}
    page = render_template("reports/targets.html", form=form, copy_form=copy_form, year=year, into=into, typed=typed,
                           metrics=LISTED, units=units, has_targets=bool(services.targets_of(session, year)),
                           into_has_targets=bool(services.targets_of(session, into)) if into in YEARS else False)
    return page, (422 if form.has_errors() or copy_form.has_errors() else 200)


@bp.route("/targets/copy", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def copy_targets():
    """Copy one year's targets into a later one (the next, by default), in one
    transaction; refused next to the action when there is nothing to copy
    or the later year has targets already."""
    session = db.session()
    form = CopyTargetsForm()
    year, into = form.from_year.data, form.into.data
    if not form.validate_on_submit() or year not in YEARS or into not in YEARS:
        if year in YEARS and into in YEARS:  # an expired form: said next to the action
            return targets_page(session, year, TargetsForm(formdata=None), form, into)
        abort(400)
    copied = attempt(form, lambda: services.copy_targets(session, actor=current_user, from_year=year, to_year=into))
    if copied:
        return done(url_for("reports.targets", year=into),
                    _("%(n)s targets of %(year)s copied into %(into)s: change any of them below.", n=copied, year=year, into=into))
    return targets_page(session, year, TargetsForm(formdata=None), form, into)


@bp.route("/output.pdf")
@roles_required(*BUREAU_ROLES)
def output_pdf():
    session = db.session()
    year, month = chosen_period(session)
    if month is None:  # a year's report is made in the background (downloads/)
        return render_template("downloads/too_long.html", kind="year_report", params={"year": year}, count=None)
    pdf = printing.render(session, year, month, printed_by=f"{current_user.display_name} · {current_user.org_name}")
    name = f"oilchain-report-{year}{'-%02d' % month if month else ''}.pdf"
    return document(pdf, "application/pdf", name, inline=True)


@bp.route("/archive")
@roles_required(*BUREAU_ROLES)
def archive():
    return render_template("reports/archive.html", entries=printing.archived(db.session()))


@bp.route("/archive/<id:entry_id>.pdf")
@roles_required(*BUREAU_ROLES)
def archived_pdf(entry_id: int):
    entry = db.session().get(ReportArchive, entry_id)
    if entry is None:
        abort(404)
    name = f"oilchain-report-{entry.year}{'-%02d' % entry.month if entry.month else ''}.pdf"
    return document(entry.pdf, "application/pdf", name, inline=True)
