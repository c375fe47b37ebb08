"""Display tokens for the big screen: a manager issues one for a meeting-room
screen (the plain value is shown once, inside the screen's address) and
revokes it; a token reads the screen and its data, nothing else. Tokens are
auth's AccessToken rows with purpose "display", made and checked by
auth.services (hashed, never stored plainly)."""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import clock
from ..admin.services import audit
from ..auth import services as auth_services
from ..auth.actor import Actor
from ..auth.models import AccessToken, User
from ..errors import Forbidden, Invalid

PURPOSE = "display"
DISPLAY_TOKEN_DAYS = 365
LABEL_MAX = 80


def issue(session: Session, *, actor: Actor, label: str) -> tuple[str, AccessToken]:
    if actor.role != "manager":
        raise Forbidden(_l("Only a bureau manager issues screen tokens."))
    label = (label or "").strip()
    if not label:
        raise Invalid(_l("Name the screen (for example: meeting room 3), so it can be told apart when revoked."), field="label")
    if len(label) > LABEL_MAX:
        raise Invalid(_l("At most %(n)s characters.", n=LABEL_MAX), field="label")
    token, record = auth_services.issue_token(session, user_id=actor.user_id, org_id=actor.org_id, purpose=PURPOSE,
                                              label=label, days=DISPLAY_TOKEN_DAYS)
    audit(session, user_id=actor.user_id, action="display_token_issue", entity="access_token", entity_id=record.id, label=label)
    return token, record


def revoke(session: Session, *, actor: Actor, token_id: int) -> AccessToken:
    if actor.role != "manager":
        raise Forbidden(_l("Only a bureau manager revokes screen tokens."))
    record = session.get(AccessToken, token_id)
    if record is None or record.purpose != PURPOSE:
        raise Invalid(_l("There is no such screen token."))
    if record.revoked_at is None:
        record.revoked_at = clock.utcnow()
        session.add(record)
        audit(session, user_id=actor.user_id, action="display_token_revoke", entity="access_token", entity_id=record.id,
              label=record.label)
        session.flush()
    return record


def listed(session: Session) -> list[tuple[AccessToken, str]]:
    return list(session.exec(
        select(AccessToken, User.display_name).join(User, User.id == AccessToken.user_id)
        .where(AccessToken.purpose == PURPOSE).order_by(AccessToken.created_at.desc())
    ))


def screen_actor(session: Session, token: str) -> Actor:
    """The manager a display token stands for; Forbidden when it is unknown,
    revoked or expired (auth.services.token_actor says which)."""
    actor = auth_services.token_actor(session, token, PURPOSE)
    if actor.role != "manager":
        raise Forbidden(_l("This token's manager can no longer show the screen."))
    return actor
