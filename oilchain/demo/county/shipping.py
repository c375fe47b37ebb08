"""Shipping: seed from the cooperatives to their processors, weighed in
within the weighbridge tolerance."""

from collections import defaultdict
from datetime import date, timedelta

from .state import County


def shipping(county: County) -> None:
    """Seed goes to the cooperative's processor (one or two each), weighed
    in within the weighbridge tolerance; a few lots stay in transit over
    the new year, a few in the cooperatives' stores."""
    rng = county.rng
    processors = county.orgs["processor"]
    buyers_of = {coop["id"]: rng.sample(processors, rng.choice((1, 1, 2))) for coop in county.orgs["cooperative"]}
    county.received = defaultdict(list)  # processor id -> [(day, lot)]
    kept = set(rng.sample(range(len(county.seed_lots)), 30))
    late = set(rng.sample(sorted(set(range(len(county.seed_lots))) - kept), 12))
    for index, lot in enumerate(county.seed_lots):
        if index in kept:
            continue
        coop = county.by_id[lot.owner]
        processor = rng.choice(buyers_of[coop["id"]])
        day = date(county.year, 12, rng.randint(29, 30)) if index in late else lot.produced_on + timedelta(days=rng.randint(1, 5))
        ship = county.ledger.ship(lot, coop, day)
        declared = lot.remaining
        shipment = dict(id=county.next_id("shipment"), lot=lot, from_org_id=coop["id"], to_org_id=processor["id"],
                        declared_quantity=declared, ship_event=ship, receive_event=None, received_quantity=None,
                        cancelled=False)
        county.rows["shipment"].append(shipment)
        if index in late:
            continue
        on = day + timedelta(days=rng.randint(0, 2))
        weighed = declared * rng.randint(992, 1006) // 1000
        receive = county.ledger.receive(lot, processor, on, ship, declared, weighed)
        shipment.update(receive_event=receive, received_quantity=weighed)
        county.received[processor["id"]].append((on, lot))
