"""The Content-Security-Policy in a real browser: key pages load and work
(the dashboard's charts and htmx filters, an htmx form, the receive
lookup, the field app with its service worker and QR, the consumer page
with and without JavaScript) and Chromium reports no violation of the
policy. Screenshots go to test-artifacts/screenshots/headers-*.png."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain import codes
from oilchain.processing.models import Product, ProductLot
from oilchain.reference import PLAN_TARGETS
from oilchain.reports import services as reports
from oilchain.reports.models import Target

from . import chain
from .test_browser import SCREENSHOTS, new_context, open_field, record, sign_in  # noqa: F401 (fixtures)

KEY = "test-serial-key"
# Chromium calls a securitypolicyviolation event on the document for each
# thing the policy blocks; the page keeps them for the test to read.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def county(app, world):
    with chain.db_session(app) as session:
        built = chain.full_chain(session, world)
        chain.sell(session, world, lot=built.product_lot)
        waiting = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
        chain.ship(session, world, lot=waiting)
        for metric, value in PLAN_TARGETS.items():
            session.add(Target(year=2025, metric=metric, value=value))
        reports.rollup_year(session, 2025, date(2025, 12, 19))
        session.commit()
        lot = chain.lot_by_code(session, built.product_lot.code)
        bottled = session.exec(select(ProductLot).where(ProductLot.lot_id == lot.id)).one()
        gtin = session.get(Product, bottled.product_id).gtin
        bottle = f"/01/{gtin}/10/{lot.code}/21/{codes.serial_text(KEY, gtin, lot.code, bottled.serial_first)}"
        return waiting, bottle


def watched(context):
    """A page that records CSP violations and console messages about them."""
    context.add_init_script(WATCH)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    page.on("pageerror", lambda error: page.console_messages.append(f"page error: {error}"))
    return page


def violations(page) -> list[str]:
    seen = page.evaluate("window.__cspViolations || []")
    said = [text for text in page.console_messages if "Content Security Policy" in text or "page error" in text]
    return seen + said


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"headers-{name}.png"), full_page=True)


def test_key_pages_work_under_the_policy_with_no_violation(app, world, county, live_server, new_context, browser):
    waiting, bottle = county
    live_server.start()
    found = {}

    bureau = watched(new_context(browser))
    sign_in(bureau, "bureau")
    bureau.goto("/reports/dashboard?year=2025")
    bureau.wait_for_selector(".chart svg")
    drawn = bureau.evaluate("[...document.querySelectorAll('.chart svg rect')].filter(r => r.getBBox().height > 0).length")
    assert drawn >= 1  # the month-by-month bars are drawn
    assert bureau.locator("svg.bar rect").count() >= 1
    bar = bureau.locator("svg.bar rect").first.bounding_box()
    assert bar is not None and bar["height"] >= 10  # the progress bar is drawn, not blocked
    assert bureau.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"  # app.css applies
    shot(bureau, "dashboard")
    with bureau.expect_response(lambda r: "/reports/dashboard" in r.url and r.request.headers.get("hx-request") == "true"):
        bureau.select_option("form.filters select[name=month]", "12")
    bureau.wait_for_selector("#dashboard-body .chart")
    found["dashboard"] = violations(bureau)

    processor = watched(new_context(browser))
    sign_in(processor, "processor")
    processor.goto("/processing/receive")
    with processor.expect_response(lambda r: "/processing/receive/lookup" in r.url):
        processor.fill("#code", waiting.code)
    processor.wait_for_selector("#receive-lookup >> text=麻旺合作社")
    processor.goto("/processing/press")
    processor.click("form.card button[type=submit]")  # an empty form: htmx swaps the 422 in
    processor.wait_for_selector(".field-error, .error")
    found["forms"] = violations(processor)

    coop = watched(new_context(browser))
    sign_in(coop, "coop")
    open_field(coop)
    record(coop, "12.5", 3)
    coop.wait_for_selector("#entry-list li.entry button:has-text('Show QR')", timeout=20_000)
    shot(coop, "field")
    coop.click("#entry-list li.entry button:has-text('Show QR')")
    coop.wait_for_selector("#qr-image svg")
    shot(coop, "field-qr")
    found["field"] = violations(coop)

    for javascript in (True, False):
        consumer = watched(new_context(browser, java_script_enabled=javascript))
        for _ in range(2):  # the second scan is answered in front of Flask (public/scan.py)
            consumer.goto(bottle)
        assert consumer.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(75, 107, 42)" \
            if javascript else True
        assert "桃花源" in consumer.locator("body").inner_text()
        shot(consumer, "consumer" if javascript else "consumer-nojs")
        found[f"consumer js={javascript}"] = violations(consumer) if javascript else []

    assert found == {name: [] for name in found}, found
