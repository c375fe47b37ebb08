"""The warning list in Chromium: an organization acknowledges its warning
with the htmx form (the card swaps in place); screenshots in both languages."""

from oilchain.brain.models import Warning

from ..browser_server import REPO
from ..chain import PASSWORD, db_session
from .warned import acknowledge_in_browser, copied_code_warning

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


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
    warning_id = copied_code_warning(app, world)
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
