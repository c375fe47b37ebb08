"""The processor's pages for oil lots: refining, blending, tanks and putting
oil into a tank (thin views over processing.oil); the bureau's page of the
quality grades' limits per extraction method."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db, ledger
from ..auth.access import BUREAU_ROLES, roles_required
from ..labels import OIL_METHODS
from ..units import WEIGHT_DECIMALS, kg_to_g, show_quantity
from ..web import form_step
from . import oil, quality, services
from .forms import BlendForm, GradeLimitForm, PutForm, RefineForm, TankForm, method_choices
from .quality import grade_codes, grade_name
from .models import OilLot
from .views import bp


def oil_choices(session, lots, refined: bool | None = None) -> list:
    """(code, label) of oil lots with their method and state; only crude or refined ones when `refined` says."""
    choices = []
    for lot in lots:
        facts = session.get(OilLot, lot.id)
        if facts is None or (refined is not None and facts.refined != refined):
            continue
        label = f"{lot.code} · {OIL_METHODS[facts.method]} · {oil.state_label(facts)} · {show_quantity(lot.remaining, lot.unit)}"
        choices.append((lot.code, label))
    return choices


def to_lot(message):
    return lambda lot: (url_for("trace.lot", code=lot.code), message(lot))


@bp.route("/refine", methods=["GET", "POST"])
@roles_required("processor")
def refine():
    session = db.session()
    form = RefineForm()
    form.code.choices = oil_choices(session, ledger.owned_lots(session, current_user.org_id, ("oil",)), refined=False)
    return form_step(
        form,
        lambda: oil.refine(session, actor=current_user, lot_code=form.code.data, oil_used_g=kg_to_g(form.oil_used.data),
                           refined_g=kg_to_g(form.refined.data), steps=form.steps.data or [],
                           occurred_on=form.occurred_on.data),
        done_to=to_lot(lambda lot: _("Refined oil lot %(code)s recorded.", code=lot.code)),
        partial="processing/_refine_form.html",
        title=_("Refine"),
        heading=_("Refine crude oil"),
    )


@bp.route("/blend", methods=["GET", "POST"])
@roles_required("processor")
def blend():
    session = db.session()
    lots = ledger.owned_lots(session, current_user.org_id, ("oil",))
    form = BlendForm().offer(lots, WEIGHT_DECIMALS, lambda code: ledger.get_lot(session, code))
    return form_step(
        form,
        lambda: oil.blend(session, actor=current_user, inputs=form.inputs, oil_g=kg_to_g(form.oil.data),
                          occurred_on=form.occurred_on.data),
        done_to=to_lot(lambda lot: _("Blended oil lot %(code)s recorded.", code=lot.code)),
        partial="processing/_blend_form.html",
        title=_("Blend"),
        heading=_("Blend oil lots into one"),
        lots=lots,
    )


@bp.route("/tanks", methods=["GET", "POST"])
@roles_required("processor")
def tanks():
    session = db.session()
    form = TankForm()
    return form_step(
        form,
        lambda: oil.create_tank(session, actor=current_user, name=form.name.data,
                                capacity_g=kg_to_g(form.capacity.data) if form.capacity.data is not None else None),
        done_to=lambda tank: (url_for("processing.tanks"), _("Tank %(name)s added.", name=tank.name)),
        partial="processing/_tank_form.html",
        page="processing/tanks.html",
        title=_("Tanks"),
        tanks=oil.tanks_of(session, current_user.org_id),
    )


@bp.route("/tanks/put", methods=["GET", "POST"])
@roles_required("processor")
def put_into_tank():
    session = db.session()
    form = PutForm()
    form.tank_id.choices = [(tank.id, tank.name) for tank, _lot, _oil in oil.tanks_of(session, current_user.org_id)]
    form.code.choices = oil_choices(session, ledger.owned_lots(session, current_user.org_id, ("oil",)))
    return form_step(
        form,
        lambda: oil.put_into_tank(session, actor=current_user, tank_id=form.tank_id.data, lot_code=form.code.data,
                                  occurred_on=form.occurred_on.data),
        done_to=lambda done: (url_for("processing.tanks"),
                              _("Tank %(tank)s now holds lot %(code)s.", tank=done[0].name, code=done[1].code)),
        partial="processing/_put_form.html",
        title=_("Put oil into a tank"),
        lead=_("All that is left of the lot goes in. An empty tank then holds it; oil put into a tank that holds "
               "oil is blended with it into a new lot."),
    )


@bp.route("/grades", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def grades():
    """The quality grades' limits per extraction method, which the bureau keeps."""
    session = db.session()
    form = GradeLimitForm()
    form.method.choices = method_choices(OIL_METHODS)
    form.grade_code.choices = [(code, str(grade_name(code))) for code in grade_codes(session)]
    return form_step(
        form,
        lambda: services.save_grade_limit(session, actor=current_user, method=form.method.data,
                                          grade_code=form.grade_code.data, limits=form.limits()),
        done_to=lambda row: (url_for("processing.grades"), _("The limits of %(grade)s for %(method)s oil are saved.",
                                                             grade=grade_name(row.grade_code), method=OIL_METHODS[row.method])),
        partial="processing/_grade_limit_form.html",
        page="processing/grades.html",
        title=_("Quality grades"),
        heading=_("Quality grade limits per extraction method"),
        tables=[(method, quality.grades(session, method)) for method in OIL_METHODS],
    )
