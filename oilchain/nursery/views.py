from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import codes, db
from ..admin.services import active_varieties
from ..auth.access import BUREAU_ROLES, roles_required
from ..documents.labels import seedling_sheet
from ..errors import DomainError
from ..labels import GRADE_NAMES, PROPAGATION, choices
from ..ledger.models import Lot
from ..planting.queries import plot_choices
from ..trace.recalls import holds_of
from ..web import document, form_step
from . import progress, seedling_labels, services
from .forms import BatchForm, CertifyForm, DispatchForm, GradeForm, GrowingForm

bp = Blueprint("nursery", __name__, url_prefix="/nursery")


@bp.route("/")
@roles_required("nursery")
def index():
    """The nursery's start page: its progress in the plan year beside the
    county's, holds and warnings, and its batches; `?graded=`, `?certified=`
    or `?dispatched=` a year lists only what that figure counts."""
    session = db.session()
    org_id = current_user.org_id
    shown, year = shown_figure()
    found = services.batches(session, org_id, codes=progress.codes_of(shown, year, org_id)
                             if shown in ("graded", "certified") else None)
    left = services.grades_left(session, [batch for _lot, batch, _variety in found])
    rows = [(lot, batch, variety, left[batch.lot_id]) for lot, batch, variety in found]
    return render_template("nursery/index.html", batches=rows, holds=holds_of(session, org_id),
                           progress=progress.progress(session, org_id), shown=shown, shown_year=year,
                           dispatches=progress.dispatch_rows(session, year, org_id) if shown == "dispatched" else None)


def shown_figure() -> tuple[str | None, int | None]:
    """Which figure's records the batch list is narrowed to, and its year (404 for a year out of range)."""
    for which in progress.FILTERS:
        if which in request.args:
            year = request.args.get(which, type=int)
            if year is None or not 2000 <= year <= 2100:
                abort(404)
            return which, year
    return None, None


def batch_choices(stages: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(lot.code, f"{lot.code} ({lot.remaining:,})") for lot, _ in services.batches_at(db.session(), current_user.org_id, stages)]


@bp.route("/batches/new", methods=["GET", "POST"])
@roles_required("nursery")
def new_batch():
    session = db.session()
    form = BatchForm()
    form.variety_id.choices = [(v.id, v.name) for v in active_varieties(session)]
    form.propagation.choices = choices(PROPAGATION)
    return form_step(
        form,
        lambda: services.register_batch(
            session,
            actor=current_user,
            variety_id=form.variety_id.data,
            propagation=form.propagation.data,
            seed_source=form.seed_source.data,
            quantity=form.quantity.data,
            started_on=form.occurred_on.data,
        ),
        done_to=lambda lot: (url_for("trace.lot", code=lot.code), _("Seedling batch %(code)s registered.", code=lot.code)),
        partial="nursery/_batch_form.html",
        title=_("Register a batch"),
        heading=_("Register a seedling batch"),
        lead=_("Register the batch when it is sown or grafted; grade and certify it before it leaves the nursery."),
    )


@bp.route("/growing", methods=["GET", "POST"])
@roles_required("nursery")
def growing():
    form = GrowingForm(code=request.args.get("batch"))
    form.code.choices = batch_choices(("sown", "grafted"))
    return form_step(
        form,
        lambda: services.mark_growing(db.session(), actor=current_user, code=form.code.data, on=form.occurred_on.data),
        done_to=lambda _batch: (url_for("trace.lot", code=form.code.data), _("The batch is growing.")),
        partial="nursery/_growing_form.html",
        title=_("Growing"),
        heading=_("Batch growing"),
    )


@bp.route("/grade", methods=["GET", "POST"])
@roles_required("nursery")
def grade():
    session = db.session()
    form = GradeForm(code=request.args.get("batch"))
    form.code.choices = batch_choices(("sown", "grafted", "growing"))
    return form_step(
        form,
        lambda: services.grade_batch(
            session,
            actor=current_user,
            code=form.code.data,
            grade1=form.grade1.data,
            grade2=form.grade2.data,
            rejected=form.rejected.data,
            graded_on=form.occurred_on.data,
        ),
        done_to=lambda _batch: (url_for("trace.lot", code=form.code.data), _("The batch is graded.")),
        partial="nursery/_grade_form.html",
        title=_("Grade"),
        heading=_("Grade a seedling batch"),
        standards=services.standards(session),
    )


@bp.route("/certify", methods=["GET", "POST"])
@roles_required("nursery")
def certify():
    session = db.session()
    form = CertifyForm(code=request.args.get("batch"))
    form.code.choices = batch_choices(("graded",))
    return form_step(
        form,
        lambda: services.certify_batch(
            session,
            actor=current_user,
            code=form.code.data,
            licence_no=form.licence_no.data,
            certificate_no=form.certificate_no.data,
            label_no=form.label_no.data,
            quarantine_no=form.quarantine_no.data,
            certified_on=form.occurred_on.data,
        ),
        done_to=lambda _batch: (url_for("trace.lot", code=form.code.data), _("The batch is certified and may be dispatched.")),
        partial="nursery/_certify_form.html",
        title=_("Certify"),
        heading=_("Certify a graded batch"),
        lead=_("Seedlings leave the nursery with two certificates and a label, and a quarantine certificate."),
    )


@bp.route("/dispatch", methods=["GET", "POST"])
@roles_required("nursery")
def dispatch():
    session = db.session()
    form = DispatchForm(batch_code=request.args.get("batch"))
    form.batch_code.choices = batch_choices(services.DISPATCHABLE_STAGES)
    form.grade.choices = [(grade, str(label)) for grade, label in GRADE_NAMES.items()]
    form.plot_id.choices = [("", _("— outside the county —"))] + plot_choices(session)

    def dispatched_to(record):
        # In the county the seedlings became the cooperative's dispatch lot: show it.
        target = session.get(Lot, record.dispatch_lot_id).code if record.dispatch_lot_id else form.batch_code.data
        return url_for("trace.lot", code=target), _("Dispatch recorded.")

    return form_step(
        form,
        lambda: services.dispatch(
            session,
            actor=current_user,
            batch_code=form.batch_code.data,
            grade=form.grade.data,
            quantity=form.quantity.data,
            dispatched_on=form.occurred_on.data,
            plot_id=form.plot_id.data,
            destination=form.destination.data or "",
        ),
        done_to=dispatched_to,
        partial="nursery/_dispatch_form.html",
        title=_("Dispatch seedlings"),
        heading=_("Dispatch seedlings to a plot"),
        left=grade_left(form.batch_code.data),
    )


@bp.route("/batch-left")
@roles_required("nursery")
def batch_left():
    """The chosen batch's grade I and II seedlings still to dispatch (inline)."""
    return render_template("nursery/_batch_left.html", left=grade_left(request.args.get("batch_code", "")))


def grade_left(code: str | None) -> dict[int, int] | None:
    """What is left by grade of one of this nursery's dispatchable batches (None for any other code)."""
    if not code or not codes.is_lot_code(code):
        return None
    session = db.session()
    rows = services.batches_at(session, current_user.org_id, services.DISPATCHABLE_STAGES, code=code)
    return services.remaining_by_grade(session, rows[0][1]) if rows else None


@bp.route("/batches/<code>/labels.pdf")
@roles_required("nursery", *BUREAU_ROLES)
def labels(code: str):
    """A dispatch's bundle labels (?dispatch=id, optionally &first=&last=
    bundles): the A4 sheet, or, when they are too many to make while the
    nursery waits, the offer to make them in the background."""
    session = db.session()
    try:
        asked = seedling_labels.label_request(session, actor=current_user, batch_code=code,
                                              dispatch_id=request.args.get("dispatch", type=int),
                                              first=request.args.get("first", type=int),
                                              last=request.args.get("last", type=int))
        count = asked.last - asked.first + 1
        if count > seedling_labels.SYNC_LABELS:
            return render_template("downloads/too_long.html", kind="seedling_labels", count=count,
                                   params={"code": asked.found.batch_lot.code, "dispatch": asked.found.dispatch.id,
                                           "first": asked.first, "last": asked.last})
        made = seedling_labels.seedling_labels(asked, key=current_app.config["SERIAL_KEY"],
                                               base_url=current_app.config["PUBLIC_BASE_URL"])
        sheet = seedling_sheet(made, seedling_labels.sheet_title(asked))
    except DomainError as error:
        return render_template("error.html", status=error.status, message=str(error.message)), error.status
    return document(sheet, "application/pdf", f"{asked.found.batch_lot.code}-{asked.found.dispatch.id}-labels.pdf",
                    inline=True)
