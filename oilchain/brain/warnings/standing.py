"""Who sees which warnings, and their acknowledgement: the bureau sees all;
an organization those about its own records. An acknowledged warning
stays (with who, why and when) until its condition no longer holds."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func
from sqlmodel import Session, select

from ... import clock, db
from ...admin.services import audit
from ...auth.actor import Actor
from ...errors import Invalid, NotFound
from ..models import WARNING_STATES, Warning

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def visible(session: Session, actor: Actor, *, state: str | None = None, kind: str | None = None,
            limit: int = 200) -> list[Warning]:
    """The warnings `actor` may see, standing first, the most severe and latest first."""
    query = select(Warning)
    if not actor.is_bureau:
        query = query.where(Warning.organization_id == actor.org_id)
    if state in WARNING_STATES:
        query = query.where(Warning.state == state)
    elif state == "standing":
        query = query.where(Warning.state != "resolved")
    if kind:
        query = query.where(Warning.kind == kind)
    # Ordered before the limit, so a long list keeps its most severe standing warnings.
    resolved_last = case((Warning.state == "resolved", 1), else_=0)
    severity = case(SEVERITY_ORDER, value=Warning.severity, else_=len(SEVERITY_ORDER))
    return list(session.exec(
        query.order_by(resolved_last, severity, Warning.last_seen.desc(), Warning.id.desc()).limit(limit)))


def open_count(session: Session, actor: Actor) -> int:
    query = select(func.count()).select_from(Warning).where(Warning.state == "open")
    if not actor.is_bureau:
        query = query.where(Warning.organization_id == actor.org_id)
    return int(session.exec(query).one())


def may_see(actor: Actor, warning: Warning) -> bool:
    return actor.is_bureau or (warning.organization_id is not None and warning.organization_id == actor.org_id)


def acknowledge(session: Session, *, actor: Actor, warning_id: int, reason: str) -> Warning:
    """The bureau, or the organization the warning is about, says it has
    seen it and why it stands: the warning stays until resolved."""
    locked = db.lock(session, Warning, [warning_id])
    warning = locked[0] if locked else None
    if warning is None or not may_see(actor, warning):
        raise NotFound(_l("No such warning."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_l("Say why the warning may stand: what is being done, or why it is not a problem."), field="reason")
    if warning.state == "resolved":
        raise Invalid(_l("This warning was resolved: its condition no longer holds."), field="reason")
    if warning.state == "acknowledged":
        raise Invalid(_l("This warning was acknowledged already."), field="reason")
    warning.state = "acknowledged"
    warning.acknowledged_by, warning.acknowledged_at = actor.user_id, clock.utcnow()
    warning.acknowledgement = db.fit(reason, Warning.acknowledgement)
    session.add(warning)
    audit(session, user_id=actor.user_id, action="acknowledge", entity="warning", entity_id=warning.id,
          kind=warning.kind, reason=warning.acknowledgement)
    session.flush()
    return warning
