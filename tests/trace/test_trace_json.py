"""trace.json names no record the reader may not open (trace/services.py
graph_json): a lot outside the reader's part of the chain is neither its
database id nor its code, only a name that holds within the answer, and an
event only touching such lots has no id."""

import json

import pytest
from sqlmodel import select

from oilchain.ledger.models import EventLine

from .. import chain
from ..chain import db_session

pytestmark = pytest.mark.usefixtures("english")


def test_the_processors_trace_json_shows_others_lots_without_ids_or_codes(app, client, auth, world):
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        theirs = {"batch": built.batch, "dispatched": built.dispatched, "fruit": built.fruit}
        mine = [built.seed, built.oil, built.product_lot]
        my_events = set(session.exec(select(EventLine.event_id).where(EventLine.lot_id.in_([lot.id for lot in mine]))))
    auth.login("processor")
    response = client.get(f"/l/{built.product_lot.code}/trace.json")
    assert response.status_code == 200
    found = response.get_json()
    text = json.dumps(found, ensure_ascii=False)
    for name, lot in theirs.items():
        assert lot.code not in text, name
    assert '"lot:' not in text
    up = found["upstream"]
    refs = {node["ref"]: node for node in up["nodes"]}
    assert {lot.code for lot in mine} <= set(refs)
    others = [node for ref, node in refs.items() if ref.startswith("other-")]
    assert sorted(node["kind"] for node in others) == ["dispatch", "fruit", "seedling"]
    for node in others:  # their kind and holder, as the trace page shows them
        assert set(node) == {"type", "kind", "owner", "ref"}
    assert {node["owner"] for node in others} >= {"麻旺合作社"}
    for edge in up["edges"]:
        assert edge["event"] is None or edge["event"] in my_events, edge
        if edge["from"].startswith("other-") and edge["to"].startswith("other-"):
            assert edge["event"] is None and edge["quantity"] is None, edge
    assert any(e["event"] is None for e in up["edges"]) and any(e["event"] in my_events for e in up["edges"])
    plot_refs = [ref for ref in refs if ref.startswith("plot:")]
    assert plot_refs == [f"plot:{world.plots['mawang'].id}"]
    assert client.get(f"/planting/plots/{world.plots['mawang'].id}").status_code == 200  # a plot it may open

    auth.login("bureau")  # the bureau sees every lot: codes throughout
    every = client.get(f"/l/{built.product_lot.code}/trace.json").get_json()
    assert not any(node["ref"].startswith("other-") for node in every["upstream"]["nodes"])
    assert built.fruit.code in json.dumps(every)
