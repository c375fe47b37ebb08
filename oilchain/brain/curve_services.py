"""Managers' edits of the forecast's data: the yield curve, the renovation
effects and the harvest window. Each refuses what no plantation gives (a
negative or absurd value, a window that goes back or does not end at the
whole harvest) next to its field, writes nothing then, and records who
changed what in the audit log."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlmodel import Session

from ..admin.models import Variety
from ..admin.services import audit
from ..auth.actor import Actor
from ..errors import Forbidden, Invalid
from ..ledger.models import YieldCurve
from .curves import HARVEST
from .models import RenovationEffect, SeasonCurve

MAX_SEED_G_PER_MU = 1_000_000  # 1,000 kg of dry seed per mu: ten times the best stands
MAX_AGE_YEARS = 100
MAX_EFFECT_PERMILLE = 3_000  # a renovation that triples a stand's yield is already a typo
MAX_YEARS_SINCE = 30
EFFECT_METHODS = ("tending", "top_grafting")  # replanting starts trees again on the curve: no effect


def _bureau(actor: Actor) -> None:
    if not actor.is_bureau:
        raise Forbidden(_l("Only the bureau edits the forecast's curves."))


def groups(session: Session) -> list[str]:
    """The variety groups a curve may be given for: those with one, and those varieties name."""
    found = set(session.execute(select(YieldCurve.variety_group)).scalars())
    return sorted(found | set(session.execute(select(Variety.yield_group)).scalars()))


def set_yield(session: Session, *, actor: Actor, group: str, age_years: int, seed_g_per_mu: int) -> YieldCurve:
    _bureau(actor)
    if group not in groups(session):
        raise Invalid(_l("Choose a variety group from the list."), field="group")
    if not 0 <= age_years <= MAX_AGE_YEARS:
        raise Invalid(_l("The age lies between 0 and %(most)s years.", most=MAX_AGE_YEARS), field="age_years")
    if seed_g_per_mu < 0:
        raise Invalid(_l("The yield cannot be negative."), field="seed_kg")
    if seed_g_per_mu > MAX_SEED_G_PER_MU:
        most = format(MAX_SEED_G_PER_MU // 1000, ",")
        raise Invalid(_l("At most %(most)s kg of dry seed per mu: no plantation gives more.", most=most), field="seed_kg")
    row = session.get(YieldCurve, (group, age_years)) or YieldCurve(variety_group=group, age_years=age_years,
                                                                     seed_g_per_mu=seed_g_per_mu)
    row.seed_g_per_mu = seed_g_per_mu
    session.add(row)
    audit(session, user_id=actor.user_id, action="save", entity="yield_curve", entity_id=None, group=group,
          age_years=age_years, seed_g_per_mu=seed_g_per_mu)
    session.flush()
    return row


def set_effect(session: Session, *, actor: Actor, method: str, years_since: int, permille: int) -> RenovationEffect:
    _bureau(actor)
    if method not in EFFECT_METHODS:
        raise Invalid(_l("Choose tending or top grafting."), field="method")
    if not 0 <= years_since <= MAX_YEARS_SINCE:
        raise Invalid(_l("Years since the renovation lie between 0 and %(most)s.", most=MAX_YEARS_SINCE),
                      field="years_since")
    if not 0 <= permille <= MAX_EFFECT_PERMILLE:
        most = format(MAX_EFFECT_PERMILLE, ",")
        raise Invalid(_l("The effect lies between 0 and %(most)s per mille of the curve.", most=most), field="permille")
    row = session.execute(select(RenovationEffect).where(RenovationEffect.method == method,
                                                         RenovationEffect.years_since == years_since)).scalar()
    row = row or RenovationEffect(method=method, years_since=years_since, permille=permille)
    row.permille = permille
    session.add(row)
    audit(session, user_id=actor.user_id, action="save", entity="renovation_effect", entity_id=None, method=method,
          years_since=years_since, permille=permille)
    session.flush()
    return row


def parse_window(text: str) -> list[tuple[int, int, int]]:
    """Lines "MM-DD per-mille" (e.g. "11-10 700") into (month, day, per mille),
    refused unless the days go forward, the shares never go back, lie in
    0..1000 and end at 1000."""
    points = []
    for number, line in enumerate((line.strip() for line in text.splitlines()), start=1):
        if not line:
            continue
        parts = line.replace(",", " ").split()
        try:
            month, day = (int(part) for part in parts[0].split("-"))
            share = int(parts[1])
            date(2001, month, day)
            if len(parts) != 2:
                raise ValueError
        except (ValueError, IndexError):
            raise Invalid(_l("Line %(line)s: write a day and a share per mille, like 11-10 700.", line=number),
                          field="points")
        if not 0 <= share <= 1000:
            raise Invalid(_l("Line %(line)s: the share lies between 0 and 1,000 per mille.", line=number), field="points")
        if points and (month, day) <= points[-1][:2]:
            raise Invalid(_l("Line %(line)s: each day comes after the one before.", line=number), field="points")
        if points and share < points[-1][2]:
            raise Invalid(_l("Line %(line)s: the share picked cannot go back (it is cumulative).", line=number),
                          field="points")
        points.append((month, day, share))
    if len(points) < 2:
        raise Invalid(_l("Give at least two days: the harvest's start and its end."), field="points")
    if points[-1][2] != 1000:
        raise Invalid(_l("The last day ends the harvest: its share is 1,000 per mille."), field="points")
    return points


def window_text(points) -> str:
    return "\n".join(f"{month:02d}-{day:02d} {share}" for month, day, share in points)


def set_window(session: Session, *, actor: Actor, text: str) -> list[tuple[int, int, int]]:
    _bureau(actor)
    points = parse_window(text)
    session.execute(delete(SeasonCurve).where(SeasonCurve.curve == HARVEST))
    session.add_all(SeasonCurve(curve=HARVEST, month=month, day=day, cumulative_permille=share)
                    for month, day, share in points)
    audit(session, user_id=actor.user_id, action="save", entity="season_curve", entity_id=None, curve=HARVEST,
          points=window_text(points))
    session.flush()
    return points
