"""Sign-in as a bank would do it, over HTTP: growing waits after failures
(per account and per address, refused without checking the password), one
hash for an unknown or deactivated user as for a known one, sessions that end
on the server (logout, sign out everywhere, deactivation, reset), a password
policy, the user's own password change and the audit log of all of it."""

from datetime import timedelta

import pytest
from sqlmodel import select

from oilchain import clock
from oilchain.admin.models import AuditEntry
from oilchain.auth import passwords, throttle
from oilchain.auth.models import SignInThrottle, User

from ..chain import TODAY, db_session
from ..conftest import PASSWORD, AuthActions
from ..http import assert_refused, page

pytestmark = pytest.mark.usefixtures("english")
NEW = "hill-road-lantern-9"


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was checked against a hash."""
    calls = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda hashed, password: calls.append(hashed) or real(hashed, password))
    return calls


def fresh(app) -> AuthActions:
    """Another browser, in English."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    return AuthActions(client)


def try_login(auth, username, password, **kwargs):
    return auth.client.post("/login", data={"username": username, "password": password, "csrf_token": auth.token()},
                            **kwargs)


def user(app, username) -> User:
    with db_session(app) as session:
        return session.exec(select(User).where(User.username == username)).one()


def audit_actions(app) -> list[str]:
    with db_session(app) as session:
        return [entry.action for entry in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_after_repeated_failures_the_account_must_wait_and_the_password_is_not_checked(app, auth, world, hashes):
    for _ in range(throttle.ACCOUNT.free):
        assert_refused(try_login(auth, "coop", "wrong-guess"), "Wrong username or password.")
    assert len(hashes) == throttle.ACCOUNT.free
    response = try_login(auth, "coop", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(throttle.ACCOUNT.base)
    assert f"Wait {throttle.ACCOUNT.base} seconds" in page(response)
    assert len(hashes) == throttle.ACCOUNT.free  # refused without checking the password
    # In Chinese too.
    auth.client.set_cookie("lang", "zh_CN")
    assert "秒" in page(try_login(auth, "coop", PASSWORD))
    auth.client.set_cookie("lang", "en")
    with clock.frozen(TODAY + timedelta(seconds=throttle.ACCOUNT.base + 1)):
        assert_refused(try_login(auth, "coop", "wrong-again"), "Wrong username or password.")
        response = try_login(auth, "coop", PASSWORD)
        assert response.status_code == 429 and response.headers["Retry-After"] == str(2 * throttle.ACCOUNT.base)
    with clock.frozen(TODAY + timedelta(seconds=3 * throttle.ACCOUNT.base + 2)):
        assert try_login(auth, "coop", PASSWORD).status_code == 303
    with db_session(app) as session:  # a success starts the account afresh
        assert session.get(SignInThrottle, "account:coop").failures == 0


def test_an_address_that_fails_on_many_accounts_must_wait(app, auth, world):
    names = [f"nobody{n}" for n in range(throttle.ADDRESS.free)]
    for name in names:
        assert_refused(try_login(auth, name, "wrong-guess"), "Wrong username or password.")
    response = try_login(auth, "coop", PASSWORD)  # an account that never failed, from that address
    assert response.status_code == 429
    # Another client address (one trusted proxy hop says so) is not held up.
    other = fresh(app)
    response = other.client.post("/login", data={"username": "coop", "password": PASSWORD, "csrf_token": other.token()},
                                 environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 303


def test_the_client_address_comes_from_the_trusted_proxy_hops(database_url, world):
    from oilchain import create_app

    from ..conftest import QUICK_HASHING

    proxied = create_app({"TESTING": True, "DATABASE_URL": database_url, "PASSWORD_HASH_METHOD": QUICK_HASHING,
                          "TRUSTED_PROXIES": 1})
    auth = fresh(proxied)
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    assert try_login(auth, "coop", "wrong-guess", headers=forwarded).status_code == 422
    assert try_login(auth, "coop", "wrong-guess").status_code == 422  # no header: the peer's own address
    with db_session(proxied) as session:
        assert session.get(SignInThrottle, "address:203.0.113.7").failures == 1
        assert session.get(SignInThrottle, "address:127.0.0.1").failures == 1
    proxied.extensions["oilchain.engine"].dispose()
    proxied.extensions["oilchain.scan_engine"].dispose()


def test_an_unknown_or_deactivated_user_costs_one_hash_like_a_known_one(app, auth, world, hashes):
    assert_refused(try_login(auth, "coop", "wrong-guess"), "Wrong username or password.")
    assert len(hashes) == 1 and hashes[0] == user(app, "coop").password_hash
    assert_refused(try_login(auth, "no-such-clerk", "wrong-guess"), "Wrong username or password.")
    with app.app_context():
        dummy = passwords.dummy_hash()
    assert len(hashes) == 2 and hashes[1] == dummy
    assert hashes[1].split("$")[0] == hashes[0].split("$")[0]  # the same method and work factor
    with db_session(app) as session:
        clerk = session.exec(select(User).where(User.username == "nursery")).one()
        clerk.active = False
        session.add(clerk)
        session.commit()
    assert_refused(try_login(auth, "nursery", PASSWORD), "Wrong username or password.")  # deactivated: refused
    assert len(hashes) == 3 and hashes[2] == dummy


def test_an_old_cookie_after_logout_is_sent_to_sign_in(app, auth, world):
    auth.login("coop")
    assert auth.client.get("/harvest/").status_code == 200
    copied = auth.client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/harvest/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def tablet_token(auth) -> str:
    response = auth.post("/harvest/field/device", {"password": PASSWORD, "label": "tablet"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["token"]


def syncs(app, token) -> int:
    return app.test_client().post("/harvest/field/sync", json={"entries": []},
                                  headers={"Authorization": f"Bearer {token}"}).status_code


def test_sign_out_everywhere_ends_another_clients_session(app, auth, world):
    office, phone, tablet = auth, fresh(app), fresh(app)
    office.login("coop")
    phone.login("coop")
    tablet.login("coop")
    token = tablet_token(tablet)
    assert phone.client.get("/harvest/").status_code == 200 and syncs(app, token) == 200
    response = office.post("/account/sign-out-everywhere")
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    assert phone.client.get("/harvest/").status_code == 302
    assert office.client.get("/harvest/").status_code == 302
    assert syncs(app, token) == 401  # the tablet is a device signed in too
    assert "sign_out_everywhere" in audit_actions(app)


def test_common_and_short_passwords_are_refused(app, auth, world):
    auth.login("coop")
    for weak, message in [("password", "at least 10 characters"), ("12345678", "at least 10 characters"),
                          ("password123", "too easy to guess"), ("qwertyuiop", "too easy to guess")]:
        response = auth.post("/account/password", {"current": PASSWORD, "new": weak, "repeat": weak})
        assert_refused(response, message, field="new")
    auth.logout()
    auth.login("admin")
    response = auth.post("/admin/users/new", {"username": "clerk2", "display_name": "Clerk", "role": "cooperative",
                                              "organization_id": world.orgs["coop"].id, "password": "password"})
    assert_refused(response, "at least 10 characters", field="password")
    response = auth.post(f"/admin/users/{world.actors['coop'].user_id}/reset", {"password": "1qaz2wsx3edc"})
    assert_refused(response, "too easy to guess", field="password")


def test_a_user_changes_their_own_password(app, auth, world):
    auth.login("coop")
    other = fresh(app)
    other.login("coop")
    assert_refused(auth.post("/account/password", {"current": "not-mine-at-all", "new": NEW, "repeat": NEW}),
                   "This is not your current password.", field="current")
    assert_refused(auth.post("/account/password", {"current": PASSWORD, "new": NEW, "repeat": NEW + "x"}),
                   "The two new passwords differ.", field="repeat")
    response = auth.post("/account/password", {"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert response.status_code == 303
    assert auth.client.get("/harvest/").status_code == 200  # this session goes on
    assert other.client.get("/harvest/").status_code == 302  # the others end
    assert try_login(fresh(app), "coop", PASSWORD).status_code == 422
    fresh(app).login("coop", NEW)
    assert "change_password" in audit_actions(app)


def test_a_deactivated_user_is_refused_and_signed_out_and_can_be_reactivated(app, auth, world):
    clerk = fresh(app)
    clerk.login("coop")
    auth.login("admin")
    coop_id = world.actors["coop"].user_id
    assert "Deactivate" in page(auth.client.get(f"/admin/users/{coop_id}"))
    assert auth.post(f"/admin/users/{coop_id}/active", {"active": "0"}).status_code == 303
    assert clerk.client.get("/harvest/").status_code == 302  # its session ended
    assert_refused(try_login(fresh(app), "coop", PASSWORD), "Wrong username or password.")
    assert auth.post(f"/admin/users/{coop_id}/active", {"active": "1"}).status_code == 303
    fresh(app).login("coop")
    # An admin cannot deactivate their own account.
    response = auth.post(f"/admin/users/{world.actors['admin'].user_id}/active", {"active": "0"})
    assert response.status_code == 422 and user(app, "admin").active
    assert audit_actions(app)[-2:] == ["deactivate", "reactivate"]


def test_a_reset_password_ends_sessions_and_must_be_changed_at_sign_in(app, auth, world):
    clerk = fresh(app)
    clerk.login("coop")
    token = tablet_token(clerk)
    auth.login("admin")
    temporary = "moss-bridge-kettle-4"
    assert auth.post(f"/admin/users/{world.actors['coop'].user_id}/reset", {"password": temporary}).status_code == 303
    assert clerk.client.get("/harvest/").status_code == 302
    assert syncs(app, token) == 401  # a reset after a compromise stops the tablets too
    clerk.login("coop", temporary)
    response = clerk.client.get("/harvest/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    assert "An administrator reset your password" in page(clerk.client.get("/account/password"))
    # Refused new passwords while the current one is right are no failed sign-ins.
    for _ in range(throttle.ACCOUNT.free + 2):
        assert_refused(clerk.post("/account/password", {"current": temporary, "new": "password123",
                                                        "repeat": "password123"}), "", field="new")
    with db_session(app) as session:
        row = session.get(SignInThrottle, "account:coop")
        assert row is None or row.failures == 0
    other = fresh(app)  # and signing out everywhere works while the new password is still owed
    other.login("coop", temporary)
    assert other.post("/account/sign-out-everywhere").status_code == 303
    assert other.client.get("/account/password").status_code == 302
    clerk.login("coop", temporary)
    assert clerk.post("/account/password", {"current": temporary, "new": NEW, "repeat": NEW}).status_code == 303
    assert clerk.client.get("/harvest/").status_code == 200
    assert "reset_password" in audit_actions(app)


def test_the_audit_page_filters_by_user_action_and_day(app, auth, world):
    auth.login("coop")
    auth.post("/account/password", {"current": PASSWORD, "new": NEW, "repeat": NEW})
    auth.logout()
    auth.login("admin")
    auth.post(f"/admin/users/{world.actors['nursery'].user_id}/active", {"active": "0"})
    with clock.frozen(TODAY - timedelta(days=3)):
        auth.post(f"/admin/users/{world.actors['nursery'].user_id}/active", {"active": "1"})
    everything = page(auth.client.get("/admin/audit"))  # each action by its name, in the reader's language
    assert "changed own password" in everything and "deactivated" in everything and "reactivated" in everything
    assert 'value="change_password"' in everything  # the filter keeps the code

    def table(query):  # the filtered table alone, as htmx asks for it
        return page(auth.client.get("/admin/audit" + query, headers={"HX-Request": "true"}))

    mine = table(f"?user={world.actors['coop'].user_id}")
    assert "changed own password" in mine and "deactivated" not in mine
    only = auth.client.get("/admin/audit?action=deactivate", headers={"HX-Request": "true"})
    assert "<html" not in page(only) and "deactivated" in page(only) and "changed own password" not in page(only)
    day = TODAY.date().isoformat()
    today = table(f"?since={day}&until={day}")
    assert "deactivated" in today and "reactivated" not in today
    assert "1 entries" in table(f"?action=deactivate&since={day}")
    assert "1 entries" in table(f"?action=reactivate&until={(TODAY.date() - timedelta(days=1)).isoformat()}")
    auth.client.set_cookie("lang", "zh_CN")
    assert "修改了自己的密码" in page(auth.client.get("/admin/audit"))
    auth.client.set_cookie("lang", "en")
    for nonsense in ("?user=abc", "?since=2025-02-30", "?since=0001-01-01", "?until=9999-12-31", "?page=-1", "?action=%00", "?page=99999999999"):
        assert auth.client.get("/admin/audit" + nonsense).status_code in (200, 400)
    auth.logout()
    auth.login("processor")
    assert auth.client.get("/admin/audit").status_code == 403


def test_a_signed_in_session_cannot_guess_the_password_either(app, auth, world, hashes):
    """The current password on the change page and the password that signs a
    tablet in are counted like sign-ins: a stolen session gets the same few
    tries, then waits, without the password being checked."""
    auth.login("coop")
    for n in range(throttle.ACCOUNT.free):
        if n % 2:
            response = auth.post("/account/password", {"current": f"guess-{n}", "new": NEW, "repeat": NEW})
            assert_refused(response, "This is not your current password.", field="current")
        else:
            response = auth.post("/harvest/field/device", {"password": f"guess-{n}", "label": "t"})
            assert response.status_code == 403 and "Wrong password" in response.get_json()["error"]
    checked = len(hashes)
    response = auth.post("/account/password", {"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert response.status_code == 429 and "Wait" in page(response) and response.headers["Retry-After"]
    response = auth.post("/harvest/field/device", {"password": PASSWORD, "label": "t"})
    assert response.status_code == 429 and "Wait" in response.get_json()["error"]
    assert len(hashes) == checked  # refused without checking
    with clock.frozen(TODAY + timedelta(seconds=throttle.ACCOUNT.cap + 1)):
        response = auth.post("/harvest/field/device", {"password": PASSWORD, "label": "t"})
        assert response.status_code == 200 and response.get_json()["token"]
    with db_session(app) as session:  # the right password gave the account a fresh start
        assert session.get(SignInThrottle, "account:coop").failures == 0


def test_an_ipv6_client_counts_by_its_network_of_64():
    """One IPv6 client holds a whole /64: trying from a new address in it
    every time must not give it new tries."""
    one, other = throttle.keys("coop", "2001:db8:1:2::1"), throttle.keys("coop", "2001:db8:1:2:ffff::9")
    assert one == other and "address:2001:db8:1:2::/64" in one
    assert "address:2001:db8:1:3::/64" in throttle.keys("coop", "2001:db8:1:3::1")
    assert "address:203.0.113.7" in throttle.keys("coop", "203.0.113.7")
