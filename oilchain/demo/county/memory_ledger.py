"""The ledger in memory: lots (`L`) and events (`Ev`) being generated, kept
by the ledger's own rules (`Ledger`). A transformation's balance is the
app's own pure function (`oilchain.ledger.balance`), so the bulk data
cannot drift from what `record_event` would accept."""

from datetime import date, datetime, timedelta, timezone
from random import Random

from ...ledger import balance
from ...reference import YIELD_BOUNDS

# Step order within one day: an event never comes before what it acts on.
RANK = {k: i for i, k in enumerate(
    ("commission", "grade", "dispatch", "plant", "harvest", "dry_hull", "split", "ship", "receive", "press", "leach",
     "extract", "refine", "blend", "make", "bottle", "sell"))}


def utc_at(day: date, rng: Random) -> datetime:
    """When a record of `day` was entered: office hours in the county, as UTC."""
    return datetime(day.year, day.month, day.day, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 600))


def bounds_by_step(bounds: dict[tuple[str, str], tuple[int, int]]) -> dict[str, dict[str, tuple[int, int]]]:
    """{(step, kind): (low, high)} -> {step: {kind: (low, high)}}, the shape `balance` takes."""
    by_step: dict[str, dict[str, tuple[int, int]]] = {}
    for (step, kind), low_high in bounds.items():
        by_step.setdefault(step, {})[kind] = low_high
    return by_step


class L:
    """A lot being generated. `since`: the day its owner has held it from
    (made, or received); no step of the owner's may be dated before it."""

    __slots__ = ("id", "code", "kind", "unit", "quantity", "remaining", "owner", "status", "produced_on", "created_at",
                 "since")

    def __init__(self, kind, quantity, owner, produced_on, created_at, unit=None):
        self.id = self.code = None
        self.unit = unit  # None: the kind's unit (LOT_UNITS); "unit" for a packed by-product product
        self.kind, self.quantity, self.remaining = kind, quantity, quantity
        self.owner, self.status, self.produced_on, self.created_at = owner, "active", produced_on, created_at
        self.since = produced_on


class Ev:
    """An event being generated, with its lines (lot, role, delta)."""

    __slots__ = ("id", "kind", "org", "user", "day", "plot", "loss", "untraced", "note", "lines", "recorded_at", "seq")

    def __init__(self, kind, org, user, day, recorded_at, seq, plot=None, note=""):
        self.id = None
        self.kind, self.org, self.user, self.day, self.plot, self.note = kind, org, user, day, plot, note
        self.loss, self.untraced, self.lines, self.recorded_at, self.seq = 0, 0, [], recorded_at, seq


class Ledger:
    """Events and lots with the ledger's own rules: a lot's remaining moves
    only by lines, never below zero; no step comes before its lots were in
    the actor's hands; transformations balance inside their yield bounds
    (the reference YIELD_BOUNDS, which seed the yield_bound table)."""

    def __init__(self, rng: Random, bounds=YIELD_BOUNDS):
        self.rng = rng
        self.bounds = bounds_by_step(bounds)
        self.events: list[Ev] = []
        self.lots: list[L] = []
        self.numbered = (0, 0)  # (events, lots) numbered and written in earlier years: ids continue from them

    def event(self, kind, org, day, *, plot=None, note="", inputs=(), outputs=(), adjust=(), step=None, loss=None,
              untraced=0, unit=None):
        """An event of `org` on `day`: `inputs` (lot, amount) consumed,
        `adjust` (lot, delta) applied, `outputs` (kind, quantity, owner or
        None for `org`, balance amount or None for the quantity) made (in
        `unit`, None for their kind's). For a transformation `step` the
        balance gives the loss, `untraced` grams counted with the inputs;
        else `loss` is it. Returns the event and the lots it made."""
        ev = Ev(kind, org["id"], org["user"], day, utc_at(day, self.rng), len(self.events), plot, note)
        ev.untraced = untraced
        total_in = untraced
        for lot, amount in inputs:
            assert lot.owner == org["id"] and lot.status == "active" and 0 < amount <= lot.remaining, (kind, lot.kind)
            assert lot.since <= day, (kind, lot.kind, lot.since, day)
            lot.remaining -= amount
            ev.lines.append((lot, "input", -amount))
            total_in += amount
        for lot, delta in adjust:
            assert lot.remaining + delta >= 0 and lot.since <= day, (kind, lot.kind, lot.since, day)
            lot.remaining += delta
            ev.lines.append((lot, "adjust", delta))
        made = []
        for kind_out, quantity, owner, _equivalent in outputs:
            lot = L(kind_out, quantity, owner or org["id"], day, ev.recorded_at, unit)
            self.lots.append(lot)
            ev.lines.append((lot, "output", quantity))
            made.append(lot)
        if step is not None:
            shares = [(kind_out, quantity if equivalent is None else equivalent)
                      for kind_out, quantity, _owner, equivalent in outputs]
            ev.loss, outside = balance(total_in, shares, self.bounds[step], untraced)
            assert outside is None, (step, outside, total_in)
        elif loss is not None:
            ev.loss = loss
        self.events.append(ev)
        return ev, made

    def split(self, lot, org, day, quantity) -> L:
        """Part of a lot becomes a lot of its own (ledger.split_lot): one
        balanced event, no loss; the original keeps its code and the rest."""
        assert 0 < quantity < lot.remaining, (lot.kind, quantity, lot.remaining)
        _ev, (part,) = self.event("split", org, day, inputs=[(lot, quantity)],
                                  outputs=[(lot.kind, quantity, None, None)], unit=lot.unit, loss=0)
        return part

    def ship(self, lot, org, day) -> Ev:
        """A whole lot leaves its owner, in transit until received."""
        assert lot.owner == org["id"] and lot.status == "active" and lot.since <= day, (lot.kind, lot.since, day)
        ev, _ = self.event("ship", org, day)
        lot.status = "in_transit"
        return ev

    def receive(self, lot, org, day, shipped: Ev, declared, weighed) -> Ev:
        """The addressee weighs the lot in (like ledger.receive_lot: always an
        adjust line, of zero when the weight agrees); it holds it from today."""
        assert lot.status == "in_transit" and shipped.day <= day, (shipped.day, day)
        lot.status = "active"
        ev, _ = self.event("receive", org, day, adjust=[(lot, weighed - declared)])
        lot.owner, lot.since = org["id"], day
        return ev

    def number(self) -> None:
        """Ids in business order (day, then step, then creation); lot ids in
        the order of the events that made them."""
        self.events.sort(key=lambda e: (e.day, RANK[e.kind], e.seq))
        event_base, lot_id = self.numbered
        for event_id, ev in enumerate(self.events, event_base + 1):
            ev.id = event_id
            for lot, role, _delta in ev.lines:
                if role == "output":
                    lot_id += 1
                    lot.id = lot_id
        self.lots.sort(key=lambda lot: lot.id)

    def close_year(self) -> None:
        """The year's lots and events are written: the next year's start
        empty and number on from them (no lot crosses a year in memory)."""
        self.numbered = (self.numbered[0] + len(self.events), self.numbered[1] + len(self.lots))
        self.events, self.lots = [], []
