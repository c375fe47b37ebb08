"""An organization's GLN and public contact (phone, address): checked and
set by an admin, audited. The bureau's phone is the county's public hotline
for recalls and doubtful codes (the consumer pages read it)."""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import codes, events
from ..admin.services import audit
from ..errors import Invalid
from ..forms import has_control_characters
from .models import Organization

PHONE_MAX = 40
ADDRESS_MAX = 200


def check_gln(session: Session, gln: str | None, organization_id: int) -> str | None:
    """A GLN as stored (None: none), or Invalid naming the field: 13 digits,
    GS1's check digit, and used by no other organization."""
    gln = (gln or "").strip()
    if not gln:
        return None
    if not (gln.isascii() and gln.isdigit() and len(gln) == 13):
        raise Invalid(_l("A GLN has 13 digits."), field="gln")
    if not codes.is_valid_gln(gln):
        raise Invalid(_l("This GLN's check digit is wrong: check the number on the GS1 certificate."), field="gln")
    other = session.exec(select(Organization.name).where(Organization.gln == gln, Organization.id != organization_id)).first()
    if other is not None:
        raise Invalid(_l("This GLN belongs to %(name)s already.", name=other), field="gln")
    return gln


def check_text(value: str | None, *, field: str, max_length: int, too_long) -> str | None:
    """Plain text shown on public pages: no markup, no control characters
    (a line break included), at most `max_length` characters; None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    if "<" in value or ">" in value or has_control_characters(value) or any(c in value for c in "\t\n\r"):
        raise Invalid(_l("Plain text only: remove < and > and line breaks or other control characters."), field=field)
    if len(value) > max_length:
        raise Invalid(too_long, field=field)
    return value


def set_contact(session: Session, *, user_id: int, organization_id: int, gln: str | None, phone: str | None,
                address: str | None) -> Organization:
    """Set (or clear) an organization's GLN, phone and address; audited.
    Nothing is stored unless every field is right."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise Invalid(_l("Unknown organization."), field="gln")
    gln = check_gln(session, gln, org.id)
    phone = check_text(phone, field="phone", max_length=PHONE_MAX,
                       too_long=_l("A phone number has at most %(n)d characters.", n=PHONE_MAX))
    address = check_text(address, field="address", max_length=ADDRESS_MAX,
                         too_long=_l("An address has at most %(n)d characters.", n=ADDRESS_MAX))
    org.gln, org.phone, org.address = gln, phone, address
    session.add(org)
    audit(session, user_id=user_id, action="contact", entity="organization", entity_id=org.id,
          gln=gln, phone=phone, address=address)
    session.flush()
    events.publish(session, events.PageFactsChanged(org_id=org.id))
    return org
