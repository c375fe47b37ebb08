"""The lot-and-event ledger shared by every module (DESIGN.md): its public
face. Everything traceable is a lot; every step is an event of lines.

  models       Lot, Event, EventLine, Shipment, Hold, PlotHold, YieldBound, Sequence; the kinds
  recording    record_event (and disposal), the checks every step passes, time order
  balance      the mass balance inside the yield bounds (a pure function the county data uses too)
  holds        lots and plots on hold under a recall
  shipments    ship_lot, ship_part (split off, then shipped), receive_lot
  splits       split_lot (part of a lot becomes a lot of its own)
  corrections  reverse_event
  trace        upstream and downstream walks

The ledger imports no domain package (a contract `lint-imports` checks): what
follows from its events elsewhere is declared in oilchain/reactions.py.
"""

from .balance import balance, check_balance, round_share, yield_bounds
from .corrections import Blocked, dependents_of, describe_event, reverse_event
from .holds import hold_outputs, holds_on, refuse_held
from .recording import (
    EARLIEST_DATE,
    NewLot,
    Recorded,
    change_remaining,
    check_date,
    check_in_hands,
    check_usable,
    dispose_lot,
    get_lot,
    in_hands_since,
    in_stock,
    lock_lots,
    lot_history,
    owned_lots,
    record_event,
    remaining_from_lines,
    require_owned,
    too_little,
    unknown_lot,
)
from .splits import split_lot
from .shipments import RECEIVE_GAIN_LIMIT_PERMILLE, RECEIVE_TOLERANCE_PERMILLE, open_shipment, receivable, receive_lot, ship_lot, ship_part

__all__ = [
    "balance", "check_balance", "round_share", "yield_bounds",
    "Blocked", "dependents_of", "describe_event", "reverse_event",
    "hold_outputs", "holds_on", "refuse_held",
    "EARLIEST_DATE", "NewLot", "Recorded", "change_remaining", "check_date", "check_in_hands", "check_usable",
    "dispose_lot", "get_lot", "in_hands_since", "in_stock", "lock_lots", "lot_history", "owned_lots", "record_event",
    "remaining_from_lines", "require_owned", "too_little", "unknown_lot",
    "split_lot",
    "RECEIVE_GAIN_LIMIT_PERMILLE", "RECEIVE_TOLERANCE_PERMILLE", "open_shipment", "receivable", "receive_lot", "ship_lot", "ship_part",
]
