"""An organization's GLN and public contact, set by an admin on the
organization's page (on the admin blueprint)."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..auth import contact
from ..auth.access import roles_required
from ..web import attempt, done
from .forms import ContactForm
from .views import bp, organization_or_404, organization_page, position_form


@bp.route("/organizations/<id:org_id>/contact", methods=["POST"])
@roles_required("admin")
def set_contact(org_id: int):
    org = organization_or_404(org_id)
    form = ContactForm()
    if form.validate_on_submit():
        done_ok = attempt(form, lambda: contact.set_contact(
            db.session(), user_id=current_user.user_id, organization_id=org.id,
            gln=form.gln.data, phone=form.phone.data, address=form.address.data))
        if done_ok:
            return done(url_for("admin.organization", org_id=org.id), _("Contact saved."))
    return organization_page(org, position_form(org), 422, contact_form=form)
