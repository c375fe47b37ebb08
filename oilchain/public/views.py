"""Consumer pages: what a bottle's QR code opens. No sign-in, no JavaScript."""

from flask import Blueprint, current_app, render_template

from .. import db
from ..errors import NotFound
from . import services

bp = Blueprint("public", __name__)


@bp.route("/01/<gtin>/10/<lot_code>/21/<serial>")
def bottle(gtin: str, lot_code: str, serial: str):
    """GS1 Digital Link: GTIN, lot (AI 10) and serial (AI 21) with its check code."""
    session = db.session()
    try:
        found = services.resolve(
            session, key=current_app.config["SERIAL_KEY"], gtin=gtin, lot_code=lot_code, serial=serial
        )
    except NotFound as error:
        session.rollback()
        return render_template("public/invalid.html", message=str(error.message)), 404
    session.commit()  # the scan count
    return render_template("public/bottle.html", bottle=found, story=found.story, serial=serial)
