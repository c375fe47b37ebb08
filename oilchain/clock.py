"""The county's clock. "Today" is judged in Asia/Shanghai whatever the server's
zone; tests pin it with `frozen(...)` instead of depending on the real clock."""

from contextlib import contextmanager
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, aware, in the county's zone."""
    if _frozen is not None:
        return _frozen
    return datetime.now(COUNTY_TZ)


def today() -> date:
    return now().date()


def utcnow() -> datetime:
    """Aware UTC, the form every stored timestamp takes on both backends."""
    return now().astimezone(timezone.utc)


def to_county(stored: datetime) -> datetime:
    """A stored timestamp (UTC) as county local time."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=timezone.utc)
    return stored.astimezone(COUNTY_TZ)


@contextmanager
def frozen(moment: datetime):
    """Pin the clock (a naive moment is read as county time)."""
    global _frozen
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COUNTY_TZ)
    previous, _frozen = _frozen, moment.astimezone(COUNTY_TZ)
    try:
        yield
    finally:
        _frozen = previous
