from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..auth.access import roles_required
from ..labels import CHANNELS, choices
from ..ledger import owned_lots
from ..units import fen_to_yuan, yuan_to_fen
from ..web import csv_response, form_step
from . import services
from .forms import SaleForm

bp = Blueprint("sales", __name__, url_prefix="/sales")


@bp.route("/")
@roles_required("processor")
def index():
    sales = services.sales_of(db.session(), current_user.org_id, limit=None if request.args.get("format") == "csv" else 200)
    if request.args.get("format") == "csv":
        header = [_("Date"), _("Lot"), _("Buyer"), _("Channel"), _("Units"), _("Unit price (yuan)"), _("Amount (yuan)"), _("State")]
        rows = [[sale.sold_on.isoformat(), lot.code, sale.buyer, str(CHANNELS[sale.channel]), sale.quantity,
                 format(fen_to_yuan(sale.unit_price_fen), "f"), format(fen_to_yuan(sale.amount_fen), "f"),
                 _("reversed") if event.reversed_by_event_id else _("recorded")] for sale, lot, event in sales]
        return csv_response("oilchain-sales.csv", header, rows)
    return render_template("sales/index.html", sales=sales)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("processor")
def new_sale():
    session = db.session()
    form = SaleForm(code=request.args.get("lot"))
    form.code.choices = [
        (lot.code, f"{lot.code} ({lot.remaining:,})") for lot in owned_lots(session, current_user.org_id, ("product",))
    ]
    form.channel.choices = choices(CHANNELS)
    return form_step(
        form,
        lambda: services.sell(
            session,
            actor=current_user,
            lot_code=form.code.data,
            buyer=form.buyer.data,
            channel=form.channel.data,
            quantity=form.quantity.data,
            unit_price_fen=yuan_to_fen(form.unit_price.data),
            sold_on=form.occurred_on.data,
            price_note=form.price_note.data or "",
        ),
        done_to=lambda _sale: (url_for("sales.index"), _("Sale recorded.")),
        partial="sales/_sale_form.html",
        title=_("Record a sale"),
    )
