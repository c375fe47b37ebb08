from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import codes, db
from ..auth.access import BUREAU_ROLES, roles_required
from .. import ledger
from ..units import WEIGHT_DECIMALS, NotExact, kg_to_g, show_quantity
from ..documents.labels import bottle_sheet
from ..errors import DomainError
from ..ledger import get_lot
from ..web import csv_response, document, form_step
from . import labels, queries, services
from .models import PRESSING_METHODS
from .forms import BottleForm, PressForm, method_choices, ProductForm, QualityForm, ReceiveForm
from .quality import grade_codes, grade_name, grade_of, method_of_code, read


bp = Blueprint("processing", __name__, url_prefix="/processing")


@bp.route("/")
@roles_required("processor")
def index():
    session = db.session()
    return render_template("processing/index.html", **queries.overview(session, current_user.org_id))


@bp.route("/receive", methods=["GET", "POST"])
@roles_required("processor")
def receive():
    session = db.session()
    scanned_code = codes.normalize_lot_code(request.args.get("code", ""))
    form = ReceiveForm(code=scanned_code if codes.is_lot_code(scanned_code) else request.args.get("code"))
    code = codes.normalize_lot_code(form.code.data or "")
    # A code in the address (a scanned label's link) shows its shipment at once.
    lookup = queries.shipment_for_receipt(session, current_user, form.code.data) if (form.code.data or "").strip() else None
    return form_step(
        form,
        lambda: ledger.receive_lot(
            session,
            actor=current_user,
            code=code,
            weighed=kg_to_g(form.weighed.data),
            occurred_on=form.occurred_on.data,
            note=form.note.data or "",
            tolerance_permille=current_app.config["RECEIVE_TOLERANCE_PERMILLE"],
        ),
        done_to=lambda _shipment: (url_for("trace.lot", code=code), _("Lot %(code)s received.", code=code)),
        partial="processing/_receive_form.html",
        page="processing/receive.html",
        title=_("Receive a lot"),
        incoming=queries.incoming(session, current_user.org_id),
        lookup=lookup,
        scanned=bool(request.args.get("code")),
        tolerance=current_app.config["RECEIVE_TOLERANCE_PERMILLE"],
    )


@bp.route("/press", methods=["GET", "POST"])
@roles_required("processor")
def press():
    session = db.session()
    lots = ledger.owned_lots(session, current_user.org_id, ("seed",))
    form = PressForm(method="hot_pressed").offer(lots, WEIGHT_DECIMALS, lambda code: ledger.get_lot(session, code))
    form.method.choices = method_choices(PRESSING_METHODS)
    return form_step(
        form,
        lambda: services.press(
            session,
            actor=current_user,
            inputs=form.inputs,
            oil_g=kg_to_g(form.oil.data),
            cake_g=kg_to_g(form.cake.data),
            occurred_on=form.occurred_on.data,
            method=form.method.data,
        ),
        done_to=lambda outputs: (url_for("trace.lot", code=outputs[0].code), _("Oil lot %(code)s pressed.", code=outputs[0].code)),
        partial="processing/_press_form.html",
        title=_("Press"),
        heading=_("Press seed into oil"),
        lots=lots,
    )


@bp.route("/quality", methods=["GET", "POST"])
@roles_required("processor")
def quality():
    session = db.session()
    form = QualityForm(code=request.args.get("lot"))
    form.code.choices = [(lot.code, lot.code) for lot in ledger.owned_lots(session, current_user.org_id, ("oil",))]

    def graded(test):
        grade = grade_of(session, test)
        url = url_for("trace.lot", code=form.code.data)
        if grade is None:
            return url, _("Quality test recorded. Out of specification: it reaches no grade, so this oil cannot be sold."), "warning"
        return url, _("Quality test recorded: it reaches %(grade)s.", grade=grade_name(grade))

    return form_step(
        form,
        lambda: services.record_quality_test(
            session,
            actor=current_user,
            lot_code=form.code.data,
            tested_on=form.occurred_on.data,
            values=form.values(),
            laboratory=form.laboratory.data,
        ),
        done_to=graded,
        partial="processing/_quality_form.html",
        title=_("Quality test"),
        heading=_("Record a quality test"),
        reading=typed_reading(form),
    )


def typed_reading(form):
    """The grade the form's three values reach, once all three are exact numbers."""
    try:
        values = form.values()
    except (NotExact, TypeError, ValueError, ArithmeticError):
        return None
    if any(value < 0 for _name, value in values.items()):
        return None
    session = db.session()
    return read(session, values, method_of_code(session, current_user.org_id, form.code.data))


@bp.route("/quality/grade")
@roles_required("processor")
def quality_grade():
    """As the lab values are typed: the grade they reach, or what is out of specification."""
    form = QualityForm(formdata=request.args, meta={"csrf": False})
    return render_template("processing/_quality_grade.html", reading=typed_reading(form))


@bp.route("/products/new", methods=["GET", "POST"])
@roles_required("processor")
def new_product():
    session = db.session()
    form = ProductForm(shelf_life_days=540)
    form.lowest_grade.choices = [("", _("Any grade"))] + [(code, str(grade_name(code))) for code in grade_codes(session)]
    return form_step(
        form,
        lambda: services.create_product(
            session,
            actor=current_user,
            name=form.name.data,
            gtin=form.gtin.data,
            net_content_ml=form.net_content_ml.data,
            fill_grams=form.fill_grams.data,
            shelf_life_days=form.shelf_life_days.data,
            lowest_grade=form.lowest_grade.data,
        ),
        done_to=lambda product: (url_for("processing.index"), _("Product %(name)s registered.", name=product.name)),
        partial="processing/_product_form.html",
        title=_("New product"),
        heading=_("Register a product"),
    )


@bp.route("/bottle", methods=["GET", "POST"])
@roles_required("processor")
def bottle():
    session = db.session()
    form = BottleForm(oil_code=request.args.get("lot"))
    form.oil_code.choices = [
        (lot.code, f"{lot.code} · {show_quantity(lot.remaining, lot.unit)}")
        for lot in ledger.owned_lots(session, current_user.org_id, ("oil",))
    ]
    form.product_id.choices = [(p.id, f"{p.name} ({p.gtin})") for p in services.products_of(session, current_user.org_id)]
    return form_step(
        form,
        lambda: services.bottle(
            session,
            actor=current_user,
            oil_code=form.oil_code.data,
            product_id=form.product_id.data,
            units=form.units.data,
            oil_used_g=kg_to_g(form.oil_used.data),
            occurred_on=form.occurred_on.data,
        ),
        done_to=lambda lot: (url_for("trace.lot", code=lot.code), _("Product lot %(code)s bottled.", code=lot.code)),
        partial="processing/_bottle_form.html",
        title=_("Bottle"),
        heading=_("Bottle oil into a product lot"),
    )


@bp.route("/receive/lookup")
@roles_required("processor")
def receive_lookup():
    """As the code is typed or scanned: the shipment it names, or what is
    wrong with it (inline, before the weighed weight is entered)."""
    session = db.session()
    raw = request.args.get("code", "")
    found = queries.shipment_for_receipt(session, current_user, raw) if raw.strip() else None
    return render_template("processing/_receive_lookup.html", found=found)


@bp.route("/products/check-gtin")
@roles_required("processor")
def check_gtin():
    """Inline check of a GTIN-14 as it is typed."""
    gtin = request.args.get("gtin", "").strip()
    return render_template("processing/_gtin_check.html", gtin=gtin, valid=codes.is_valid_gtin(gtin))


@bp.route("/lots/<code>/labels.<fmt>")
@roles_required("processor", *BUREAU_ROLES)
def bottle_labels(code: str, fmt: str):
    """Bottle labels of a product lot for a serial range: the A4 sheet (pdf)
    or the data for an industrial label printer (csv)."""
    session = db.session()
    if fmt not in ("pdf", "csv"):
        abort(404)
    try:
        lot = get_lot(session, code)
    except DomainError:
        abort(404)
    if not current_user.is_bureau and lot.owner_org_id != current_user.org_id:
        abort(403)
    first, last = request.args.get("first", type=int), request.args.get("last", type=int)
    key, base = current_app.config["SERIAL_KEY"], current_app.config["PUBLIC_BASE_URL"]
    try:
        _lot, _pl, _product, first, last = labels.serial_range(session, lot.code, first, last, labels.MAX_CSV_ROWS)
        if last - first + 1 > (labels.SYNC_ROWS if fmt == "csv" else labels.SYNC_LABELS):
            return render_template("downloads/too_long.html", kind="serials_csv" if fmt == "csv" else "labels_pdf",
                                   params={"code": lot.code, "first": first, "last": last}, count=last - first + 1)
        if fmt == "csv":
            return csv_response(f"{lot.code}-labels.csv", list(labels.CSV_HEADER),
                                labels.csv_rows(session, key=key, base_url=base, lot_code=lot.code, first=first, last=last))
        made = labels.bottle_labels(session, key=key, base_url=base, lot_code=lot.code, first=first, last=last)
        sheet = bottle_sheet(made.labels, made.notice)
    except DomainError as error:
        return render_template("error.html", status=422, message=str(error.message)), 422
    return document(sheet, "application/pdf", f"{lot.code}-labels.pdf", inline=True)
