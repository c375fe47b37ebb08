"""What every view shares: running a service for a form, answering htmx and
plain requests alike, and the error pages."""

from flask import Response, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_htmx import HTMX
from flask_htmx import make_response as htmx_response
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter, ValidationError

from . import attachments, db
from .errors import DomainError
from .forms import has_control_characters

htmx = HTMX()


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive integer its column can hold
    (`db.max_id()`, read from the models; anything larger is a 404, not an
    overflow)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1)

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > db.max_id():
            raise ValidationError()
        return number


def int_arg(name: str, *, low: int = 1, high: int | None = None, default=None):
    """An integer from the query string, within `low`..`high` (an id's by
    default: 1 to `db.max_id()`), else `default`: a filter that names no
    row filters nothing rather than overflowing a column."""
    value = request.args.get(name, type=int)
    high = db.max_id() if high is None else high
    return value if value is not None and low <= value <= high else default


def init_app(app) -> None:
    app.url_map.converters["id"] = IdConverter
    htmx.init_app(app)
    app.before_request(refuse_control_characters)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    for status in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(status, _http_error)
    app.context_processor(lambda: {"nav": navigation()})


def refuse_control_characters():
    """An address, a query or a field name with a control character (a NUL
    byte, an escape) names nothing: refused before any view looks it up.
    Field values are the forms' to refuse, next to their field."""
    if has_control_characters(request.path):
        return render_template("error.html", status=404, message=_("Nothing was found at this address.")), 404
    if any(has_control_characters(text) for pair in request.args.items(multi=True) for text in pair) or \
            any(has_control_characters(name) for name in request.form.keys()):
        message = _("The address or the form contains control characters (such as a NUL byte). Remove them and try again.")
        return render_template("error.html", status=400, message=message), 400
    return None


def attempt(form, call):
    """Run a service call for a valid form through the one commit path
    (`db.transaction`). On success its work is committed; on a refusal
    nothing is written and the message goes next to its field."""
    try:
        return db.transaction(db.session(), call)
    except DomainError as error:
        form.add_error(error.field, error.message, error.lot)
        return None


def render_form(form, page: str, partial: str, **context):
    """The full page, or for htmx the partial the page includes (the page
    gets its name as `partial`); 422 when the submission has errors so htmx
    swaps the messages in."""
    status = 422 if form.has_errors() else 200
    template = partial if htmx and not htmx.boosted else page
    return render_template(template, form=form, partial=partial, **context), status


def form_step(form, call, *, partial: str, title: str, done_to, heading: str | None = None, lead: str | None = None,
              page: str = "form_page.html", **context):
    """One step of the chain as a form page: on a valid submission `call()`
    runs through `attempt` (the one commit path) and, when it gives a result,
    the answer is `done(*done_to(result))`, where `done_to` gives the
    (url, message) or (url, message, category) to go on to. Otherwise the
    page, or for htmx the form's `partial`, through `render_form` (422 when
    the submission has errors).

    The page is the generic `form_page.html` (its `title`, an h1 that is the
    `heading` when it differs from the title, an optional `lead` under it,
    then the partial) or a page of its own (`page`) that extends it. Give
    `title`, `heading` and `lead` in the request's language (`gettext`).
    `context` is what the templates show besides the form; it is read before
    the call, and a refused call writes nothing, so it is what the page
    would show after it too."""
    if form.validate_on_submit():
        result = attempt(form, call)
        if result:
            return done(*done_to(result))
    return render_form(form, page, partial, title=title, heading=heading, lead=lead, **context)


def done(url: str, message: str, category: str = "success"):
    """After a state-changing POST: 303 to the result (htmx: HX-Redirect);
    the message is flashed there ("warning" for a result to look at)."""
    flash(message, category)
    if htmx:
        return htmx_response(redirect=url)
    return redirect(url, code=303)


def csv_response(filename: str, header: list, rows: list) -> Response:
    """A table as a CSV download that spreadsheet programs open as UTF-8,
    with no cell a spreadsheet would run as a formula (attachments.safe_cell)."""
    return document(attachments.csv_text(header, rows), "text/csv", filename)


def document(body, mimetype: str, filename: str, inline: bool = False) -> Response:
    """A file to download (or, `inline`, to open in the browser: PDFs to
    print), its name quoted as RFC 6266 says (attachments.content_disposition)."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": attachments.content_disposition(filename, inline)})


def navigation() -> list[tuple[str, str]]:
    """(endpoint, label) pairs for the signed-in user's menu."""
    if not current_user.is_authenticated:
        return []
    return {
        "nursery": [("nursery.index", _("Seedling batches")), ("trace.lots", _("Lots"))],
        "cooperative": [("planting.index", _("Plots")), ("harvest.index", _("Harvest")), ("trace.lots", _("Lots")),
                        ("brain.index", _("Map"))],
        "processor": [
            ("processing.index", _("Processing")),
            ("byproducts.index", _("By-products")),
            ("sales.index", _("Sales")),
            ("trace.lots", _("Lots")),
            ("trace.unknown_scans", _("Unknown codes")),
            ("trace.copied_scans", _("Copied codes")),
            ("downloads.index", _("Documents")),
            ("brain.index", _("Map")),
        ],
        "manager": [
            ("brain.index", _("Brain")),
            ("reports.dashboard", _("Dashboard")),
            ("planting.acceptance", _("Acceptance")),
            ("trace.lots", _("Lots")),
            ("trace.recall_list", _("Recalls")),
            ("gi.index", _("GI")),
            ("byproducts.index", _("By-products")),
            ("trace.unknown_scans", _("Unknown codes")),
            ("trace.copied_scans", _("Copied codes")),
            ("reports.archive", _("Reports")),
            ("downloads.index", _("Documents")),
            ("admin.grading", _("Grading standard")),
            ("admin.bounds", _("Bounds")),
            ("brain.warnings", _("Warnings")),
            ("admin.audit", _("Audit log")),
        ],
        "admin": [
            ("admin.index", _("Administration")),
            ("admin.jobs_page", _("Scheduled jobs")),
            ("admin.audit", _("Audit log")),
            ("reports.dashboard", _("Dashboard")),
            ("brain.index", _("Brain")),
            ("trace.lots", _("Lots")),
        ],
    }[current_user.role]


def _domain_error(error: DomainError):
    return render_template("error.html", status=error.status, message=str(error.message)), error.status


def _csrf_error(error: CSRFError):
    message = _("The form expired or came from elsewhere (CSRF check failed). Reload the page and try again.")
    return render_template("error.html", status=400, message=message), 400


def _http_error(error):
    status = getattr(error, "code", 500) or 500
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("Nothing was found at this address."),
        405: _("This address does not accept that kind of request."),
        413: _("What was sent is too large for this address."),
        500: _("Something went wrong on the server. The error has been logged."),
    }
    if status == 500:
        db.session().rollback()
    return render_template("error.html", status=status, message=messages.get(status, str(error))), status


def get_or_404(model, row_id: int):
    """The row of `model` with this id, or a 404 page."""
    row = db.session().get(model, row_id)
    if row is None:
        abort(404)
    return row
