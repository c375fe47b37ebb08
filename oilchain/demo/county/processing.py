"""Processing: the processors' products (bottle sizes with GTINs, most with a photo), seed
pressed into oil and cake, each oil lot tested, and the oil bottled into
product lots."""

import hashlib
from datetime import timedelta
from functools import cache

from ... import clock, codes
from ...lab import LabValues
from ...processing import photos
from ...processing.quality import best_grade
from ..photo import bottle_png
from .memory_ledger import utc_at
from .plan import LABORATORIES, SIZES
from .state import County


def products(county: County) -> None:
    """Each processor's bottle sizes; its gift boxes name the lowest
    quality grade they may be sold at (the county's lowest grade, which
    every test here reaches), the other sizes none."""
    rng = county.rng
    county.products_of = {}
    prefix = 6_920_000
    lowest_grade = max(county.grade_rank, key=county.grade_rank.get)
    for n, processor in enumerate(county.orgs["processor"]):
        sizes = [SIZES[0], SIZES[1]] + [s for s in SIZES[2:] if rng.random() < 0.6]
        brand = processor["name"].replace("酉阳县", "").replace("重庆", "")[:4]
        made = []
        for k, (suffix, ml, fill, share, factor) in enumerate(sizes):
            base = f"0{prefix + n * 10 + k:07d}{rng.randint(10000, 99999)}"[:13]
            gtin = base + str(codes.gtin_check_digit(base))
            product_id = county.next_id("product")
            grade = lowest_grade if "礼盒" in suffix else None
            county.rows["product"].append(dict(id=product_id, org_id=processor["id"], name=f"{brand} 压榨山茶油 {suffix}",
                                               gtin=gtin, net_content_ml=ml, fill_grams=fill, shelf_life_days=540,
                                               lowest_grade=grade))
            if (n + k) % 5:  # four products in five have a photo: the consumer page is seen both ways
                county.rows["product_photo"].append(product_photo_row(product_id))
            made.append({"id": product_id, "gtin": gtin, "fill": fill, "share": share, "factor": factor,
                         "lowest_grade": grade, "lots": []})
        county.products_of[processor["id"]] = made


@cache
def product_photo() -> tuple[bytes, int, int, str]:
    """The demo's drawn bottle (demo/photo.py), made small as an upload is (processing.photos)."""
    image, width, height = photos.make_small(bottle_png())
    return image, width, height, hashlib.sha256(image).hexdigest()


def product_photo_row(product_id: int) -> dict:
    image, width, height, digest = product_photo()
    return dict(product_id=product_id, image=image, content_type="image/jpeg", width=width, height=height,
                digest=digest, uploaded_at=clock.utcnow(), uploaded_by=None)


def pressing(county: County) -> None:
    """Each processor presses what it received, in runs of 10 to 40 t of
    seed a day or two apart: oil 22.2..24.6%, seed cake 64..69%; what is
    not pressed by the year's end stays in stock. Each oil lot is tested
    (some tests reach only the lower grade)."""
    rng = county.rng
    total_received = sum(lot.remaining for lots in county.received.values() for _, lot in lots)
    county.oil_lots = []
    county.oil_test = {}
    for processor in county.orgs["processor"]:
        lots = sorted(county.received[processor["id"]], key=lambda pair: (pair[0], pair[1].produced_on))
        mine = sum(lot.remaining for _, lot in lots)
        budget = mine * county.target("seed_processed") // total_received
        last_press = None
        i = 0
        while i < len(lots) and budget > 0:
            run_size = rng.randint(10_000_000, 40_000_000)
            group, weight = [], 0
            while i < len(lots) and weight < run_size and weight < budget:
                group.append(lots[i])
                weight += lots[i][1].remaining
                i += 1
            budget -= weight
            day = max(on for on, _ in group) + timedelta(days=rng.randint(1, 3))
            if last_press is not None and day <= last_press:
                day = last_press + timedelta(days=rng.randint(0, 2))
            day = min(day, county.day(12, 30))
            last_press = day
            oil = weight * rng.randint(222, 246) // 1000
            cake = weight * rng.randint(640, 690) // 1000
            _ev, (oil_lot, _cake) = county.ledger.event(
                "press", processor, day, inputs=[(lot, lot.remaining) for _, lot in group],
                outputs=[("oil", oil, None, None), ("cake", cake, None, None)], step="press")
            county.oil_method[oil_lot] = county.pressing_method(processor)
            tested = quality_test(county, processor, oil_lot, day)
            county.oil_lots.append((processor, oil_lot, tested))


def quality_test(county: County, processor, oil_lot, pressed_on):
    """The oil lot's test, two to five days after pressing (one in twenty
    with too much acid for a grade). Returns the day it was tested."""
    rng = county.rng
    tested = min(pressed_on + timedelta(days=rng.randint(2, 5)), county.day(12, 31))
    assert oil_lot.since <= tested
    bad = rng.random() < 0.05
    values = LabValues(acid_value=rng.randint(2_050, 2_600) if bad else rng.randint(450, 1_700),
                       peroxide_value=rng.randint(60, 220), moisture=rng.randint(30, 95))
    county.rows["quality_test"].append(dict(
        id=county.next_id("quality_test"), lot=oil_lot, tested_on=tested, **values.columns(),
        laboratory=rng.choice(LABORATORIES), user_id=processor["user"], recorded_at=utc_at(tested, rng),
        withdrawn_at=None, withdrawn_by=None, withdrawn_reason=""))
    county.oil_test[oil_lot] = (tested, grade_reached(county, values, county.oil_method.get(oil_lot, "hot_pressed")))
    return tested


def grade_reached(county: County, values: LabValues, method: str) -> str | None:
    """The best quality grade these lab values reach for oil of `method` (processing.quality's rule), or None."""
    return best_grade(county.grades[method], values)


def bottling(county: County) -> None:
    """Each oil lot is bottled into several product lots of the
    processor's sizes (bottle counts weighted toward 250 and 500 ml),
    1..1.5% filling loss; a little oil stays in the tank."""
    rng = county.rng
    county.product_lots = []
    for processor, oil_lot, tested in county.oil_lots:
        products_here = county.products_of[processor["id"]]
        usable = oil_lot.remaining * rng.randint(970, 995) // 1000
        day = tested
        while usable > 200_000:
            product = rng.choices(products_here, [p["share"] * p["fill"] for p in products_here])[0]
            portion = min(usable, rng.randint(300_000, 1_500_000))
            units = portion * 1000 // (1000 + rng.randint(8, 15)) // product["fill"]
            if units <= 0:
                break
            used = units * product["fill"] * (1000 + rng.randint(8, 15)) // 1000
            if used > oil_lot.remaining:
                break
            day = min(day + timedelta(days=rng.randint(0, 2)), county.day(12, 31))
            _ev, (lot,) = county.ledger.event("bottle", processor, day, inputs=[(oil_lot, used)],
                                              outputs=[("product", units, None, units * product["fill"])], step="bottle")
            usable -= used
            product["lots"].append(lot)
            county.product_lots.append((processor, product, lot, oil_lot))
