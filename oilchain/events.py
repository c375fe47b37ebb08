"""What happened in the chain, as small frozen values, and the bus that
hands each to the reactions declared in `oilchain/reactions.py`.

A service that makes something happen publishes it on its session. The
events are dispatched before that session commits: `db.transaction` does
it, and any other commit with events waiting dispatches them first, so a
commit never shows a change without its consequences. Reactions run in the
same transaction; one that refuses (a DomainError) rolls the whole change
back. After the queue is empty the table's closing steps run once (the one
writer of a product lot's derived state gathers its work there, so a lot is
rewritten once however many events touched it). A question (may this event
be reversed?) is asked at once, before anything is written, of the checks
the table declares.

A leaf: this module imports nothing of the app. The table is installed when
the app is made (`reactions.install`, from `create_app`).
"""

from dataclasses import dataclass, field

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

QUEUE = "oilchain.events"  # session.info key: events published, not yet dispatched
SCRATCH = "oilchain."  # session.info keys with this prefix are work of this transaction: gone on rollback


@dataclass(frozen=True)
class Happened:
    """Something that happened; reactions follow from it."""


@dataclass(frozen=True)
class Bottled(Happened):
    product_lot_id: int


@dataclass(frozen=True)
class QualityTestRecorded(Happened):
    oil_lot_id: int


@dataclass(frozen=True)
class QualityTestWithdrawn(Happened):
    oil_lot_id: int


@dataclass(frozen=True)
class Sold(Happened):
    sale_id: int


@dataclass(frozen=True)
class LotSplit(Happened):
    """Part of a lot became a lot of its own: what the original is beyond
    the ledger (an oil lot's method, a by-product product) the part is too."""

    original_lot_id: int
    part_lot_id: int


@dataclass(frozen=True)
class SurvivalChecked(Happened):
    planting_id: int


@dataclass(frozen=True)
class EventReversed(Happened):
    """A ledger event undone by a reversal: the lots its lines named, and its plot."""

    event_id: int
    kind: str
    lot_ids: tuple[int, ...]
    plot_id: int | None


@dataclass(frozen=True)
class GradeLimitsChanged(Happened):
    """The bureau changed a quality grade's limits for oil of one extraction method."""

    method: str


@dataclass(frozen=True)
class GIRulesChanged(Happened):
    gi_id: int


@dataclass(frozen=True)
class GIAuthorizationChanged(Happened):
    org_id: int


@dataclass(frozen=True)
class PageFactsChanged(Happened):
    """What a bottle's page shows beside its story changed: an organization's
    contact (the bureau's phone is every page's hotline), a product's photo,
    or the copied-code thresholds (`every_lot`)."""

    org_id: int | None = None
    product_id: int | None = None
    every_lot: bool = False


@dataclass(frozen=True)
class RecallOpened(Happened):
    recall_id: int


@dataclass(frozen=True)
class RecallClosed(Happened):
    recall_id: int


@dataclass(frozen=True)
class Question:
    """Asked before something is written; a check answers by refusing (raising)."""


@dataclass(frozen=True)
class MayReverse(Question):
    event_id: int
    kind: str


@dataclass(frozen=True)
class Table:
    """What follows from what: reactions per kind of event (in order), checks
    per kind of question, and the closing steps run once the queue is empty."""

    reactions: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    closing: tuple = ()


_installed: Table | None = None


def install(table: Table) -> None:
    global _installed
    _installed = table


def installed() -> Table:
    if _installed is None:
        raise RuntimeError("No reactions are installed: make the app (oilchain.create_app) first.")
    return _installed


def publish(session: Session, happened: Happened) -> None:
    """Queue what happened; it is dispatched before the session commits."""
    session.info.setdefault(QUEUE, []).append(happened)


def waiting(session: Session) -> list[Happened]:
    return list(session.info.get(QUEUE, []))


def ask(session: Session, question: Question) -> None:
    """Ask the checks at once; one that refuses raises its DomainError."""
    for check in installed().checks.get(type(question), ()):
        check(session, question)


def dispatch(session: Session) -> None:
    """Run the reactions of every queued event (events they publish in turn
    too), then the closing steps; again while anything new was published."""
    if not session.info.get(QUEUE) and _installed is None:
        return
    table = installed()
    while True:
        queue = session.info.get(QUEUE, [])
        while queue:
            happened = queue.pop(0)
            for react in table.reactions.get(type(happened), ()):
                react(session, happened)
        for close in table.closing:
            close(session)
        if not session.info.get(QUEUE):
            return


@sa_event.listens_for(Session, "before_commit")
def _dispatch_before_commit(session: Session) -> None:
    # SQLAlchemy fires before_commit for a savepoint's commit too: a reaction
    # writing in a savepoint would run the next event's reactions inside it,
    # one level deeper per queued event. The reactions run at the outer commit.
    if session.in_nested_transaction():
        return
    dispatch(session)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _transaction) -> None:
    for key in [key for key in session.info if key.startswith(SCRATCH)]:
        del session.info[key]
