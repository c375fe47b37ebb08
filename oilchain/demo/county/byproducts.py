"""By-products: tea saponin extracted from seed cake at a few processors
(extract), the county's registry of by-product products, and the two of
them first made this year (make, with their untraced ingredients)."""

from datetime import timedelta

from ... import codes
from .memory_ledger import utc_at
from .mill import cake_lots, cake_runs
from .state import County

EXTRACTING_PROCESSORS = 3  # processors with a saponin line (茶皂素提取)
EXTRACTED_PERMILLE = 300  # of their seed cake
COMPOSTING_PROCESSORS = 2  # processors composting seed cake with manure into organic fertilizer
# name, the by-product kind it is made from, "unit" (packed, unit grams) or "g";
# made this year or only registered (its first batch is next year's: the plan
# asks for two new by-products a year).
PRODUCTS = (
    ("茶皂素洗洁精", "saponin", "unit", 500, True),
    ("茶粕有机肥", "cake", "g", None, True),
    ("茶壳活性炭", "husk", "g", None, False),
)


def extraction(county: County) -> None:
    """Processors with a saponin line (not the solvent plants) extract part
    of their seed cake in runs of two to four lots: crude saponin 8..12% of
    the cake, meal 78..82%, the rest water and residue."""
    rng = county.rng
    if not county.extracting:  # the saponin lines stand from the first year on
        candidates = [p for p in county.orgs["processor"] if p["id"] not in county.leaching_processors]
        county.extracting = rng.sample(candidates, EXTRACTING_PROCESSORS)
    for processor in county.extracting:
        for group, day, total in cake_runs(county, processor, EXTRACTED_PERMILLE, (2, 4), (1, 6)):
            _ev, (saponin, meal) = county.ledger.event(
                "extract", processor, day, inputs=[(lot, lot.remaining) for lot in group],
                outputs=[("saponin", total * rng.randint(80, 120) // 1000, None, None),
                         ("meal", total * rng.randint(780, 820) // 1000, None, None)], step="extract")
            county.by_products.setdefault("saponin", []).append((processor, saponin))
            county.by_products.setdefault("meal", []).append((processor, meal))


def registry(county: County) -> None:
    """The by-product products, registered county-wide (with a GTIN for the
    packed one) by the processors that make them: the saponin detergent by
    a saponin line, the fertilizer by a composting processor, the activated
    carbon by a cooperative in December."""
    rng = county.rng
    others = [p for p in county.orgs["processor"]
              if p["id"] not in county.leaching_processors and p not in county.extracting]
    county.composting = rng.sample(others, COMPOSTING_PROCESSORS)
    makers = {"saponin": county.extracting[0], "cake": county.composting[0],
              "husk": rng.choice(county.orgs["cooperative"])}
    county.goods_products = []
    for n, (name, kind, unit, unit_grams, made) in enumerate(PRODUCTS):
        gtin = None
        if unit == "unit":
            base = f"0{6_930_000 + n:07d}{rng.randint(10000, 99999)}"[:13]
            gtin = base + str(codes.gtin_check_digit(base))
        product = dict(id=county.next_id("by_product"), name=name, source_kind=kind, unit=unit, unit_grams=unit_grams,
                       gtin=gtin, registered_by_org_id=makers[kind]["id"],
                       created_at=utc_at(county.day(10, 8) if made else county.day(12, 18), rng))
        county.rows["by_product"].append(product)
        if made:
            county.goods_products.append(product)


def making(county: County) -> None:
    """The saponin lines pack detergent from part of their saponin (saponin
    about a fifth of it, water and surfactant untraced; 2..6% lost in
    filling); the composting processors mix seed cake with as much as its
    weight in manure (untraced) and lose a quarter to a third of it as
    water. Each goods lot gets its goods_lot row."""
    rng = county.rng
    detergent, fertilizer = county.goods_products
    for processor, saponin in list(county.by_products.get("saponin", [])):
        if rng.random() < 0.5:
            used = saponin.remaining * rng.randint(300, 600) // 1000
            untraced = used * rng.randint(300, 500) // 100
            units = (used + untraced) * rng.randint(940, 980) // 1000 // detergent["unit_grams"]
            make(county, processor, saponin, used, untraced, detergent, units, units * detergent["unit_grams"],
                 saponin.produced_on + timedelta(days=rng.randint(2, 8)))
    for processor in county.composting:
        for cake in cake_lots(county, processor):
            if rng.random() < 0.3:
                used = cake.remaining * rng.randint(400, 700) // 1000
                untraced = used * rng.randint(600, 1000) // 1000
                grams = (used + untraced) * rng.randint(650, 780) // 1000
                make(county, processor, cake, used, untraced, fertilizer, grams, None,
                     cake.produced_on + timedelta(days=rng.randint(7, 20)))


def make(county: County, processor, source, used, untraced, product, quantity, equivalent, day) -> None:
    """One make event: `used` of the source lot and `untraced` grams into a
    goods lot of `product` (in units when it is packed), balanced inside
    the step's bounds (make_<source kind>)."""
    if day > county.day(12, 31) or quantity <= 0:
        return
    _ev, (goods,) = county.ledger.event(
        "make", processor, day, inputs=[(source, used)], untraced=untraced,
        outputs=[("goods", quantity, None, equivalent)], unit=product["unit"] if product["unit"] == "unit" else None,
        step=f"make_{source.kind}")
    county.rows["goods_lot"].append(dict(lot=goods, by_product_id=product["id"]))
    county.by_products.setdefault("goods", []).append((processor, goods))
    county.goods_of[goods] = product
