"""Consumer pages: what a bottle's QR code opens, answered as a
GS1-Conformant resolver (GS1 standard 1.0) does. No sign-in, no
JavaScript, small.

/01/{gtin}/10/{lot}/21/{serial} is the bottle's page (the consumer's scan,
counted; public/scan.py answers most of them in front of Flask), and
shorter paths walk up the tree: /01/{gtin}/10/{lot} the lot, /01/{gtin} the
product. Other spellings of the same item answer 307 to that canonical URI
(a GTIN-8/12/13; /01/{gtin}/21/{serial}, through the GTIN's serial ranges);
a compressed Digital Link (/{base64}) is answered in place, as its
uncompressed URI would be. ?linkType=linkset (or Accept:
application/linkset+json) answers the RFC 9264 linkset, ?linkType={type}
307 to that link. GET, HEAD and OPTIONS, with CORS; only a GET of a bottle
page counts a scan. Malformed paths answer 400, codes never issued 404,
each with the consumer's error page."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from .. import db
from ..i18n import current_locale
from . import compressed, digital_link, linkset, scan, services

bp = Blueprint("public", __name__)
METHODS = ["GET", "HEAD", "OPTIONS"]


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def consumer_get() -> bool:
    """The request a person's scan makes: a GET of the page, no link type asked for."""
    return request.method == "GET" and "linkType" not in request.args and not linkset.wants_linkset(
        request.headers.get("Accept", ""))


def refusal(message, status: int, error: services.NotIssued | None = None, path: str | None = None):
    """The consumer's error page, with the Digital Link answers' CORS headers.
    A consumer's scan of a code never issued (or malformed) is logged."""
    session = db.session()
    session.rollback()
    if error is not None and consumer_get():
        services.log_unknown(session, path=request.path, error=error, user_agent=request.headers.get("User-Agent", ""),
                             address=request.remote_addr)
        session.commit()
    response = current_app.make_response((render_template("public/invalid.html", message=str(message)), status))
    response.headers.extend(linkset.CORS)
    response.headers["Cache-Control"] = "no-store"
    return response


def not_issued(error: services.NotIssued):
    return refusal(error.message, 404, error)


def malformed(reason: str):
    # Only a wrong check digit is logged as a code never issued: other
    # malformed paths are not codes at all (robots, typing errors).
    logged = services.NotIssued(services.SYNTAX[reason], reason) if reason == "gtin" else None
    return refusal(services.SYNTAX[reason], 400, logged)


def options():
    response = current_app.response_class(status=204)
    response.headers["Allow"] = linkset.METHODS
    response.headers.extend(linkset.CORS)
    return response


def finish(response, path: str, same_as: str | None = None):
    """The headers every Digital Link answer carries."""
    for name, value in linkset.headers(base_url(), path):
        response.headers[name] = value
    if same_as is not None:
        response.headers["Link"] += f', <{same_as}>; rel="owl:sameAs"'
    response.headers["Vary"] = linkset.VARY
    # The live part (scans, recall) must never come from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect_to(location: str, path: str, same_as: str | None = None):
    response = current_app.response_class(status=307)
    response.headers["Location"] = location
    return finish(response, path, same_as)


def resolve(rest: str, same_as: str | None = None):
    """Answer /01/{rest}: the GTIN and its qualifiers as given."""
    if request.method == "OPTIONS":
        return options()
    try:
        parsed = digital_link.parse(rest)
        kind = linkset.link_type(request.args["linkType"]) if "linkType" in request.args else None
    except digital_link.Malformed as error:
        return malformed(error.reason)
    except linkset.BadLinkType:
        return malformed("linktype")
    session = db.session()
    key = current_app.config["SERIAL_KEY"]
    query = request.query_string.decode("latin-1")
    try:
        if "22" in parsed.qualifiers or "235" in parsed.qualifiers:
            product = services.find_product(session, parsed.gtin)
            raise services.NotIssued(services.MESSAGES["variant"], "variant", product.id)
        if not parsed.canonical:
            lot = parsed.lot
            if parsed.serial is not None and lot is None:
                lot = services.lot_of_serial(session, key=key, gtin=parsed.gtin, serial=parsed.serial)
            else:
                services.find_product(session, parsed.gtin)
            canonical = digital_link.path_of(parsed.gtin, lot, parsed.serial)
            session.commit()
            return redirect_to(base_url() + canonical + (f"?{query}" if query else ""), canonical, same_as)
        path = digital_link.path_of(parsed.gtin, parsed.lot, parsed.serial)
        if parsed.serial is not None and consumer_get():
            return bottle_page(parsed, path, same_as)
        level = services.resolve(session, key=key, gtin=parsed.gtin, lot_code=parsed.lot, serial=parsed.serial)
    except services.NotIssued as error:
        return not_issued(error)
    session.commit()
    if kind in linkset.LINKSET_WORDS or (kind is None and linkset.wants_linkset(request.headers.get("Accept", ""))):
        response = jsonify(linkset.linkset(base_url(), level, path))
        response.mimetype = linkset.LINKSET_TYPE
        return finish(response, path, same_as)
    if kind is not None:
        href = linkset.target(base_url(), level, path, kind)
        if href is None:
            return finish(refusal(services.NO_LINK, 404), path, same_as)
        return redirect_to(linkset.with_query(href, query), path, same_as)
    if parsed.serial is not None:
        # HEAD of a bottle page: checked, not counted. The page's length is
        # that of its live part, which only a counted scan renders: none is sent.
        response = current_app.response_class(iter(()), mimetype="text/html")
    else:
        template = "public/lot.html" if parsed.lot else "public/product.html"
        response = current_app.make_response(render_template(template, level=level, story=level.story, serial=None))
    return finish(response, path, same_as)


def bottle_page(parsed: digital_link.Path, path: str, same_as: str | None):
    """A consumer's scan of a bottle: the hot path checks and counts it
    (as it does in front of Flask, public/scan.py)."""
    locale = current_locale()
    hot_path = scan.scanner()
    try:
        found = hot_path.scan(gtin=parsed.gtin, lot_code=parsed.lot, serial=parsed.serial, locale=locale,
                              address=request.remote_addr)
    except services.NotIssued as error:
        return not_issued(error)
    return finish(current_app.make_response(hot_path.live.page(found, locale, parsed.serial)), path, same_as)


@bp.route("/01/<path:rest>", methods=METHODS, provide_automatic_options=False)
def product_path(rest: str):
    return resolve(rest)


@bp.route("/01", methods=METHODS, provide_automatic_options=False)
@bp.route("/01/", methods=METHODS, provide_automatic_options=False)
def no_gtin():
    return options() if request.method == "OPTIONS" else malformed("syntax")


@bp.route("/<segment>", methods=METHODS, provide_automatic_options=False)
def compressed_link(segment: str):
    """A compressed GS1 Digital Link: answered as its uncompressed URI is
    (not redirected: GS1 resolver standard 1.0, §2.6), which the `Link`
    header gives as owl:sameAs. Other single-segment paths are not ours."""
    if not compressed.COMPRESSED_RE.fullmatch(segment):
        abort(404)
    if request.method == "OPTIONS":
        return options()
    try:
        path = compressed.decompress(segment)
    except compressed.NotCompressed:
        return malformed("compressed")
    return resolve(path.removeprefix("/01/"), same_as=base_url() + path)


@bp.route("/.well-known/gs1resolver", methods=METHODS, provide_automatic_options=False)
def resolver_description():
    if request.method == "OPTIONS":
        return options()
    response = jsonify(linkset.description(base_url(), current_app.config.get("RESOLVER_NAME", "Youyang camellia oil")))
    response.headers.extend(linkset.CORS)
    return response


@bp.route(linkset.CONTEXT_PATH, methods=METHODS, provide_automatic_options=False)
def linkset_context():
    if request.method == "OPTIONS":
        return options()
    response = jsonify(linkset.context())
    response.mimetype = "application/ld+json"
    response.headers.extend(linkset.CORS)
    return response


@bp.route("/healthz")
def healthz():
    """A constant answer for load balancers (and the benchmarks' baseline)."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
