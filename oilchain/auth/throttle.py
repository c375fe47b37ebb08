"""Sign-in throttling: growing waits after repeated failed password checks,
per account name and per client address, kept in the database so every
worker shares them.

A try is counted before its password is checked (`claim`): in one short
transaction the account's and the address's rows are locked (SELECT ... FOR
UPDATE on PostgreSQL; SQLite's writers take turns), and either a row still
waits, and the try is refused without checking the password (and without
counting it: waiting it out is enough), or both rows count one more failure.
A try that then succeeds gives its count back (`succeeded`). So racing tries
are each counted, and a burst of them cannot slip past the limit.

Waits grow rather than lock the account for good, since a hard lockout lets
anyone lock a clerk out: after FREE failures of a row, each further one makes
the next try wait BASE * 2^(failures - FREE) seconds, at most CAP; a row
quiet for QUIET seconds starts again from nothing."""

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlmodel import Session

from .. import clock, db
from ..errors import DomainError
from .models import SignInThrottle

QUIET = timedelta(hours=1)


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures before any wait
    base: int  # seconds of the first wait
    cap: int  # seconds at most

    def wait_after(self, failures: int) -> int:
        if failures < self.free:
            return 0
        return min(self.cap, self.base * 2 ** min(failures - self.free, 30))


ACCOUNT = Rule("account", free=5, base=2, cap=300)
# An office or a village behind one address shares it: more tries before waits.
ADDRESS = Rule("address", free=20, base=2, cap=900)


class Throttled(DomainError):
    """Too many failed sign-ins: try again in `seconds`."""

    status = 429

    def __init__(self, seconds: int):
        super().__init__(_l("Too many failed sign-ins. Wait %(seconds)s seconds, then try again.", seconds=seconds),
                         field=None)
        self.seconds = seconds


def keys(username: str, address: str | None) -> dict[str, Rule]:
    found = {f"{ACCOUNT.prefix}:{username.strip()[:100]}": ACCOUNT}
    if address:
        found[f"{ADDRESS.prefix}:{client_network(address)[:100]}"] = ADDRESS
    return found


def client_network(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one as its /64, which one client
    holds whole (it could try from a new address in it every time)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def seconds_to_wait(row: SignInThrottle, now: datetime) -> int:
    until = _utc(row.blocked_until)
    return math.ceil((until - now).total_seconds()) if until is not None and until > now else 0


def _locked_rows(session: Session, names: list[str]) -> list[SignInThrottle]:
    for name in names:
        session.execute(db.insert_for(session, SignInThrottle.__table__).values(key=name, failures=0)
                        .on_conflict_do_nothing(index_elements=["key"]))
    return db.lock(session, SignInThrottle, names)


def claim(session: Session, *, username: str, address: str | None) -> None:
    """Count a password check about to be made, or refuse it (Throttled)
    while the account or the address must still wait. Commits on its own."""
    rules = keys(username, address)

    def count() -> bool:
        now = clock.utcnow()
        rows = _locked_rows(session, sorted(rules))
        wait = max(seconds_to_wait(row, now) for row in rows)
        if wait:
            raise Throttled(wait)
        for row in rows:
            last = _utc(row.last_failure_at)
            row.failures = (0 if last is None or now - last > QUIET else row.failures) + 1
            row.last_failure_at = now
            wait = rules[row.key].wait_after(row.failures)
            row.blocked_until = now + timedelta(seconds=wait) if wait else None
            session.add(row)
        return True

    db.transaction(session, count)


def succeeded(session: Session, *, username: str, address: str | None) -> None:
    """The claimed check passed: the account starts afresh, and the address
    gets its try back (in the caller's transaction)."""
    for name, rule in keys(username, address).items():
        table = SignInThrottle.__table__
        if rule is ACCOUNT:
            session.execute(update(table).where(table.c.key == name).values(failures=0, blocked_until=None))
        else:
            session.execute(update(table).where(table.c.key == name, table.c.failures > 0)
                            .values(failures=table.c.failures - 1))
