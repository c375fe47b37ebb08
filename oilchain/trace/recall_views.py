"""The bureau's recall pages, on the trace blueprint."""

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, db
from ..codes import serial_text
from ..auth.access import BUREAU_ROLES, roles_required
from ..documents.report import Section, TablesDocument, tables_document
from ..errors import DomainError
from ..i18n import format_local_time, format_quantity
from ..ledger.trace import downstream
from ..planting.queries import plot_choices
from ..web import attempt, document, done, form_step, int_arg
from . import recalls
from .forms import CloseForm, RecallForm
from .models import Recall
from .sold import trace_sales
from .views import bp


def recall_form() -> RecallForm:
    form = RecallForm()
    form.plot_id.choices = [("", "—")] + plot_choices(db.session())
    return form


@bp.route("/recalls", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def recall_list():
    session = db.session()
    form = recall_form()
    return form_step(
        form,
        lambda: recalls.start_recall(
            session, actor=current_user, reason=form.reason.data, lot_code=form.code.data or "", plot_id=form.plot_id.data
        ),
        done_to=lambda recall: (url_for("trace.recall_page", recall_id=recall.id),
                                _("Recall started: the bottles' pages now warn consumers.")),
        partial="trace/_recall_form.html",
        page="trace/recalls.html",
        title=_("Recalls"),
        recalls=recalls.all_recalls(session),
        preview=None,
    )


@bp.route("/recalls/preview")
@roles_required(*BUREAU_ROLES)
def recall_preview():
    """What a recall from this lot or plot would reach (before starting it)."""
    session = db.session()
    try:
        node, label = recalls.start_node(session, lot_code=request.args.get("code", ""), plot_id=int_arg("plot_id"))
        reached = downstream(session, node).ids("lot")
        preview = {"label": label, "found": recalls.affected(session, node, lot_ids=reached),
                   "sales": trace_sales(session, current_user, reached, reached)}
    except DomainError as error:
        preview = {"error": str(error.message)}
    return render_template("trace/_recall_preview.html", preview=preview)


@bp.route("/recalls/<id:recall_id>")
@roles_required(*BUREAU_ROLES)
def recall_page(recall_id: int):
    session = db.session()
    recall = session.get(Recall, recall_id)
    if recall is None:
        abort(404)
    return render_recall(recall, CloseForm())


def render_recall(recall: Recall, close: CloseForm, status: int = 200):
    session = db.session()
    held_lots = recalls.held_lot_ids(session, recall)
    return render_template("trace/recall.html", recall=recall, found=recalls.recall_lots(session, recall), close=close,
                           held=recalls.hold_summary(session, recall),
                           sales=trace_sales(session, current_user, held_lots, held_lots)), status


@bp.route("/recalls/<id:recall_id>/close", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def close_recall(recall_id: int):
    session = db.session()
    recall = session.get(Recall, recall_id)
    if recall is None:
        abort(404)
    form = CloseForm()
    if form.validate_on_submit() and attempt(form, lambda: recalls.close_recall(session, actor=current_user, recall_id=recall_id, note=form.note.data)):
        return done(url_for("trace.recall_page", recall_id=recall_id), _("Recall closed."))
    return render_recall(recall, form, 422)


@bp.route("/recalls/<id:recall_id>.pdf")
@roles_required(*BUREAU_ROLES)
def recall_pdf(recall_id: int):
    session = db.session()
    recall = session.get(Recall, recall_id)
    if recall is None:
        abort(404)
    found = recalls.recall_lots(session, recall)
    lots = [
        [lot.code, product.name, org.name, lot.produced_on.isoformat(),
         f"{product_lot.serial_first}–{product_lot.serial_last}", format_quantity(lot.quantity, lot.unit)]
        for lot, product_lot, product, org in found.product_lots
    ]
    codes = {lot.id: lot.code for lot, *_ in found.product_lots}
    sales = [
        [codes[lot_id], sale.buyer, sale.sold_on.isoformat(), format_quantity(sale.quantity, "unit")]
        for lot_id, rows in found.sales.items() for sale, _event in rows
    ]
    pdf = tables_document(
        TablesDocument(
            title=_("Recall #%(id)s", id=recall.id),
            subtitle=_("Started from %(start)s: %(reason)s", start=recall.start_label, reason=recall.reason),
            meta=[
                _("Started at %(when)s", when=format_local_time(recall.created_at)),
                _("Closed at %(when)s", when=format_local_time(recall.closed_at)) if recall.closed_at else _("Open"),
                _("Printed at %(when)s", when=format_local_time(clock.utcnow())),
            ],
            sections=[
                Section(_("Affected product lots (%(n)s, %(units)s units)", n=len(lots), units=found.units),
                        [_("Lot"), _("Product"), _("Processor"), _("Bottled on"), _("Serials"), _("Units")], lots),
                Section(_("Sales to buyers (%(units)s units sold)", units=found.sold_units),
                        [_("Lot"), _("Buyer"), _("Date"), _("Units")], sales),
            ],
            page_label=_("Page %(page)s", page="%(page)s"),
        )
    )
    return document(pdf, "application/pdf", f"recall-{recall.id}.pdf", inline=True)


@bp.route("/scans/unknown")
@roles_required("processor", *BUREAU_ROLES)
def unknown_scans():
    """Scans of codes never issued: a processor sees those naming its
    products, the bureau all of them."""
    from ..public.services import unknown_scans as query

    org_id = None if current_user.is_bureau else current_user.org_id
    return render_template("trace/unknown_scans.html", rows=query(db.session(), org_id))


@bp.route("/scans/copied")
@roles_required("processor", *BUREAU_ROLES)
def copied_scans():
    """Genuine codes scanned like a copied label (from many networks or on
    many days, as the brain's copied-code rule says): a processor sees its
    own products' codes, the bureau all of them."""
    from ..public.copies import copied_serials
    from ..public.services import copied_thresholds

    session = db.session()
    thresholds = copied_thresholds(session)
    org_id = None if current_user.is_bureau else current_user.org_id
    found = copied_serials(session, thresholds, org_id, page=int_arg("page", high=1_000_000, default=1))
    key = current_app.config["SERIAL_KEY"]
    serials = {(row.lot_id, row.serial): serial_text(key, row.gtin, row.lot_code, row.serial) for row in found.rows}
    return render_template("trace/copied_scans.html", found=found, serials=serials, thresholds=thresholds)
