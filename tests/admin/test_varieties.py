"""A variety's yield curve group, set by the administrator: one of the
groups the yield curve has, audited; a bad group is refused next to its
field, nothing written."""

import json

import pytest
from sqlmodel import select

from oilchain.admin.models import AuditEntry, Variety
from oilchain.ledger.models import YieldCurve

from .. import chain
from ..chain import db_session
from ..http import redirected_to, refuse

pytestmark = pytest.mark.usefixtures("english")


def test_admin_sets_a_varietys_yield_group(app, auth, world):
    with db_session(app) as session:
        groups = set(session.exec(select(YieldCurve.variety_group)))
        if "local" not in groups:  # the yield curve has the group the variety is moved to
            session.add(YieldCurve(variety_group="local", age_years=5, seed_g_per_mu=20_000))
            session.commit()
        variety_id = chain.variety_id(session)
        assert session.get(Variety, variety_id).yield_group == "improved"
    auth.login("admin")
    index = auth.client.get("/admin/").get_data(as_text=True)
    assert f"/admin/varieties/{variety_id}" in index and "Yield curve group" in index
    url = f"/admin/varieties/{variety_id}/group"
    refuse(app, auth, url, {"yield_group": "wild"}, "Not a valid choice")
    assert redirected_to(auth.post(url, {"yield_group": "local"})).endswith("/admin/")
    with db_session(app) as session:
        assert session.get(Variety, variety_id).yield_group == "local"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "set_yield_group")).one()
        assert (entry.entity, entry.entity_id, json.loads(entry.detail)) == ("variety", variety_id,
                                                                           {"old": "improved", "new": "local"})
    auth.login("bureau")
    assert auth.client.get(f"/admin/varieties/{variety_id}").status_code == 403


def test_the_service_refuses_a_group_the_curve_lacks(app, world):
    from oilchain.admin import services
    from oilchain.errors import Invalid

    with db_session(app) as session:
        with pytest.raises(Invalid) as refused:
            services.set_yield_group(session, user_id=world.actors["admin"].user_id, variety_id=chain.variety_id(session),
                                     group="wild")
        assert refused.value.field == "yield_group"


def test_admin_marks_a_variety_improved_with_its_approval_number(app, auth, world):
    """The flag without a number is refused next to the number, nothing
    written; with one it is saved (to be confirmed or not) and audited."""
    with db_session(app) as session:
        variety_id = chain.variety_id(session)
        assert not session.get(Variety, variety_id).improved
    auth.login("admin")
    url = f"/admin/varieties/{variety_id}/improved"
    assert "Approval number" in auth.client.get(f"/admin/varieties/{variety_id}").get_data(as_text=True)
    refuse(app, auth, url, {"improved": "y", "approval_number": "  "}, "An improved variety needs its approval number",
           field="approval_number")
    refuse(app, auth, url, {"approval_pending": "y"}, "Type the number that is still to be confirmed",
           field="approval_number")
    assert redirected_to(auth.post(url, {"improved": "y", "approval_number": " 国S-SC-CO-006-2008 ",
                                         "approval_pending": "y"})).endswith("/admin/")
    with db_session(app) as session:
        found = session.get(Variety, variety_id)
        assert (found.improved, found.approval_number, found.approval_pending) == (True, "国S-SC-CO-006-2008", True)
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "set_improved")).one()
        assert json.loads(entry.detail)["new"] == {"improved": True, "approval_number": "国S-SC-CO-006-2008",
                                                    "approval_pending": True}
    index = auth.client.get("/admin/").get_data(as_text=True)
    assert "国S-SC-CO-006-2008" in index and "to be confirmed" in index
