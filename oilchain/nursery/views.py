from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from .. import db
from ..admin.services import active_varieties
from ..auth.access import roles_required
from ..forms import ChoiceField, CountField, DayField, Form, TextField
from ..labels import PROPAGATION, choices
from ..ledger.services import owned_lots
from ..planting.queries import plot_choices
from ..web import attempt, done, render_form
from . import services

bp = Blueprint("nursery", __name__, url_prefix="/nursery")


class BatchForm(Form):
    variety_id = ChoiceField(_l("Variety"))
    propagation = ChoiceField(_l("Propagation method"), coerce=str)
    raised_quantity = CountField(_l("Seedlings raised"))
    grade1 = CountField(_l("Grade I"), low=0)
    grade2 = CountField(_l("Grade II"), low=0)
    rejected = CountField(_l("Rejected"), low=0)
    licence_no = TextField(_l("Production and operation licence no."), 40)
    certificate_no = TextField(_l("Quality certificate no."), 40)
    occurred_on = DayField(_l("Graded on"))


class DispatchForm(Form):
    batch_code = ChoiceField(_l("Seedling batch"), coerce=str)
    plot_id = ChoiceField(_l("Destination plot"))
    quantity = CountField(_l("Seedlings"))
    occurred_on = DayField(_l("Dispatched on"))


@bp.route("/")
@roles_required("nursery")
def index():
    return render_template("nursery/index.html", batches=services.batches(db.session(), current_user.org_id))


@bp.route("/batches/new", methods=["GET", "POST"])
@roles_required("nursery")
def new_batch():
    session = db.session()
    form = BatchForm()
    form.variety_id.choices = [(v.id, v.name) for v in active_varieties(session)]
    form.propagation.choices = choices(PROPAGATION)
    if form.validate_on_submit():
        lot = attempt(
            form,
            lambda: services.register_batch(
                session,
                actor=current_user,
                variety_id=form.variety_id.data,
                propagation=form.propagation.data,
                raised_quantity=form.raised_quantity.data,
                grade1=form.grade1.data,
                grade2=form.grade2.data,
                rejected=form.rejected.data,
                licence_no=form.licence_no.data,
                certificate_no=form.certificate_no.data,
                graded_on=form.occurred_on.data,
            ),
        )
        if lot:
            return done(url_for("trace.lot", code=lot.code), _("Seedling batch %(code)s registered.", code=lot.code))
    return render_form(form, "nursery/batch_new.html", "nursery/_batch_form.html")


@bp.route("/dispatch", methods=["GET", "POST"])
@roles_required("nursery")
def dispatch():
    session = db.session()
    form = DispatchForm(batch_code=request.args.get("batch"))
    form.batch_code.choices = [
        (lot.code, f"{lot.code} ({lot.remaining:,})") for lot in owned_lots(session, current_user.org_id, ("seedling",))
    ]
    form.plot_id.choices = plot_choices(session)
    if form.validate_on_submit():
        lot = attempt(
            form,
            lambda: services.dispatch(
                session,
                actor=current_user,
                batch_code=form.batch_code.data,
                plot_id=form.plot_id.data,
                quantity=form.quantity.data,
                dispatched_on=form.occurred_on.data,
            ),
        )
        if lot:
            return done(url_for("trace.lot", code=lot.code), _("Dispatch %(code)s recorded.", code=lot.code))
    return render_form(form, "nursery/dispatch.html", "nursery/_dispatch_form.html")
