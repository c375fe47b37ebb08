"""Consumer pages: what a bottle's QR code opens. No sign-in, no JavaScript,
small. As a GS1 Digital Link resolver does, shorter paths walk up the tree:
/01/{gtin}/10/{lot} shows the lot, /01/{gtin} the product, and
?linkType=all answers with the item's links as an RFC 9264 linkset."""

from flask import Blueprint, current_app, jsonify, render_template, request

from .. import db
from ..i18n import current_locale
from . import scan, services

bp = Blueprint("public", __name__)


def not_issued(error: services.NotIssued):
    """A code this system never issued: its own message, and a line in the log."""
    session = db.session()
    session.rollback()
    services.log_unknown(session, path=request.path, error=error, user_agent=request.headers.get("User-Agent", ""),
                         address=request.remote_addr)
    session.commit()
    return render_template("public/invalid.html", message=str(error.message)), 404


def answer(gtin: str, lot_code: str | None = None, serial: str | None = None):
    session = db.session()
    try:
        level = services.resolve(session, key=current_app.config["SERIAL_KEY"], gtin=gtin, lot_code=lot_code, serial=serial)
    except services.NotIssued as error:
        return not_issued(error)
    session.commit()
    base = current_app.config["PUBLIC_BASE_URL"]
    if request.args.get("linkType") == "all":
        response = jsonify(services.linkset(base, level, anchor=base + request.path))
        response.mimetype = "application/linkset+json"
    else:
        template = "public/lot.html" if lot_code else "public/product.html"
        response = current_app.make_response(render_template(template, level=level, story=level.story, serial=serial))
    # The live part (scans, recall) must never come from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/01/<gtin>")
def product(gtin: str):
    return answer(gtin)


@bp.route("/01/<gtin>/10/<lot_code>")
def lot(gtin: str, lot_code: str):
    return answer(gtin, lot_code)


@bp.route("/01/<gtin>/10/<lot_code>/21/<serial>")
def bottle(gtin: str, lot_code: str, serial: str):
    """GS1 Digital Link: GTIN, lot (AI 10) and serial (AI 21) with its check
    code. The consumer's scan goes the hot path (public/scan.py), which
    answers most scans before they reach Flask."""
    if request.args.get("linkType") == "all":
        return answer(gtin, lot_code, serial)
    locale = current_locale()
    hot_path = scan.scanner()
    try:
        found = hot_path.scan(gtin=gtin, lot_code=lot_code, serial=serial, locale=locale, address=request.remote_addr)
    except services.NotIssued as error:
        return not_issued(error)
    return hot_path.live.page(found, locale, serial), 200, {"Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz():
    """A constant answer for load balancers (and the benchmarks' baseline)."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
