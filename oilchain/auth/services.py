"""Accounts: organizations and users. Passwords are stored hashed."""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Invalid
from .actor import Actor
from .models import ORG_KINDS, ROLE_ORG_KIND, ROLES, Organization, User

MIN_PASSWORD = 8
# werkzeug's default (scrypt). The test suite lowers it: hashing dozens of
# test users with scrypt would dominate its run time.
PASSWORD_METHOD = "scrypt"


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
    )


def authenticate(session: Session, *, username: str, password: str) -> Actor:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        raise Invalid(_l("Wrong username or password."), field="password")
    return actor_for(session, user.id)


def create_organization(session: Session, *, name: str, kind: str, credit_code: str | None = None, township_id: int | None = None) -> Organization:
    name = name.strip()
    if not name:
        raise Invalid(_l("Give the organization's name."), field="name")
    if kind not in ORG_KINDS:
        raise Invalid(_l("Unknown kind of organization."), field="kind")
    if credit_code and (len(credit_code) != 18 or not credit_code.isalnum()):
        raise Invalid(_l("A unified social credit code has 18 letters and digits."), field="credit_code")
    if session.exec(select(Organization).where(Organization.name == name)).first():
        raise Invalid(_l("An organization with this name exists already."), field="name")
    org = Organization(name=name, kind=kind, credit_code=(credit_code or None), township_id=township_id)
    session.add(org)
    session.flush()
    return org


def create_user(
    session: Session, *, username: str, password: str, role: str, organization_id: int, display_name: str = ""
) -> User:
    username = username.strip()
    if not username or len(username) > 40 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise Invalid(_l("A username is 1 to 40 letters, digits, dots, dashes or underscores."), field="username")
    if role not in ROLES:
        raise Invalid(_l("Unknown role."), field="role")
    if len(password) < MIN_PASSWORD:
        raise Invalid(_l("The password needs at least 8 characters."), field="password")
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
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
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
