"""A tablet named by its member, in Chromium (see tests/test_browser.py):
the name field prefilled with the member and the day, a name too long
refused next to the field, the tablet stating the very expiry the list
states, and a rename in the list reaching the tablet."""

import re

from ..test_browser import TOKEN_KEY, controlled_field_page, new_context, sign_in  # noqa: F401 (fixture)

STORED = f"() => localStorage.getItem({TOKEN_KEY!r}) !== null"


def field_page(page) -> None:
    controlled_field_page(page)
    page.wait_for_selector("#entry-list li")


def test_a_member_names_the_tablet_and_the_tablet_and_the_list_agree(app, world, live_server, new_context, browser):
    live_server.start()
    page = new_context(browser).new_page()
    sign_in(page, "coop")
    field_page(page)
    name = page.locator("#tablet-label")
    assert re.fullmatch(r"coop · [A-Z][a-z]{2} \d{1,2}, \d{4}", name.input_value())  # the member and the county's day

    # Too long (typed past the field's maxlength by a script): refused beside the name, nothing kept.
    page.evaluate("() => { document.getElementById('tablet-label').value = 'x'.repeat(81); }")
    page.fill("#tablet-password", "not-yet")
    page.click("#tablet-signin button")
    error = page.locator("#tablet-label-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "A tablet's name is at most 80 characters."
    assert name.get_attribute("aria-invalid") == "true"
    assert page.locator("#tablet-password-error").is_hidden()
    assert page.evaluate(f"() => localStorage.getItem({TOKEN_KEY!r})") is None

    from ..chain import PASSWORD

    name.fill("Shed 2, red cover")
    page.fill("#tablet-password", PASSWORD)
    page.click("#tablet-signin button")
    page.wait_for_function(STORED)
    assert error.is_hidden()
    said = page.locator("#device").inner_text()
    match = re.fullmatch(r"This tablet \(Shed 2, red cover\) is signed in until (.+)\.", said)
    assert match, said

    page.goto("/harvest/field/devices")
    row = page.locator("table.devices tbody tr").first
    cells = row.locator("td")
    assert cells.nth(0).locator("strong").inner_text() == "Shed 2, red cover"
    assert cells.nth(4).inner_text() == match.group(1)  # the list's "valid until" is the tablet's, to the minute

    # Renamed in the list, in place (htmx), and the tablet learns it when it next looks.
    listed = page.url
    row.locator("summary").click()
    row.locator("input[name=label]").fill("Li's tablet")
    row.locator("button", has_text="Save").click()
    page.locator("table.devices tbody tr strong", has_text="Li's tablet").wait_for()
    assert page.url == listed and page.locator("table.devices .ok").inner_text() == "Renamed."
    field_page(page)
    page.wait_for_function("() => document.getElementById('device').textContent.includes(\"Li's tablet\")")
    assert page.locator("#device").inner_text() == f"This tablet (Li's tablet) is signed in until {match.group(1)}."
