"""The lot-and-event ledger shared by every module (DESIGN.md).

A lot has one code, one kind, one unit and one owner. An event consumes
quantities of input lots and creates output lots; each line is a signed
delta on one lot, so a lot's remaining quantity is the sum of its lines.
"""

from datetime import date, datetime
from enum import Enum

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, and_, text
from sqlmodel import Field, SQLModel

from .. import clock


class LotKind(str, Enum):
    """What a lot is, with its unit (grams for mass, plants for seedlings,
    units for bottles) and the letter of its code (YY-H24-000123 is fresh
    fruit). Stored as its value; display names are the display layer's."""

    def __new__(cls, value: str, unit: str, letter: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.unit, member.letter = unit, letter
        return member

    SEEDLING = ("seedling", "plant", "S")  # a nursery's seedling batch
    DISPATCH = ("dispatch", "plant", "D")  # seedlings delivered to a plot
    FRUIT = ("fruit", "g", "H")  # fresh fruit (鲜果)
    SEED = ("seed", "g", "Z")  # dried, hulled seed (茶籽)
    HUSK = ("husk", "g", "K")  # husks (茶壳), a by-product
    OIL = ("oil", "g", "O")  # pressed oil (茶油)
    CAKE = ("cake", "g", "C")  # seed cake (茶粕), a by-product
    PRODUCT = ("product", "unit", "P")  # bottled product lot
    SAPONIN = ("saponin", "g", "A")  # tea saponin (茶皂素), extracted from seed cake
    MEAL = ("meal", "g", "M")  # extracted meal (脱皂粕、浸出粕): what cake leaves after extraction
    GOODS = ("goods", "g", "G")  # a by-product product (by_product registry); in grams or, packed, in units


class EventKind(str, Enum):
    COMMISSION = "commission"  # a seedling batch is registered (sown or grafted)
    GRADE = "grade"  # the batch is graded: rejects and dead plants leave it
    DISPATCH = "dispatch"  # seedlings from a batch go to a plot
    PLANT = "plant"  # a planting record uses dispatched seedlings
    HARVEST = "harvest"  # fresh fruit picked from a plot
    DRY_HULL = "dry_hull"  # fruit -> seed + husk + loss
    SHIP = "ship"  # a lot leaves for another organization
    RECEIVE = "receive"  # the addressee weighs it in; ownership passes
    PRESS = "press"  # seed -> oil + cake + loss
    BOTTLE = "bottle"  # oil -> product units + loss
    SELL = "sell"  # units (or grams) leave a lot to a buyer
    EXTRACT = "extract"  # seed cake -> saponin + meal + loss (茶皂素提取)
    LEACH = "leach"  # seed cake -> oil + meal + loss (solvent extraction, 浸出)
    MAKE = "make"  # by-products (+ untraced ingredients) -> a by-product product
    REFINE = "refine"  # crude oil -> refined oil + loss
    BLEND = "blend"  # several oil lots -> one oil lot + loss (also oil put into an occupied tank)
    SPLIT = "split"  # part of a lot becomes a lot of its own (the original keeps its code)
    DISPOSE = "dispose"  # a quantity destroyed or written off, with the reason (a recalled lot's way out)
    REVERSE = "reverse"  # undoes one earlier event


class LotStatus(str, Enum):
    ACTIVE = "active"
    IN_TRANSIT = "in_transit"
    REVERSED = "reversed"


LOT_UNITS = {kind.value: kind.unit for kind in LotKind}
LOT_CODE_LETTERS = {kind.value: kind.letter for kind in LotKind}
# Everything the mill makes beside camellia oil: no GI mark, no oil grade;
# its sales are by-product output value.
BY_PRODUCT_KINDS = (LotKind.HUSK.value, LotKind.CAKE.value, LotKind.SAPONIN.value, LotKind.MEAL.value,
                    LotKind.GOODS.value)
# Lot kinds sold by weight (a price per kg); bottled products sell by units.
SOLD_BY_WEIGHT = (LotKind.OIL.value, *BY_PRODUCT_KINDS)
LOT_STATUSES = tuple(status.value for status in LotStatus)
EVENT_KINDS = tuple(kind.value for kind in EventKind)
# Events that may still name a lot on hold: nothing else consumes one.
HOLD_EXEMPT_KINDS = (EventKind.DISPOSE.value,)
LINE_ROLES = ("input", "output", "adjust")


class Lot(SQLModel, table=True):
    __table_args__ = (CheckConstraint("remaining >= 0", name="remaining_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    kind: str = Field(max_length=12, index=True)
    unit: str = Field(max_length=8)
    # What the creating event made, and what is left after every later line.
    quantity: int = Field(sa_type=BigInteger)
    remaining: int = Field(sa_type=BigInteger)
    owner_org_id: int = Field(foreign_key="organization.id", index=True)
    status: str = Field(default="active", max_length=12)
    produced_on: date = Field(index=True)  # a season's lots (the brain, the GI register) among ten years'
    created_at: datetime = Field(default_factory=clock.utcnow)


SHIPPING = f"kind = '{EventKind.SHIP.value}'"  # the partial index's predicate (and the brain's flows)


class Event(SQLModel, table=True):
    # A season's shipments (the brain's flows) without walking all its events.
    __table_args__ = (Index("ix_event_ship_occurred_on", "occurred_on",
                            sqlite_where=text(SHIPPING), postgresql_where=text(SHIPPING)),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12, index=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    occurred_on: date = Field(index=True)
    recorded_at: datetime = Field(default_factory=clock.utcnow)
    # Where it happened, when at a plot (dispatch, plant, harvest).
    plot_id: int | None = Field(default=None, foreign_key="plot.id", index=True)
    # Mass that left the chain (moisture, husk dust, filter residue), in the inputs' unit.
    loss: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    # Ingredients from outside the chain a step added (a detergent's water and
    # surfactant, a compost's manure), declared in the inputs' unit: the
    # balance reads inputs + untraced = outputs + loss.
    untraced: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    reverses_event_id: int | None = Field(default=None, foreign_key="event.id", unique=True)
    reversed_by_event_id: int | None = Field(default=None, foreign_key="event.id", unique=True)
    note: str = Field(default="", max_length=500)


class EventLine(SQLModel, table=True):
    __tablename__ = "event_line"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    role: str = Field(max_length=8)
    # Signed change to the lot: output +q, input -q, adjust +/-.
    delta: int = Field(sa_type=BigInteger)


OPEN_SHIPMENT = "receive_event_id IS NULL AND NOT cancelled"


class Shipment(SQLModel, table=True):
    """A whole lot sent to a named organization; ownership passes at receipt.
    The database holds that a lot has at most one open shipment and that an
    event ships or receives one shipment only."""

    __table_args__ = (
        Index("uq_shipment_open_lot", "lot_id", unique=True,
              sqlite_where=text(OPEN_SHIPMENT), postgresql_where=text(OPEN_SHIPMENT)),
    )

    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    from_org_id: int = Field(foreign_key="organization.id")
    to_org_id: int = Field(foreign_key="organization.id", index=True)
    declared_quantity: int = Field(sa_type=BigInteger)
    ship_event_id: int = Field(foreign_key="event.id", unique=True)
    receive_event_id: int | None = Field(default=None, foreign_key="event.id", unique=True)
    received_quantity: int | None = Field(default=None, sa_type=BigInteger)
    cancelled: bool = Field(default=False)


class Hold(SQLModel, table=True):
    """A lot on hold under a recall: while the hold stands (not lifted) no
    event may consume the lot but its receipt, a reversal and a disposal;
    what is made from it inherits the hold. The recall places and lifts it."""

    __tablename__ = "lot_hold"
    recall_id: int = Field(foreign_key="recall.id", primary_key=True)
    lot_id: int = Field(foreign_key="lot.id", primary_key=True, index=True)
    placed_at: datetime = Field(default_factory=clock.utcnow)
    lifted_at: datetime | None = None


class PlotHold(SQLModel, table=True):
    """A plot under a recall: fruit harvested there from `from_day` on (every
    harvest, when None) is held as it is logged."""

    __tablename__ = "plot_hold"
    recall_id: int = Field(foreign_key="recall.id", primary_key=True)
    plot_id: int = Field(foreign_key="plot.id", primary_key=True, index=True)
    from_day: date | None = None
    lifted_at: datetime | None = None


class YieldBound(SQLModel, table=True):
    """Plausible share of a transformation's input that becomes one output
    kind, in per mille of the input. Editable data, not constants."""

    __tablename__ = "yield_bound"
    step: str = Field(max_length=12, primary_key=True)
    output_kind: str = Field(max_length=12, primary_key=True)
    min_permille: int
    max_permille: int


class YieldCurve(SQLModel, table=True):
    """Expected dry seed per mu by tree age (years since planting) and
    variety group: editable data the forecast multiplies bearing area by.
    Its first age with seed is when trees bear, the rule the trace links
    harvests to plantings by (ledger.trace.bearing_years)."""

    __tablename__ = "yield_curve"
    variety_group: str = Field(max_length=12, primary_key=True)  # improved, local
    age_years: int = Field(primary_key=True)  # the last age listed holds for older trees
    seed_g_per_mu: int


class Sequence(SQLModel, table=True):
    """Counters for lot codes and serial ranges, one row per name."""

    name: str = Field(max_length=40, primary_key=True)
    next_value: int = Field(default=1, sa_type=BigInteger)


# Events that count: not reversed, and not reversals themselves.
STANDING = and_(Event.reversed_by_event_id.is_(None), Event.kind != "reverse")
