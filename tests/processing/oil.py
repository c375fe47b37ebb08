"""Oil lots for the oil mill's tests: seed received by a processor and
pressed in parts, each part by the method asked for (committed)."""

from oilchain.processing import services as processing

from .. import chain
from ..chain import KG
from ..http import build

PART_SEED_G = 660 * KG  # three parts of the standard chain's 1990 kg received
PART_OIL_G = 165 * KG  # 25% of the seed
PART_CAKE_G = 462 * KG


def pressed_parts(app, world, methods=("hot_pressed", "hot_pressed", "cold_pressed"), to="processor") -> list[str]:
    """The codes of oil lots pressed from parts of one received seed lot, one per method."""

    def setup(session):
        _batch, _dispatched, _fruit, seed, _husk = chain.seed_at_processor(session, world, to=to)
        codes = []
        for method in methods:
            oil, _cake = processing.press(session, actor=world.actors[to], inputs=[(chain.lot_by_code(session, seed.code),
                                          PART_SEED_G)], oil_g=PART_OIL_G, cake_g=PART_CAKE_G,
                                          occurred_on=chain.PRESSED_ON, method=method)
            codes.append(oil.code)
        session.commit()
        return codes

    return build(app, setup)
