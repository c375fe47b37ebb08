"""The warning list in Chromium: an organization acknowledges its warning
with the htmx form (the card swaps in place); screenshots in both languages."""

from datetime import datetime, timezone

from oilchain.brain.models import Warning
from oilchain.public.models import SerialScan

from .. import chain
from ..browser_server import REPO
from ..chain import PASSWORD, db_session
from .warned import acknowledge_in_browser, evaluate

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def warned(app, world) -> int:
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        at = datetime(2025, 12, 10, tzinfo=timezone.utc)
        session.add(SerialScan(lot_id=built.product_lot.id, serial=3, first_scan_at=at, last_scan_at=at, count=9,
                               networks=9))
        session.commit()
        return evaluate(session, chain.TODAY.date(), "copied_code")[0].id


def signed_in(browser, live_server, username: str, lang: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return context, page


def test_an_organization_acknowledges_its_warning_in_the_browser(app, world, live_server, browser):
    warning_id = warned(app, world)
    live_server.start()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = signed_in(browser, live_server, "processor", "zh_CN")
    try:
        assert page.locator(".warnings-notice").count() == 1  # on the processor's start page
        page.screenshot(path=str(SCREENSHOTS / "warnings-start-page-zh_CN.png"), full_page=True)
        page.goto("/brain/warnings")
        card = acknowledge_in_browser(page, warning_id, "Reported to the police; the copied labels are being traced.")
        assert world.actors["processor"].display_name in card  # who acknowledged it
        page.screenshot(path=str(SCREENSHOTS / "warnings-acknowledged-zh_CN.png"), full_page=True)
    finally:
        context.close()
    with db_session(app) as session:
        warning = session.get(Warning, warning_id)
        assert (warning.state, warning.acknowledged_by) == ("acknowledged", world.actors["processor"].user_id)
