from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import clock, db, heartbeat, jobs
from ..auth import services as auth_services
from ..auth.access import BUREAU_ROLES, roles_required
from ..auth.models import Organization, User
from ..forms import Form
from ..labels import ORG_KINDS, PROPAGATION, ROLES, choices, kind_label
from ..nursery import services as nursery_services
from ..sales import services as sales_services
from ..sales.models import PriceBound
from ..units import from_base, to_base, yuan_to_fen
from ..web import attempt, done, form_step, get_or_404
from . import services
from .forms import (AgeLimitForm, ContactForm, ImprovedForm, OrganizationForm, PositionForm, PriceBoundForm, RetireForm,
                    StandardForm, TownshipForm, UserForm, YieldGroupForm, price_defaults)
from .models import Township, Variety

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required("admin")
def index():
    session = db.session()
    return render_template(
        "admin/index.html",
        orgs=list(session.exec(select(Organization).order_by(Organization.kind, Organization.name))),
        users=list(
            session.exec(select(User, Organization.name).join(Organization, Organization.id == User.organization_id).order_by(User.username))
        ),
        townships=services.all_townships(session),
        varieties=services.all_varieties(session),
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@roles_required("admin")
def new_organization():
    session = db.session()
    form = OrganizationForm()
    form.kind.choices = choices(ORG_KINDS)
    form.township_id.choices = [("", "—")] + [(t.id, t.name) for t in services.active_townships(session)]
    return form_step(
        form,
        lambda: auth_services.create_organization(
            session,
            name=form.name.data,
            kind=form.kind.data,
            credit_code=form.credit_code.data or None,
            township_id=form.township_id.data,
            **dict(zip(("latitude_e6", "longitude_e6"), form.position_e6())),
        ),
        done_to=lambda org: (url_for("admin.index"), _("Organization %(name)s created.", name=org.name)),
        partial="admin/_organization_form.html",
        title=_("New organization"),
    )


def organization_page(org: Organization, form: PositionForm, status: int = 200, contact_form: ContactForm | None = None):
    session = db.session()
    township = session.get(Township, org.township_id) if org.township_id else None
    users = list(session.exec(select(User).where(User.organization_id == org.id).order_by(User.username)))
    contact_form = contact_form or ContactForm(gln=org.gln, phone=org.phone, address=org.address)
    if org.kind == "bureau":  # the bureau's phone is the county's public hotline
        contact_form.phone.label.text = _("County hotline (public)")
    return render_template("admin/organization.html", org=org, township=township, users=users, form=form,
                           contact=contact_form), status


def position_form(org: Organization) -> PositionForm:
    return PositionForm(latitude=None if org.latitude_e6 is None else from_base(org.latitude_e6, 6),
                        longitude=None if org.longitude_e6 is None else from_base(org.longitude_e6, 6))


def organization_or_404(org_id: int) -> Organization:
    return get_or_404(Organization, org_id)


@bp.route("/organizations/<id:org_id>")
@roles_required("admin")
def organization(org_id: int):
    """An organization's facts, its users, its position on the map and its
    GLN and public contact (admin/contact.py)."""
    org = organization_or_404(org_id)
    return organization_page(org, position_form(org))


@bp.route("/organizations/<id:org_id>/position", methods=["POST"])
@roles_required("admin")
def set_position(org_id: int):
    org = organization_or_404(org_id)
    form = PositionForm()
    if form.validate_on_submit():
        done_ok = attempt(form, lambda: auth_services.set_position(
            db.session(), user_id=current_user.user_id, organization_id=org.id,
            **dict(zip(("latitude_e6", "longitude_e6"), form.position_e6()))))
        if done_ok:
            return done(url_for("admin.organization", org_id=org.id), _("Position saved."))
    return organization_page(org, form, 422)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    session = db.session()
    form = UserForm()
    form.role.choices = choices(ROLES)
    form.organization_id.choices = [(o.id, o.name) for o in session.exec(select(Organization).order_by(Organization.name))]
    return form_step(
        form,
        lambda: auth_services.create_user(
            session,
            username=form.username.data,
            password=form.password.data,
            role=form.role.data,
            organization_id=form.organization_id.data,
            display_name=form.display_name.data,
        ),
        done_to=lambda user: (url_for("admin.index"), _("User %(name)s created.", name=user.username)),
        partial="admin/_user_form.html",
        title=_("New user"),
    )


def township_forms(session, township_id: int):
    current = session.get(Township, township_id)
    if current is None:
        abort(404)
    rename = TownshipForm(obj=current)
    retire = RetireForm()
    retire.merged_into_id.choices = [("", "—")] + [
        (t.id, t.name) for t in services.active_townships(session) if t.id != current.id
    ]
    return current, rename, retire


@bp.route("/townships/<id:township_id>")
@roles_required("admin")
def township(township_id: int):
    current, rename, retire = township_forms(db.session(), township_id)
    return render_template("admin/township.html", township=current, form=rename, retire=retire)


@bp.route("/townships/<id:township_id>/rename", methods=["POST"])
@roles_required("admin")
def rename_township(township_id: int):
    session = db.session()
    current, rename, retire = township_forms(session, township_id)
    if rename.validate_on_submit():
        done_ok = attempt(
            rename,
            lambda: services.rename_township(session, user_id=current_user.user_id, township_id=township_id, name=rename.name.data),
        )
        if done_ok:
            return done(url_for("admin.index"), _("Township renamed."))
    return render_template("admin/township.html", township=current, form=rename, retire=retire), 422


@bp.route("/townships/<id:township_id>/retire", methods=["POST"])
@roles_required("admin")
def retire_township(township_id: int):
    session = db.session()
    current, rename, retire = township_forms(session, township_id)
    if retire.validate_on_submit():
        done_ok = attempt(
            retire,
            lambda: services.retire_township(
                session, user_id=current_user.user_id, township_id=township_id, merged_into_id=retire.merged_into_id.data
            ),
        )
        if done_ok:
            return done(url_for("admin.index"), _("Township retired; records that name it keep it."))
    return render_template("admin/township.html", township=current, form=rename, retire=retire), 422


def variety_page(variety: Variety, form: YieldGroupForm, status: int = 200, improved: ImprovedForm | None = None):
    form.yield_group.choices = [(group, group) for group in services.curve_groups(db.session())]
    improved = improved or ImprovedForm(improved=variety.improved, approval_number=variety.approval_number or "",
                                        approval_pending=variety.approval_pending, formdata=None)
    return render_template("admin/variety.html", variety=variety, form=form, improved=improved), status


def variety_or_404(variety_id: int) -> Variety:
    return get_or_404(Variety, variety_id)


@bp.route("/varieties/<id:variety_id>")
@roles_required("admin")
def variety(variety_id: int):
    """A variety and the yield curve group its trees follow."""
    found = variety_or_404(variety_id)
    return variety_page(found, YieldGroupForm(yield_group=found.yield_group))


@bp.route("/varieties/<id:variety_id>/group", methods=["POST"])
@roles_required("admin")
def set_yield_group(variety_id: int):
    session = db.session()
    found = variety_or_404(variety_id)
    form = YieldGroupForm()
    form.yield_group.choices = [(group, group) for group in services.curve_groups(session)]
    if form.validate_on_submit() and attempt(form, lambda: services.set_yield_group(
            session, user_id=current_user.user_id, variety_id=variety_id, group=form.yield_group.data)):
        return done(url_for("admin.index"), _("Variety saved: the forecast follows its new group from the next nightly run."))
    return variety_page(found, form, 422)


@bp.route("/varieties/<id:variety_id>/improved", methods=["POST"])
@roles_required("admin")
def set_improved(variety_id: int):
    """Whether the variety is an approved improved variety, with its approval number."""
    session = db.session()
    found = variety_or_404(variety_id)
    form = ImprovedForm()
    if form.validate_on_submit() and attempt(form, lambda: services.set_improved(
            session, user_id=current_user.user_id, variety_id=variety_id, improved=form.improved.data,
            approval_number=form.approval_number.data, approval_pending=form.approval_pending.data)):
        return done(url_for("admin.index"), _("Variety saved: the improved-variety share counts it from the next roll-up."))
    return variety_page(found, YieldGroupForm(yield_group=found.yield_group, formdata=None), 422, improved=form)


@bp.route("/jobs")
@roles_required("admin")
def jobs_page():
    """Each scheduled job with its next run and its last runs, failures
    included; each process's last heartbeat, with a warning for a silent one."""
    session = db.session()
    now = clock.now()
    rows = [(job, job.trigger().get_next_fire_time(None, now), jobs.recent_runs(session, job.id)) for job in jobs.JOBS.values()]
    expected = heartbeat.expected(current_app.config)
    processes = heartbeat.states(session)
    silent = [state for state in processes if state.name in expected and state.silent(now)]
    return render_template("admin/jobs.html", rows=rows, processes=processes, silent=silent, expected=expected)


@bp.route("/jobs/<job_id>/run", methods=["POST"])
@roles_required("admin")
def run_job(job_id: str):
    job = jobs.JOBS.get(job_id)
    form = Form()
    if job is None or not form.validate_on_submit():
        abort(404 if job is None else 400)
    due = job.last_due(clock.now()) or clock.now()
    record = jobs.execute(db.session(), job, job.period_of(due), trigger="manual")
    return done(url_for("admin.jobs_page"), _("%(job)s ran for %(period)s: %(status)s.", job=job.id, period=record.period, status=record.status))


@bp.route("/grading", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def grading():
    """The seedling grading standard's thresholds (data the bureau keeps)."""
    session = db.session()
    current = nursery_services.standards(session)
    form = StandardForm(
        grade1_height=from_base(current[1].min_height_mm, 1), grade1_diameter=from_base(current[1].min_diameter_dmm, 1),
        grade2_height=from_base(current[2].min_height_mm, 1), grade2_diameter=from_base(current[2].min_diameter_dmm, 1),
    ) if request.method == "GET" and len(current) == 2 else StandardForm()
    return form_step(
        form,
        lambda: services.set_grading_standard(
            session,
            user_id=current_user.user_id,
            thresholds={
                1: (to_base(form.grade1_height.data, 1), to_base(form.grade1_diameter.data, 1)),
                2: (to_base(form.grade2_height.data, 1), to_base(form.grade2_diameter.data, 1)),
            },
        ),
        done_to=lambda _saved: (url_for("admin.grading"), _("Grading standard saved.")),
        partial="admin/_grading_form.html",
        title=_("Grading standard"),
        heading=_("Seedling grading standard"),
        lead=_("Nurseries grade against these thresholds; each grading keeps the values in force when it was done."),
    )


@bp.route("/bounds", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def bounds():
    """What the ledger takes as plausible (data the bureau keeps): sale
    prices, and how old a seedling batch may be when dispatched."""
    session = db.session()
    bounds_by_kind = {bound.kind: bound for bound in session.exec(select(PriceBound))}
    current = bounds_by_kind.get(request.args.get("kind", "product"))
    price = PriceBoundForm(prefix="price", obj=None if request.method == "POST" else price_defaults(current))
    price.kind.choices = [(kind, str(kind_label(kind))) for kind in sales_services.SELLABLE]
    age = AgeLimitForm(prefix="age")
    age.propagation.choices = choices(PROPAGATION)
    if request.method == "POST" and request.form.get("which") == "price" and price.validate_on_submit():
        if attempt(price, lambda: sales_services.save_price_bound(
                session, actor=current_user, kind=price.kind.data, window_days=price.window_days.data, min_sales=price.min_sales.data,
                low_percent=price.low_percent.data, high_percent=price.high_percent.data,
                floor_fen_per_kg=yuan_to_fen(price.floor.data), ceiling_fen_per_kg=yuan_to_fen(price.ceiling.data))):
            return done(url_for("admin.bounds"), _("Price bounds saved."))
    if request.method == "POST" and request.form.get("which") == "age" and age.validate_on_submit():
        if attempt(age, lambda: nursery_services.set_age_limit(session, actor=current_user, propagation=age.propagation.data,
                                                                 max_age_days=age.max_age_days.data)):
            return done(url_for("admin.bounds"), _("Dispatch age limit saved."))
    status = 422 if price.has_errors() or age.has_errors() else 200
    return render_template("admin/bounds.html", price=price, age=age, limits=nursery_services.age_limits(session),
                           price_bounds=[bounds_by_kind[kind] for kind in sales_services.SELLABLE if kind in bounds_by_kind]), status
