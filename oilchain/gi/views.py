from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import clock, db
from ..admin.services import active_townships
from ..auth.access import BUREAU_ROLES, roles_required
from ..auth.models import Organization
from ..documents.report import Section, TablesDocument, tables_document
from ..forms import Form
from ..i18n import format_local_time
from ..web import attempt, document, done
from . import services
from .forms import DefinitionForm, MarksForm, ProducerForm

bp = Blueprint("gi", __name__, url_prefix="/gi")


def forms(session):
    gi = services.active_gi(session)
    definition = DefinitionForm(prefix="gi")
    if gi is not None and request.method == "GET":
        definition.name.data, definition.registration.data, definition.specification.data = gi.name, gi.registration, gi.specification
        definition.show(gi.limits)
        definition.township_ids.data = [t.id for t in services.protected_townships(session, gi)]
    definition.township_ids.choices = [(t.id, t.name) for t in active_townships(session)]
    producer = ProducerForm(prefix="producer")
    producer.org_id.choices = [
        (o.id, o.name) for o in session.exec(select(Organization).where(Organization.kind == "processor").order_by(Organization.name))
    ]
    return gi, definition, producer, MarksForm(prefix="marks")


def page(session, gi, definition, producer, marks, status=200):
    return render_template(
        "gi/index.html", gi=gi, definition=definition, producer=producer, marks=marks,
        producers=services.producers(session, gi) if gi else [], year=clock.today().year,
    ), status


@bp.route("/", methods=["GET"])
@roles_required(*BUREAU_ROLES)
def index():
    session = db.session()
    return page(session, *forms(session))


@bp.route("/definition", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def save_definition():
    session = db.session()
    gi, definition, producer, marks = forms(session)
    if definition.validate_on_submit() and attempt(
        definition,
        lambda: services.save_definition(
            session, actor=current_user, name=definition.name.data, registration=definition.registration.data,
            specification=definition.specification.data or "",
            limits=definition.limits(),
            township_ids=definition.township_ids.data or [],
        ),
    ):
        return done(url_for("gi.index"), _("The GI definition is saved; every product lot's eligibility was recomputed."))
    return page(session, gi, definition, producer, marks, 422)


@bp.route("/producers", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def authorize():
    session = db.session()
    gi, definition, producer, marks = forms(session)
    if producer.validate_on_submit() and attempt(
        producer, lambda: services.authorize(session, actor=current_user, org_id=producer.org_id.data, authorized_on=producer.occurred_on.data)
    ):
        return done(url_for("gi.index"), _("Producer authorized."))
    return page(session, gi, definition, producer, marks, 422)


@bp.route("/producers/<id:producer_id>/revoke", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def revoke(producer_id: int):
    session = db.session()
    gi, definition, producer, marks = forms(session)
    form = Form()
    if form.validate_on_submit() and attempt(
        form, lambda: services.revoke(session, actor=current_user, producer_id=producer_id, revoked_on=clock.today())
    ):
        return done(url_for("gi.index"), _("Authorization revoked."))
    producer.whole_form_errors.extend(form.whole_form_errors)
    return page(session, gi, definition, producer, marks, 422)


@bp.route("/marks", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def issue_marks():
    session = db.session()
    gi, definition, producer, marks = forms(session)
    if marks.validate_on_submit() and attempt(
        marks, lambda: services.issue_marks(session, actor=current_user, lot_code=marks.code.data, units=marks.units.data,
                                            issued_on=marks.occurred_on.data)
    ):
        return done(url_for("gi.index"), _("Marks issued."))
    return page(session, gi, definition, producer, marks, 422)


@bp.route("/register")
@roles_required(*BUREAU_ROLES)
def register():
    year = request.args.get("year", type=int) or clock.today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return render_template("gi/register.html", year=year, reg=services.register(db.session(), year))


@bp.route("/register.pdf")
@roles_required(*BUREAU_ROLES)
def register_pdf():
    year = request.args.get("year", type=int) or clock.today().year
    if not 2000 <= year <= 2100:
        abort(404)
    reg = services.register(db.session(), year)
    gi = reg["gi"]
    lots = [
        [entry["lot"].code, entry["product"].name, entry["processor"].name, entry["lot"].produced_on.isoformat(),
         str(entry["lot"].quantity), _("eligible") if entry["status"].get("eligible") else _("not eligible"), str(entry["marks"])]
        for entry in reg["lots"]
    ]
    producers = [
        [org.name, org.credit_code or "", p.authorized_on.isoformat(), p.revoked_on.isoformat() if p.revoked_on else ""]
        for p, org in reg["producers"]
    ]
    pdf = tables_document(
        TablesDocument(
            title=_("GI register %(year)s", year=year),
            subtitle=f"{gi.name} · {gi.registration}" if gi else _("No GI product is defined."),
            meta=[_("Printed by %(name)s", name=current_user.display_name), _("Printed at %(when)s", when=format_local_time(clock.utcnow()))],
            sections=[
                Section(_("Protected townships"), [_("Township")], [[t.name] for t in reg["townships"]]),
                Section(_("Authorized producers"), [_("Producer"), _("Unified social credit code"), _("Authorized on"), _("Revoked on")], producers),
                Section(_("Product lots bottled in %(year)s", year=year),
                        [_("Lot"), _("Product"), _("Processor"), _("Bottled on"), _("Units"), _("GI"), _("Marks issued")], lots, size=7.5),
            ],
            notes=[_("Limits: acid value %(a)s mg KOH/g, peroxide value %(p)s g/100g, moisture and volatiles %(m)s%%.",
                     a=reg["limits"]["acid_value"], p=reg["limits"]["peroxide_value"], m=reg["limits"]["moisture"])] if gi else [],
            page_label=_("Page %(page)s", page="%(page)s"),
        )
    )
    return document(pdf, "application/pdf", f"gi-register-{year}.pdf", inline=True)
