"""The forms of a lot's page through the HTTP client: reversing the event
that made it (only by the recording organization, with a reason, never under
later records, never twice) and disposing of part of it. Every refusal is a
4xx with its message, and writes nothing."""

import pytest
from sqlmodel import select

from oilchain.ledger.models import Event

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..http import a_lot, build, page, received_seed, redirected_to, refuse

pytestmark = pytest.mark.usefixtures("english")


def made_by(app, code: str) -> int:
    with db_session(app) as session:
        return chain.event_that_made(session, chain.lot_by_code(session, code)).id


def test_trace_reverse(app, auth, world):
    def setup(session):
        used = chain.harvest_lot(session, world, grams=1_000 * KG)
        seed, _husk = chain.dry_hull(session, world, inputs=[(used, 1_000 * KG)], seed=250 * KG, husk=300 * KG)
        spare = chain.harvest_lot(session, world, grams=400 * KG)
        return used.code, seed.code, spare.code

    used, seed, spare = build(app, setup)
    hulling = made_by(app, seed)

    auth.login("coop2")  # not the recording organization
    with nothing_written(app):
        response = auth.post(f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": "录错"})
        assert response.status_code == 403

    auth.login("coop")
    refuse(app, auth, f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": ""}, "This field is required.")
    refuse(app, auth, f"/events/{made_by(app, used)}/reverse", {"lot": used, "reason": "录错"},
           "It cannot be reversed: 1 later records depend on it.")
    response = auth.post(f"/events/{made_by(app, used)}/reverse", {"lot": used, "reason": "录错"})
    assert f"#{hulling} Drying and hulling" in page(response)

    assert redirected_to(auth.post(f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": "重复录入"})).endswith(f"/l/{spare}")
    reversed_lot = a_lot(app, spare)
    assert (reversed_lot.status, reversed_lot.remaining) == ("reversed", 0)
    refuse(app, auth, f"/events/{made_by(app, spare)}/reverse", {"lot": spare, "reason": "再来"},
           "This event has already been reversed.")


def test_a_disposal_takes_a_quantity_out_with_its_reason_and_refuses_more_than_remains(app, auth, world):
    seed = received_seed(app, world)
    auth.login("processor")
    url = f"/l/{seed.code}/dispose"
    refuse(app, auth, url, {"quantity": "2000", "reason": "霉变", "occurred_on": "2025-12-01"},
           f"Lot {seed.code} has only 1990 kg left; 2000 kg were asked for.")
    refuse(app, auth, url, {"quantity": "10", "reason": "", "occurred_on": "2025-12-01"}, "This field is required.")
    refuse(app, auth, url, {"quantity": "10", "reason": "霉变", "occurred_on": "2025-11-20"},
           f"The date 2025-11-20 comes before 2025-11-21, when lot {seed.code} was received.")
    assert auth.post(url, {"quantity": "10.5", "reason": "霉变", "occurred_on": "2025-12-01"}).status_code == 303
    with db_session(app) as session:
        lot = chain.lot_by_code(session, seed.code)
        assert lot.remaining == chain.RECEIVED_G - 10_500
        event = session.exec(select(Event).where(Event.kind == "dispose")).one()
        assert (event.note, event.loss) == ("霉变", 10_500)
    auth.login("processor2")
    with nothing_written(app):
        assert auth.post(url, {"quantity": "1", "reason": "x", "occurred_on": "2025-12-01"}).status_code == 403
