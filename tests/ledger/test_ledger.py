"""The ledger's rules, through the services: mass balance, yield bounds,
shipment and receipt, reversals, the remaining-quantity invariant, trace,
and the identifiers (lot codes, GTINs, keyed serials)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlmodel import select

from oilchain import clock, codes
from oilchain.errors import Forbidden, Invalid, NotFound
from oilchain import ledger
from oilchain.ledger import trace
from oilchain.ledger.models import Event, EventLine, Lot, Shipment, YieldBound
from oilchain.ledger import Blocked
from oilchain.processing import services as processing
from oilchain.sales.models import Sale

from .. import chain
from ..chain import KG

def ledger_rows(session) -> dict:
    return {name: rows for name, rows in chain.snapshot(session)["counts"].items() if name in ("lot", "event", "event_line")}


def refused(session, error_type, call):
    """Run a service call that must be refused; roll back as a view would and
    prove that nothing (rows, lot states, counters) was written."""
    session.commit()
    before = chain.snapshot(session)
    with pytest.raises(error_type) as caught:
        call()
    session.rollback()
    after = chain.snapshot(session)
    assert after["counts"]["lot"] == before["counts"]["lot"]
    assert after["counts"]["event"] == before["counts"]["event"]
    assert after["counts"]["event_line"] == before["counts"]["event_line"]
    assert after == before
    return caught.value


def text(error) -> str:
    """A refusal's message in English, whatever the default language."""
    with force_locale("en"):
        return str(error)


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def kg_text(grams: int) -> str:
    """A weight as a message shows it: kilograms, no trailing zeros."""
    return plain(Decimal(grams) / 1000) + " kg"


def percent(permille: int) -> str:
    return plain(Decimal(permille) / 10) + "%"


def fresh(session, lot: Lot) -> Lot:
    return chain.lot_by_code(session, lot.code)


@pytest.fixture
def seed_lot(session, world):
    """2,000 kg of seed received by `processor` (1,990 kg on its weighbridge)."""
    return chain.seed_at_processor(session, world)[3]


# --- mass balance ------------------------------------------------------------------


def test_consuming_more_than_remains_names_the_lot_and_the_numbers(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    error = refused(
        session, Invalid,
        lambda: chain.dry_hull(session, world, inputs=[(fruit, 1_200 * KG)], seed=300 * KG, husk=400 * KG),
    )
    message = text(error)
    assert fruit.code in message
    assert kg_text(1_000 * KG) in message and kg_text(1_200 * KG) in message
    assert (error.field, error.lot) == (None, fruit.code)  # a form with a field per lot puts it there
    assert fresh(session, fruit).remaining == 1_000 * KG

    # Down to exactly nothing is fine; one gram more is not.
    chain.dry_hull(session, world, inputs=[(fruit, 600 * KG)], seed=150 * KG, husk=240 * KG)
    chain.dry_hull(session, world, inputs=[(fresh(session, fruit), 400 * KG)], seed=100 * KG, husk=160 * KG)
    assert fresh(session, fruit).remaining == 0
    error = refused(session, Invalid, lambda: chain.dry_hull(session, world, inputs=[(fresh(session, fruit), 1)], seed=1, husk=0))
    assert fruit.code in text(error) and kg_text(0) in text(error)


def test_zero_or_negative_quantities_are_refused(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    for amount in (0, -5 * KG):
        error = refused(
            session, Invalid,
            lambda: chain.dry_hull(session, world, inputs=[(fruit, amount)], seed=250 * KG, husk=300 * KG),
        )
        assert fruit.code in text(error) and "more than zero" in text(error)
    refused(session, Invalid, lambda: chain.dry_hull(session, world, inputs=[], seed=250 * KG, husk=0))
    for grams in (0, -1):
        assert refused(session, Invalid, lambda: chain.harvest_lot(session, world, grams=grams)).field == "weight"
    batch = chain.seedling_batch(session, world)
    for quantity in (0, -10):
        error = refused(session, Invalid, lambda: chain.dispatch(session, world, batch=batch, quantity=quantity))
        assert batch.code in text(error)


def test_outputs_heavier_than_inputs_are_refused(session, world, seed_lot):
    error = refused(
        session, Invalid,
        lambda: chain.press(session, world, inputs=[(seed_lot, 1_000 * KG)], oil=300 * KG, cake=800 * KG),
    )
    message = text(error)
    assert kg_text(1_100 * KG) in message  # the outputs
    assert kg_text(1_000 * KG) in message  # the inputs
    assert fresh(session, seed_lot).remaining == chain.RECEIVED_G


def test_oil_yield_outside_the_bounds_of_the_yield_table_is_refused(session, world, seed_lot):
    bound = session.get(YieldBound, ("press", "oil"))
    seed_in = 1_000 * KG
    for oil_permille in (bound.min_permille - 50, bound.max_permille + 50):
        oil = seed_in * oil_permille // 1000
        cake = seed_in * 600 // 1000
        error = refused(session, Invalid, lambda: chain.press(session, world, inputs=[(seed_lot, seed_in)], oil=oil, cake=cake))
        message = text(error)
        assert error.field == "oil"
        assert kg_text(oil) in message and kg_text(seed_in) in message
        assert percent(oil_permille) in message
        assert percent(bound.min_permille) in message and percent(bound.max_permille) in message

    # At the upper bound itself the pressing is accepted and the loss closes the balance.
    oil, cake = chain.press(
        session, world, inputs=[(seed_lot, seed_in)], oil=seed_in * bound.max_permille // 1000, cake=seed_in * 600 // 1000
    )
    assert oil.quantity * 1000 == seed_in * bound.max_permille
    assert chain.event_that_made(session, oil).loss == seed_in - oil.quantity - cake.quantity


def test_yield_bounds_are_data_an_edit_changes_the_verdict(session, world, seed_lot):
    seed_in = 1_000 * KG
    refused(session, Invalid, lambda: chain.press(session, world, inputs=[(seed_lot, seed_in)], oil=400 * KG, cake=550 * KG))
    bound = session.get(YieldBound, ("press", "oil"))
    bound.max_permille = 450
    session.add(bound)
    session.commit()
    oil, _cake = chain.press(session, world, inputs=[(fresh(session, seed_lot), seed_in)], oil=400 * KG, cake=550 * KG)
    assert oil.quantity == 400 * KG


def test_seed_yield_from_fruit_outside_the_bounds_is_refused(session, world):
    bound = session.get(YieldBound, ("dry_hull", "seed"))
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    too_much = 1_000 * KG * (bound.max_permille + 50) // 1000
    error = refused(
        session, Invalid, lambda: chain.dry_hull(session, world, inputs=[(fruit, 1_000 * KG)], seed=too_much, husk=0)
    )
    assert error.field == "seed"
    assert percent(bound.max_permille) in text(error)


def test_listing_the_same_input_lot_twice_is_refused(session, world, seed_lot):
    error = refused(
        session, Invalid,
        lambda: chain.press(session, world, inputs=[(seed_lot, 500 * KG), (seed_lot, 500 * KG)], oil=250 * KG, cake=700 * KG),
    )
    assert seed_lot.code in text(error)
    assert "twice" in text(error)
    assert fresh(session, seed_lot).remaining == chain.RECEIVED_G


def test_a_refusal_in_the_last_step_of_a_service_leaves_nothing_half_written(session, world):
    """Bottling writes the event, the product lot and then its serial range;
    a refusal there must take the event and the lot with it."""
    from oilchain.processing.models import ProductLot

    built = chain.full_chain(session, world)
    oil = fresh(session, built.oil)
    before_counts = ledger_rows(session)
    # Use up all but five of the serials the product can have, so a bottling of ten runs out.
    next_serial = session.get(ProductLot, built.product_lot.id).serial_last + 1
    codes.allocate(session, f"serial:{built.product.gtin}", processing.SERIAL_LIMIT - next_serial - 5)
    session.commit()
    error = refused(session, Invalid, lambda: chain.bottle(session, world, oil=oil, made=built.product, units=10))
    assert error.field == "units"
    assert ledger_rows(session) == before_counts
    assert len(session.exec(select(ProductLot)).all()) == 1
    assert fresh(session, oil).remaining == chain.OIL_G - chain.UNITS * chain.FILL_G


def test_a_future_date_is_refused(session, world):
    tomorrow = clock.today() + timedelta(days=1)
    error = refused(session, Invalid, lambda: chain.harvest_lot(session, world, on=tomorrow))
    assert tomorrow.isoformat() in text(error)
    assert chain.harvest_lot(session, world, on=clock.today()).produced_on == clock.today()


def test_a_refusal_message_reads_outside_a_request(session, world):
    """Services run from the CLI and the scheduler too: a refusal's message
    must turn into text there (in the default language), not crash."""
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    error = refused(session, Invalid, lambda: chain.dry_hull(session, world, inputs=[(fruit, 2_000 * KG)], seed=500 * KG, husk=0))
    assert fruit.code in str(error)


def test_a_cli_refusal_is_a_clean_error(runner):
    result = runner.invoke(args=["orgs", "create", "某合作社", "--kind", "cooperative", "--credit-code", "123"])
    assert result.exit_code == 1
    assert not isinstance(result.exception, RuntimeError), repr(result.exception)
    assert "Error:" in result.output


# --- shipment and receipt -------------------------------------------------------------


def test_ownership_passes_only_at_receipt(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    chain.ship(session, world, lot=fruit)
    shipped = fresh(session, fruit)
    assert shipped.owner_org_id == world.orgs["coop"].id
    assert shipped.status == "in_transit"
    chain.receive(session, world, lot=fruit, weighed=1_000 * KG)
    received = fresh(session, fruit)
    assert received.owner_org_id == world.orgs["processor"].id
    assert received.status == "active"
    shipment = session.exec(select(Shipment).where(Shipment.lot_id == fruit.id)).one()
    assert shipment.received_quantity == 1_000 * KG and shipment.receive_event_id is not None


def test_a_lot_in_transit_cannot_be_used_by_sender_or_addressee(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    chain.ship(session, world, lot=fruit)
    error = refused(
        session, Invalid,
        lambda: chain.dry_hull(session, world, inputs=[(fresh(session, fruit), 1_000 * KG)], seed=250 * KG, husk=300 * KG),
    )
    assert fruit.code in text(error)
    refused(
        session, Forbidden,
        lambda: chain.dry_hull(session, world, actor="processor", inputs=[(fresh(session, fruit), 1_000 * KG)],
                               seed=250 * KG, husk=300 * KG),
    )
    refused(session, Invalid, lambda: chain.ship(session, world, lot=fresh(session, fruit), to="processor2"))
    # After receipt the addressee may dry and hull it (whoever owns fruit may).
    chain.receive(session, world, lot=fruit, weighed=1_000 * KG)
    seed, _husk = chain.dry_hull(
        session, world, actor="processor", inputs=[(fresh(session, fruit), 1_000 * KG)], seed=250 * KG, husk=300 * KG,
        on=chain.PRESSED_ON,  # not before the receipt (RECEIVED_ON) that brought the fruit in
    )
    assert seed.owner_org_id == world.orgs["processor"].id


def test_receiving_a_lot_shipped_to_another_processor_is_refused(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    chain.ship(session, world, lot=fruit, to="processor")
    # Told what an unknown code is told: where the lot went is another organization's fact.
    error = refused(session, NotFound, lambda: chain.receive(session, world, lot=fruit, weighed=1_000 * KG, actor="processor2"))
    assert text(error) == text(ledger.unknown_lot(fruit.code))
    assert fresh(session, fruit).owner_org_id == world.orgs["coop"].id


def test_receiving_twice_or_unshipped_is_refused(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    error = refused(session, NotFound, lambda: chain.receive(session, world, lot=fruit, weighed=1_000 * KG))
    assert text(error) == text(ledger.unknown_lot(fruit.code))  # not shipped: as if unknown
    chain.ship(session, world, lot=fruit)
    chain.receive(session, world, lot=fruit, weighed=1_000 * KG)
    error = refused(session, Invalid, lambda: chain.receive(session, world, lot=fruit, weighed=1_000 * KG))
    assert fruit.code in text(error)
    assert len(session.exec(select(Event).where(Event.kind == "receive")).all()) == 1


def test_weight_difference_beyond_two_percent_needs_a_note(session, world):
    declared = 2_000 * KG
    fruit = chain.harvest_lot(session, world, grams=declared)
    chain.ship(session, world, lot=fruit)
    weighed = declared * 97 // 100  # 3% short
    error = refused(session, Invalid, lambda: chain.receive(session, world, lot=fruit, weighed=weighed))
    assert error.field == "note"
    assert kg_text(weighed) in text(error) and kg_text(declared) in text(error)
    chain.receive(session, world, lot=fruit, weighed=weighed, note="雨后过磅，部分果实晒干")
    received = fresh(session, fruit)
    assert received.remaining == weighed
    assert ledger.remaining_from_lines(session, received.id) == weighed
    adjust = session.exec(select(EventLine).where(EventLine.lot_id == fruit.id, EventLine.role == "adjust")).one()
    assert adjust.delta == weighed - declared

    # Exactly 2% off needs no reason.
    other = chain.harvest_lot(session, world, grams=declared)
    chain.ship(session, world, lot=other)
    within = declared - declared * ledger.RECEIVE_TOLERANCE_PERMILLE // 1000
    chain.receive(session, world, lot=other, weighed=within)
    assert fresh(session, other).remaining == within


# --- reversal ------------------------------------------------------------------------


def test_reversing_an_unused_harvest(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    made = chain.event_that_made(session, fruit)
    error = refused(session, Invalid, lambda: ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="  "))
    assert error.field == "reason"

    reversal = ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="称重录错")
    session.commit()
    lot = fresh(session, fruit)
    assert lot.status == "reversed"
    assert lot.remaining == 0
    assert lot.quantity == 1_000 * KG  # nothing deleted or rewritten
    assert ledger.remaining_from_lines(session, lot.id) == 0
    assert reversal.kind == "reverse" and reversal.reverses_event_id == made.id
    assert session.get(Event, made.id).reversed_by_event_id == reversal.id
    lines = session.exec(select(EventLine).where(EventLine.event_id == reversal.id)).all()
    assert [(line.lot_id, line.delta) for line in lines] == [(fruit.id, -1_000 * KG)]


def test_reversing_an_event_whose_output_was_used_is_blocked_with_the_dependent(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    seed, _husk = chain.dry_hull(session, world, inputs=[(fruit, 1_000 * KG)], seed=250 * KG, husk=300 * KG)
    hulling = chain.event_that_made(session, seed)
    made = chain.event_that_made(session, fruit)
    error = refused(
        session, Blocked, lambda: ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="录错")
    )
    assert [d["id"] for d in error.dependents] == [hulling.id]
    assert error.dependents[0]["kind"] == "dry_hull"
    assert f"#{hulling.id}" in text(error)
    assert fresh(session, fruit).status == "active"

    # Reverse the dependent first, and the harvest can go.
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=hulling.id, reason="录错")
    session.commit()
    assert fresh(session, fruit).remaining == 1_000 * KG
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="录错")
    session.commit()
    assert fresh(session, fruit).status == "reversed"


def test_reversing_a_harvest_whose_lot_was_shipped_is_blocked(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    shipment = chain.ship(session, world, lot=fruit)
    error = refused(
        session, Blocked,
        lambda: ledger.reverse_event(session, actor=world.actors["coop"], event_id=chain.event_that_made(session, fruit).id,
                                     reason="录错"),
    )
    assert [(d["id"], d["kind"]) for d in error.dependents] == [(shipment.ship_event_id, "ship")]


def test_reversing_twice_is_refused(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    made = chain.event_that_made(session, fruit)
    reversal = ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="录错")
    session.commit()
    error = refused(session, Invalid, lambda: ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="再来"))
    assert "already" in text(error)
    refused(session, Invalid, lambda: ledger.reverse_event(session, actor=world.actors["coop"], event_id=reversal.id, reason="再来"))
    assert len(session.exec(select(Event).where(Event.kind == "reverse")).all()) == 1


def test_only_the_recording_organization_can_reverse(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    made = chain.event_that_made(session, fruit)
    for other in ("coop2", "processor", "bureau"):
        refused(session, Forbidden, lambda: ledger.reverse_event(session, actor=world.actors[other], event_id=made.id, reason="录错"))
    assert fresh(session, fruit).status == "active"
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=made.id, reason="录错")
    session.commit()
    assert fresh(session, fruit).status == "reversed"


def test_reversing_a_receipt_gives_the_lot_back_to_the_sender_in_transit(session, world):
    fruit = chain.harvest_lot(session, world, grams=2_000 * KG)
    chain.ship(session, world, lot=fruit)
    chain.receive(session, world, lot=fruit, weighed=1_900 * KG, note="少了")
    receipt = session.exec(select(Event).where(Event.kind == "receive")).one()
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=receipt.id, reason="收错了")
    session.commit()
    lot = fresh(session, fruit)
    assert lot.owner_org_id == world.orgs["coop"].id
    assert lot.status == "in_transit"
    assert lot.remaining == 2_000 * KG == ledger.remaining_from_lines(session, lot.id)


# --- the remaining-quantity invariant -----------------------------------------------------


def test_remaining_always_equals_the_sum_of_lines(session, world):
    built = chain.full_chain(session, world)
    chain.sell(session, world, lot=built.product_lot, quantity=200)
    sale = chain.sell(session, world, lot=fresh(session, built.product_lot), quantity=50)
    ledger.reverse_event(session, actor=world.actors["processor"], event_id=sale.event_id, reason="退货")
    session.commit()
    spare = chain.harvest_lot(session, world, grams=500 * KG)
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=chain.event_that_made(session, spare).id, reason="重复")
    session.commit()
    other = chain.harvest_lot(session, world, coop="coop2", plot="longtan", grams=900 * KG)
    chain.ship(session, world, actor="coop2", lot=other, to="processor2")
    chain.receive(session, world, actor="processor2", lot=other, weighed=880 * KG, note="路上失水")
    chain.dry_hull(session, world, actor="processor2", inputs=[(fresh(session, other), 880 * KG)], seed=220 * KG, husk=300 * KG,
                   on=chain.PRESSED_ON)

    session.expire_all()
    lots = session.exec(select(Lot)).all()
    assert len(lots) == 12
    for lot in lots:
        assert ledger.remaining_from_lines(session, lot.id) == lot.remaining, lot.code
    assert fresh(session, built.product_lot).remaining == chain.UNITS - 200
    assert fresh(session, built.seed).remaining == 0
    assert fresh(session, other).remaining == 0
    assert len(session.exec(select(Sale)).all()) == 2


# --- trace ------------------------------------------------------------------------------


@pytest.fixture
def traced(session, world):
    built = chain.full_chain(session, world)
    # Noise that must stay out of the trace: another cooperative's harvest,
    # and a harvest on the same plot that was reversed.
    elsewhere = chain.harvest_lot(session, world, coop="coop2", plot="longtan", grams=700 * KG)
    wrong = chain.harvest_lot(session, world, grams=300 * KG)
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=chain.event_that_made(session, wrong).id, reason="录错")
    session.commit()
    return built, elsewhere, wrong


def ids(*lots) -> set[int]:
    return {lot.id for lot in lots}


def test_upstream_trace(session, world, traced):
    built, _elsewhere, _wrong = traced
    mawang = ("plot", world.plots["mawang"].id)

    from_product = trace.upstream(session, ("lot", built.product_lot.id))
    assert from_product.ids("lot") == ids(built.product_lot, built.oil, built.seed, built.fruit, built.dispatched, built.batch)
    assert from_product.ids("plot") == {mawang[1]}

    from_fruit = trace.upstream(session, ("lot", built.fruit.id))
    edges = {(e.source, e.target, e.kind) for e in from_fruit.edges}
    assert (mawang, ("lot", built.fruit.id), "harvest") in edges
    assert (("lot", built.dispatched.id), mawang, "plant") in edges
    assert (("lot", built.batch.id), ("lot", built.dispatched.id), "dispatch") in edges
    assert from_fruit.ids("lot") == ids(built.fruit, built.dispatched, built.batch)

    assert trace.upstream(session, mawang).ids("lot") == ids(built.dispatched, built.batch)
    assert trace.upstream(session, ("plot", world.plots["longtan"].id)).ids("lot") == set()


def test_downstream_trace(session, world, traced):
    built, elsewhere, wrong = traced
    made_from_fruit = ids(built.fruit, built.seed, built.husk, built.oil, built.cake, built.product_lot)

    from_fruit = trace.downstream(session, ("lot", built.fruit.id))
    assert from_fruit.ids("lot") == made_from_fruit
    assert from_fruit.ids("plot") == set()

    from_plot = trace.downstream(session, ("plot", world.plots["mawang"].id))
    assert from_plot.ids("lot") == made_from_fruit  # not the reversed harvest, not longtan's
    assert trace.downstream(session, ("plot", world.plots["longtan"].id)).ids("lot") == ids(elsewhere)

    from_batch = trace.downstream(session, ("lot", built.batch.id))
    edges = {(e.source, e.target, e.kind) for e in from_batch.edges}
    assert (("lot", built.dispatched.id), ("plot", world.plots["mawang"].id), "plant") in edges
    assert (("plot", world.plots["mawang"].id), ("lot", built.fruit.id), "harvest") in edges
    assert from_batch.ids("lot") == made_from_fruit | ids(built.batch, built.dispatched)
    assert wrong.id not in from_batch.ids("lot")


def test_a_reversed_step_leaves_the_trace(session, world):
    fruit = chain.harvest_lot(session, world, grams=1_000 * KG)
    seed, husk = chain.dry_hull(session, world, inputs=[(fruit, 1_000 * KG)], seed=250 * KG, husk=300 * KG)
    assert trace.downstream(session, ("lot", fruit.id)).ids("lot") == ids(fruit, seed, husk)
    ledger.reverse_event(session, actor=world.actors["coop"], event_id=chain.event_that_made(session, seed).id, reason="录错")
    session.commit()
    assert trace.downstream(session, ("lot", fruit.id)).ids("lot") == {fruit.id}
    assert trace.upstream(session, ("lot", seed.id)).ids("lot") == {seed.id}
    assert trace.upstream(session, ("lot", seed.id)).ids("plot") == set()


# --- identifiers --------------------------------------------------------------------------

CODE_RE = re.compile(r"^YY-([A-Z])(\d{2})-(\d{6})$")


def code_parts(code: str) -> tuple[str, int, int]:
    match = CODE_RE.match(code)
    assert match, code
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_lot_codes_are_sequential_per_kind_and_year(session):
    first = codes.new_lot_code(session, "fruit", 2025)
    second = codes.new_lot_code(session, "fruit", 2025)
    seed = codes.new_lot_code(session, "seed", 2025)
    earlier = codes.new_lot_code(session, "fruit", 2024)
    third = codes.new_lot_code(session, "fruit", 2025)
    letter, year, number = code_parts(first)
    assert (letter, year) == ("H", 25)
    assert code_parts(second) == ("H", 25, number + 1)
    assert code_parts(third) == ("H", 25, number + 2)
    assert code_parts(seed) == ("Z", 25, 1)  # a kind of its own counter
    assert code_parts(earlier) == ("H", 24, 1)  # a year of its own counter
    assert len({first, second, third, seed, earlier}) == 5


def test_lots_made_by_events_get_unique_sequential_codes(session, world):
    lots = [chain.harvest_lot(session, world, grams=(100 + i) * KG) for i in range(4)]
    parts = [code_parts(lot.code) for lot in lots]
    assert {p[:2] for p in parts} == {("H", chain.HARVESTED_ON.year % 100)}
    numbers = [p[2] for p in parts]
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    # A harvest dated in an earlier year counts on that year's counter.
    old = chain.harvest_lot(session, world, grams=100 * KG, on=date(2024, 10, 20))
    assert code_parts(old.code)[:2] == ("H", 24)


def test_gtin_check_digits():
    assert codes.is_valid_gtin("00012345600012")
    assert not codes.is_valid_gtin("00012345600013")
    assert not codes.is_valid_gtin("10012345600012")  # a changed digit elsewhere
    assert not codes.is_valid_gtin("0001234560001")  # 13 digits
    assert not codes.is_valid_gtin("0001234560001X")
    made = chain.gtin("0692000123450")
    assert codes.is_valid_gtin(made)
    for digit in "0123456789":
        if digit != made[-1]:
            assert not codes.is_valid_gtin(made[:-1] + digit)


def test_serial_round_trip_and_forgeries():
    key, gtin, lot = "test-serial-key", chain.gtin(), "YY-P25-000001"
    serial = codes.serial_text(key, gtin, lot, 41)
    assert len(serial) <= 20
    assert serial.startswith("00000041")
    assert codes.parse_serial(key, gtin, lot, serial) == 41
    for position in range(len(serial)):
        original = serial[position]
        replacement = ("2" if original != "2" else "3") if position >= codes.SERIAL_DIGITS else ("1" if original != "1" else "2")
        altered = serial[:position] + replacement + serial[position + 1:]
        assert codes.parse_serial(key, gtin, lot, altered) is None, altered
    assert codes.parse_serial("another-key", gtin, lot, serial) is None
    assert codes.parse_serial(key, gtin, "YY-P25-000002", serial) is None
    assert codes.parse_serial(key, chain.gtin("0692000123451"), lot, serial) is None


def test_today_is_judged_in_the_county_zone(session, world):
    """16:30 UTC on the 20th is already 00:30 on the 21st in Youyang."""
    from datetime import datetime, timezone

    county_tomorrow = date(2025, 12, 21)
    with clock.frozen(datetime(2025, 12, 20, 16, 30, tzinfo=timezone.utc)):
        lot = chain.harvest_lot(session, world, grams=100 * KG, on=county_tomorrow)
        assert lot.produced_on == county_tomorrow
    with clock.frozen(datetime(2025, 12, 20, 15, 30, tzinfo=timezone.utc)):  # 23:30 on the 20th in Youyang
        refused(session, Invalid, lambda: chain.harvest_lot(session, world, grams=100 * KG, on=county_tomorrow))
