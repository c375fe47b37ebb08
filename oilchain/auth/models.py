from datetime import datetime
from enum import Enum

from sqlmodel import Field, SQLModel

from .. import clock

class OrgKind(str, Enum):
    BUREAU = "bureau"
    NURSERY = "nursery"
    COOPERATIVE = "cooperative"
    PROCESSOR = "processor"


class Role(str, Enum):
    """A user's role, with the kind of organization it works for. Stored as
    its value; display names are the display layer's (labels.ROLES)."""

    def __new__(cls, value: str, org_kind: OrgKind):
        member = str.__new__(cls, value)
        member._value_ = value
        member.org_kind = org_kind
        return member

    ADMIN = ("admin", OrgKind.BUREAU)
    MANAGER = ("manager", OrgKind.BUREAU)
    NURSERY = ("nursery", OrgKind.NURSERY)
    COOPERATIVE = ("cooperative", OrgKind.COOPERATIVE)
    PROCESSOR = ("processor", OrgKind.PROCESSOR)


ROLES = tuple(role.value for role in Role)
ORG_KINDS = tuple(kind.value for kind in OrgKind)
ROLE_ORG_KIND = {role.value: role.org_kind.value for role in Role}
# The bureau's roles: they read everything, and only they run recalls, targets and the GI.
BUREAU_ROLES = tuple(role.value for role in Role if role.org_kind is OrgKind.BUREAU)


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    kind: str = Field(max_length=20)
    # 统一社会信用代码, 18 characters; needed for the GI mark.
    credit_code: str | None = Field(default=None, max_length=18)
    township_id: int | None = Field(default=None, foreign_key="township.id")
    # Where it works (nurseries and processors on the brain's map), microdegrees WGS-84.
    latitude_e6: int | None = None
    longitude_e6: int | None = None
    # GS1 Global Location Number (13 digits, check digit validated): how
    # others' systems name it in the EPCIS export; None: a URI of ours.
    gln: str | None = Field(default=None, max_length=13, unique=True)
    # Contact for consumers (a processor's on its bottles' pages; the
    # bureau's phone is the hotline for recalls and doubtful codes). Plain text.
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=clock.utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=60)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    locale: str | None = Field(default=None, max_length=10)
    active: bool = Field(default=True)
    # Carried in the browser session at sign-in and checked on every request:
    # raising it ends every session of the user at once.
    session_version: int = Field(default=1)
    # Set by an admin's password reset: the user chooses a new one at the next sign-in.
    must_change_password: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.utcnow)


class UserSession(SQLModel, table=True):
    """One signed-in browser: the cookie carries a random token whose hash is
    kept here. Signing out ends this row, "sign out everywhere" (and an admin
    deactivating or resetting the user) ends all of the user's rows; the user
    loader refuses a cookie whose row has ended."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=clock.utcnow)
    ended_at: datetime | None = None
    address: str = Field(default="", max_length=45)


class SignInThrottle(SQLModel, table=True):
    """Failed password checks of one account name or one client address
    (`key`: "account:<name>" or "address:<ip>"), shared by every worker:
    after a few, the next try must wait a growing time (auth/throttle.py)."""

    __tablename__ = "sign_in_throttle"
    key: str = Field(primary_key=True, max_length=120)
    failures: int = Field(default=0)
    last_failure_at: datetime | None = None
    blocked_until: datetime | None = None


TOKEN_PURPOSES = ("tablet", "api", "display")  # display: the brain's big screen, read-only


class AccessToken(SQLModel, table=True):
    """A bearer credential standing for one user, for one purpose: a tablet
    signed in by a cooperative member (it sends harvests recorded offline,
    days after the session has expired), or another system reading the
    EPCIS export. Only its hash is stored; it expires and can be revoked."""

    __tablename__ = "access_token"
    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(default="tablet", max_length=10)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    label: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=clock.utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
