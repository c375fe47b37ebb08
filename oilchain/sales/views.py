from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..auth.access import roles_required
from ..i18n import format_quantity
from ..labels import CHANNELS, choices, kind_label
from ..units import fen_to_yuan, g_to_kg, normalized, yuan_to_fen
from ..web import csv_response, form_step, htmx
from . import services
from ..forms import base_quantity
from .forms import SaleForm

bp = Blueprint("sales", __name__, url_prefix="/sales")


def shown_quantity(sale) -> str:
    """A sale's quantity as its unit is (kg, or units), for the CSV."""
    return normalized(g_to_kg(sale.quantity)) if sale.unit == "g" else str(sale.quantity)


@bp.route("/")
@roles_required("processor")
def index():
    """The processor's sales, the latest 200 (`?year=`: every standing sale of
    that year, the start page's figure; CSV: all)."""
    year = request.args.get("year", type=int)
    if "year" in request.args and (year is None or not 2000 <= year <= 2100):
        abort(404)
    every = request.args.get("format") == "csv" or year is not None
    sales = services.sales_of(db.session(), current_user.org_id, limit=None if every else 200, year=year)
    if request.args.get("format") == "csv":
        header = [_("Date"), _("Lot"), _("Kind"), _("Buyer"), _("Channel"), _("Quantity"), _("Unit"), _("Price (yuan)"),
                  _("Price per"), _("Amount (yuan)"), _("State")]
        rows = [[sale.sold_on.isoformat(), lot.code, str(kind_label(lot.kind)), sale.buyer, str(CHANNELS[sale.channel]),
                 shown_quantity(sale), _("kg") if sale.unit == "g" else _("units"),
                 format(fen_to_yuan(sale.unit_price_fen), "f"), _("kg") if sale.unit == "g" else _("unit"),
                 format(fen_to_yuan(sale.amount_fen), "f"),
                 _("reversed") if event.reversed_by_event_id else _("recorded")] for sale, lot, event in sales]
        return csv_response("oilchain-sales.csv", header, rows)
    return render_template("sales/index.html", sales=sales, year=year)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("processor")
def new_sale():
    """The sale form. Choosing a lot (htmx) asks for the form again with
    what was typed, labelled for that lot (units, or kg); without
    JavaScript the server reads the lot's kind when the form is sent."""
    session = db.session()
    refresh = request.method == "GET" and htmx and "code" in request.args
    form = SaleForm(formdata=request.args) if refresh else SaleForm(code=request.args.get("lot"))
    lots = {lot.code: lot for lot in services.sellable_lots(session, current_user.org_id)}
    form.code.choices = [(code, f"{code} · {kind_label(lot.kind)} · {format_quantity(lot.remaining, lot.unit)}")
                         for code, lot in lots.items()]
    form.buyer_org_id.choices = [("", "—")] + [(org.id, org.name) for org in services.buyer_orgs(session, current_user)]
    form.channel.choices = choices(CHANNELS)
    chosen = lots.get(form.code.data) or next(iter(lots.values()), None)
    unit = chosen.unit if chosen is not None else "unit"
    form.sold_by(unit)
    return form_step(
        form,
        lambda: services.sell(
            session,
            actor=current_user,
            lot_code=form.code.data,
            buyer=form.buyer.data or "",
            channel=form.channel.data,
            quantity=base_quantity(form.quantity.data, unit, form.code.data),
            unit_price_fen=yuan_to_fen(form.unit_price.data),
            sold_on=form.occurred_on.data,
            price_note=form.price_note.data or "",
            buyer_org_id=form.buyer_org_id.data,
        ),
        done_to=lambda _sale: (url_for("sales.index"), _("Sale recorded.")),
        partial="sales/_sale_form.html",
        title=_("Record a sale"),
    )
