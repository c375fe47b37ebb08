"""The oil mill's oil: crude oil refined (refine, with its refining steps),
lots of one method and state blended (blend), seed cake extracted with
solvent at one or two processors (leach: its oil refined and sold in bulk),
a few pressed lots kept for bulk sale, the tanks a few processors keep, and
every oil lot's oil_lot row (method, refined, tank)."""

from collections import defaultdict
from datetime import timedelta

from ...labels import REFINING_STEPS
from .processing import quality_test
from .state import County

REFINE_PERMILLE = (60, 400)  # hot-pressed crude lots refined: of the best grade, of a lower grade
BLEND_START_PERMILLE = 200  # oil lots a blend (of three on average) starts at
# Oil tested later is bottled as it is: refining or blending it would push its sales past the year.
LAST_REFINED, LAST_BLENDED = (11, 30), (11, 20)
BLEND_MAX_G = 16_000_000  # a blend fills one tank (a larger one takes weeks to bottle)
BULK_PERMILLE = 40  # pressed oil lots sold by weight rather than bottled
LEACHING_PROCESSORS = 2  # processors with a solvent extraction plant (浸出车间)
LEACHED_PERMILLE = 700  # of their seed cake
TANK_PROCESSORS = 4  # processors that keep named tanks


def refining(county: County) -> None:
    """Some hot-pressed crude oil is refined before bottling, most of all
    oil whose test reached only a lower grade: 2.5..7% refining loss, the
    refined lot tested again. Cold-pressed oil stays virgin; so does oil
    tested in December."""
    rng = county.rng
    best = min(county.grade_rank, key=county.grade_rank.get)
    for k, (processor, oil_lot, tested) in enumerate(county.oil_lots):
        if county.oil_method[oil_lot] != "hot_pressed" or tested > county.day(*LAST_REFINED):
            continue
        lower = county.oil_test[oil_lot][1] != best
        if rng.randrange(1000) < REFINE_PERMILLE[lower]:
            county.oil_lots[k] = refine(county, processor, oil_lot, tested + timedelta(days=rng.randint(1, 3)))


def refine(county: County, processor, oil_lot, day) -> tuple:
    """The whole crude lot refined on `day` (at the latest the year's last);
    returns (processor, refined lot, tested on)."""
    rng = county.rng
    day = min(day, county.day(12, 31))
    ev, (refined,) = county.ledger.event("refine", processor, day, inputs=[(oil_lot, oil_lot.remaining)],
                                         outputs=[("oil", oil_lot.remaining * rng.randint(930, 975) // 1000, None, None)],
                                         step="refine")
    steps = [step for step in REFINING_STEPS if step != "dewaxing" or rng.random() < 0.3]
    county.rows["refining"].append(dict(event=ev, steps=",".join(steps)))
    county.oil_method[refined] = county.oil_method[oil_lot]
    county.refined.add(refined)
    return processor, refined, quality_test(county, processor, refined, day)


def blending(county: County) -> None:
    """Some oil lots of one processor, of one method and state (crude or
    refined), tested within a few weeks of each other by November 20, blended 2..4 at a time up to a tank of 16 t (0.2..1.5% left in
    pipes and tanks); the blend is tested again."""
    rng = county.rng
    by_kind = defaultdict(list)  # (processor id, method, refined) -> indexes into oil_lots
    for k, (processor, oil_lot, tested) in enumerate(county.oil_lots):
        if tested > county.day(*LAST_BLENDED):
            continue
        by_kind[(processor["id"], county.oil_method[oil_lot], oil_lot in county.refined)].append(k)
    replaced: dict[int, tuple | None] = {}
    for indexes in by_kind.values():
        i = 0
        while i + 1 < len(indexes):
            if rng.randrange(1000) >= BLEND_START_PERMILLE:
                i += 1
                continue
            group = indexes[i: i + rng.randint(2, 4)]
            while sum(county.oil_lots[k][1].remaining for k in group) > BLEND_MAX_G and len(group) > 2:
                group = group[:-1]
            i += len(group)
            if len(group) < 2 or sum(county.oil_lots[k][1].remaining for k in group) > BLEND_MAX_G:
                continue
            entries = [county.oil_lots[k] for k in group]
            processor = entries[0][0]
            day = min(max(tested for _, _, tested in entries) + timedelta(days=rng.randint(0, 2)), county.day(12, 31))
            total = sum(lot.remaining for _, lot, _ in entries)
            _ev, (blend,) = county.ledger.event("blend", processor, day, inputs=[(lot, lot.remaining) for _, lot, _ in entries],
                                                outputs=[("oil", total * rng.randint(985, 998) // 1000, None, None)],
                                                step="blend")
            county.oil_method[blend] = county.oil_method[entries[0][1]]
            if entries[0][1] in county.refined:
                county.refined.add(blend)
            replaced[group[0]] = (processor, blend, quality_test(county, processor, blend, day))
            replaced.update({k: None for k in group[1:]})
    county.oil_lots = [replaced.get(k, entry) for k, entry in enumerate(county.oil_lots) if replaced.get(k, entry)]


def cake_lots(county: County, processor) -> list:
    """The processor's seed cake on hand, oldest first."""
    return [lot for lot in county.ledger.lots
            if lot.kind == "cake" and lot.owner == processor["id"] and lot.remaining > 0 and lot.status == "active"]


def cake_runs(county: County, processor, permille: int, sizes: tuple[int, int], waits: tuple[int, int]):
    """Runs of the processor's cake lots (each lot taken at `permille`), of
    `sizes` lots each, done `waits` days after the latest of them (none
    after 29 December): (lots, day, their total)."""
    rng = county.rng
    lots = [lot for lot in cake_lots(county, processor) if rng.randrange(1000) < permille]
    i = 0
    while i < len(lots):
        group = lots[i: i + rng.randint(*sizes)]
        i += len(group)
        day = max(lot.produced_on for lot in group) + timedelta(days=rng.randint(*waits))
        if day <= county.day(12, 29):
            yield group, day, sum(lot.remaining for lot in group)


def leaching(county: County) -> None:
    """One or two processors extract most of their seed cake with solvent
    (浸出) in runs of three to six lots: oil 5..7% of the cake, meal 88..92%.
    Solvent oil is refined before anyone eats it, then sold in bulk (the
    processors' bottles are pressed oil). Pressed oil is kept for bulk sale
    too, now and then, instead of being bottled."""
    rng = county.rng
    if not county.leaching_processors:  # the solvent plants stand from the first year on
        county.leaching_processors = {p["id"] for p in rng.sample(county.orgs["processor"], LEACHING_PROCESSORS)}
    plants = [p for p in county.orgs["processor"] if p["id"] in county.leaching_processors]
    for processor in plants:
        for group, day, total in cake_runs(county, processor, LEACHED_PERMILLE, (3, 6), (1, 5)):
            _ev, (oil, meal) = county.ledger.event(
                "leach", processor, day, inputs=[(lot, lot.remaining) for lot in group],
                outputs=[("oil", total * rng.randint(50, 70) // 1000, None, None),
                         ("meal", total * rng.randint(880, 920) // 1000, None, None)], step="leach")
            county.oil_method[oil] = "solvent"
            county.by_products.setdefault("meal", []).append((processor, meal))
            refined = refine(county, processor, oil, day + timedelta(days=rng.randint(0, 2)))
            county.bulk_oil.append(refined)
    kept = [entry for entry in county.oil_lots if rng.randrange(1000) < BULK_PERMILLE]
    county.bulk_oil.extend(kept)
    county.oil_lots = [entry for entry in county.oil_lots if entry not in kept]


def tanks(county: County) -> None:
    """A few processors keep two or three named tanks; each of them holds
    one of the processor's oil lots still on hand (the latest), or stands
    empty. Run after the sales, so what a tank holds is what is left."""
    rng = county.rng
    on_hand = defaultdict(list)
    for lot in county.ledger.lots:
        if lot.kind == "oil" and lot.status == "active" and lot.remaining > 0:
            on_hand[lot.owner].append(lot)
    county.tank_of = {}
    created = {org["id"]: org["created_at"] for org in county.by_id.values()}
    for processor in rng.sample([p for p in county.orgs["processor"] if on_hand[p["id"]]], TANK_PROCESSORS):
        held = sorted(on_hand[processor["id"]], key=lambda lot: (lot.produced_on, lot.created_at))[-rng.randint(1, 2):]
        for n in range(rng.randint(2, 3)):
            lot = held[n] if n < len(held) else None
            tank_id = county.next_id("tank")
            county.rows["tank"].append(dict(id=tank_id, org_id=processor["id"], name=f"{n + 1}号储油罐",
                                            capacity_g=rng.choice((20, 30, 50)) * 1_000_000, lot=lot,
                                            created_at=created[processor["id"]]))
            if lot is not None:
                county.tank_of[lot] = tank_id


def oil_rows(county: County) -> None:
    """Every oil lot's oil_lot row: how it was extracted, refined or crude, its tank."""
    for lot in county.ledger.lots:
        if lot.kind == "oil":
            county.rows["oil_lot"].append(dict(lot=lot, method=county.oil_method[lot], refined=lot in county.refined,
                                               tank_id=county.tank_of.get(lot)))
