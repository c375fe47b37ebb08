"""The by-product pages: the county's registry of by-product products, and
the processor's extraction, solvent extraction and making steps."""

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db, ledger
from ..auth.access import BUREAU_ROLES, roles_required
from ..forms import base_quantity
from ..labels import kind_label
from ..units import WEIGHT_DECIMALS, kg_to_g
from ..web import form_step
from . import queries, services
from .forms import ExtractForm, LeachForm, MakeForm, RegisterForm
from .models import ByProduct

bp = Blueprint("byproducts", __name__, url_prefix="/byproducts")


@bp.route("/")
@roles_required("processor", *BUREAU_ROLES)
def index():
    return render_template("byproducts/index.html", registry=queries.registry(db.session()))


@bp.route("/register", methods=["GET", "POST"])
@roles_required("processor", "manager")
def register():
    session = db.session()
    form = RegisterForm()
    form.source_kind.choices = [(kind, kind_label(kind)) for kind in services.SOURCE_KINDS]
    form.unit.choices = [("g", _("By weight")), ("unit", _("In packed units"))]
    return form_step(
        form,
        lambda: services.register(
            session, actor=current_user, name=form.name.data, source_kind=form.source_kind.data, unit=form.unit.data,
            unit_grams=form.unit_grams.data, gtin=form.gtin.data,
        ),
        done_to=lambda made: (url_for("byproducts.index"), _("By-product product %(name)s registered.", name=made.name)),
        partial="byproducts/_register_form.html",
        title=_("New by-product product"),
        heading=_("Register a by-product product"),
    )


def cake_step(form, service, output_field: str, partial: str, title: str, heading: str, done_message: str):
    """Extraction and solvent extraction: seed cake lots in, two outputs."""
    session = db.session()
    lots = ledger.owned_lots(session, current_user.org_id, ("cake",))
    form.offer(lots, WEIGHT_DECIMALS, lambda code: ledger.get_lot(session, code))
    return form_step(
        form,
        lambda: service(
            session, actor=current_user, inputs=form.inputs, meal_g=kg_to_g(form.meal.data),
            occurred_on=form.occurred_on.data, **{f"{output_field}_g": kg_to_g(getattr(form, output_field).data)},
        ),
        done_to=lambda outputs: (url_for("trace.lot", code=outputs[0].code), done_message % {"code": outputs[0].code}),
        partial=partial,
        title=title,
        heading=heading,
        lots=lots,
    )


@bp.route("/extract", methods=["GET", "POST"])
@roles_required("processor")
def extract():
    return cake_step(ExtractForm(), services.extract, "saponin", "byproducts/_extract_form.html", _("Extract saponin"),
                     _("Extract tea saponin from seed cake"), _("Saponin lot %(code)s extracted."))


@bp.route("/leach", methods=["GET", "POST"])
@roles_required("processor")
def leach():
    return cake_step(LeachForm(), services.leach, "oil", "byproducts/_leach_form.html", _("Solvent extraction"),
                     _("Extract the oil left in seed cake with a solvent"), _("Oil lot %(code)s extracted."))




def made_quantity(session, form) -> int:
    """What the form's quantity means for the product: grams, or whole units."""
    product = session.get(ByProduct, form.by_product_id.data) if form.by_product_id.data else None
    return base_quantity(form.quantity.data, product.unit if product is not None else "g")


@bp.route("/make", methods=["GET", "POST"])
@roles_required("processor")
def make():
    session = db.session()
    lots = ledger.owned_lots(session, current_user.org_id, services.SOURCE_KINDS)
    form = MakeForm().offer(lots, WEIGHT_DECIMALS, lambda code: ledger.get_lot(session, code))
    form.by_product_id.choices = [(None, "—")] + [
        (p.id, f"{p.name} ({kind_label(p.source_kind)})") for p in queries.products(session)]
    return form_step(
        form,
        lambda: services.make(
            session, actor=current_user, by_product_id=form.by_product_id.data, inputs=form.inputs,
            quantity=made_quantity(session, form),
            untraced_g=kg_to_g(form.untraced.data), occurred_on=form.occurred_on.data,
        ),
        done_to=lambda lot: (url_for("trace.lot", code=lot.code), _("Lot %(code)s made.", code=lot.code)),
        partial="byproducts/_make_form.html",
        title=_("Make a by-product product"),
        heading=_("Make a by-product product"),
        lots=lots,
    )
