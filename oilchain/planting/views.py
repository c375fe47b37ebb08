from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..admin.services import active_townships, active_varieties
from ..auth.access import BUREAU_ROLES, roles_required
from ..labels import PLANTING_KINDS, RENOVATION_METHODS, choices
from ..ledger import owned_lots
from ..trace.services import plot_access
from ..units import centimu_to_mu, mu_to_centimu, to_base
from ..web import form_step, htmx, int_arg
from . import queries, services
from .forms import AcceptanceForm, PlantingForm, PlotForm, SurvivalForm
from .models import Plot


bp = Blueprint("planting", __name__, url_prefix="/planting")


@bp.route("/")
@roles_required("cooperative")
def index():
    """The cooperative's plots and plantings (`?waiting=1`: only the plantings
    waiting for acceptance, the start page's figure)."""
    session = db.session()
    waiting = request.args.get("waiting") == "1"
    return render_template(
        "planting/index.html",
        waiting=waiting,
        plots=queries.plot_rows(session, current_user.org_id),
        plantings=queries.planting_rows(session, current_user.org_id, waiting=waiting),
        map=queries.plot_map(session, current_user.org_id),
    )


@bp.route("/plots/new", methods=["GET", "POST"])
@roles_required("cooperative")
def new_plot():
    session = db.session()
    form = PlotForm()
    form.township_id.choices = [(t.id, t.name) for t in active_townships(session)]
    return form_step(
        form,
        lambda: services.create_plot(
            session,
            actor=current_user,
            name=form.name.data,
            township_id=form.township_id.data,
            village=form.village.data,
            area_centimu=mu_to_centimu(form.area.data),
            latitude_e6=to_base(form.latitude.data, 6),
            longitude_e6=to_base(form.longitude.data, 6),
            year_planted=form.year_planted.data,
        ),
        done_to=lambda plot: (url_for("planting.plot", plot_id=plot.id), _("Plot %(name)s registered.", name=plot.name)),
        partial="planting/_plot_form.html",
        title=_("Register a plot"),
    )


@bp.route("/plantings/new", methods=["GET", "POST"])
@roles_required("cooperative")
def new_planting():
    session = db.session()
    form = PlantingForm()
    form.plot_id.choices = [(p.id, p.name) for p in services.plots_of(session, current_user.org_id)]
    form.kind.choices = choices(PLANTING_KINDS)
    form.method.choices = [("", "—")] + choices(RENOVATION_METHODS)
    form.variety_id.choices = [(v.id, v.name) for v in active_varieties(session)]
    form.dispatch_code.choices = [("", _("None"))] + [
        (lot.code, f"{lot.code} ({lot.remaining:,})") for lot in owned_lots(session, current_user.org_id, ("dispatch",))
    ]
    return form_step(
        form,
        lambda: services.record_planting(
            session,
            actor=current_user,
            plot_id=form.plot_id.data,
            kind=form.kind.data,
            area_centimu=mu_to_centimu(form.area.data),
            variety_id=form.variety_id.data,
            planted_on=form.occurred_on.data,
            dispatch_code=form.dispatch_code.data or "",
            seedlings=form.seedlings.data or 0,
            method=form.method.data or None,
        ),
        done_to=lambda record: (url_for("planting.plot", plot_id=record.plot_id), _("Planting recorded.")),
        partial="planting/_planting_form.html",
        title=_("Record planting or renovation"),
    )


@bp.route("/plots/<id:plot_id>")
@roles_required("cooperative", "nursery", "processor", *BUREAU_ROLES)
def plot(plot_id: int):
    session = db.session()
    found = session.get(Plot, plot_id)
    if found is None:
        abort(404)
    access = plot_access(session, current_user, found)
    if access is None:
        abort(403)
    return render_template("planting/plot.html", **queries.plot_detail(session, found), access=access)


@bp.route("/plantings/<id:planting_id>/survival", methods=["GET", "POST"])
@roles_required("cooperative")
def survival(planting_id: int):
    session = db.session()
    record = queries.own_planting_or_404(session, current_user.org_id, planting_id)
    form = SurvivalForm()
    return form_step(
        form,
        lambda: services.record_survival(
            session,
            actor=current_user,
            planting_id=planting_id,
            checked_on=form.occurred_on.data,
            survival_permille=to_base(form.survival.data, 1),
        ),
        done_to=lambda _check: (url_for("planting.plot", plot_id=record.plot_id), _("Survival check recorded.")),
        partial="planting/_survival_form.html",
        page="planting/survival.html",
        title=_("Survival check"),
        record=record,
    )


@bp.route("/acceptance")
@roles_required(*BUREAU_ROLES)
def acceptance():
    """Plantings waiting for the bureau's acceptance, and those accepted."""
    session = db.session()
    township_id = int_arg("township")
    state = request.args.get("state", "waiting")
    rows = queries.acceptance_rows(session, township_id=township_id, waiting=state != "done")
    context = {"rows": rows, "township_id": township_id, "state": state, "townships": active_townships(session)}
    if htmx and not htmx.boosted:
        return render_template("planting/_acceptance_rows.html", **context)
    return render_template("planting/acceptance.html", map=queries.plot_map(session, None), **context)


@bp.route("/plantings/<id:planting_id>/accept", methods=["GET", "POST"])
@roles_required("manager")
def accept(planting_id: int):
    session = db.session()
    record = queries.planting_or_404(session, planting_id)
    form = AcceptanceForm(accepted_area=centimu_to_mu(record.area_centimu))
    return form_step(
        form,
        lambda: services.accept_planting(
            session,
            actor=current_user,
            planting_id=planting_id,
            accepted_area_centimu=mu_to_centimu(form.accepted_area.data),
            accepted_on=form.occurred_on.data,
            note=form.note.data or "",
        ),
        done_to=lambda _accepted: (url_for("planting.acceptance"), _("Planting accepted.")),
        partial="planting/_accept_form.html",
        page="planting/accept.html",
        title=_("Accept a planting"),
        record=record,
        survival=services.latest_survival(session, planting_id),
    )


@bp.route("/plots.geojson")
@roles_required("cooperative", *BUREAU_ROLES)
def plots_geojson():
    """Plot positions for any map: the cooperative's own, or all for the bureau."""
    session = db.session()
    org_id = None if current_user.is_bureau else current_user.org_id
    return jsonify(queries.plots_geojson(session, org_id))
