"""The cheap rules again, as a reaction to the event that can trigger
them (declared in oilchain/reactions.py): a sale's price, a survival
check, a quality test recorded or withdrawn. Each evaluates only the
subjects the event touched, in the change's own transaction. A reaction
never refuses the change: its writes sit in a savepoint, and a conflict
with a racing writer (the one-standing-warning index) is logged and left
to the nightly run."""

import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ... import clock, events
from ...ledger.models import EventLine
from ...processing.models import ProductLot
from . import evaluate_subjects
from .market import price_outlier
from .planting import low_survival
from .processing import quality_below_grade

log = logging.getLogger(__name__)


def _store(session: Session, kind: str, find, subjects: set) -> None:
    try:
        with session.begin_nested():
            evaluate_subjects(session, kind, find, subjects)
    except IntegrityError as error:
        log.warning("warning %s for %s not stored now (a racing writer); the nightly run will: %s", kind, subjects, error)


def sold(session: Session, event: events.Sold) -> None:
    _store(session, "price_outlier", lambda t: price_outlier(session, clock.today(), t, {event.sale_id}),
           {("sale", event.sale_id)})


def survival_checked(session: Session, event: events.SurvivalChecked) -> None:
    _store(session, "low_survival", lambda t: low_survival(session, clock.today(), t, {event.planting_id}),
           {("planting", event.planting_id)})


def quality_changed(session: Session, event) -> None:
    """A test recorded or withdrawn: the product lots bottled from that oil."""
    bottled = set(session.exec(
        select(ProductLot.lot_id).join(EventLine, EventLine.lot_id == ProductLot.lot_id)
        .where(EventLine.role == "output", EventLine.event_id.in_(
            select(EventLine.event_id).where(EventLine.lot_id == event.oil_lot_id, EventLine.role == "input")))
    ))
    if bottled:
        _store(session, "quality_below_grade",
               lambda t: quality_below_grade(session, clock.today(), t, {event.oil_lot_id}),
               {("lot", lot_id) for lot_id in bottled})
