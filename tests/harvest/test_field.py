"""The field app's server side: tablets signed in with device tokens (and
signed out for good when revoked), and the idempotent sync of entries
recorded offline."""

import uuid
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlmodel import select

from oilchain import clock
from oilchain.auth import services as auth_services
from oilchain.auth.models import AccessToken
from oilchain.harvest.models import HarvestRecord
from oilchain.ledger.models import Lot

from ..chain import PASSWORD, db_session


pytestmark = pytest.mark.usefixtures("english")


def device_token(app, world, who="coop") -> str:
    with db_session(app) as session:
        token, _record = auth_services.issue_device_token(session, actor=world.actors[who], label="test tablet",
                                                          password=PASSWORD)
        session.commit()
    return token


def entry(world, plot="mawang", **changes) -> dict:
    values = {"uuid": str(uuid.uuid4()), "plot_id": world.plots[plot].id, "weight": "812.5", "pickers": 7,
              "harvested_on": "2025-12-18", "recorded_at": "2025-12-18T09:30:00+08:00"}
    values.update(changes)
    return values


def sync(client, token, entries):
    return client.post("/harvest/field/sync", json={"entries": entries}, headers={"Authorization": f"Bearer {token}"})


def records(app) -> list[tuple]:
    with db_session(app) as session:
        return list(session.exec(select(HarvestRecord.client_uuid, Lot.code, Lot.quantity).join(Lot, Lot.id == HarvestRecord.lot_id)))


def test_the_same_entry_sent_twice_makes_one_lot(app, client, world):
    token = device_token(app, world)
    one = entry(world)
    first = sync(client, token, [one]).get_json()["results"][0]
    again = sync(client, token, [one]).get_json()["results"][0]
    assert first["status"] == "created" and again["status"] == "duplicate"
    assert first["lot_code"] == again["lot_code"]
    assert records(app) == [(one["uuid"], first["lot_code"], 812_500)]


def test_each_entry_is_answered_and_a_refusal_does_not_drop_the_others(app, client, world):
    token = device_token(app, world)
    good, not_ours, future, huge = (
        entry(world), entry(world, plot="longtan"), entry(world, harvested_on="2026-01-05"), entry(world, weight="900000")
    )
    results = sync(client, token, [good, not_ours, future, huge]).get_json()["results"]
    assert [r["status"] for r in results] == ["created", "refused", "refused", "refused"]
    assert "belongs to another cooperative" in results[1]["reason"]
    assert "in the future" in results[2]["reason"]
    assert results[3]["field"] == "weight" and "more than a plot can bear" in results[3]["reason"]
    assert [uuid_ for uuid_, _code, _q in records(app)] == [good["uuid"]]


def test_an_entry_recorded_days_ago_is_accepted_with_both_times_kept(app, client, world):
    token = device_token(app, world)
    old = entry(world, harvested_on="2025-12-02", recorded_at="2025-12-02T16:05:00+08:00")
    assert sync(client, token, [old]).get_json()["results"][0]["status"] == "created"
    with db_session(app) as session:
        record = session.exec(select(HarvestRecord).where(HarvestRecord.client_uuid == old["uuid"])).one()
        assert clock.to_county(record.recorded_at).replace(tzinfo=None) == datetime(2025, 12, 2, 16, 5)
        assert clock.to_county(record.received_at).replace(tzinfo=None) == datetime(2025, 12, 20, 10, 0)  # the pinned now


def test_the_sync_needs_a_valid_device_token_not_a_session(app, client, auth, world):
    auth.login("coop")  # a session cookie alone does not do
    response = client.post("/harvest/field/sync", json={"entries": [entry(world)]})
    assert response.status_code == 401 and "not signed in" in response.get_json()["error"]
    assert sync(client, "made-up", [entry(world)]).status_code == 401
    assert records(app) == []


def test_a_revoked_or_expired_tablet_is_refused(app, client, auth, world):
    token = device_token(app, world)
    with db_session(app) as session:
        record = session.exec(select(AccessToken)).one()
        record.expires_at = clock.utcnow() - timedelta(seconds=1)
        session.add(record)
        session.commit()
    assert "expired" in sync(client, token, [entry(world)]).get_json()["error"]
    token = device_token(app, world)
    auth.login("coop")
    with db_session(app) as session:
        newest = session.exec(select(AccessToken).order_by(AccessToken.id.desc())).first().id
    assert auth.post(f"/harvest/field/devices/{newest}/revoke").status_code == 303
    assert "revoked" in sync(client, token, [entry(world)]).get_json()["error"]
    # another cooperative cannot revoke it
    auth.login("coop2")
    assert auth.post(f"/harvest/field/devices/{newest}/revoke").status_code == 403


def test_a_tablet_is_signed_in_from_the_field_page_with_the_session(app, client, auth, world):
    auth.login("coop")
    page = client.get("/harvest/field/").get_data(as_text=True)
    assert 'rel="manifest"' in page and "老屋基" in page  # the cooperative's plot, for offline use
    wrong = auth.post("/harvest/field/device", {"label": "Tablet 1", "password": "not-the-password"})
    assert wrong.status_code == 403 and "Wrong password" in wrong.get_json()["error"]
    assert auth.post("/harvest/field/device", {"label": "Tablet 1"}).status_code == 403  # always the password
    answer = auth.post("/harvest/field/device", {"label": "Tablet 1", "password": PASSWORD})
    assert answer.status_code == 200
    token = answer.get_json()["token"]
    assert sync(client, token, [entry(world)]).get_json()["results"][0]["status"] == "created"
    with db_session(app) as session:
        stored = session.exec(select(AccessToken)).one()
        assert stored.token_hash != token and stored.label == "Tablet 1"  # only its hash is kept
    # a processor cannot sign a tablet in for harvests
    auth.login("processor")
    assert auth.post("/harvest/field/device", {"label": "x", "password": PASSWORD}).status_code == 403


def test_the_worker_and_the_manifest_serve_the_page_offline(client, auth, world):
    auth.login("coop")
    worker = client.get("/harvest/field/sw.js")
    body = worker.get_data(as_text=True)
    assert worker.mimetype == "text/javascript" and '"/harvest/field/"' in body
    for asset in ("/static/js/field.js", "/static/vendor/qrcode-generator-2.0.4.js", "/static/css/field.css"):
        assert asset in body
    manifest = client.get("/harvest/field/manifest.webmanifest").get_json()
    assert manifest["start_url"] == "/harvest/field/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_malformed_payloads_are_refused_whole(app, client, world):
    token = device_token(app, world)
    for payload in ({"entries": "x"}, {"nothing": 1}, {"entries": [1, 2]}, {"entries": [entry(world)] * 201}):
        response = client.post("/harvest/field/sync", json=payload, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400
    bad_uuid = sync(client, token, [entry(world, uuid="not-a-uuid")]).get_json()["results"][0]
    assert bad_uuid["status"] == "refused"
    assert records(app) == []


def test_the_receive_page_names_a_malformed_code(app, auth, world, session):
    auth.login("processor")
    page = auth.client.get("/processing/receive?code=hello%20world").get_data(as_text=True)
    assert "is not a lot code" in page
    with force_locale("en"):
        from oilchain.errors import Invalid
        from oilchain.ledger import get_lot

        with pytest.raises(Invalid, match="is not a lot code"):
            get_lot(session, "https://example.com/x")


def test_out_of_range_numbers_are_refused_per_entry_not_with_the_whole_sync(app, client, world):
    """The form's bounds hold for the tablet's entries too: a typo of 5,000
    pickers, or a number no column can hold, is that entry's refusal."""
    token = device_token(app, world)
    good = entry(world)
    crowd, overflow, far_plot = entry(world, pickers=5000), entry(world, pickers=10**20), entry(world, plot_id=10**20)
    response = sync(client, token, [crowd, overflow, far_plot, good])
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["refused", "refused", "refused", "created"]
    assert results[0]["field"] == "pickers" and results[1]["field"] == "pickers"
    assert [uuid_ for uuid_, _code, _q in records(app)] == [good["uuid"]]


def test_a_revoked_tablet_is_signed_out_and_cannot_get_a_token_again_without_the_password(app, client, auth, world):
    """The tablet's browser session and its device token both stop at once;
    the member's other sessions go on."""
    auth.login("coop")
    answer = auth.post("/harvest/field/device", {"label": "Tablet 1", "password": PASSWORD})
    token = answer.get_json()["token"]
    office = app.test_client()  # the member signed in at the office too
    office_auth = type(auth)(office)
    office_auth.login("coop")
    with db_session(app) as session:
        record = session.exec(select(AccessToken)).one()
    assert office_auth.post(f"/harvest/field/devices/{record.id}/revoke").status_code == 303
    entry = {"uuid": "0b0c2f7e-8a51-4c1e-9d7b-2d3c4b5a6f70", "plot_id": world.plots["mawang"].id, "weight": "100",
             "pickers": 3, "harvested_on": "2025-12-18"}
    sync = client.post("/harvest/field/sync", json={"entries": [entry]}, headers={"Authorization": f"Bearer {token}"})
    assert sync.status_code == 401 and "revoked" in sync.get_json()["error"]
    # The tablet's session is over: its pages and a new token need signing in again.
    assert client.get("/harvest/field/").status_code == 302
    again = client.post("/harvest/field/device", data={"label": "Tablet 1", "csrf_token": auth.token()})
    assert again.status_code in (302, 400) and "token" not in (again.get_json(silent=True) or {})
    with db_session(app) as session:
        assert len(session.exec(select(AccessToken)).all()) == 1
    assert office.get("/harvest/").status_code == 200  # the office session is not the tablet's
