"""The field app: harvest logging on a tablet in the hills, offline first.

The page, its service worker and its manifest live under /harvest/field/ so
that the worker's scope covers the page. Entries wait in the tablet's
IndexedDB outbox and are sent to /harvest/field/sync with the tablet's
device token (not the session cookie or a CSRF token, which may have
expired by the time the signal comes back).
"""

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError
from flask_login import current_user

from .. import clock, codes, db
from ..resources import resource_dir
from ..auth import services as auth_services
from ..auth.access import roles_required
from ..auth.setup import csrf
from ..errors import DomainError
from ..i18n import current_locale
from ..planting.queries import plot_rows
from . import sync, tablets
from .views import bp

MAX_ENTRIES = 200  # per sync request at most
SYNC_BATCH = 50  # what the page sends per request: well inside MAX_ENTRIES and the request size limit
# Everything the page needs offline, cached by the service worker.
OFFLINE_ASSETS = (
    "css/app.css",
    "css/field.css",
    "js/field.js",
    "vendor/qrcode-generator-2.0.4.js",
    "icons/field-192.png",
    "icons/field-512.png",
)


@bp.route("/field/")
@roles_required("cooperative")
def field():
    session = db.session()
    plots = [
        {"id": plot.id, "name": plot.name, "township": township, "village": plot.village}
        for plot, township in plot_rows(session, current_user.org_id)
    ]
    return render_template(
        "harvest/field.html",
        plots=plots,
        tablet_name=tablets.default_tablet_name(current_user.display_name, clock.today()),
        name_length=auth_services.TABLET_NAME_LENGTH,
        today=clock.today().isoformat(),
        assets=OFFLINE_ASSETS,
        lot_base=codes.lot_qr_payload(current_app.config["PUBLIC_BASE_URL"]),
        sync_batch=SYNC_BATCH,
    )


@bp.route("/field/sw.js")
def field_worker():
    """The service worker, served from the page's own folder so that its scope
    covers it. Its cache name carries the assets' version: a new release
    replaces the old cache."""
    body = render_template("harvest/field-sw.js", assets=[url_for("static", filename=a) for a in OFFLINE_ASSETS],
                           version=asset_version())
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


def asset_version() -> str:
    """Changes whenever a cached file changes (their latest modification time)."""
    static = resource_dir("static")
    return str(max(int((static / name).stat().st_mtime) for name in OFFLINE_ASSETS))


@bp.route("/field/manifest.webmanifest")
def field_manifest():
    manifest = {
        "name": _("Youyang camellia oil: harvest"),
        "short_name": _("Harvest"),
        "start_url": url_for("harvest.field"),
        "scope": url_for("harvest.field"),
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f6f4ea",
        "theme_color": "#4b6b2a",
        "lang": "zh-CN" if current_locale() == "zh_CN" else "en",  # the page's language: this device's choice first
        "icons": [
            {"src": url_for("static", filename="icons/field-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/field-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = jsonify(manifest)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/field/sync", methods=["POST"])
@csrf.exempt  # the device token authenticates the tablet; no cookie is used
def field_sync():
    """Receive a batch of a tablet's outbox (at most MAX_ENTRIES; the page
    sends SYNC_BATCH at a time). Each entry is committed or refused on its
    own, and the answer says, per entry, what became of it."""
    session = db.session()
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer "):] if header.startswith("Bearer ") else ""
    try:
        actor, record = auth_services.tablet(session, token)
        session.commit()
    except DomainError as error:
        session.rollback()
        return jsonify(error=str(error.message)), 401
    entries = outbox_entries()
    if entries is None:
        return jsonify(error=_("Send a list of at most %(n)s entries.", n=MAX_ENTRIES)), 400
    facts = tablets.device_facts(record)
    return jsonify(results=[take(session, actor, entry) for entry in entries], received_at=clock.utcnow().isoformat(),
                   device=facts)


def outbox_entries() -> list[dict] | None:
    """The entries of a sync request, or None when the body is not a list of
    at most MAX_ENTRIES objects (JSON nested past Python's recursion limit
    included: the request body is bounded, its depth is not)."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        return None
    entries = payload.get("entries") if isinstance(payload, dict) else None
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES or not all(isinstance(e, dict) for e in entries):
        return None
    return entries


def take(session, actor, entry: dict) -> dict:
    """One entry's answer. An entry the server fails on is refused on its
    own, with the error logged, so that it cannot hold back the rest of the
    tablet's outbox; only a lost database (the whole request fails, and the
    tablet keeps every entry to send again) stops the batch."""
    try:
        return sync.sync_one(session, actor=actor, entry=entry).__dict__
    except (OperationalError, InterfaceError):
        raise
    except Exception:  # noqa: BLE001 -- the last resort, logged; see above
        session.rollback()
        current_app.logger.exception("tablet entry %r failed", str(entry.get("uuid"))[:40])
        return sync.refused(str(entry.get("uuid", ""))[:36], _l("The server could not take this entry (the error is logged). "
                                                                 "It stays on the tablet; ask the office.")).__dict__
