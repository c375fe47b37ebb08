"""The tablet sync takes each entry on its own (oilchain/harvest/sync.py):
numbers and times parsed strictly, whatever a tablet (or someone posing as
one) sends, and a request that cannot be a batch refused whole, never with
a server error."""

import json
import logging

import pytest

from oilchain.harvest import sync as tablet_sync

from .test_field import device_token, entry, records, sync

pytestmark = pytest.mark.usefixtures("english")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["results"]


def test_numbers_a_form_would_never_send_are_that_entrys_refusal(app, client, world):
    token = device_token(app, world)
    good = entry(world)
    poisoned = [entry(world, pickers=p) for p in (1.9, True, "12 people", [7], {"n": 7})]
    sent = results(sync(client, token, poisoned + [good]))
    assert [r["status"] for r in sent] == ["refused"] * 5 + ["created"]
    assert {r["field"] for r in sent[:5]} == {"pickers"}
    assert all(r["reason"] == "The pickers must be a whole number." for r in sent[:5])
    assert [u for u, _code, _q in records(app)] == [good["uuid"]]


def test_infinity_and_numbers_past_any_float_are_refused_per_entry(app, client, world):
    """Python's JSON reader takes Infinity, NaN and 1e400 (as inf): each a
    refusal of its entry, and the good entry of the same batch is recorded."""
    token = device_token(app, world)
    good, plain = entry(world), entry(world)
    body = json.dumps({"entries": [plain, good]})
    body = body.replace(f'"plot_id": {plain["plot_id"]}', '"plot_id": 1e400', 1).replace('"pickers": 7', '"pickers": Infinity', 1)
    response = client.post("/harvest/field/sync", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    sent = results(response)
    assert [r["status"] for r in sent] == ["refused", "created"]
    nan = results(sync(client, token, [entry(world, pickers=float("nan")), entry(world, weight=float("inf"))]))
    assert [(r["status"], r["field"]) for r in nan] == [("refused", "pickers"), ("refused", "weight")]
    assert [u for u, _code, _q in records(app)] == [good["uuid"]]


def test_whole_numbers_as_text_or_float_are_taken(app, client, world):
    token = device_token(app, world)
    as_text, as_float = entry(world, pickers="8", plot_id=str(world.plots["mawang"].id)), entry(world, pickers=9.0)
    assert [r["status"] for r in results(sync(client, token, [as_text, as_float]))] == ["created", "created"]
    assert tablet_sync.whole_number(" 12 ") == 12
    for wrong in (True, 1.5, float("inf"), "1e3", "-3", "", None, "１２"):
        with pytest.raises(ValueError):
            tablet_sync.whole_number(wrong)


def test_a_tablet_clock_of_year_1_or_9999_is_kept_as_unknown_and_the_harvest_recorded(app, client, world):
    token = device_token(app, world)
    far_past = entry(world, recorded_at="0001-01-01T00:00:00+08:00")
    far_future = entry(world, recorded_at="9999-12-31T23:59:59-08:00")
    garbage = entry(world, recorded_at={"when": "now"})
    assert [r["status"] for r in results(sync(client, token, [far_past, far_future, garbage]))] == ["created"] * 3
    from sqlmodel import select

    from oilchain.harvest.models import HarvestRecord

    from ..chain import db_session

    with db_session(app) as session:
        kept = session.exec(select(HarvestRecord.recorded_at)).all()
    assert kept == [None, None, None]


def test_json_nested_past_the_parser_or_larger_than_the_limit_is_refused_whole(app, client, world):
    token = device_token(app, world)
    headers = {"Authorization": f"Bearer {token}"}
    deep = '{"entries": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/harvest/field/sync", data=deep, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert "at most 200 entries" in response.get_json()["error"]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    huge = json.dumps({"entries": [entry(world, weight="1" * 100_000)]})
    response = client.post("/harvest/field/sync", data=huge, content_type="application/json", headers=headers)
    assert response.status_code == 413
    assert records(app) == []


def test_an_anonymous_post_larger_than_the_limit_is_refused_before_it_is_read(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = client.post("/login", data={"username": "x", "password": "p" * 200_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_an_entry_the_server_fails_on_is_refused_alone_and_logged(app, client, world, monkeypatch, caplog):
    """The last resort: whatever fails inside one entry (here a fault put
    into the harvest service for one entry) is that entry's refusal; the
    others of the batch are recorded, and the error is in the log."""
    token = device_token(app, world)
    before, broken, after = entry(world), entry(world, weight="13.5"), entry(world)
    real = tablet_sync.log_harvest

    def failing_for_one(session, **values):
        if values["weight_g"] == 13_500:
            raise RuntimeError("a fault put in by the test")
        return real(session, **values)

    monkeypatch.setattr(tablet_sync, "log_harvest", failing_for_one)
    with caplog.at_level(logging.ERROR):
        sent = results(sync(client, token, [before, broken, after]))
    assert [r["status"] for r in sent] == ["created", "refused", "created"]
    assert "could not take this entry" in sent[1]["reason"]
    assert "a fault put in by the test" in caplog.text
    assert sorted(u for u, _code, _q in records(app)) == sorted([before["uuid"], after["uuid"]])
