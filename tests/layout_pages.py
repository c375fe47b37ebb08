"""Every page a person reads, from the app's URL map: the page list of the
layout test (tests/test_layout.py) and of scripts/screenshots.py.

Every GET rule of `app.url_map` is either
- a page: its URL built with sample values for its arguments from SAMPLES
  (keyed by "endpoint:argument" or by the argument's name; the values come
  from the data loaded, `sample_data`), plus the query-string variants of
  VARIANTS; or
- in EXCLUDED, with the reason it is not an HTML page for people (PDF, CSV,
  JSON, images, downloads, redirects, htmx fragments).
`unlisted(url_map)` names the rules that are neither, and a plain test fails
on them, so a new page cannot be left out. Which role sees which page is not
listed here: each role is offered every page, and the pages that answer it
200 with HTML are its pages (the others answer 403, 404 or a redirect).
"""

from collections.abc import Iterable

from sqlmodel import Session, select

# The roles, as the demo's users (oilchain/demo/small_plan.py USERS); None signs in nobody.
ROLES = {"anonymous": None, "nursery": "nursery", "cooperative": "coop", "processor": "processor",
         "manager": "manager", "admin": "admin"}

# Endpoints that are not HTML pages for people, each with its reason.
EXCLUDED = {
    "static": "static files (CSS, JS, images)",
    "auth.home": "redirect only: to the role's start page or /login",
    "trace.lot_alias": "redirect only: /L/<code> (the QR code's capitals) to /l/<code>",
    "public.no_gtin": "a GS1 resolver error for a path without a GTIN (plain text)",
    "public.compressed_link": "the same consumer page as its uncompressed /01/... form, which is sampled",
    "public.resolver_description": "JSON: the GS1 resolver description",
    "public.linkset_context": "JSON-LD: the GS1 linkset context",
    "public.healthz": "JSON: the health check",
    "media.photo": "JPEG: a product's photo",
    "epcis.events": "JSON: EPCIS events",
    "epcis.event": "JSON: one EPCIS event",
    "epcis.quality_test": "JSON: one quality test as EPCIS",
    "brain.map_json": "JSON: the brain map's data",
    "brain.outline_json": "JSON: the county outline",
    "brain.screen": "the 1920 x 1080 wall display (body.screen), never used on a phone or tablet",
    "planting.plots_geojson": "GeoJSON: the plots",
    "harvest.field_manifest": "the field app's web manifest (JSON)",
    "harvest.field_worker": "the field app's service worker (JavaScript)",
    "harvest.tablet_status": "a signed-in tablet's name and expiry (JSON, for its device token)",
    "trace.lot_label": "PDF: a lot's label",
    "trace.lot_qr_png": "PNG: a lot's QR code",
    "trace.lot_qr_svg": "SVG: a lot's QR code",
    "trace.lot_trace_json": "JSON: a lot's trace graph",
    "trace.recall_pdf": "PDF: a recall notice",
    "nursery.labels": "PDF: a batch's seedling labels",
    "processing.bottle_labels": "PDF or CSV: bottle labels",
    "reports.dashboard_csv": "CSV: the dashboard's figures",
    "reports.output_pdf": "PDF: the output report",
    "reports.archived_pdf": "PDF: an archived report",
    "gi.register_pdf": "PDF: the GI register",
    "downloads.download": "a download (PDF or CSV) of a document job",
    "downloads.status": "htmx fragment: a document job's progress, inside /documents/<id>",
    "nursery.batch_left": "htmx fragment: what is left of a batch, inside /nursery/dispatch",
    "processing.receive_lookup": "htmx fragment: the shipment a code names, inside /processing/receive",
    "processing.check_gtin": "htmx fragment: a GTIN's check, inside /processing/products/new",
    "processing.quality_grade": "htmx fragment: the grade lab values reach, inside /processing/quality",
}

# Pages that look the same whoever is signed in (the consumer pages, an
# organization's public page): looked at as anonymous only, and their
# answers for wrong codes (4xx, with a page for people) too.
ANONYMOUS_ONLY = {"public.product_path", "seedling_public.label", "organizations.page"}

# Sample values of rule arguments: "endpoint:argument" first, then the argument's name.
# Each names a key of sample_data's result (a list of values: one page each).
SAMPLES = {
    "code": "lot_codes",  # one lot of every kind
    "seedling_public.label:code": "seedling_labels",
    "public.product_path:rest": "consumer_paths",
    "org_id": "org_ids",
    "township_id": "township_ids",
    "user_id": "user_ids",
    "variety_id": "variety_ids",
    "document_id": "document_ids",
    "recall_id": "recall_ids",
    "planting_id": "planting_ids",
    "plot_id": "plot_ids",
    "product_id": "product_ids",
}

# More pages of one endpoint: query strings, formatted with sample_data's scalars.
VARIANTS = {
    "reports.dashboard": ["year={year}", "year={year}&month=11"],
    "reports.records": ["metric=seed_processed&year={year}", "metric=planted_new&year={year}"],
    "reports.targets": ["year={year}"],
    "planting.acceptance": ["state=done"],
    "processing.receive": ["code={in_transit}"],
    "trace.lots": ["kind=fruit&q=YY"],
    "trace.recall_preview": ["code={seedling}"],
    "gi.register": ["year={year}"],
    "brain.index": ["season={year}"],
}


def sample_data(session: Session, serial_key: str) -> dict:
    """The values pages are built with, from the database (the demo, or the
    test's data): lists for rule arguments, scalars for VARIANTS."""
    from oilchain import codes, demo
    from oilchain.admin.models import Township, Variety
    from oilchain.auth.models import Organization, User
    from oilchain.downloads.models import DocumentJob
    from oilchain.ledger.models import Lot
    from oilchain.nursery.models import SeedlingDispatch
    from oilchain.nursery.seedling_labels import label_code
    from oilchain.planting.models import PlantingRecord, Plot
    from oilchain.processing.models import Product, ProductLot
    from oilchain.trace.models import Recall

    def first_ids(model, *where, limit=2):
        return [str(i) for i in session.exec(select(model.id).where(*where).order_by(model.id).limit(limit))]

    lots = {}
    for kind, code in session.exec(select(Lot.kind, Lot.code).order_by(Lot.id)):
        lots.setdefault(kind, code)
    coop = session.exec(select(User).where(User.username == ROLES["cooperative"])).first()
    coop_org = coop.organization_id if coop else None
    consumer = []
    product_lot = session.exec(select(ProductLot).order_by(ProductLot.lot_id)).first()
    if product_lot is not None:
        code = session.get(Lot, product_lot.lot_id).code
        gtin = session.get(Product, product_lot.product_id).gtin
        serial = codes.serial_text(serial_key, gtin, code, product_lot.serial_first + 7)
        wrong = serial[:-1] + ("A" if serial[-1] != "A" else "B")  # a serial whose check fails
        consumer = [f"{gtin}/10/{code}/21/{serial}", f"{gtin}/10/{code}", gtin, f"{gtin}/10/{code}/21/{wrong}"]
    sent = session.exec(select(SeedlingDispatch).order_by(SeedlingDispatch.id)).first()
    in_transit = session.exec(select(Lot.code).where(Lot.kind == "seed", Lot.status == "in_transit").order_by(Lot.id)).first()
    return {
        "lot_codes": list(lots.values()),
        "seedling_labels": [label_code(session, serial_key, sent)] if sent else [],
        "consumer_paths": consumer,
        "org_ids": first_ids(Organization),
        "township_ids": first_ids(Township, limit=1),
        "user_ids": first_ids(User, User.username == ROLES["cooperative"]),
        "variety_ids": first_ids(Variety, limit=1),
        "document_ids": first_ids(DocumentJob, limit=1),
        "recall_ids": first_ids(Recall, limit=1),
        # the cooperative's own: its pages answer only it (and the bureau)
        "planting_ids": [str(i) for i in session.exec(select(PlantingRecord.id).join(Plot, Plot.id == PlantingRecord.plot_id)
                                                      .where(Plot.cooperative_id == coop_org).order_by(PlantingRecord.id).limit(1))],
        "plot_ids": first_ids(Plot, Plot.cooperative_id == coop_org, limit=1),
        "product_ids": first_ids(Product, limit=1),
        "year": demo.demo_year(),
        "in_transit": in_transit or "",
        "seedling": lots.get("seedling", ""),
    }


def get_rules(url_map) -> list:
    return sorted((rule for rule in url_map.iter_rules() if "GET" in rule.methods), key=lambda rule: rule.rule)


def sample_key(rule, argument: str) -> str | None:
    return SAMPLES.get(f"{rule.endpoint}:{argument}") or SAMPLES.get(argument)


def unlisted(url_map) -> list[str]:
    """GET rules that are neither excluded nor have a sample for every argument."""
    return [f"{rule.rule} ({rule.endpoint})" for rule in get_rules(url_map)
            if rule.endpoint not in EXCLUDED and any(sample_key(rule, argument) is None for argument in rule.arguments)]


def pages(url_map, data: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """Every page to look at as (endpoint, path), and the rules no page
    could be built for (a sample list of the data is empty)."""
    adapter = url_map.bind("127.0.0.1")
    found, missing = [], []
    for rule in get_rules(url_map):
        if rule.endpoint in EXCLUDED:
            continue
        arguments = sorted(rule.arguments)
        combos: Iterable[dict] = [{}]
        for argument in arguments:
            values = data.get(sample_key(rule, argument) or "", [])
            combos = [dict(combo, **{argument: value}) for combo in combos for value in values]
        if not combos:
            missing.append(f"{rule.rule} ({rule.endpoint})")
        for values in combos:
            # "/01/<path:rest>" keeps its slashes: build by hand, werkzeug would quote them
            path = rule.rule.replace("<path:rest>", values["rest"]) if "rest" in values else adapter.build(rule.endpoint, values)
            found.append((rule.endpoint, path))
            for query in VARIANTS.get(rule.endpoint, []):
                found.append((rule.endpoint, f"{path}?{query.format(**data)}"))
    return found, missing


def sign_in(page, username: str, password: str) -> None:
    """Through the sign-in form, in a Playwright page of a new context."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form button.primary")
    if "/login" in page.url:
        raise RuntimeError(f"{username} could not sign in")


def role_pages(context, pages: list[tuple[str, str]], role: str) -> tuple[list[str], list[str]]:
    """The pages that answer this context's user 200 with HTML (its pages),
    and those that answer it with a server error (5xx), as "path: status"."""
    own, errors = [], []
    for endpoint, path in pages:
        if role != "anonymous" and endpoint in ANONYMOUS_ONLY:
            continue
        response = context.request.get(path, max_redirects=0)
        html = response.headers.get("content-type", "").startswith("text/html")
        if response.status >= 500:
            errors.append(f"{path}: answers {response.status}")
        elif html and (response.status == 200 or (endpoint in ANONYMOUS_ONLY and response.status < 500)):
            own.append(path)  # a consumer page for a wrong code answers 404 with a page for people
        response.dispose()
    return own, errors


def file_name(role: str, path: str, width: int, height: int) -> str:
    """A screenshot's file name: role, path and size."""
    safe = "".join(c if c.isalnum() or c in "-." else "_" for c in path.strip("/")) or "root"
    return f"{role}_{safe}_{width}x{height}.png"
