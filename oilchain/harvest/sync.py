"""A tablet's outbox, entry by entry: each is parsed strictly, committed or
refused on its own, and answered with what became of it, so that no entry
(a typo, a broken tablet, a hostile one) can hold back the others."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock, db
from ..auth.actor import Actor
from ..errors import DomainError
from ..ledger.models import Lot
from ..planting.models import Plot
from ..units import NotExact, kg_to_g
from .models import HarvestRecord
from .services import log_harvest

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
EARLIEST_CLOCK = datetime(2000, 1, 1, tzinfo=timezone.utc)  # a tablet clock before this is wrong


@dataclass
class SyncResult:
    uuid: str
    status: str  # created, duplicate, refused
    lot_code: str | None = None
    reason: str | None = None
    field: str | None = None


def refused(uuid: str, message, field: str | None = None) -> SyncResult:
    return SyncResult(uuid=uuid, status="refused", reason=str(message), field=field)


def whole_number(value) -> int:
    """An integer as JSON or text gives it: 12, 12.0 or "12"; never true,
    1.9, Infinity or 1e400 (ValueError)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    raise ValueError(value)


def parse_moment(value) -> datetime | None:
    """The tablet's clock reading (ISO 8601 with an offset), or None when it
    is missing or cannot be right (before 2000, or after tomorrow): only a
    note beside the harvest, never a reason to refuse it."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            return None
        moment = moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return moment if EARLIEST_CLOCK <= moment <= clock.utcnow() + timedelta(days=1) else None


def sync_entry(session: Session, *, actor: Actor, entry: dict) -> SyncResult:
    """One entry from a tablet's outbox. The tablet's UUID makes it
    idempotent: an entry that arrives twice (a retry after a lost answer)
    makes one lot, and the second answer says so. A refusal carries the
    reason for the member to read on the tablet."""
    uuid = str(entry.get("uuid", ""))[:36].lower()
    if not UUID_RE.fullmatch(uuid):
        return refused(uuid, _l("This entry has no valid identifier."))
    known = session.exec(select(HarvestRecord, Lot).join(Lot, Lot.id == HarvestRecord.lot_id)
                         .where(HarvestRecord.client_uuid == uuid)).first()
    if known is not None:
        record, lot = known
        if session.get(Plot, record.plot_id).cooperative_id != actor.org_id:
            return refused(uuid, _l("This entry belongs to another cooperative."))
        return SyncResult(uuid=uuid, status="duplicate", lot_code=lot.code)
    try:
        plot_id = whole_number(entry.get("plot_id"))
        if not 0 < plot_id <= db.max_id():
            raise ValueError(plot_id)
        harvested_on = date.fromisoformat(str(entry.get("harvested_on")))
    except (TypeError, ValueError):
        return refused(uuid, _l("This entry is incomplete: choose a plot, a date and the pickers."))
    try:
        pickers = whole_number(entry.get("pickers"))
    except ValueError:
        return refused(uuid, _l("The pickers must be a whole number."), "pickers")
    try:
        weight_g = kg_to_g(str(entry.get("weight", "")).strip())
    except NotExact:
        return refused(uuid, _l("The weight must be a number of kg, to the gram."), "weight")
    try:
        lot = log_harvest(
            session, actor=actor, plot_id=plot_id, weight_g=weight_g, harvested_on=harvested_on, pickers=pickers,
            client_uuid=uuid, recorded_at=parse_moment(entry.get("recorded_at")),
        )
    except DomainError as error:
        return refused(uuid, error.message, error.field)
    return SyncResult(uuid=uuid, status="created", lot_code=lot.code)


class _NotCreated(DomainError):
    """Carries a duplicate's or a refusal's answer out of the commit path, so
    that nothing of the entry is written."""

    def __init__(self, result: SyncResult):
        super().__init__(result.reason or result.status)
        self.result = result


def sync_one(session: Session, *, actor: Actor, entry: dict) -> SyncResult:
    """One entry of a tablet's outbox through the commit path: committed
    when it makes a lot, else nothing written. Two tablets (or a retry)
    racing with one entry meet the UUID's unique index; the commit path then
    runs the entry again, which finds the other's lot: `duplicate`."""

    def work():
        result = sync_entry(session, actor=actor, entry=entry)
        if result.status != "created":
            raise _NotCreated(result)
        return result

    try:
        return db.transaction(session, work)
    except _NotCreated as answer:
        return answer.result
