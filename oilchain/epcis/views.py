"""The EPCIS 2.0 REST query interface: GET /epcis/events (an
EPCISQueryDocument, paged by perPage and nextPageToken with a Link header),
GET /epcis/events/<id> (one ledger event) and GET /epcis/quality-tests/<id>
(one quality test's event). Every answer, errors too, carries the
GS1-EPCIS-Version and GS1-CBV-Version headers. Open to a signed-in manager or
admin, or to a client sending `Authorization: Bearer <api token>`
(`oilchain tokens create USERNAME`). Errors are RFC 7807 problem documents
in English, as the binding describes them."""

import json

from flask import Blueprint, current_app, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from .. import db
from ..auth import services as auth_services
from ..errors import Forbidden, NotFound
from .identifiers import CBV_VERSION, EPCIS_VERSION, Uris
from .params import QueryError, parse_query
from .query import NotExported, get_event, get_quality_test, query_document, query_events

bp = Blueprint("epcis", __name__, url_prefix="/epcis")

JSON_LD = "application/ld+json"


def problem(status: int, kind: str, title: str, detail: str | None = None, headers: dict | None = None):
    body = {"type": f"epcisException:{kind}", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    response = current_app.response_class(json.dumps(body), status=status, mimetype="application/problem+json")
    return versioned(response, headers)


def versioned(response, headers: dict | None = None):
    """The versions of the standards the answer follows, on every answer."""
    response.headers["GS1-EPCIS-Version"] = EPCIS_VERSION
    response.headers["GS1-CBV-Version"] = CBV_VERSION
    response.headers.update(headers or {})
    return response


def answer(document: dict, headers: dict | None = None):
    mimetype = request.accept_mimetypes.best_match([JSON_LD, "application/json"], default=JSON_LD)
    response = current_app.response_class(json.dumps(document, ensure_ascii=False), mimetype=mimetype)
    return versioned(response, headers)


def refusal():
    """None when the caller may read the export, else the 401/403 answer."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return problem(401, "SecurityException", "Send Authorization: Bearer <api token>.",
                           headers={"WWW-Authenticate": 'Bearer realm="oilchain", error="invalid_request"'})
        session = db.session()
        try:
            actor = auth_services.token_actor(session, token.strip(), "api")
            session.commit()  # the token's last use
        except Forbidden as error:
            with force_locale("en"):
                reason = str(error.message)
            return problem(401, "SecurityException", reason,
                           headers={"WWW-Authenticate": 'Bearer realm="oilchain", error="invalid_token"'})
    elif current_user.is_authenticated:
        actor = current_user
    else:
        return problem(401, "SecurityException", "Sign in as a bureau manager or send an API token.",
                       headers={"WWW-Authenticate": 'Bearer realm="oilchain"'})
    if not actor.is_bureau:
        return problem(403, "SecurityException", "The EPCIS export is open to bureau managers and admins only.")
    return None


@bp.route("/events")
def events():
    refused = refusal()
    if refused:
        return refused
    try:
        query = parse_query(request.args.to_dict(flat=False))
    except QueryError as error:
        return problem(400, "QueryParameterException", "A query parameter cannot be used.", str(error))
    base = current_app.config["PUBLIC_BASE_URL"]
    page = query_events(db.session(), base=base, query=query)
    headers = {}
    if page.next_token:
        params = request.args.to_dict(flat=False)
        params["nextPageToken"] = [page.next_token]
        headers["Link"] = f'<{url_for("epcis.events", _external=True, **params)}>; rel="next"'
    return answer(query_document(page.events, base=base), headers)


@bp.route("/events/<event_id>")
def event(event_id: str):
    refused = refusal()
    if refused:
        return refused
    if not (event_id.isascii() and event_id.isdigit() and len(event_id) < 19):
        return problem(404, "NoSuchNameException", "No such event.", f"{event_id!r} is not an event id.")
    base = current_app.config["PUBLIC_BASE_URL"]
    try:
        document = get_event(db.session(), base=base, event_id=int(event_id))
    except NotExported as error:
        related = Uris(base).event(error.reversed_event_id)
        return problem(404, "NoSuchNameException", "Not exported as an event.", str(error),
                       headers={"Link": f'<{related}>; rel="related"'})
    except NotFound as error:
        return problem(404, "NoSuchNameException", "No such event.", str(error))
    return answer(document)


@bp.route("/quality-tests/<test_id>")
def quality_test(test_id: str):
    refused = refusal()
    if refused:
        return refused
    if not (test_id.isascii() and test_id.isdigit() and len(test_id) < 19):
        return problem(404, "NoSuchNameException", "No such event.", f"{test_id!r} is not a quality test id.")
    try:
        document = get_quality_test(db.session(), base=current_app.config["PUBLIC_BASE_URL"], test_id=int(test_id))
    except NotFound as error:
        return problem(404, "NoSuchNameException", "No such event.", str(error))
    return answer(document)
