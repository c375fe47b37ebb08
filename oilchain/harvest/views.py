from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from .. import db
from ..auth.access import roles_required
from ..auth.models import Organization
from ..forms import ChoiceField, CountField, DayField, Form, KgField, TextField
from .. import ledger
from ..planting.services import plots_of
from ..labels import kind_label
from ..units import WEIGHT_DECIMALS, kg_to_g, show_quantity
from ..web import attempt, done, render_form
from ..trace.recalls import holds_of
from . import services

bp = Blueprint("harvest", __name__, url_prefix="/harvest")


class HarvestForm(Form):
    plot_id = ChoiceField(_l("Plot"))
    weight = KgField(_l("Fresh fruit (kg)"))
    pickers = CountField(_l("Pickers"), high=services.MAX_PICKERS)
    occurred_on = DayField(_l("Harvested on"))


class DryHullForm(Form):
    seed = KgField(_l("Dry seed (kg)"))
    husk = KgField(_l("Husks (kg)"), zero_allowed=True)
    occurred_on = DayField(_l("Date"))


class ShipForm(Form):
    code = ChoiceField(_l("Lot"), coerce=str)
    to_org_id = ChoiceField(_l("Ship to"))
    occurred_on = DayField(_l("Shipped on"))
    note = TextField(_l("Note"), 500, required=False)


@bp.route("/")
@roles_required("cooperative")
def index():
    session = db.session()
    return render_template(
        "harvest/index.html",
        harvests=services.harvests_of(session, current_user.org_id),
        stock=ledger.owned_lots(session, current_user.org_id, ("fruit", "seed", "husk")),
        holds=holds_of(session, current_user.org_id),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("cooperative")
def new_harvest():
    session = db.session()
    form = HarvestForm()
    form.plot_id.choices = [(p.id, p.name) for p in plots_of(session, current_user.org_id)]
    if form.validate_on_submit():
        lot = attempt(
            form,
            lambda: services.log_harvest(
                session,
                actor=current_user,
                plot_id=form.plot_id.data,
                weight_g=kg_to_g(form.weight.data),
                harvested_on=form.occurred_on.data,
                pickers=form.pickers.data,
            ),
        )
        if lot:
            return done(url_for("trace.lot", code=lot.code), _("Harvest lot %(code)s recorded.", code=lot.code))
    return render_form(form, "harvest/harvest_new.html", "harvest/_harvest_form.html")


@bp.route("/dry-hull", methods=["GET", "POST"])
@roles_required("cooperative", "processor")
def dry_hull():
    """Whoever owns fruit lots may dry and hull them (DESIGN.md)."""
    session = db.session()
    form = DryHullForm()
    lots = ledger.owned_lots(session, current_user.org_id, ("fruit",))
    if form.validate_on_submit():
        inputs = form.read_lot_inputs(request.form, lots, WEIGHT_DECIMALS, lambda code: ledger.get_lot(session, code))
        if inputs is not None:
            outputs = attempt(
                form,
                lambda: services.dry_and_hull(
                    session,
                    actor=current_user,
                    inputs=inputs,
                    seed_g=kg_to_g(form.seed.data),
                    husk_g=kg_to_g(form.husk.data),
                    occurred_on=form.occurred_on.data,
                ),
            )
            if outputs:
                return done(url_for("trace.lot", code=outputs[0].code), _("Seed lot %(code)s made.", code=outputs[0].code))
    return render_form(form, "harvest/dry_hull.html", "harvest/_dry_hull_form.html", lots=lots)


@bp.route("/ship", methods=["GET", "POST"])
@roles_required("cooperative", "processor")
def ship():
    session = db.session()
    form = ShipForm(code=request.args.get("lot"))
    form.code.choices = [
        (lot.code, f"{lot.code} · {kind_label(lot.kind)} · {show_quantity(lot.remaining, lot.unit)}")
        for lot in ledger.owned_lots(session, current_user.org_id, ("fruit", "seed", "husk", "oil", "cake"))
    ]
    form.to_org_id.choices = [
        (org.id, org.name)
        for org in session.exec(
            select(Organization).where(Organization.kind == "processor", Organization.id != current_user.org_id).order_by(Organization.name)
        )
    ]
    if form.validate_on_submit():
        shipment = attempt(
            form,
            lambda: ledger.ship_lot(
                session,
                actor=current_user,
                code=form.code.data,
                to_org_id=form.to_org_id.data,
                occurred_on=form.occurred_on.data,
                note=form.note.data or "",
            ),
        )
        if shipment:
            return done(url_for("trace.lot", code=form.code.data), _("Lot %(code)s shipped.", code=form.code.data))
    return render_form(form, "harvest/ship.html", "harvest/_ship_form.html")
