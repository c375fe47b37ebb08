"""Signing in and out, and what users and admins do to accounts: change a
password, sign out everywhere, deactivate and reactivate, reset a password.
Every change to an account goes into the audit log.

`sign_in` runs its own transactions (the try is counted and committed before
the password is checked, see throttle.py); the others are services like any
other: the caller runs them through `db.transaction`."""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import db
from ..admin.services import audit
from ..errors import Invalid
from . import passwords, services, sessions, throttle
from .actor import Actor
from .models import User
from .services import actor_for


def sign_in(session: Session, *, username: str, password: str, address: str | None) -> tuple[Actor, str]:
    """The actor and a new session token, or a refusal: Throttled (wait),
    or the same "wrong username or password" for an unknown user, a
    deactivated one and a wrong password, after the same one hash."""
    throttle.claim(session, username=username, address=address)
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if not passwords.verify_user(user, password):
        raise Invalid(_l("Wrong username or password."), field="password")

    def start() -> str:
        throttle.succeeded(session, username=username, address=address)
        return sessions.open_session(session, user_id=user.id, address=address)

    token = db.transaction(session, start)
    return actor_for(session, user.id), token


def sign_out(session: Session, *, token: str | None) -> bool:
    sessions.end_session(session, token)
    return True


def sign_out_everywhere(session: Session, *, actor: Actor) -> int:
    """End every session of the user, this one included."""
    ended = sessions.end_all(session, actor.user_id)
    tablets = services.revoke_tablets(session, actor.user_id)
    audit(session, user_id=actor.user_id, action="sign_out_everywhere", entity="user", entity_id=actor.user_id,
          sessions=ended, tablets=tablets)
    return ended + 1  # truthy, for the form flow


def change_password(session: Session, *, actor: Actor, current: str, new: str, repeat: str, token: str | None,
                    address: str | None = None) -> User:
    """The user's own change: the current password, a new one the policy
    takes, typed twice. The user's other sessions end; this one stays. The
    new password is judged first, without the current one's hash; the
    caller counts the check of the current password (`throttle.claim`, as a
    sign-in's) once the new one passes, and a right one gives it back."""
    user = session.get(User, actor.user_id)
    check_new_password(actor, current=current, new=new, repeat=repeat)
    if not passwords.verify(user.password_hash, current):
        raise Invalid(_l("This is not your current password."), field="current")
    throttle.succeeded(session, username=user.username, address=address)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    session.add(user)
    ended = sessions.end_all(session, user.id, keep=token)
    audit(session, user_id=user.id, action="change_password", entity="user", entity_id=user.id, other_sessions_ended=ended)
    session.flush()
    return user


def check_new_password(actor: Actor, *, current: str, new: str, repeat: str) -> None:
    """What is wrong with a new password before any hash is checked (typed
    twice alike, not the current one, the policy's), as a refusal."""
    if new != repeat:
        raise Invalid(_l("The two new passwords differ."), field="repeat")
    if new == current:
        raise Invalid(_l("Choose a password other than your current one."), field="new")
    passwords.check_policy(new, field="new", user_inputs=(actor.username, actor.display_name))


def _other_user(session: Session, admin: Actor | None, user_id: int) -> User:
    """The user an admin acts on (`admin` None: the operator, at the command line)."""
    user = session.get(User, user_id)
    if user is None:
        raise Invalid(_l("Unknown user."))
    if admin is not None and user.id == admin.user_id:
        raise Invalid(_l("You cannot do this to your own account: change your own password on the password page."))
    return user


def set_active(session: Session, *, admin: Actor, user_id: int, active: bool) -> User:
    """Deactivate (the user cannot sign in, and every session ends) or reactivate."""
    user = _other_user(session, admin, user_id)
    if user.active == active:
        raise Invalid(_l("The user is already active.") if active else _l("The user is already deactivated."))
    user.active = active
    session.add(user)
    ended = 0 if active else sessions.end_all(session, user.id)
    audit(session, user_id=admin.user_id, action="reactivate" if active else "deactivate", entity="user",
          entity_id=user.id, username=user.username, sessions_ended=ended)
    session.flush()
    return user


def reset_password(session: Session, *, admin: Actor | None, user_id: int, password: str) -> User:
    """An admin sets a temporary password (told to the user in person): the
    user's sessions end, and the user must choose a new one at sign-in."""
    user = _other_user(session, admin, user_id)
    passwords.check_policy(password, user_inputs=(user.username, user.display_name))
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = True
    session.add(user)
    ended = sessions.end_all(session, user.id)
    tablets = services.revoke_tablets(session, user.id)
    audit(session, user_id=admin.user_id if admin else None, action="reset_password", entity="user", entity_id=user.id,
          username=user.username, sessions_ended=ended, tablets_revoked=tablets)
    session.flush()
    return user
