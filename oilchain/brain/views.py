"""The brain's pages (/brain/): the blueprint; the map page, its data, the
big screen and its display tokens are here; other pages are in the modules
create_app imports beside it."""

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, db, geo
from ..auth.access import BUREAU_ROLES, roles_required
from ..errors import Forbidden
from ..forms import Form
from ..i18n import format_metric, format_permille
from ..reports import services as reports
from ..units import from_base
from ..web import attempt, done
from . import displays, forecast_panel, indices, mapdata
from .wording import message_of
from .forms import DisplayForm
from .queries import Scope
from .warnings import standing

bp = Blueprint("brain", __name__, url_prefix="/brain")
MAP_ROLES = ("cooperative", "processor", "nursery", *BUREAU_ROLES)
SEASONS = range(2000, 2101)
ORG_LOTS = {"nursery": "seedling", "processor": "oil"}  # the lots a click on the map's organization opens
SCREEN_REFRESH_SECONDS = 180  # the big screen fetches its data again every three minutes


def season() -> int:
    """The season on show: ?season=, else the dashboard's year (the latest
    with targets that has begun)."""
    chosen = request.args.get("season", type=int) or reports.default_year(db.session())
    if chosen not in SEASONS:
        abort(404)
    return chosen


def link(endpoint: str | None, **args) -> str | None:
    """The page a figure sums (None: a figure without one)."""
    return None if endpoint is None else url_for(endpoint, **args)


def payload(scope: Scope, chosen: int) -> dict:
    """The map's data with the addresses its clicks open."""
    data = mapdata.map_data(db.session(), chosen, scope)
    for org in data["orgs"]:  # that organization's own lots (its seedlings, its oil)
        org["url"] = url_for("trace.lots", kind=ORG_LOTS[org["kind"]], owner=org["id"])
    data["urls"] = {
        "plot": url_for("planting.plot", plot_id=0),
        "township": url_for("reports.records", metric="planted_new", year=chosen, township=0) if scope.county else None,
        "nursery": url_for("trace.lots", kind="seedling"),
        "processor": url_for("trace.lots", kind="oil"),
    }
    return data


def index_text(found: indices.Index) -> str:
    """An index in the reader's language and units."""
    if found.value is None:
        return "—"
    if found.unit == "permille":
        return format_permille(found.value)
    if found.unit == "milli":
        return format_decimal(from_base(found.value, 3), format="#,##0.00") + " " + _("mg KOH/g")
    return format_metric(found.value, found.unit)


def index_rows(chosen: int) -> list[dict]:
    return [{"index": found, "text": index_text(found), "url": link(found.endpoint, **found.args)}
            for found in indices.indices(db.session(), chosen)]


def ticker() -> list[dict]:
    """The standing warnings for the big screen, in the reader's language."""
    # The warnings page's wording (its values as kg, yuan, %): one function for
    # both. Imported here, not at the top: warning_views imports this module's bp.

    return [{"severity": warning.severity, "subject_label": warning.subject_label, "text": message_of(warning)}
            for warning in standing.visible(db.session(), indices.COUNTY, state="standing", limit=20)]


@bp.route("/")
@roles_required(*MAP_ROLES)
def index():
    chosen = season()
    scope = Scope.of(current_user)
    context = {
        "season": chosen,
        "data": payload(scope, chosen),
        "indices": index_rows(chosen) if scope.county else None,
        "forecast": forecast_panel.panel(db.session(), chosen) if scope.county else None,
        "data_url": None,
        "refresh_seconds": None,
        "own_warnings": None if scope.county else standing.open_count(db.session(), current_user),
    }
    return render_template("brain/index.html", **context)


def screen_access() -> tuple[bool, object]:
    """(allowed, answer): a signed-in manager, or a display token in ?token=."""
    token = request.args.get("token")
    if token is None:
        if not current_user.is_authenticated:
            return False, redirect(url_for("auth.login", next=request.full_path))
        if current_user.role != "manager":
            abort(403)
        return True, None
    session = db.session()
    try:
        displays.screen_actor(session, token.strip())
        session.commit()  # the token's last use
    except Forbidden as refusal:
        session.rollback()
        return False, (render_template("error.html", status=403, message=str(refusal.message)), 403)
    return True, None


@bp.route("/map.json")
def map_json():
    """The map's data for the page's script and the big screen (which may
    come with a display token instead of a sign-in)."""
    if request.args.get("token") is not None:
        allowed, answer = screen_access()
        if not allowed:
            return answer
        scope = Scope()
    elif not current_user.is_authenticated:
        return jsonify(error=_("Sign in first.")), 401
    elif current_user.role not in MAP_ROLES:
        abort(403)
    else:
        scope = Scope.of(current_user)
    chosen = season()
    data = payload(scope, chosen)
    if scope.county:
        data["indices"] = [{"key": row["index"].key, "value": row["index"].value, "text": row["text"]}
                           for row in index_rows(chosen)]
        data["warnings"] = ticker()
    return jsonify(data)


@bp.route("/outline.json")
def outline_json():
    """Youyang's outline for the charts (public: it is the county's shape)."""
    response = jsonify(geo.outline_geojson())
    response.cache_control.max_age = 86400
    return response


@bp.route("/screen")
def screen():
    """The meeting room's big screen (1920 x 1080), refreshing itself."""
    allowed, answer = screen_access()
    if not allowed:
        return answer
    chosen = season()
    token = request.args.get("token")
    data_url = url_for("brain.map_json", season=chosen, **({"token": token} if token else {}))
    return render_template("brain/screen.html", season=chosen, data_url=data_url, refresh_seconds=SCREEN_REFRESH_SECONDS,
                           indices=index_rows(chosen), warnings=ticker(), data=payload(Scope(), chosen), now=clock.utcnow())


@bp.route("/displays", methods=["GET", "POST"])
@roles_required("manager")
def display_tokens():
    """Issue (the address is shown once) and revoke the screens' tokens."""
    form = DisplayForm()
    issued = None
    if form.validate_on_submit():
        made = attempt(form, lambda: displays.issue(db.session(), actor=current_user, label=form.label.data or ""))
        if made:
            issued = url_for("brain.screen", token=made[0], _external=True)
    status = 422 if form.has_errors() else 200
    return render_template("brain/displays.html", form=form, issued=issued, rows=displays.listed(db.session()),
                           now=clock.utcnow()), status


@bp.route("/displays/<id:token_id>/revoke", methods=["POST"])
@roles_required("manager")
def revoke_display(token_id: int):
    form = Form()
    if form.validate_on_submit() and attempt(form, lambda: displays.revoke(db.session(), actor=current_user, token_id=token_id)):
        return done(url_for("brain.display_tokens"), _("The screen's token is revoked: that address shows nothing any more."))
    page = render_template("brain/displays.html", form=DisplayForm(), revoke_form=form, issued=None,
                           rows=displays.listed(db.session()), now=clock.utcnow())
    return page, 422
