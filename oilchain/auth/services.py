"""Accounts: organizations and users. Passwords are stored hashed."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlmodel import Session, select

from .. import clock, db, geo
from ..admin.services import audit
from ..errors import Forbidden, Invalid
from . import passwords, sessions, throttle
from .actor import Actor
from .models import BUREAU_ROLES, ORG_KINDS, ROLE_ORG_KIND, ROLES, AccessToken, Organization, User
from .passwords import PASSWORD_METHOD  # noqa: F401  (the county demo hashes with it)


def actor_for(session: Session, user_id: int) -> Actor | None:
    row = session.exec(
        select(User, Organization).join(Organization, Organization.id == User.organization_id).where(User.id == user_id)
    ).first()
    if row is None or not row[0].active:
        return None
    user, org = row
    return Actor(
        user_id=user.id,
        org_id=org.id,
        role=user.role,
        username=user.username,
        display_name=user.display_name,
        org_name=org.name,
        locale=user.locale,
        must_change_password=user.must_change_password,
    )


def session_actor(session: Session, user_id: int, *, version, device_id, token) -> Actor | None:
    """The user a browser session stands for, or None when the session has
    ended on the server: its row ended (signed out, here or everywhere, or
    the user was deactivated or reset), the user's session version moved on,
    or the session belongs to a tablet whose sign-in was revoked or has expired."""
    user = session.get(User, user_id)
    if user is None or version != user.session_version or not sessions.standing(session, token, user_id):
        return None
    if device_id is not None:
        token = session.get(AccessToken, device_id)
        if (token is None or token.user_id != user.id or token.revoked_at is not None
                or token.expires_at.replace(tzinfo=None) < clock.utcnow().replace(tzinfo=None)):
            return None
    return actor_for(session, user_id)


def session_version(session: Session, user_id: int) -> int:
    return session.get(User, user_id).session_version


def check_position(latitude_e6: int | None, longitude_e6: int | None) -> None:
    """An organization's position is optional: both coordinates or neither,
    and inside the county (geo.check_position)."""
    if (latitude_e6 is None) != (longitude_e6 is None):
        raise Invalid(_l("Give both the latitude and the longitude, or neither."),
                      field="longitude" if longitude_e6 is None else "latitude")
    if latitude_e6 is not None:
        geo.check_position(latitude_e6, longitude_e6)


def create_organization(session: Session, *, name: str, kind: str, credit_code: str | None = None, township_id: int | None = None,
                        latitude_e6: int | None = None, longitude_e6: int | None = None) -> Organization:
    name = name.strip()
    if not name:
        raise Invalid(_l("Give the organization's name."), field="name")
    if kind not in ORG_KINDS:
        raise Invalid(_l("Unknown kind of organization."), field="kind")
    if credit_code and (len(credit_code) != 18 or not credit_code.isalnum()):
        raise Invalid(_l("A unified social credit code has 18 letters and digits."), field="credit_code")
    if session.exec(select(Organization).where(Organization.name == name)).first():
        raise Invalid(_l("An organization with this name exists already."), field="name")
    check_position(latitude_e6, longitude_e6)
    org = Organization(name=name, kind=kind, credit_code=(credit_code or None), township_id=township_id,
                       latitude_e6=latitude_e6, longitude_e6=longitude_e6)
    session.add(org)
    session.flush()
    return org


def set_position(session: Session, *, user_id: int, organization_id: int, latitude_e6: int | None,
                 longitude_e6: int | None) -> Organization:
    """Set (or, with neither coordinate, clear) an organization's position
    on the map; audited."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise Invalid(_l("Unknown organization."), field="organization_id")
    check_position(latitude_e6, longitude_e6)
    org.latitude_e6, org.longitude_e6 = latitude_e6, longitude_e6
    session.add(org)
    audit(session, user_id=user_id, action="position", entity="organization", entity_id=org.id,
          latitude_e6=latitude_e6, longitude_e6=longitude_e6)
    return org


def create_user(
    session: Session, *, username: str, password: str, role: str, organization_id: int, display_name: str = ""
) -> User:
    username = username.strip()
    if not username or len(username) > 40 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise Invalid(_l("A username is 1 to 40 letters, digits, dots, dashes or underscores."), field="username")
    if role not in ROLES:
        raise Invalid(_l("Unknown role."), field="role")
    passwords.check_policy(password, user_inputs=(username, display_name))
    org = session.get(Organization, organization_id)
    if org is None:
        raise Invalid(_l("Unknown organization."), field="organization_id")
    if ROLE_ORG_KIND[role] != org.kind:
        raise Invalid(_l("This role does not fit this kind of organization."), field="role")
    if session.exec(select(User).where(User.username == username)).first():
        raise Invalid(_l("This username is taken."), field="username")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=passwords.hash_password(password),
        role=role,
        organization_id=org.id,
    )
    session.add(user)
    session.flush()
    return user


def set_locale(session: Session, *, user_id: int, locale: str) -> None:
    user = session.get(User, user_id)
    if user is not None:
        user.locale = locale
        session.add(user)
        session.flush()


DEVICE_TOKEN_DAYS = 42  # six weeks: a harvest season's absences from the network
API_TOKEN_DAYS = 365


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, *, user_id: int, org_id: int, purpose: str, label: str, days: int) -> tuple[str, AccessToken]:
    """A new bearer token; the plain value is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    record = AccessToken(
        purpose=purpose,
        token_hash=_token_hash(token),
        user_id=user_id,
        org_id=org_id,
        label=db.fit(label, AccessToken.label),
        expires_at=clock.utcnow() + timedelta(days=days),
    )
    session.add(record)
    session.flush()
    return token, record


TABLET_NAME_LENGTH = db.column_length(AccessToken.label)


def check_tablet_name(name: str) -> str:
    """A tablet's name as kept: stripped, not empty (the caller gives the
    default for a blank one), at most the column's length."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_l("Give this tablet a name."), field="label")
    if len(name) > TABLET_NAME_LENGTH:
        raise Invalid(_l("A tablet's name is at most %(n)s characters.", n=TABLET_NAME_LENGTH), field="label")
    return name


def issue_device_token(session: Session, *, actor: Actor, label: str, password: str,
                       address: str | None = None) -> tuple[str, AccessToken]:
    """Sign a tablet in for the actor's cooperative, under the name the
    member gave it (`label`): always with the member's password, typed on
    the tablet (a lost tablet's open session alone cannot get a new token
    after its sign-in was revoked). The caller counts the password check
    first (`throttle.claim`); a right password gives it back."""
    if actor.role != "cooperative":
        raise Forbidden(_l("Only cooperative members sign tablets in."))
    label = check_tablet_name(label)
    user = session.get(User, actor.user_id)
    if not password or not passwords.verify(user.password_hash, password):
        raise Invalid(_l("Wrong password: type your own password to sign this tablet in."), field="password")
    throttle.succeeded(session, username=user.username, address=address)
    return issue_token(session, user_id=actor.user_id, org_id=actor.org_id, purpose="tablet", label=label, days=DEVICE_TOKEN_DAYS)


def issue_api_token(session: Session, *, username: str, label: str) -> tuple[str, AccessToken]:
    """A token for another system to read the EPCIS export as this user (a bureau manager)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise Invalid(_l("No such user."), field="username")
    if user.role not in BUREAU_ROLES:
        raise Invalid(_l("Only a bureau user's token can read the whole trace."), field="username")
    return issue_token(session, user_id=user.id, org_id=user.organization_id, purpose="api", label=label, days=API_TOKEN_DAYS)


def token_actor(session: Session, token: str, purpose: str) -> Actor:
    """The user a bearer token stands for, or a refusal that says why; the
    token's last use becomes now."""
    return token_record(session, token, purpose)[0]


def token_record(session: Session, token: str, purpose: str, *, touch: bool = True) -> tuple[Actor, AccessToken]:
    """The user a bearer token stands for and the token's row, or a refusal
    that says why; with `touch` (a use of the token, not a look at it) the
    token's last use becomes now."""
    record = session.exec(
        select(AccessToken).where(AccessToken.token_hash == _token_hash(token or ""), AccessToken.purpose == purpose)
    ).first()
    if record is None:
        if purpose == "tablet":
            raise Forbidden(_l("This tablet is not signed in. Open the field page while online and signed in."))
        raise Forbidden(_l("Unknown token."))
    if record.revoked_at is not None:
        if purpose == "tablet":
            raise Forbidden(_l("This tablet's sign-in was revoked by the cooperative. Sign it in again."))
        raise Forbidden(_l("This token was revoked."))
    if record.expires_at.replace(tzinfo=None) < clock.utcnow().replace(tzinfo=None):
        if purpose == "tablet":
            raise Forbidden(_l("This tablet's sign-in has expired. Sign it in again."))
        raise Forbidden(_l("This token has expired."))
    actor = actor_for(session, record.user_id)
    if actor is None or actor.org_id != record.org_id:
        if purpose == "tablet":
            raise Forbidden(_l("The member who signed this tablet in can no longer record harvests."))
        if purpose == "display":
            raise Forbidden(_l("The manager who issued this screen's address can no longer show the screen: ask a manager for a new one."))
        raise Forbidden(_l("The user this token was issued to can no longer use it."))
    if touch:
        record.last_used_at = clock.utcnow()
        session.add(record)
    return actor, record


def device_actor(session: Session, token: str) -> Actor:
    return token_actor(session, token, "tablet")


def tablet(session: Session, token: str, *, touch: bool = True) -> tuple[Actor, AccessToken]:
    """A tablet's member and its sign-in (`token_record` for a tablet)."""
    return token_record(session, token, "tablet", touch=touch)


def revoke_token(session: Session, *, token_id: int, org_id: int | None = None) -> AccessToken:
    """Revoke a token (a cooperative only its own tablets: `org_id`)."""
    record = session.get(AccessToken, token_id)
    if record is None or (org_id is not None and (record.org_id != org_id or record.purpose != "tablet")):
        raise Forbidden(_l("This tablet is not one of your cooperative's."))
    if record.revoked_at is None:
        record.revoked_at = clock.utcnow()
        session.add(record)
        session.flush()
    return record


def revoke_tablets(session: Session, user_id: int) -> int:
    """End the user's tablet tokens (signing out everywhere, a reset: a
    tablet is a device signed in too); returns how many."""
    result = session.execute(update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.purpose == "tablet",
                                                       AccessToken.revoked_at.is_(None)).values(revoked_at=clock.utcnow()))
    return result.rowcount


def revoke_device_token(session: Session, *, actor: Actor, token_id: int) -> AccessToken:
    return revoke_token(session, token_id=token_id, org_id=actor.org_id)


def cooperative_tablet(session: Session, *, actor: Actor, token_id: int) -> tuple[AccessToken, str]:
    """One of the actor's cooperative's tablets and its member's name."""
    row = session.exec(
        select(AccessToken, User.display_name).join(User, User.id == AccessToken.user_id)
        .where(AccessToken.id == token_id, AccessToken.org_id == actor.org_id, AccessToken.purpose == "tablet")
    ).first()
    if row is None:
        raise Forbidden(_l("This tablet is not one of your cooperative's."))
    return row


def rename_device_token(session: Session, *, actor: Actor, token_id: int, name: str) -> AccessToken:
    """Give one of the cooperative's tablets another name (a revoked one
    too: the list keeps it)."""
    record, _member = cooperative_tablet(session, actor=actor, token_id=token_id)
    record.label = check_tablet_name(name)
    session.add(record)
    session.flush()
    return record


def devices_of(session: Session, org_id: int) -> list[tuple[AccessToken, str]]:
    return list(
        session.exec(
            select(AccessToken, User.display_name)
            .join(User, User.id == AccessToken.user_id)
            .where(AccessToken.org_id == org_id, AccessToken.purpose == "tablet")
            .order_by(AccessToken.created_at.desc())
        )
    )
