"""The public page of a seedling label's QR code: no sign-in, no JavaScript,
small (like the consumer's bottle pages). It says whether the label is
genuine, what the batch is and where its seedlings were sent (township and
cooperative, never the plot); a code never issued says so and is logged
for the bureau with the unknown bottle codes. A plain form lets the reader
say which township they are in, and the page compares it with the label's."""

from flask import Blueprint, current_app, render_template, request

from .. import db
from ..public import services as public
from . import seedling_labels

bp = Blueprint("seedling_public", __name__)


@bp.route("/S/<code>")
def label(code: str):
    session = db.session()
    try:
        found = seedling_labels.verify(session, key=current_app.config["SERIAL_KEY"], code=code)
    except public.NotIssued as error:
        session.rollback()
        public.log_unknown(session, path=request.path, error=error, user_agent=request.headers.get("User-Agent", ""),
                           address=request.remote_addr)
        session.commit()
        return render_template("nursery/label_invalid.html", message=str(error.message)), 404, {"Cache-Control": "no-store"}
    towns = seedling_labels.townships(session)
    chosen = next((t for t in towns if str(t.id) == request.args.get("township", "")), None)
    page = render_template("nursery/label_page.html", v=found, d=found.found, townships=towns, chosen=chosen)
    return page, 200, {"Cache-Control": "no-store"}
