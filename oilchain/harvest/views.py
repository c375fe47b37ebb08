from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import db
from ..auth.access import roles_required
from ..auth.models import Organization
from .. import ledger
from ..ledger.models import Lot
from ..planting.services import plots_of
from ..labels import kind_label
from ..units import WEIGHT_DECIMALS, kg_to_g, show_quantity
from ..trace.recalls import holds_of, plot_holds_of
from ..web import form_step
from . import progress, services
from .forms import SHIPPED_KINDS, DryHullForm, HarvestForm, ShipForm

bp = Blueprint("harvest", __name__, url_prefix="/harvest")


@bp.route("/")
@roles_required("cooperative")
def index():
    """The cooperative's start page: its progress, holds and warnings, stock and harvests."""
    session = db.session()
    return render_template(
        "harvest/index.html",
        progress=progress.progress(session, current_user.org_id),
        harvests=services.harvests_of(session, current_user.org_id),
        stock=ledger.owned_lots(session, current_user.org_id, ("fruit", "seed", "husk")),
        holds=holds_of(session, current_user.org_id),
        plot_holds=plot_holds_of(session, current_user.org_id),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("cooperative")
def new_harvest():
    session = db.session()
    form = HarvestForm()
    form.plot_id.choices = [(p.id, p.name) for p in plots_of(session, current_user.org_id)]
    return form_step(
        form,
        lambda: services.log_harvest(
            session,
            actor=current_user,
            plot_id=form.plot_id.data,
            weight_g=kg_to_g(form.weight.data),
            harvested_on=form.occurred_on.data,
            pickers=form.pickers.data,
        ),
        done_to=lambda lot: (url_for("trace.lot", code=lot.code), _("Harvest lot %(code)s recorded.", code=lot.code)),
        partial="harvest/_harvest_form.html",
        title=_("Log a harvest"),
    )


@bp.route("/dry-hull", methods=["GET", "POST"])
@roles_required("cooperative", "processor")
def dry_hull():
    """Whoever owns fruit lots may dry and hull them (DESIGN.md)."""
    session = db.session()
    lots = ledger.owned_lots(session, current_user.org_id, ("fruit",))
    form = DryHullForm().offer(lots, WEIGHT_DECIMALS, lambda code: ledger.get_lot(session, code))
    return form_step(
        form,
        lambda: services.dry_and_hull(
            session,
            actor=current_user,
            inputs=form.inputs,
            seed_g=kg_to_g(form.seed.data),
            husk_g=kg_to_g(form.husk.data),
            occurred_on=form.occurred_on.data,
        ),
        done_to=lambda outputs: (url_for("trace.lot", code=outputs[0].code), _("Seed lot %(code)s made.", code=outputs[0].code)),
        partial="harvest/_dry_hull_form.html",
        title=_("Dry and hull"),
        heading=_("Dry and hull fruit into seed"),
        lots=lots,
    )


def shipped(shipment):
    """To the page of the lot that left: the part split off, or the whole lot."""
    code = db.session().get(Lot, shipment.lot_id).code
    return url_for("trace.lot", code=code), _("Lot %(code)s shipped.", code=code)


@bp.route("/ship", methods=["GET", "POST"])
@roles_required("cooperative", "processor")
def ship():
    session = db.session()
    form = ShipForm(code=request.args.get("lot"))
    lots = {lot.code: lot for lot in ledger.owned_lots(session, current_user.org_id, SHIPPED_KINDS)}
    form.code.choices = [(code, f"{code} · {kind_label(lot.kind)} · {show_quantity(lot.remaining, lot.unit)}")
                         for code, lot in lots.items()]
    form.to_org_id.choices = [
        (org.id, org.name)
        for org in session.exec(
            select(Organization).where(Organization.kind == "processor", Organization.id != current_user.org_id).order_by(Organization.name)
        )
    ]
    return form_step(
        form,
        lambda: ledger.ship_part(
            session,
            actor=current_user,
            code=form.code.data,
            to_org_id=form.to_org_id.data,
            occurred_on=form.occurred_on.data,
            quantity=form.part(lots[form.code.data].unit),
            note=form.note.data or "",
        ),
        done_to=shipped,
        partial="harvest/_ship_form.html",
        title=_("Ship a lot"),
        heading=_("Ship a lot to a processor"),
    )
