"""Server-side sessions: a browser is signed in while its row stands.

Flask's session is a signed cookie the browser keeps, so forgetting it on
sign-out does not stop a copy of it from working. Each sign-in therefore
opens a `UserSession` row whose random token (only its SHA-256 is stored)
the cookie carries; the user loader refuses a cookie whose row has ended."""

import hashlib
import secrets

from sqlalchemy import func, update
from sqlmodel import Session, select

from .. import clock, db
from .models import UserSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, *, user_id: int, address: str | None) -> str:
    """A new session for the user; its token is returned once, for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=token_hash(token), user_id=user_id, address=db.fit(address, UserSession.address)))
    session.flush()
    return token


def standing(session: Session, token: str | None, user_id: int) -> bool:
    """Whether the cookie's session is the user's and has not ended."""
    if not token or not isinstance(token, str):
        return False
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    return row is not None and row.user_id == user_id and row.ended_at is None


def end_session(session: Session, token: str | None) -> None:
    if token and isinstance(token, str):
        session.execute(update(UserSession).where(UserSession.token_hash == token_hash(token),
                                                  UserSession.ended_at.is_(None)).values(ended_at=clock.utcnow()))


def end_all(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user (but the one of token `keep`); how many ended."""
    statement = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep:
        statement = statement.where(UserSession.token_hash != token_hash(keep))
    return session.execute(statement.values(ended_at=clock.utcnow())).rowcount


def open_count(session: Session, user_id: int) -> int:
    return session.exec(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id,
                                                                            UserSession.ended_at.is_(None))).one()
