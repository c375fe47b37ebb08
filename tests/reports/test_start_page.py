"""The bureau's start page (the dashboard) has the place for holds and
warnings too: the open recalls, each linked to its page, and the open
warnings; a line saying there are none otherwise."""

import pytest

from oilchain.trace import recalls

from .. import chain
from ..chain import db_session
from ..http import page

pytestmark = pytest.mark.usefixtures("english_services")
NONE = "Nothing on hold under a recall, and no open warnings."


def a_recall(app, world, close: bool = False) -> int:
    with db_session(app) as session:
        fruit = chain.harvest_lot(session, world)
        recall = recalls.start_recall(session, actor=world.actors["bureau"], reason="农残超标", lot_code=fruit.code)
        session.commit()
        if close:
            recalls.close_recall(session, actor=world.actors["bureau"], recall_id=recall.id, note="复检合格")
            session.commit()
        return recall.id


def test_the_dashboard_says_when_nothing_is_on_hold_or_warned(client, auth, world):
    auth.login("bureau")
    start = page(client.get("/reports/dashboard"))
    assert "Holds and warnings" in start and NONE in start


def test_the_dashboard_lists_the_open_recalls(app, client, auth, world):
    recall_id = a_recall(app, world)
    auth.login("bureau")
    start = page(client.get("/reports/dashboard"))
    assert "Open recalls (1)" in start and f'/recalls/{recall_id}"' in start and "农残超标" in start
    assert NONE not in start


def test_a_closed_recall_leaves_the_dashboard(app, client, auth, world):
    a_recall(app, world, close=True)
    auth.login("bureau")
    assert NONE in page(client.get("/reports/dashboard"))
