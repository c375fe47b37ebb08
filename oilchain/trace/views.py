from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import codes, db
from ..auth.access import BUREAU_ROLES, roles_required
from ..documents import labels, qr
from ..errors import NotFound
from ..forms import base_quantity
from ..units import WEIGHT_DECIMALS, NotExact, to_base
from .. import ledger
from ..ledger.models import EVENT_KINDS, LOT_UNITS, Lot
from ..ledger.trace import downstream, upstream
from ..harvest.forms import SHIPPED_KINDS
from ..planting.models import Plot
from ..sales.pricing import SELLABLE
from ..processing import services as processing
from ..processing.models import QualityTest
from ..labels import kind_label, lot_state
from ..web import attempt, csv_response, document, done, htmx
from ..provenance import origin_story
from . import queries, services
from .forms import DisposeForm, ReverseForm, SplitForm

bp = Blueprint("trace", __name__)


@bp.route("/lots")
@login_required
def lots():
    session = db.session()
    search = request.args.get("q", "")
    kind = request.args.get("kind", "")
    kind = kind if kind in LOT_UNITS else ""
    narrowed = narrowing()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    if request.args.get("format") == "csv":
        rows, _more = queries.visible_lots(session, current_user, search=search, kind=kind, page=None, **narrowed)
        header = [_("Lot"), _("Kind"), _("Date"), _("Owner"), _("Quantity"), _("Remaining"), _("Unit"), _("State")]
        data = [[lot.code, str(kind_label(lot.kind)), lot.produced_on.isoformat(), owner, lot.quantity, lot.remaining,
                 lot.unit, str(lot_state(lot))] for lot, owner in rows]
        return csv_response("oilchain-lots.csv", header, data)
    rows, more = queries.visible_lots(session, current_user, search=search, kind=kind, page=page, **narrowed)
    context = {"rows": rows, "more": more, "page": page, "q": search, "kind": kind, "kinds": list(LOT_UNITS),
               "narrowed": narrowed, "keep": kept(narrowed)}
    if htmx and not htmx.boosted:
        return render_template("trace/_lot_rows.html", **context)
    return render_template("trace/lots.html", **context)


def narrowing() -> dict:
    """A start page figure's narrowing of the lot list: `made` (an event kind)
    and `year`, and `stock` (held, something left); 404 for a made without a
    year in range."""
    made = request.args.get("made", "")
    year = request.args.get("year", type=int)
    if made and (made not in EVENT_KINDS or year is None or not 2000 <= year <= 2100):
        abort(404)
    return {"made": made, "year": year if made else None, "stock": request.args.get("stock") == "1"}


def kept(narrowed: dict) -> dict:
    """The narrowing as query arguments, for the pager, the CSV link and the filter form."""
    keep = {"made": narrowed["made"], "year": narrowed["year"]} if narrowed["made"] else {}
    return {**keep, "stock": 1} if narrowed["stock"] else keep


def lot_or_404(code: str) -> Lot:
    try:
        return ledger.get_lot(db.session(), code)
    except NotFound:
        abort(404)


@bp.route("/L/<code>")
def lot_alias(code: str):
    """The address a lot's QR code carries (`/L/`, capitals for QR
    alphanumeric mode: codes.lot_qr_payload): the lot's page."""
    return redirect(url_for("trace.lot", code=code.upper()), 301)


@bp.route("/l/<code>")
@login_required
def lot(code: str):
    """A lot's page; its QR code carries this address (as /L/, lot_alias)."""
    session = db.session()
    found = lot_or_404(code)
    access = services.lot_access(session, current_user, found)
    if access is None:
        abort(403)
    return render_lot(found, access, ReverseForm())


def render_lot(found: Lot, access: str, reverse_form: ReverseForm, status: int = 200, reverse_event_id: int | None = None,
               test_form: ReverseForm | None = None, dispose_form: DisposeForm | None = None,
               split_form: SplitForm | None = None):
    session = db.session()
    context = {
        "access": access,
        "dispose_form": dispose_form,
        "blank_dispose_form": DisposeForm(formdata=None),
        "split_form": split_form,
        "blank_split_form": SplitForm(formdata=None),
        "story": origin_story(session, found.id),
        "reverse_form": reverse_form,
        "reverse_event_id": reverse_event_id,
        "test_form": test_form,
        "lot_uri": lot_uri(found),
        "shipped_kinds": SHIPPED_KINDS,
        "sellable_kinds": SELLABLE,
    }
    if access == services.FULL:
        context.update(queries.lot_detail(session, found))
        context.update(queries.split_links(session, current_user, found))
    else:
        context["lot"] = found
    return render_template("trace/lot.html", **context), status


@bp.route("/events/<id:event_id>/reverse", methods=["POST"])
@login_required
def reverse(event_id: int):
    session = db.session()
    code = request.form.get("lot", "")
    found = lot_or_404(code)
    form = ReverseForm()
    if form.validate_on_submit():
        reversal = attempt(
            form, lambda: ledger.reverse_event(session, actor=current_user, event_id=event_id, reason=form.reason.data)
        )
        if reversal:
            return done(url_for("trace.lot", code=found.code), _("The entry was reversed."))
    access = services.lot_access(session, current_user, found)
    if access is None:
        abort(403)
    return render_lot(found, access, form, status=422, reverse_event_id=event_id)


@bp.route("/quality-tests/<id:test_id>/withdraw", methods=["POST"])
@roles_required("processor")
def withdraw_test(test_id: int):
    """A wrong test result is withdrawn with a reason, from the oil lot's page."""
    session = db.session()
    test = session.get(QualityTest, test_id)
    if test is None:
        abort(404)
    found = session.get(Lot, test.lot_id)
    form = ReverseForm()
    if form.validate_on_submit() and attempt(
        form, lambda: processing.withdraw_quality_test(session, actor=current_user, test_id=test_id, reason=form.reason.data)
    ):
        return done(url_for("trace.lot", code=found.code), _("The test was withdrawn."))
    access = services.lot_access(session, current_user, found)
    if access is None:
        abort(403)
    return render_lot(found, access, ReverseForm(formdata=None), status=422, test_form=form)


@bp.route("/l/<code>/dispose", methods=["POST"])
@login_required
def dispose(code: str):
    """Part or all of a lot destroyed or written off, with the reason."""
    session = db.session()
    found = full_access_lot(code)
    form = DisposeForm()
    if form.validate_on_submit():
        try:
            amount = to_base(form.quantity.data, WEIGHT_DECIMALS if found.unit == "g" else 0)
        except NotExact:
            form.add_error("quantity", _("A count of plants or units is a whole number."))
        else:
            if attempt(form, lambda: ledger.dispose_lot(session, actor=current_user, code=found.code, quantity=amount,
                                                        occurred_on=form.occurred_on.data, reason=form.reason.data)):
                return done(url_for("trace.lot", code=found.code), _("The disposal of lot %(code)s was recorded.", code=found.code))
    if htmx and not htmx.boosted:
        return render_template("trace/_dispose_form.html", dispose_form=form, lot=found), 422
    return render_lot(found, services.FULL, ReverseForm(formdata=None), status=422, dispose_form=form)


@bp.route("/l/<code>/split", methods=["POST"])
@login_required
def split(code: str):
    """Part of a lot becomes a lot of its own (two bins in one store)."""
    session = db.session()
    found = full_access_lot(code)
    form = SplitForm()
    if form.validate_on_submit():
        part = attempt(form, lambda: ledger.split_lot(session, actor=current_user, code=found.code,
                                                      quantity=base_quantity(form.quantity.data, found.unit, found.code),
                                                      occurred_on=form.occurred_on.data))
        if part:
            return done(url_for("trace.lot", code=part.code),
                        _("Lot %(part)s was split off lot %(code)s.", part=part.code, code=found.code))
    if htmx and not htmx.boosted:
        return render_template("trace/_split_form.html", split_form=form, lot=found), 422
    return render_lot(found, services.FULL, ReverseForm(formdata=None), status=422, split_form=form)


@bp.route("/l/<code>/trace")
@login_required
def lot_trace(code: str):
    found = full_access_lot(code)
    return render_trace(("lot", found.id), title=found.code)


@bp.route("/l/<code>/trace.json")
@login_required
def lot_trace_json(code: str):
    session = db.session()
    found = full_access_lot(code)
    return jsonify(
        upstream=services.graph_json(session, current_user, upstream(session, ("lot", found.id)), upstream_walk=True),
        downstream=services.graph_json(session, current_user, downstream(session, ("lot", found.id)), upstream_walk=False),
    )


@bp.route("/plots/<id:plot_id>/trace")
@roles_required("cooperative", *BUREAU_ROLES)
def plot_trace(plot_id: int):
    session = db.session()
    plot = session.get(Plot, plot_id)
    if plot is None:
        abort(404)
    if services.plot_access(session, current_user, plot) != services.FULL:
        abort(403)
    return render_trace(("plot", plot.id), title=plot.name)


def render_trace(start, title: str):
    session = db.session()
    up = upstream(session, start)
    down = downstream(session, start)
    return render_template(
        "trace/trace.html",
        title=title,
        up=services.visible_trace(session, current_user, up, upstream_walk=True),
        down=services.visible_trace(session, current_user, down, upstream_walk=False),
    )


def full_access_lot(code: str) -> Lot:
    found = lot_or_404(code)
    if services.lot_access(db.session(), current_user, found) != services.FULL:
        abort(403)
    return found


def lot_uri(found: Lot) -> str:
    """The lot's address, also its EPC identifier."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/l/{found.code}"


def lot_qr(found: Lot) -> str:
    """What the lot's QR code carries: its URI in capitals (codes.lot_qr_payload), for QR alphanumeric mode."""
    return codes.lot_qr_payload(current_app.config["PUBLIC_BASE_URL"], found.code)


@bp.route("/l/<code>/qr.png")
@login_required
def lot_qr_png(code: str):
    found = full_access_lot(code)
    return document(qr.png(lot_qr(found)), "image/png", f"{found.code}.png")


@bp.route("/l/<code>/qr.svg")
@login_required
def lot_qr_svg(code: str):
    found = full_access_lot(code)
    return document(qr.svg(lot_qr(found)), "image/svg+xml", f"{found.code}.svg")


@bp.route("/l/<code>/label.pdf")
@login_required
def lot_label(code: str):
    """A 50 x 30 mm label for a portable label printer."""
    found = full_access_lot(code)
    pdf = labels.lot_label(url=lot_qr(found), code=found.code, lines=queries.label_lines(db.session(), found))
    return document(pdf, "application/pdf", f"{found.code}-label.pdf", inline=True)

