"""The small demo's oil mill beside the oil: the first processor extracts
tea saponin from part of its seed cake, registers two by-product products
and makes them (a detergent packed in 500 g bottles, a compost of cake and
manure), sells saponin, cake, compost and detergent by weight or unit, and
sells part of its cake to the second processor, which receives it and
extracts its last oil with solvent. The second processor refines the crude
oil left after bottling and keeps it in a named tank. Every step goes through the services."""

from datetime import date

from .. import ledger
from ..ledger.models import Lot
from ..byproducts import services as byproducts
from ..processing import oil as oil_mill
from ..sales import services as sales

DETERGENT_UNIT_G = 500
KG = 1000


def mill(demo) -> None:
    """The mill's side of the season beside the bottles (after pressing and bottling)."""
    a, b, year = demo.processor_a, demo.processor_b, demo.year
    session = demo.session
    cake = ledger.owned_lots(session, a.org_id, ("cake",))[0]
    detergent = byproducts.register(session, actor=a, name="茶皂素洗洁精", source_kind="saponin", unit="unit",
                                    unit_grams=DETERGENT_UNIT_G)
    compost = byproducts.register(session, actor=a, name="茶粕有机肥", source_kind="cake", unit="g")
    byproducts.register(session, actor=demo.actors["manager"], name="茶壳活性炭", source_kind="husk", unit="g")

    # 40% of the cake to extraction: 10% of it saponin, 82% meal.
    used = cake.remaining * 40 // 100
    saponin, _meal = byproducts.extract(session, actor=a, inputs=[(cake, used)], saponin_g=used * 10 // 100,
                                        meal_g=used * 82 // 100, occurred_on=date(year, 12, 3))
    # The detergent: a third of the saponin, with water and surfactant (untraced) to 97% of what went in.
    saponin_used = saponin.remaining // 3
    units = saponin_used * 6 // DETERGENT_UNIT_G
    untraced = units * DETERGENT_UNIT_G * 1000 // 970 - saponin_used
    soap = byproducts.make(session, actor=a, by_product_id=detergent.id, inputs=[(saponin, saponin_used)], quantity=units,
                           untraced_g=untraced, occurred_on=date(year, 12, 5))
    # The compost: a quarter of the cake left, with as much manure again, to 90%.
    cake_used = cake.remaining // 4
    compost_lot = byproducts.make(session, actor=a, by_product_id=compost.id, inputs=[(cake, cake_used)],
                                  quantity=cake_used * 2 * 90 // 100, untraced_g=cake_used, occurred_on=date(year, 12, 6))

    for lot, quantity, buyer, price_fen, day in (
        (saponin, saponin.remaining // 2, "重庆日化原料有限公司", 4_000, 10),  # ¥40 a kg
        (soap, units // 3, "酉阳县供销社", 1_500, 12),  # ¥15 a 500 g bottle
        (compost_lot, compost_lot.remaining // 2, "酉阳县板溪镇果蔬基地", 180, 14),  # ¥1.80 a kg
        (cake, 2_000 * KG if cake.remaining > 4_000 * KG else cake.remaining // 3, "酉阳县生态养殖场", 300, 15),
    ):
        sales.sell(session, actor=a, lot_code=lot.code, buyer=buyer, channel="wholesale", quantity=quantity,
                   unit_price_fen=price_fen, sold_on=date(year, 12, day))

    # Part of the cake sold to the second processor, which receives it and leaches it.
    sold = sales.sell(session, actor=a, lot_code=cake.code, buyer="", channel="wholesale",
                      quantity=cake.remaining // 2, unit_price_fen=350, sold_on=date(year, 12, 16), buyer_org_id=b.org_id)
    part = session.get(Lot, sold.lot_id)
    ledger.receive_lot(session, actor=b, code=part.code, weighed=part.remaining, occurred_on=date(year, 12, 17))
    byproducts.leach(session, actor=b, inputs=[(part, part.remaining)], oil_g=part.remaining * 6 // 100,
                     meal_g=part.remaining * 90 // 100, occurred_on=date(year, 12, 19))
    refining_and_tanks(demo)


def refining_and_tanks(demo) -> None:
    """The second processor refines what its bottling left of its crude oil
    and stores the refined oil in its tank No. 1."""
    b, session = demo.processor_b, demo.session
    crude = next(lot for lot in ledger.owned_lots(session, b.org_id, ("oil",)) if lot.produced_on.month == 11)
    refined = oil_mill.refine(session, actor=b, lot_code=crude.code, oil_used_g=crude.remaining,
                              refined_g=crude.remaining * 94 // 100,
                              steps=["degumming", "deacidification", "bleaching", "deodorization"],
                              occurred_on=date(demo.year, 12, 20))
    tank = oil_mill.create_tank(session, actor=b, name="1号储油罐", capacity_g=20_000 * KG)
    oil_mill.put_into_tank(session, actor=b, tank_id=tank.id, lot_code=refined.code, occurred_on=date(demo.year, 12, 21))
