"""The oil mill's events in the EPCIS export: extract, leach, make, refine,
blend and split, each recorded through the ledger, exported through the
REST query, valid against GS1's schema, and mapped to a TransformationEvent
with its inputs and outputs in KGM (the split: the original as it was
before in, what stays of it and the part out; a make: its untraced
ingredients in oilchain:untracedQuantity)."""

from datetime import date

import pytest

from oilchain import ledger
from oilchain.ledger import NewLot

from .. import chain
from ..chain import KG, db_session
from .test_epcis import BASE, assert_valid, bureau, event_number, listed, validator  # noqa: F401 (fixtures)

MILLED_ON = date(2025, 12, 1)


def uri(lot) -> str:
    return f"{BASE}/l/{lot.code}"


def kgm(lot, kg) -> dict:
    return {"epcClass": uri(lot), "quantity": kg, "uom": "KGM"}


@pytest.fixture
def mill(app, world) -> dict:
    """Pressed oil and cake at the processor, then each of the mill's steps once."""
    actor = world.actors["processor"]
    out = {}
    with db_session(app) as s:
        _batch, _dispatched, _fruit, seed, _husk = chain.seed_at_processor(s, world)
        oil, cake = chain.press(s, world, inputs=[(chain.lot_by_code(s, seed.code), chain.RECEIVED_G)], oil=chain.OIL_G,
                                cake=chain.CAKE_G)

        def record(name, kind, inputs, outputs, step=None, untraced=0):
            recorded = ledger.record_event(s, actor=actor, kind=kind, occurred_on=MILLED_ON, step=step or kind,
                                           inputs=[(chain.lot_by_code(s, lot.code), q) for lot, q in inputs],
                                           outputs=outputs, untraced=untraced)
            s.commit()
            out[name] = (recorded.event.id, recorded.outputs)
            return recorded.outputs

        saponin, meal = record("extract", "extract", [(cake, 600 * KG)],
                               [NewLot("saponin", 60 * KG), NewLot("meal", 500 * KG)])
        leached, leach_meal = record("leach", "leach", [(cake, 400 * KG)], [NewLot("oil", 30 * KG), NewLot("meal", 360 * KG)])
        record("make", "make", [(meal, 200 * KG)], [NewLot("goods", 230 * KG)], step="make_meal", untraced=50 * KG)
        record("make_pure", "make", [(leach_meal, 100 * KG)], [NewLot("goods", 90 * KG)], step="make_meal")
        record("refine", "refine", [(oil, 300 * KG)], [NewLot("oil", 280 * KG)])
        record("blend", "blend", [(oil, 100 * KG), (leached, 30 * KG)], [NewLot("oil", 129_500)])
        part = ledger.split_lot(s, actor=actor, code=cake.code, quantity=150 * KG, occurred_on=MILLED_ON)
        s.commit()
        out["split"] = (chain.event_that_made(s, part).id, [part])
        out.update(oil=oil, cake=cake, saponin=saponin, meal=meal, leached=leached, leach_meal=leach_meal)
    return out


def exported(client) -> dict[int, dict]:
    response = client.get("/epcis/events?perPage=1000")
    return {event_number(e): e for e in listed(response)}, response.json


def test_every_mill_event_is_valid_epcis_and_a_transformation(validator, mill, bureau):  # noqa: F811
    events, document = exported(bureau)
    assert_valid(validator, document)
    for name in ("extract", "leach", "make", "make_pure", "refine", "blend", "split"):
        event_id, _outputs = mill[name]
        event = events[event_id]
        assert (event["type"], event.get("action"), event["bizStep"]) == ("TransformationEvent", None, "commissioning"), name
        assert event["oilchain:eventKind"] == ("make" if name == "make_pure" else name)
    for name in ("extract", "make", "split"):  # and each alone, as /epcis/events/<id> answers it
        single = bureau.get(f"/epcis/events/{mill[name][0]}").json
        assert_valid(validator, single)
        assert {k: v for k, v in single.items() if k != "@context"} == events[mill[name][0]]

def test_each_step_names_its_inputs_and_outputs_in_kg(mill, bureau):  # noqa: F811
    events, _ = exported(bureau)

    def lists(name):
        event = events[mill[name][0]]
        return event["inputQuantityList"], event["outputQuantityList"]

    oil, cake, meal, leached, leach_meal = (mill[k] for k in ("oil", "cake", "meal", "leached", "leach_meal"))
    assert lists("extract") == ([kgm(cake, 600)], [kgm(mill["saponin"], 60), kgm(meal, 500)])
    assert lists("leach") == ([kgm(cake, 400)], [kgm(leached, 30), kgm(leach_meal, 360)])
    assert lists("make") == ([kgm(meal, 200)], [kgm(mill["make"][1][0], 230)])
    assert lists("refine") == ([kgm(oil, 300)], [kgm(mill["refine"][1][0], 280)])
    assert lists("blend") == ([kgm(oil, 100), kgm(leached, 30)], [kgm(mill["blend"][1][0], 129.5)])


def test_a_split_is_the_original_before_in_and_its_rest_and_the_part_out(mill, bureau):  # noqa: F811
    events, _ = exported(bureau)
    split = events[mill["split"][0]]
    cake, part = mill["cake"], mill["split"][1][0]
    # 1,400 kg of cake, less 600 extracted and 400 leached, before the split: 400 kg; 150 split off.
    assert split["inputQuantityList"] == [kgm(cake, 400)]
    assert split["outputQuantityList"] == [kgm(cake, 250), kgm(part, 150)]


def test_a_makes_untraced_ingredients_are_exported_in_kg_only_when_there_are_some(mill, bureau):  # noqa: F811
    events, document = exported(bureau)
    assert events[mill["make"][0]]["oilchain:untracedQuantity"] == 50
    assert "oilchain:untracedQuantity" not in events[mill["make_pure"][0]]
    # Declared like every oilchain: field, through the prefix in the @context.
    assert document["@context"][1] == {"oilchain": f"{BASE}/epcis/ns#"}
