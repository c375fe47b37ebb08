"""Reading the audit log: filtered by user, action and county days, newest first, a page at a time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func
from sqlmodel import Session, select

from .. import clock
from ..auth.models import User
from .models import AuditEntry

PER_PAGE = 50


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    action: str = ""
    since: date | None = None  # county days, both included
    until: date | None = None
    page: int = 1


def _county_midnight_utc(day: date):
    return datetime.combine(day, time(), tzinfo=clock.COUNTY_TZ).astimezone(timezone.utc)


def entries(session: Session, wanted: AuditFilter) -> tuple[list[tuple[AuditEntry, str | None]], int]:
    """One page of (entry, username) and how many entries match in all."""
    query = select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.user_id)
    count = select(func.count()).select_from(AuditEntry)
    conditions = []
    if wanted.user_id is not None:
        conditions.append(AuditEntry.user_id == wanted.user_id)
    if wanted.action:
        conditions.append(AuditEntry.action == wanted.action)
    if wanted.since is not None:
        conditions.append(AuditEntry.at >= _county_midnight_utc(wanted.since))
    if wanted.until is not None:
        conditions.append(AuditEntry.at < _county_midnight_utc(wanted.until + timedelta(days=1)))
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = session.exec(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                        .offset((wanted.page - 1) * PER_PAGE).limit(PER_PAGE))
    return list(rows), session.exec(count).one()


def actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
