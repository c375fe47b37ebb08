"""The warning pages: the list and its filters, the htmx acknowledgement,
the rules page's bad input, the start pages' open warnings."""

import pytest
from sqlmodel import select

from oilchain.brain.models import Warning, WarningRule

from .. import chain
from ..chain import db_session, nothing_written
from ..http import HX, assert_refused, field_error, page
from .warned import copied_code_warning

TODAY = chain.TODAY.date()
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def warned(app, world):
    """A copied-code warning about the processor's product lot."""
    return copied_code_warning(app, world)


def test_the_list_shows_the_bureau_everything_and_an_organization_its_own(client, auth, world, warned):
    auth.login("bureau")
    html = page(client.get("/brain/warnings"))
    assert "Copied code" in html and "bottle codes scanned like a copied label" in html and f"warning-{warned}" in html
    auth.logout()
    auth.login("processor2")
    assert f"warning-{warned}" not in page(client.get("/brain/warnings"))
    auth.logout()
    auth.login("processor")
    assert f"warning-{warned}" in page(client.get("/brain/warnings?kind=copied_code&state=open"))
    assert f"warning-{warned}" not in page(client.get("/brain/warnings?state=resolved"))
    rows = client.get("/brain/warnings?state=nonsense&kind=nonsense", headers=HX)
    assert rows.status_code == 200 and f"warning-{warned}" in page(rows) and "<html" not in page(rows)


def test_the_start_pages_show_open_warnings(client, auth, world, warned):
    auth.login("processor")
    assert "Open warnings (1)" in page(client.get("/processing/"))
    auth.logout()
    auth.login("bureau")
    assert "Open warnings (1)" in page(client.get("/reports/dashboard"))
    auth.logout()
    auth.login("coop")
    assert "Open warnings" not in page(client.get("/harvest/"))


def test_acknowledging_by_htmx_needs_a_reason(app, client, auth, world, warned):
    auth.login("processor")
    url = f"/brain/warnings/{warned}/acknowledge"
    with nothing_written(app):
        refused = auth.post(url, {f"w{warned}-csrf_token": auth.token(), f"w{warned}-reason": "  "}, headers=HX)
    assert refused.status_code == 422
    assert field_error(page(refused), f"w{warned}-reason") == "This field is required."
    done = auth.post(url, {f"w{warned}-csrf_token": auth.token(), f"w{warned}-reason": "已报警"}, headers=HX)
    assert done.status_code == 200 and "Acknowledged" in page(done) and "已报警" in page(done)
    with db_session(app) as session:
        assert session.get(Warning, warned).state == "acknowledged"


def test_another_organization_cannot_acknowledge(app, client, auth, world, warned):
    auth.login("coop")
    with nothing_written(app):
        response = auth.post(f"/brain/warnings/{warned}/acknowledge",
                             {f"w{warned}-csrf_token": auth.token(), f"w{warned}-reason": "不是我们的"})
    assert response.status_code == 404


def rule_data(auth, kind, **values):
    return {f"{kind}-csrf_token": auth.token(), f"{kind}-severity": "warning", f"{kind}-enabled": "y",
            **{f"{kind}-{name}": value for name, value in values.items()}}


def test_the_rules_page_saves_good_thresholds_and_refuses_bad_ones(app, client, auth, world):
    auth.login("bureau")
    assert "Planting density" in page(client.get("/brain/rules"))
    with nothing_written(app):
        refused = auth.post("/brain/rules/low_survival", rule_data(auth, "low_survival", permille="2000"))
    assert_refused(refused, "Give a value from 1 to 1000.", field="low_survival-permille")
    with nothing_written(app):
        refused = auth.post("/brain/rules/low_survival", rule_data(auth, "low_survival", permille="abc"), headers=HX)
    assert refused.status_code == 422 and "<html" not in page(refused)
    with nothing_written(app):
        unknown = auth.post("/brain/rules/no_such_kind", rule_data(auth, "no_such_kind", permille="800"))
    assert unknown.status_code == 404 and "There is no warning rule of the kind no_such_kind." in page(unknown)
    saved = auth.post("/brain/rules/low_survival", rule_data(auth, "low_survival", permille="800"))
    assert saved.status_code == 303
    with db_session(app) as session:
        assert session.exec(select(WarningRule).where(WarningRule.kind == "low_survival")).one().thresholds == {"permille": 800}


def test_only_the_bureau_edits_rules(client, auth, world):
    auth.login("processor")
    assert client.get("/brain/rules").status_code == 403
    assert auth.post("/brain/rules/low_survival", rule_data(auth, "low_survival", permille="800")).status_code == 403
