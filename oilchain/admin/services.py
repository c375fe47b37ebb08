"""Reference data (townships, varieties), organizations and users, for admins."""

import json

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..errors import Invalid
from ..ledger.models import YieldCurve
from .models import AuditEntry, Township, Variety


def audit(session: Session, *, user_id: int | None, action: str, entity: str, entity_id: int | None, **detail) -> None:
    """Record who changed what, for changes outside the ledger."""
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def active_townships(session: Session) -> list[Township]:
    return list(session.exec(select(Township).where(Township.active.is_(True)).order_by(Township.id)))


def all_townships(session: Session) -> list[Township]:
    return list(session.exec(select(Township).order_by(Township.id)))


def active_township(session: Session, township_id: int, field: str = "township_id") -> Township:
    township = session.get(Township, township_id)
    if township is None or not township.active:
        raise Invalid(_l("Choose one of the county's current townships."), field=field)
    return township


def all_varieties(session: Session) -> list[Variety]:
    return list(session.exec(select(Variety).order_by(Variety.active.desc(), Variety.name)))


def active_varieties(session: Session) -> list[Variety]:
    return list(session.exec(select(Variety).where(Variety.active.is_(True)).order_by(Variety.name)))


def active_variety(session: Session, variety_id: int, field: str = "variety_id") -> Variety:
    variety = session.get(Variety, variety_id)
    if variety is None or not variety.active:
        raise Invalid(_l("Choose a variety from the list."), field=field)
    return variety


def curve_groups(session: Session) -> list[str]:
    """The variety groups the yield curve has (ledger.models.YieldCurve): what a variety may follow."""
    return sorted(set(session.exec(select(YieldCurve.variety_group))))


def set_improved(session: Session, *, user_id: int, variety_id: int, improved: bool, approval_number: str,
                 approval_pending: bool) -> Variety:
    """Whether a variety is an approved improved variety (良种), its approval
    number and whether that number is still to be confirmed: what the
    improved-variety share of the year's planting counts (reports.metrics).
    The flag without a number is refused (a check constraint stands behind)."""
    variety = session.get(Variety, variety_id)
    if variety is None:
        raise Invalid(_l("Unknown variety."), field="improved")
    number = (approval_number or "").strip() or None
    if improved and number is None:
        raise Invalid(_l("An improved variety needs its approval number (审定/认定编号): type it, or untick the flag."),
                      field="approval_number")
    if approval_pending and number is None:
        raise Invalid(_l("Type the number that is still to be confirmed."), field="approval_number")
    before = {"improved": variety.improved, "approval_number": variety.approval_number,
              "approval_pending": variety.approval_pending}
    after = {"improved": improved, "approval_number": number, "approval_pending": approval_pending}
    if after != before:
        audit(session, user_id=user_id, action="set_improved", entity="variety", entity_id=variety.id, old=before, new=after)
        variety.improved, variety.approval_number, variety.approval_pending = improved, number, approval_pending
        session.add(variety)
        session.flush()
    return variety


def set_yield_group(session: Session, *, user_id: int, variety_id: int, group: str) -> Variety:
    """Which of the yield curve's groups a variety's trees follow (the forecast reads it)."""
    variety = session.get(Variety, variety_id)
    if variety is None:
        raise Invalid(_l("Unknown variety."), field="yield_group")
    if group not in curve_groups(session):
        raise Invalid(_l("Choose one of the yield curve's groups."), field="yield_group")
    if group != variety.yield_group:
        audit(session, user_id=user_id, action="set_yield_group", entity="variety", entity_id=variety.id,
              old=variety.yield_group, new=group)
        variety.yield_group = group
        session.add(variety)
        session.flush()
    return variety


def rename_township(session: Session, *, user_id: int, township_id: int, name: str) -> Township:
    township = session.get(Township, township_id)
    name = name.strip()
    if township is None:
        raise Invalid(_l("Unknown township."), field="township_id")
    if not name or len(name) > 40:
        raise Invalid(_l("A township's name has 1 to 40 characters."), field="name")
    clash = session.exec(select(Township).where(Township.name == name, Township.id != township.id)).first()
    if clash:
        raise Invalid(_l("Another township has this name."), field="name")
    audit(session, user_id=user_id, action="rename", entity="township", entity_id=township.id, old=township.name, new=name)
    township.name = name
    session.add(township)
    session.flush()
    return township


def retire_township(session: Session, *, user_id: int, township_id: int, merged_into_id: int | None = None) -> Township:
    """Retire a township (or merge it into another): records that name it keep it."""
    township = session.get(Township, township_id)
    if township is None or not township.active:
        raise Invalid(_l("Unknown or already retired township."), field="township_id")
    if merged_into_id is not None:
        target = session.get(Township, merged_into_id)
        if target is None or not target.active or target.id == township.id:
            raise Invalid(_l("Merge into another current township."), field="merged_into_id")
    township.active = False
    township.merged_into_id = merged_into_id
    audit(session, user_id=user_id, action="retire", entity="township", entity_id=township.id, merged_into_id=merged_into_id)
    session.add(township)
    session.flush()
    return township


def set_grading_standard(session: Session, *, user_id: int, thresholds: dict[int, tuple[int, int]]) -> bool:
    """Grade I must ask at least as much as grade II; heights in mm, ground
    diameters in tenths of a mm."""
    from ..nursery.models import GradingStandard

    (h1, d1), (h2, d2) = thresholds[1], thresholds[2]
    if min(h1, d1, h2, d2) <= 0:
        raise Invalid(_l("Every threshold must be more than zero."))
    if h1 < h2 or d1 < d2:
        raise Invalid(_l("Grade I cannot ask less than grade II."))
    for grade, (height, diameter) in thresholds.items():
        standard = session.get(GradingStandard, grade) or GradingStandard(grade=grade, min_height_mm=height, min_diameter_dmm=diameter)
        audit(session, user_id=user_id, action="grading", entity="grading_standard", entity_id=grade,
              old=[standard.min_height_mm, standard.min_diameter_dmm], new=[height, diameter])
        standard.min_height_mm, standard.min_diameter_dmm = height, diameter
        session.add(standard)
    session.flush()
    return True
