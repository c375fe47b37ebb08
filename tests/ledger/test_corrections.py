"""Reversals (ledger/corrections.py) refused by the service and over HTTP
alike, with nothing moved: one that would hand back what has left the
organization, and one asked for by another organization's admin. The
service's other rules are in test_ledger.py, the reversal form's refusals
in tests/trace/test_forms.py."""

import pytest

from oilchain import ledger
from oilchain.errors import Forbidden

from .. import chain
from ..chain import KG, nothing_written, snapshot
from ..http import a_lot, page, refuse

pytestmark = pytest.mark.usefixtures("english_services")  # pages and services in English


def test_a_dry_hull_whose_fruit_was_shipped_away_cannot_be_reversed(app, auth, session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, 600 * KG)], seed=150 * KG, husk=200 * KG)
    chain.ship(session, world, lot=chain.lot_by_code(session, fruit.code))  # the 400 kg left go to the processor
    hulling = chain.event_that_made(session, seed)
    before = snapshot(session)
    with pytest.raises(ledger.Blocked, match=f"what it used has left your organization since \\({fruit.code}\\)"):
        ledger.reverse_event(session, actor=world.actors["coop"], event_id=hulling.id, reason="录错")
    session.rollback()
    assert snapshot(session) == before
    shipped = chain.lot_by_code(session, fruit.code)
    assert (shipped.remaining, shipped.status, shipped.owner_org_id) == (400 * KG, "in_transit", world.orgs["coop"].id)

    # received by the processor now: still refused, over HTTP too, and nothing moves
    chain.receive(session, world, lot=shipped, weighed=400 * KG)
    auth.login("coop")
    refuse(app, auth, f"/events/{hulling.id}/reverse", {"lot": seed.code, "reason": "录错"},
           f"It cannot be reversed: what it used has left your organization since ({fruit.code})")
    received = a_lot(app, fruit.code)
    assert (received.remaining, received.status, received.owner_org_id) == (400 * KG, "active", world.orgs["processor"].id)
    assert a_lot(app, seed.code).status == "active"


def test_an_admin_cannot_reverse_another_organizations_event(app, auth, session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    harvest = chain.event_that_made(session, fruit)
    with pytest.raises(Forbidden, match="Only the organization that recorded an event can reverse it."):
        ledger.reverse_event(session, actor=world.actors["admin"], event_id=harvest.id, reason="录错")
    session.rollback()
    auth.login("admin")
    with nothing_written(app):
        response = auth.post(f"/events/{harvest.id}/reverse", {"lot": fruit.code, "reason": "录错"})
    assert response.status_code in (403, 422)
    assert "Only the organization that recorded an event can reverse it." in page(response)
    assert a_lot(app, fruit.code).status == "active"
