"""The language is the device's first: the choice made on this browser (a
long-lived cookie) beats the signed-in user's saved choice, which beats the
browser's Accept-Language; Chinese when nothing says otherwise."""

import re

import pytest

from oilchain.auth import services as auth_services
from oilchain.i18n import LANG_COOKIE

from ..chain import db_session
from ..conftest import AuthActions
from ..http import page


def device(app) -> tuple:
    """A browser of its own (no cookie yet) and its sign-in actions."""
    client = app.test_client()
    return client, AuthActions(client)


def language(client, path="/harvest/") -> str:
    return html_lang(page(client.get(path)))


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    return {"en": "en", "zh-CN": "zh_CN"}.get(found.group(1) if found else "", "?")


def choose(auth, lang, next_="/harvest/"):
    response = auth.post("/language", {"lang": lang, "next": next_})
    assert response.status_code == 303
    return response


def saved_locale(app, username) -> str | None:
    with db_session(app) as session:
        from sqlmodel import select

        from oilchain.auth.models import User

        return session.exec(select(User.locale).where(User.username == username)).one()


def test_the_choice_is_kept_on_the_device_for_a_year_and_on_the_account(app, world):
    client, auth = device(app)
    auth.login("coop")
    cookie = choose(auth, "en").headers["Set-Cookie"]
    assert cookie.startswith(f"{LANG_COOKIE}=en;") and "Max-Age=31536000" in cookie
    assert saved_locale(app, "coop") == "en"


def test_two_users_sharing_a_tablet_keep_the_tablets_language(app, world):
    """The first member chose English on the tablet; the second, whose own
    choice is Chinese, signs in on it and reads English: on the tablet's
    field page too."""
    with db_session(app) as session:
        auth_services.set_locale(session, user_id=world.actors["coop2"].user_id, locale="zh_CN")
        session.commit()
    tablet, auth = device(app)
    auth.login("coop")
    choose(auth, "en")
    assert language(tablet) == "en"
    auth.logout()
    auth.login("coop2")
    assert language(tablet) == "en"
    assert language(tablet, "/harvest/field/") == "en"
    assert "Name of this tablet" in page(tablet.get("/harvest/field/"))
    manifest = tablet.get("/harvest/field/manifest.webmanifest").get_json()
    assert manifest["lang"] == "en" and manifest["short_name"] == "Harvest"
    assert saved_locale(app, "coop2") == "zh_CN"  # signing in on the tablet did not change the member's own choice
    # Elsewhere, with no choice made on the device, the member's own choice holds.
    office, office_auth = device(app)
    office_auth.login("coop2")
    assert language(office) == "zh_CN"


def test_one_user_on_two_devices_keeps_each_devices_choice(app, world):
    phone, phone_auth = device(app)
    tablet, tablet_auth = device(app)
    phone_auth.login("coop")
    tablet_auth.login("coop")
    choose(phone_auth, "en")
    choose(tablet_auth, "zh_CN")  # the account's saved choice is now Chinese, the latest made
    assert language(phone) == "en"
    assert language(tablet) == "zh_CN"
    third, third_auth = device(app)  # a device where nothing was chosen: the account's choice
    third_auth.login("coop")
    assert language(third) == "zh_CN"
    choose(tablet_auth, "en")
    assert language(third) == "en"  # the account follows the latest choice; the third device made none


def test_the_cookie_beats_the_users_saved_choice(app, world):
    with db_session(app) as session:
        auth_services.set_locale(session, user_id=world.actors["coop"].user_id, locale="en")
        session.commit()
    client, auth = device(app)
    auth.login("coop")
    assert language(client) == "en"
    client.set_cookie(LANG_COOKIE, "zh_CN")
    assert language(client) == "zh_CN"
    assert language(client, "/harvest/?lang=en") == "en"  # ?lang= beats them both


@pytest.mark.parametrize("bad", ["fr", "", "EN", "zh_CN;", "en\u00e9", "../../etc/passwd", "x" * 4000])
def test_a_bad_cookie_is_ignored(app, world, bad):
    with db_session(app) as session:
        auth_services.set_locale(session, user_id=world.actors["coop"].user_id, locale="en")
        session.commit()
    client, auth = device(app)
    client.set_cookie(LANG_COOKIE, bad)
    assert language(client, "/login") == "zh_CN"  # nobody signed in: the default
    auth.login("coop")
    assert language(client) == "en"  # the user's saved choice
    assert client.get("/harvest/field/").status_code == 200


def test_a_bad_choice_changes_nothing(app, world):
    client, auth = device(app)
    auth.login("coop")
    response = auth.post("/language", {"lang": "xx", "next": "/harvest/"})
    assert response.status_code == 303
    assert not any(c.startswith(f"{LANG_COOKIE}=") for c in response.headers.getlist("Set-Cookie"))
    assert saved_locale(app, "coop") is None
    assert language(client) == "zh_CN"


@pytest.mark.parametrize("header, expected", [
    ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"), ("de-DE, en;q=0.5", "en"), ("fr-FR", "zh_CN"),
    ("zh-TW", "zh_CN"), ("q=;;,", "zh_CN"),
])
def test_with_no_choice_anywhere_the_browsers_language_is_used(app, world, header, expected):
    client, auth = device(app)
    assert language(client, "/login") == "zh_CN"  # no header: Chinese
    assert html_lang(page(client.get("/login", headers={"Accept-Language": header}))) == expected
    auth.login("coop")
    assert html_lang(page(client.get("/harvest/", headers={"Accept-Language": header}))) == expected


def test_the_browsers_language_comes_after_the_users_choice_and_the_cookie(app, world):
    with db_session(app) as session:
        auth_services.set_locale(session, user_id=world.actors["coop"].user_id, locale="zh_CN")
        session.commit()
    client, auth = device(app)
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    auth.login("coop")
    assert html_lang(page(client.get("/harvest/", headers=english_browser))) == "zh_CN"
    client.set_cookie(LANG_COOKIE, "zh_CN")
    auth.logout()
    assert html_lang(page(client.get("/login", headers=english_browser))) == "zh_CN"
