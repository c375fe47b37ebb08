from flask import Blueprint, render_template, request
from flask_login import login_required

from .. import db
from . import services

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/dashboard")
@login_required
def dashboard():
    """The year's targets against the ledger's actuals (open to every signed-in user)."""
    session = db.session()
    years = services.target_years(session)
    year = request.args.get("year", type=int) or services.default_year(session)
    return render_template(
        "reports/dashboard.html",
        year=year,
        years=years,
        rows=services.progress(session, year),
        labels=services.METRIC_LABELS,
    )
