"""Shipping: seed from the cooperatives to their processors, weighed in
within the weighbridge tolerance; some seed lots split, the part shipped
to a second processor."""

from collections import defaultdict
from datetime import date, timedelta

from .state import County

SPLIT_PERMILLE = 40  # seed lots split before shipping, the part to a second processor


def shipping(county: County) -> None:
    """Seed goes to the cooperative's processor (one or two each), weighed
    in within the weighbridge tolerance; a few lots stay in transit over
    the new year, a few in the cooperatives' stores. One lot in 25 is split
    on the day it ships (ledger.split_lot: the original keeps its code) and
    the part, 25..45% of it, goes to another processor."""
    rng = county.rng
    processors = county.orgs["processor"]
    buyers_of = {coop["id"]: rng.sample(processors, rng.choice((1, 1, 2))) for coop in county.orgs["cooperative"]}
    county.received = defaultdict(list)  # processor id -> [(day, lot)]
    county.split_parts = []
    kept = set(rng.sample(range(len(county.seed_lots)), 30))
    # Only the last year's end leaves lots on the road (earlier ones arrived in January, before the next season).
    late = set(rng.sample(sorted(set(range(len(county.seed_lots))) - kept), 12)) if county.year == county.last_year else set()
    for index, lot in enumerate(county.seed_lots):
        if index in kept:
            continue
        coop = county.by_id[lot.owner]
        processor = rng.choice(buyers_of[coop["id"]])
        day = date(county.year, 12, rng.randint(29, 30)) if index in late else lot.produced_on + timedelta(days=rng.randint(1, 5))
        if index not in late and rng.randrange(1000) < SPLIT_PERMILLE:
            part = county.ledger.split(lot, coop, day, lot.remaining * rng.randint(250, 450) // 1000)
            county.split_parts.append(part)
            second = [p for p in buyers_of[coop["id"]] if p is not processor] or [p for p in processors if p is not processor]
            send(county, part, coop, rng.choice(second), day, arrives=True)
        send(county, lot, coop, processor, day, arrives=index not in late)


def send(county: County, lot, coop, processor, day: date, arrives: bool) -> None:
    """The whole lot shipped on `day`, and (when it `arrives`) weighed in a
    day or two later within the weighbridge tolerance."""
    rng = county.rng
    ship = county.ledger.ship(lot, coop, day)
    declared = lot.remaining
    shipment = dict(id=county.next_id("shipment"), lot=lot, from_org_id=coop["id"], to_org_id=processor["id"],
                    declared_quantity=declared, ship_event=ship, receive_event=None, received_quantity=None,
                    cancelled=False)
    county.rows["shipment"].append(shipment)
    if not arrives:
        return
    on = day + timedelta(days=rng.randint(0, 2))
    weighed = declared * rng.randint(992, 1006) // 1000
    receive = county.ledger.receive(lot, processor, on, ship, declared, weighed)
    shipment.update(receive_event=receive, received_quantity=weighed)
    county.received[processor["id"]].append((on, lot))
