"""By-product steps for the tests, each committed: seed cake at the
processor (pressed from the standard chain's seed), products registered,
saponin extracted, products made."""

from oilchain.byproducts import services as byproducts

from .. import chain
from ..chain import KG, PRESSED_ON, lot_by_code

EXTRACTED_ON = PRESSED_ON.replace(day=26)
MADE_ON = PRESSED_ON.replace(day=28)


def cake_at(session, world, to="processor"):
    """A processor's 1,400 kg seed-cake lot (and 500 kg oil) from 1,990 kg of seed."""
    _batch, _dispatched, _fruit, seed, _husk = chain.seed_at_processor(session, world, to=to)
    oil, cake = chain.press(session, world, inputs=[(lot_by_code(session, seed.code), chain.RECEIVED_G)],
                            oil=chain.OIL_G, cake=chain.CAKE_G, actor=to)
    return oil, cake


def register(session, world, *, name="茶粕有机肥", source_kind="cake", unit="g", unit_grams=None, gtin=None, actor="processor"):
    made = byproducts.register(session, actor=world.actors[actor], name=name, source_kind=source_kind, unit=unit,
                               unit_grams=unit_grams, gtin=gtin)
    session.commit()
    return made


def extract(session, world, *, cake, used=1_000 * KG, saponin=120 * KG, meal=800 * KG, actor="processor", on=EXTRACTED_ON):
    outputs = byproducts.extract(session, actor=world.actors[actor], inputs=[(lot_by_code(session, cake.code), used)],
                                 saponin_g=saponin, meal_g=meal, occurred_on=on)
    session.commit()
    return outputs


def make(session, world, *, product, lot, used, quantity, untraced=0, actor="processor", on=MADE_ON):
    made = byproducts.make(session, actor=world.actors[actor], by_product_id=product.id,
                           inputs=[(lot_by_code(session, lot.code), used)], quantity=quantity, untraced_g=untraced,
                           occurred_on=on)
    session.commit()
    return made
