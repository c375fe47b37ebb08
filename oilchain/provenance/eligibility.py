"""GI eligibility as a pure function of plain values: the GI's rules (read
once from the register), a lot's stored origin story, its bottler and
bottling day, and whether it is withdrawn or on hold."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..gi.models import GIProducer, GIProduct, GIProtectedTownship
from ..lab import LabValues


@dataclass(frozen=True)
class Period:
    authorized_on: date
    revoked_on: date | None

    def covers(self, day: date) -> bool:
        return self.authorized_on <= day and (self.revoked_on is None or self.revoked_on > day)


@dataclass(frozen=True)
class GIRules:
    """The active GI as plain values."""

    gi_id: int
    name: str
    limits: LabValues  # the most the specification allows
    protected: frozenset  # township ids
    periods: dict  # organization id -> tuple of Period


def rules(session: Session) -> GIRules | None:
    """The active GI's rules, or None when the county has defined none."""
    gi = session.exec(select(GIProduct).where(GIProduct.active.is_(True)).order_by(GIProduct.id)).first()
    if gi is None:
        return None
    protected = frozenset(session.exec(select(GIProtectedTownship.township_id).where(GIProtectedTownship.gi_id == gi.id)))
    periods: dict[int, list] = {}
    for producer in session.exec(select(GIProducer).where(GIProducer.gi_id == gi.id)):
        periods.setdefault(producer.org_id, []).append(Period(producer.authorized_on, producer.revoked_on))
    return GIRules(gi.id, gi.name, gi.limits, protected, {org: tuple(p) for org, p in periods.items()})


def eligibility(rules: GIRules, story: dict, bottler_id: int, bottled_on: date, withdrawn: bool = False,
                held_by: int | None = None) -> dict:
    """The three conditions of the specification, each with what was found,
    and whether the lot is withdrawn or on hold under a recall (`held_by`).
    Townships are compared by id, so a renamed township keeps its lots."""
    townships = story.get("townships", [])
    outside = sorted(t["name"] for t in townships if t.get("id") not in rules.protected)
    origin_ok = bool(townships) and not outside
    authorized = rules.periods.get(bottler_id, ())
    producer_ok = any(period.covers(bottled_on) for period in authorized)
    quality = story.get("quality")
    over = list(LabValues.from_text(quality).over(rules.limits)) if quality else []
    quality_ok = bool(quality) and not over
    origin = {"check": "origin", "ok": origin_ok, "outside": outside, "none": not townships}
    inputs = inputs_outside(rules, story)
    if inputs:
        origin["inputs"] = inputs
    checks = [
        origin,
        {"check": "producer", "ok": producer_ok, "authorized": bool(authorized)},
        {"check": "quality", "ok": quality_ok, "tested": bool(quality), "over": over},
    ]
    if withdrawn:
        checks.append({"check": "withdrawn", "ok": False})
    if held_by is not None:
        checks.append({"check": "hold", "ok": False, "recall": held_by})
    eligible = origin_ok and producer_ok and quality_ok and not withdrawn and held_by is None
    return {"gi_id": rules.gi_id, "name": rules.name, "eligible": eligible, "checks": checks}


def inputs_outside(rules: GIRules, story: dict) -> list[dict]:
    """The blended-in lots whose oil comes (in part) from outside the
    protected townships, each with those townships: the reason names them."""
    found = []
    for source in story.get("inputs", []):
        outside = [t["name"] for t in source["townships"] if t.get("id") not in rules.protected]
        if outside:
            found.append({"code": source["code"], "outside": outside})
    return found
