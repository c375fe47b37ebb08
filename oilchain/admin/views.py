from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select
from wtforms import DecimalField, PasswordField
from wtforms.validators import DataRequired, InputRequired

from .. import clock, db, jobs
from ..forms import Exact
from ..nursery import services as nursery_services
from ..units import from_base, to_base
from ..auth import services as auth_services
from ..auth.access import BUREAU_ROLES, roles_required
from ..auth.models import Organization, User
from decimal import Decimal

from ..forms import ChoiceField, CountField, Form, TextField, YuanField
from ..labels import ORG_KINDS, PROPAGATION, ROLES, choices
from ..sales import services as sales_services
from ..sales.models import PriceBound
from ..units import fen_to_yuan, yuan_to_fen
from ..web import attempt, done, render_form
from . import services
from .models import Township

bp = Blueprint("admin", __name__, url_prefix="/admin")


class OrganizationForm(Form):
    name = TextField(_l("Name"), 100)
    kind = ChoiceField(_l("Kind"), coerce=str)
    credit_code = TextField(_l("Unified social credit code"), 18, required=False)
    township_id = ChoiceField(_l("Township"), required=False)


class UserForm(Form):
    username = TextField(_l("Username"), 40)
    display_name = TextField(_l("Name"), 60)
    role = ChoiceField(_l("Role"), coerce=str)
    organization_id = ChoiceField(_l("Organization"))
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class TownshipForm(Form):
    name = TextField(_l("Name"), 40)


class RetireForm(Form):
    merged_into_id = ChoiceField(_l("Merged into"), required=False)


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
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@roles_required("admin")
def new_organization():
    session = db.session()
    form = OrganizationForm()
    form.kind.choices = choices(ORG_KINDS)
    form.township_id.choices = [("", "—")] + [(t.id, t.name) for t in services.active_townships(session)]
    if form.validate_on_submit():
        org = attempt(
            form,
            lambda: auth_services.create_organization(
                session,
                name=form.name.data,
                kind=form.kind.data,
                credit_code=form.credit_code.data or None,
                township_id=form.township_id.data,
            ),
        )
        if org:
            return done(url_for("admin.index"), _("Organization %(name)s created.", name=org.name))
    return render_form(form, "admin/organization_new.html", "admin/_organization_form.html")


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    session = db.session()
    form = UserForm()
    form.role.choices = choices(ROLES)
    form.organization_id.choices = [(o.id, o.name) for o in session.exec(select(Organization).order_by(Organization.name))]
    if form.validate_on_submit():
        user = attempt(
            form,
            lambda: auth_services.create_user(
                session,
                username=form.username.data,
                password=form.password.data,
                role=form.role.data,
                organization_id=form.organization_id.data,
                display_name=form.display_name.data,
            ),
        )
        if user:
            return done(url_for("admin.index"), _("User %(name)s created.", name=user.username))
    return render_form(form, "admin/user_new.html", "admin/_user_form.html")


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


@bp.route("/jobs")
@roles_required("admin")
def jobs_page():
    """Each scheduled job with its schedule and its last runs, failures included."""
    session = db.session()
    rows = [(job, jobs.recent_runs(session, job.id)) for job in jobs.JOBS.values()]
    return render_template("admin/jobs.html", rows=rows)


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


class StandardForm(Form):
    grade1_height = DecimalField(_l("Grade I: minimum height (cm)"), validators=[InputRequired(), Exact(1)], places=None)
    grade1_diameter = DecimalField(_l("Grade I: minimum ground diameter (mm)"), validators=[InputRequired(), Exact(1)], places=None)
    grade2_height = DecimalField(_l("Grade II: minimum height (cm)"), validators=[InputRequired(), Exact(1)], places=None)
    grade2_diameter = DecimalField(_l("Grade II: minimum ground diameter (mm)"), validators=[InputRequired(), Exact(1)], places=None)


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
    if form.validate_on_submit():
        saved = attempt(
            form,
            lambda: services.set_grading_standard(
                session,
                user_id=current_user.user_id,
                thresholds={
                    1: (to_base(form.grade1_height.data, 1), to_base(form.grade1_diameter.data, 1)),
                    2: (to_base(form.grade2_height.data, 1), to_base(form.grade2_diameter.data, 1)),
                },
            ),
        )
        if saved:
            return done(url_for("admin.grading"), _("Grading standard saved."))
    return render_form(form, "admin/grading.html", "admin/_grading_form.html")


class PriceBoundForm(Form):
    window_days = CountField(_l("Recent period (days)"), low=7, high=730)
    min_sales = CountField(_l("Sales needed to compare with"), low=1, high=1000)
    low_percent = CountField(_l("Lowest price (percent of the recent median)"), low=1, high=99)
    high_percent = CountField(_l("Highest price (percent of the recent median)"), low=101, high=10_000)
    floor = YuanField(_l("Otherwise at least (yuan per kg of oil)"), high=Decimal("100000"))
    ceiling = YuanField(_l("and at most (yuan per kg of oil)"), high=Decimal("100000"))


class AgeLimitForm(Form):
    propagation = ChoiceField(_l("Propagation method"), coerce=str)
    max_age_days = CountField(_l("Dispatched at most this many days after sowing or grafting"), low=30, high=3650)


@bp.route("/bounds", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def bounds():
    """What the ledger takes as plausible (data the bureau keeps): sale
    prices, and how old a seedling batch may be when dispatched."""
    session = db.session()
    current = session.get(PriceBound, "product")
    price = PriceBoundForm(prefix="price", obj=None if request.method == "POST" else price_defaults(current))
    age = AgeLimitForm(prefix="age")
    age.propagation.choices = choices(PROPAGATION)
    if request.method == "POST" and request.form.get("which") == "price" and price.validate_on_submit():
        if attempt(price, lambda: sales_services.save_price_bound(
                session, actor=current_user, kind="product", window_days=price.window_days.data, min_sales=price.min_sales.data,
                low_percent=price.low_percent.data, high_percent=price.high_percent.data,
                floor_fen_per_kg=yuan_to_fen(price.floor.data), ceiling_fen_per_kg=yuan_to_fen(price.ceiling.data))):
            return done(url_for("admin.bounds"), _("Price bounds saved."))
    if request.method == "POST" and request.form.get("which") == "age" and age.validate_on_submit():
        if attempt(age, lambda: nursery_services.set_age_limit(session, actor=current_user, propagation=age.propagation.data,
                                                                 max_age_days=age.max_age_days.data)):
            return done(url_for("admin.bounds"), _("Dispatch age limit saved."))
    status = 422 if price.has_errors() or age.has_errors() else 200
    return render_template("admin/bounds.html", price=price, age=age, limits=nursery_services.age_limits(session)), status


def price_defaults(bound):
    """The stored bounds in the form's units (yuan per kg)."""
    if bound is None:
        return None
    from types import SimpleNamespace

    return SimpleNamespace(window_days=bound.window_days, min_sales=bound.min_sales, low_percent=bound.low_percent,
                           high_percent=bound.high_percent, floor=fen_to_yuan(bound.floor_fen_per_kg),
                           ceiling=fen_to_yuan(bound.ceiling_fen_per_kg))
