"""Splitting a lot and shipping part of one (ledger.split_lot, ship_part):
the balanced split, the refusals (each names the lot and the numbers and
writes nothing), the trace through a split, and reversing one."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain import invariants, ledger
from oilchain.errors import Forbidden, Invalid
from oilchain.ledger import Blocked, trace
from oilchain.ledger.models import Event, EventLine, Lot, Shipment

from .. import chain
from ..chain import KG
from .test_ledger import refused, text

SPLIT_ON = date(2025, 11, 20)
PART = 300 * KG


def seed_lot(session, world):
    """The cooperative's 2,000 kg seed lot (from 8,000 kg of fruit)."""
    fruit = chain.harvest_lot(session, world, grams=chain.FRUIT_G)
    seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, chain.FRUIT_G)], seed=chain.SEED_G, husk=chain.HUSK_G)
    return fruit, seed


def ship_part(session, world, seed, quantity, *, actor="coop", to="processor2"):
    return ledger.ship_part(session, actor=world.actors[actor], code=seed.code, to_org_id=world.orgs[to].id,
                            occurred_on=SPLIT_ON, quantity=quantity)


def lines_of(session, event_id):
    return sorted((line.role, line.lot_id, line.delta)
                  for line in session.exec(select(EventLine).where(EventLine.event_id == event_id)))


def test_a_split_is_one_balanced_event_and_the_original_keeps_its_code(session, world):
    _fruit, seed = seed_lot(session, world)
    part = ledger.split_lot(session, actor=world.actors["coop"], code=seed.code, quantity=PART, occurred_on=SPLIT_ON)
    session.commit()
    original = chain.lot_by_code(session, seed.code)
    assert (original.remaining, original.quantity) == (chain.SEED_G - PART, chain.SEED_G)
    assert (part.kind, part.unit, part.quantity, part.remaining, part.owner_org_id) == \
        ("seed", "g", PART, PART, world.orgs["coop"].id)
    assert part.code != seed.code and part.code[3] == seed.code[3]  # a seed lot's code of its own
    event = chain.event_that_made(session, part)
    assert (event.kind, event.loss, event.untraced) == ("split", 0, 0)
    assert lines_of(session, event.id) == sorted([("input", seed.id, -PART), ("output", part.id, PART)])
    assert invariants.violations(session) == {}


def test_part_of_a_lot_is_split_off_and_shipped_in_one_step(session, world):
    _fruit, seed = seed_lot(session, world)
    shipment = ship_part(session, world, seed, PART)
    session.commit()
    part = session.get(Lot, shipment.lot_id)
    original = chain.lot_by_code(session, seed.code)
    assert part.id != seed.id and part.status == "in_transit" and shipment.declared_quantity == PART
    assert shipment.to_org_id == world.orgs["processor2"].id
    assert (original.status, original.remaining) == ("active", chain.SEED_G - PART)
    # The receiver receives the part as any shipped lot.
    chain.receive(session, world, lot=part, weighed=PART, actor="processor2")
    part = chain.lot_by_code(session, part.code)
    assert (part.owner_org_id, part.status) == (world.orgs["processor2"].id, "active")
    assert invariants.violations(session) == {}


@pytest.mark.parametrize("quantity", [None, chain.SEED_G])
def test_no_part_or_all_of_the_lot_ships_the_whole_lot(session, world, quantity):
    _fruit, seed = seed_lot(session, world)
    shipment = ship_part(session, world, seed, quantity)
    session.commit()
    assert shipment.lot_id == seed.id and shipment.declared_quantity == chain.SEED_G
    assert chain.events_using(session, seed, "split") == []


def test_a_part_larger_than_the_lot_zero_or_negative_is_refused_by_name(session, world, english_services):
    _fruit, seed = seed_lot(session, world)
    error = refused(session, Invalid, lambda: ship_part(session, world, seed, chain.SEED_G + 1))
    assert error.field == "quantity"
    assert text(error.message) == f"Lot {seed.code} has only 2000 kg left; 2000.001 kg were asked for."
    for quantity, shown in ((0, "0 kg"), (-5 * KG, "-5 kg")):
        error = refused(session, Invalid, lambda: ship_part(session, world, seed, quantity))
        assert error.field == "quantity"
        assert text(error.message) == f"The part of lot {seed.code} to ship must be more than zero; {shown} was given."


def test_another_organizations_lot_is_refused_before_any_number_is_named(session, world, english_services):
    _fruit, seed = seed_lot(session, world)
    for call in (lambda: ship_part(session, world, seed, PART, actor="coop2", to="processor"),
                 lambda: ledger.split_lot(session, actor=world.actors["coop2"], code=seed.code, quantity=PART * 10,
                                          occurred_on=SPLIT_ON)):
        error = refused(session, Forbidden, call)
        assert text(error.message) == f"Lot {seed.code} does not belong to your organization."


def test_a_split_is_refused_for_a_part_not_smaller_than_the_lot_or_a_lot_in_transit(session, world, english_services):
    _fruit, seed = seed_lot(session, world)
    split = lambda quantity: ledger.split_lot(session, actor=world.actors["coop"], code=seed.code,  # noqa: E731
                                              quantity=quantity, occurred_on=SPLIT_ON)
    error = refused(session, Invalid, lambda: split(chain.SEED_G))
    assert text(error.message) == (f"A part of 2000 kg is not smaller than what lot {seed.code} holds (2000 kg): "
                                   "ship or sell the whole lot instead.")
    error = refused(session, Invalid, lambda: split(0))
    assert text(error.message) == f"The quantity taken from lot {seed.code} must be more than zero."
    # A destination that is not one is refused before the split is written.
    error = refused(session, Invalid, lambda: ship_part(session, world, seed, PART, to="coop"))
    assert error.field == "to_org_id"
    chain.ship(session, world, lot=seed)
    error = refused(session, Invalid, lambda: split(PART))
    assert text(error.message) == f"Lot {seed.code} has been shipped and is not yet received."
    error = refused(session, Invalid, lambda: ship_part(session, world, seed, PART))
    assert text(error.message) == f"Lot {seed.code} has been shipped and is not yet received."


def test_the_trace_walks_through_a_split_both_ways(session, world):
    """harvest -> dry_hull -> split -> ship the part to processor B -> press at B."""
    fruit, seed = seed_lot(session, world)
    shipment = ship_part(session, world, seed, PART)
    session.commit()
    part = session.get(Lot, shipment.lot_id)
    chain.receive(session, world, lot=part, weighed=PART, actor="processor2")
    oil, cake = chain.press(session, world, inputs=[(chain.lot_by_code(session, part.code), PART)], oil=75 * KG,
                            cake=210 * KG, actor="processor2")
    up = trace.upstream(session, ("lot", oil.id))
    assert {seed.id, part.id, fruit.id} <= up.ids("lot")
    assert world.plots["mawang"].id in up.ids("plot")
    down = trace.downstream(session, ("lot", fruit.id))
    assert {seed.id, part.id, oil.id, cake.id} <= down.ids("lot")
    split_edge = next(e for e in down.edges if e.kind == "split")
    assert (split_edge.source, split_edge.target, split_edge.quantity) == (("lot", seed.id), ("lot", part.id), PART)


def test_reversing_an_unused_split_gives_the_quantity_back(session, world):
    _fruit, seed = seed_lot(session, world)
    part = ledger.split_lot(session, actor=world.actors["coop"], code=seed.code, quantity=PART, occurred_on=SPLIT_ON)
    session.commit()
    split = chain.event_that_made(session, part)
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=split.id, reason="分错了")
    session.commit()
    assert chain.lot_by_code(session, seed.code).remaining == chain.SEED_G
    part = chain.lot_by_code(session, part.code)
    assert (part.status, part.remaining) == ("reversed", 0)
    assert invariants.violations(session) == {}


def test_a_split_whose_part_was_shipped_cannot_be_reversed(session, world, english_services):
    _fruit, seed = seed_lot(session, world)
    shipment = ship_part(session, world, seed, PART)
    session.commit()
    split = session.exec(select(Event).where(Event.kind == "split")).one()
    error = refused(session, Blocked, lambda: ledger.reverse_event(session, actor=world.actors["coop"], event_id=split.id,
                                                                   reason="分错了"))
    assert [d["kind"] for d in error.dependents] == ["ship"] and error.dependents[0]["id"] == shipment.ship_event_id
    # Once the shipment is reversed, so may the split be.
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=shipment.ship_event_id, reason="没发出")
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=split.id, reason="分错了")
    session.commit()
    assert chain.lot_by_code(session, seed.code).remaining == chain.SEED_G
    assert session.get(Shipment, shipment.id).cancelled
    assert invariants.violations(session) == {}


def test_the_invariant_sees_a_split_that_does_not_balance(session, world):
    _fruit, seed = seed_lot(session, world)
    part = ledger.split_lot(session, actor=world.actors["coop"], code=seed.code, quantity=PART, occurred_on=SPLIT_ON)
    session.commit()
    line = session.exec(select(EventLine).where(EventLine.lot_id == seed.id, EventLine.role == "input",
                                                EventLine.event_id == chain.event_that_made(session, part).id)).one()
    line.delta = -PART + 1
    original = chain.lot_by_code(session, seed.code)
    original.remaining += 1  # the lot's own sum still agrees: only the split's balance is broken
    session.add_all([line, original])
    session.commit()
    assert invariants.violations(session) == {
        "a split moves one lot's quantity to one new lot of its kind and unit, nothing lost or added": 1}
