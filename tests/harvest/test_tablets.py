"""Tablets named by people: the name typed when signing a tablet in (the
member and the day by default), the list of signed-in tablets with every
moment in the county's zone and one format, the tablet stating the same
expiry as the list, and renaming a tablet from the list."""

import re
from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlmodel import select

from oilchain import clock
from oilchain.auth.models import AccessToken
from oilchain.harvest.tablets import default_tablet_name

from ..chain import PASSWORD, db_session
from ..http import HX, page
from .test_field import entry, sync

pytestmark = pytest.mark.usefixtures("english")


def sign_in_tablet(auth, label=None, password=PASSWORD):
    data = {"password": password}
    if label is not None:
        data["label"] = label
    return auth.post("/harvest/field/device", data)


def tokens(app) -> list[AccessToken]:
    with db_session(app) as session:
        return list(session.exec(select(AccessToken).order_by(AccessToken.id)))


def test_the_field_page_offers_the_member_and_the_day_as_the_tablets_name(app, client, auth, world):
    auth.login("coop")
    html = page(client.get("/harvest/field/"))
    assert re.search(r'<input id="tablet-label" name="label" value="coop · Dec 20, 2025" maxlength="80"', html)
    client.set_cookie("lang", "zh_CN")
    assert 'value="coop · 2025年12月20日"' in page(client.get("/harvest/field/"))


def test_a_tablet_is_signed_in_under_the_name_typed_and_blank_gives_the_default(app, client, auth, world):
    auth.login("coop")
    named = sign_in_tablet(auth, "  Red cover, shed 2  ")
    assert named.status_code == 200 and named.get_json()["device"]["name"] == "Red cover, shed 2"
    for blank in ("", "   ", None):
        answer = sign_in_tablet(auth, blank)
        assert answer.status_code == 200 and answer.get_json()["device"]["name"] == "coop · Dec 20, 2025"
    assert [t.label for t in tokens(app)] == ["Red cover, shed 2"] + ["coop · Dec 20, 2025"] * 3


@pytest.mark.parametrize("lang, message", [("en", "A tablet's name is at most 80 characters."),
                                           ("zh_CN", "平板名称最多 80 个字符。")])
def test_a_name_too_long_is_refused_next_to_the_name_field_and_nothing_is_signed_in(app, client, auth, world, lang,
                                                                                   message):
    auth.login("coop")
    client.set_cookie("lang", lang)
    answer = sign_in_tablet(auth, "板" * 81)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": message, "field": "label"}
    assert tokens(app) == []
    assert sign_in_tablet(auth, "板" * 80).status_code == 200  # the column's length is allowed


def test_a_name_with_control_characters_is_refused_and_a_wrong_password_still_names_the_password(app, auth, world):
    auth.login("coop")
    answer = sign_in_tablet(auth, "tab\x00let")
    assert answer.status_code == 400 and answer.get_json()["field"] == "label"
    wrong = sign_in_tablet(auth, "Tablet 1", password="not-the-password")
    assert wrong.status_code == 403 and wrong.get_json()["field"] == "password"
    assert tokens(app) == []


def test_the_default_name_keeps_the_day_when_the_members_name_is_long(app):
    with app.test_request_context(), force_locale("en"):
        name = default_tablet_name("王" * 79, datetime(2025, 12, 20).date())
    assert len(name) == 80 and name.endswith("王 · Dec 20, 2025")


def test_the_tablet_and_the_list_state_the_same_expiry_in_the_countys_zone(app, client, auth, world):
    """Signed in at 07:00 county time, 23:00 the evening before in UTC: six
    weeks later is 31 January in the county (30 January in UTC, which the
    tablet used to show)."""
    auth.login("coop")
    with clock.frozen(datetime(2025, 12, 20, 7, 0)):
        answer = sign_in_tablet(auth, "Shed tablet").get_json()
    assert answer["expires_at"].startswith("2026-01-30T23:00")  # stored in UTC
    assert answer["device"]["expires_label"] == "Jan 31, 2026 07:00"
    status = client.get("/harvest/field/device", headers={"Authorization": f"Bearer {answer['token']}"})
    assert status.get_json()["device"] == answer["device"]
    synced = sync(client, answer["token"], [entry(world)]).get_json()
    assert synced["device"] == answer["device"]
    html = page(client.get("/harvest/field/devices"))
    row = re.search(r'<tr id="device-\d+">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0].startswith("Shed tablet")
    assert cells[1:5] == ["coop", "Dec 20, 2025 07:00", "Dec 20, 2025 10:00", "Jan 31, 2026 07:00"]
    # In Chinese, both in the Chinese format.
    client.set_cookie("lang", "zh_CN")
    chinese = client.get("/harvest/field/device", headers={"Authorization": f"Bearer {answer['token']}"}).get_json()
    assert chinese["device"]["expires_label"] == "2026年1月31日 07:00"
    assert "2026年1月31日 07:00" in page(client.get("/harvest/field/devices"))


def test_the_tablets_look_at_its_sign_in_is_not_a_sync_and_ends_with_the_sign_in(app, client, auth, world):
    auth.login("coop")
    token = sign_in_tablet(auth, "Shed tablet").get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/harvest/field/device", headers=bearer).status_code == 200
    assert tokens(app)[0].last_used_at is None  # the list says "not synced yet"
    assert "not synced yet" in page(client.get("/harvest/field/devices"))
    assert client.get("/harvest/field/device").status_code == 401
    assert client.get("/harvest/field/device", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    office = app.test_client()
    office.set_cookie("lang", "en")
    office_auth = type(auth)(office)
    office_auth.login("coop")
    assert office_auth.post(f"/harvest/field/devices/{tokens(app)[0].id}/revoke").status_code == 303
    refused = client.get("/harvest/field/device", headers=bearer)
    assert refused.status_code == 401 and "revoked" in refused.get_json()["error"]


def test_a_tablet_is_renamed_from_the_list_in_place(app, client, auth, world):
    auth.login("coop")
    token = sign_in_tablet(auth, "Tablet 1").get_json()["token"]
    tablet_id = tokens(app)[0].id
    url = f"/harvest/field/devices/{tablet_id}/name"
    renamed = auth.post(url, {"label": "  Li's tablet, blue  "}, headers=HX)
    assert renamed.status_code == 200
    row = page(renamed)
    assert row.lstrip().startswith(f'<tr id="device-{tablet_id}"')
    assert "<html" not in row and "<strong>Li&#39;s tablet, blue</strong>" in row and "Renamed." in row
    assert tokens(app)[0].label == "Li's tablet, blue"
    # The tablet learns its new name the next time it asks.
    device = client.get("/harvest/field/device", headers={"Authorization": f"Bearer {token}"}).get_json()["device"]
    assert device["name"] == "Li's tablet, blue"
    # Too long: the row again, the error next to the name, the typed name kept; nothing changed.
    refused = auth.post(url, {"label": "x" * 81}, headers=HX)
    assert refused.status_code == 422
    assert "A tablet&#39;s name is at most 80 characters." in page(refused) and 'value="' + "x" * 81 + '"' in page(refused)
    assert tokens(app)[0].label == "Li's tablet, blue"
    # Blank: the member and the day it was signed in. Without htmx: back to the list.
    with clock.frozen(datetime(2026, 1, 5, 9, 0)):
        back = auth.post(url, {"label": ""})
    assert back.status_code == 303 and back.headers["Location"].endswith("/harvest/field/devices")
    assert tokens(app)[0].label == "coop · Dec 20, 2025"


def test_a_cooperative_renames_only_its_own_tablets(app, client, auth, world):
    auth.login("coop")
    sign_in_tablet(auth, "Tablet 1")
    tablet_id = tokens(app)[0].id
    auth.login("coop2")
    refused = auth.post(f"/harvest/field/devices/{tablet_id}/name", {"label": "Mine now"}, headers=HX)
    assert refused.status_code == 403 and "not one of your cooperative" in page(refused)
    assert auth.post("/harvest/field/devices/999999/name", {"label": "Mine now"}).status_code == 403
    assert tokens(app)[0].label == "Tablet 1"
    assert auth.post(f"/harvest/field/devices/{tablet_id}/name", {"label": "x"}, headers=HX).status_code == 403
    auth.login("processor")
    assert auth.post(f"/harvest/field/devices/{tablet_id}/name", {"label": "x"}).status_code == 403


def test_the_list_names_each_tablet_and_keeps_revoked_ones_without_a_rename(app, client, auth, world):
    auth.login("coop")
    sign_in_tablet(auth, "Kitchen tablet")
    sign_in_tablet(auth, "")
    first = tokens(app)[0].id
    assert auth.post(f"/harvest/field/devices/{first}/revoke").status_code == 303
    html = page(client.get("/harvest/field/devices"))
    assert "<strong>Kitchen tablet</strong>" in html and "<strong>coop · Dec 20, 2025</strong>" in html
    revoked = re.search(rf'<tr id="device-{first}" class="reversed">(.*?)</tr>', html, re.S).group(1)
    assert "revoked Dec 20, 2025 10:00" in re.sub(r"\s+", " ", revoked) and "Rename" not in revoked
    assert html.count("<summary>Rename</summary>") == 1


def test_a_rename_without_a_valid_csrf_token_is_refused_and_changes_nothing(app, client, auth, world):
    auth.login("coop")
    sign_in_tablet(auth, "Tablet 1")
    tablet_id = tokens(app)[0].id
    refused = client.post(f"/harvest/field/devices/{tablet_id}/name", data={"label": "Other", "csrf_token": "forged"},
                          headers=HX)
    assert refused.status_code == 400 and "CSRF" in page(refused)
    assert tokens(app)[0].label == "Tablet 1"
