"""GET /org/<id>: an organization's public page, no sign-in: its name,
kind, township and contact (phone, address), nothing more. The EPCIS export
names an organization without a GLN by this page's address, so another
system's link to it answers."""

from flask import Blueprint, render_template

from .. import db
from ..admin.models import Township
from ..auth.models import Organization
from ..web import get_or_404

bp = Blueprint("organizations", __name__)


@bp.route("/org/<id:org_id>")
def page(org_id: int):
    org = get_or_404(Organization, org_id)
    township = db.session().get(Township, org.township_id) if org.township_id else None
    response = render_template("organizations/page.html", org=org, township=township)
    return response, 200, {"Cache-Control": "public, max-age=300"}
