"""The one writer of a product lot's derived state: its origin story, its GI
status and `story_version` (which the consumer page's cached copy of the lot
follows).

Reactions (declared in oilchain/reactions.py) only mark product lots stale
for the transaction: their story (and so their GI status), or their GI
status alone. Once the events are dispatched, `write_pending` computes what
is stale, each lot once, a story once for the lots that share one (the
product lots of one oil lot), and stores it; `story_version` goes up by one
for a lot whose story or GI status changed, however many events touched it.
"""

import json

from sqlalchemy import update
from sqlmodel import Session, select

from .. import clock
from ..auth.models import Organization, OrgKind
from ..events import (SCRATCH, Bottled, EventReversed, GIAuthorizationChanged, GIRulesChanged, GradeLimitsChanged,
                      PageFactsChanged, QualityTestRecorded)
from ..ledger.models import EventLine, Hold, Lot
from ..ledger import holds_on
from ..ledger.trace import downstream
from ..processing.models import OilLot, Product, ProductLot
from .eligibility import GIRules, eligibility, rules
from .story import origin_story, shared_stories

__all__ = ["GIRules", "eligibility", "rules", "origin_story", "shared_stories", "refresh", "write_pending", "oil_gi_status"]

STALE = SCRATCH + "stale"  # session.info: product lot id -> True (story and GI) or False (GI only)
EVERY = SCRATCH + "stale-all"  # session.info: every product lot's GI status is stale


def mark(session: Session, lot_ids, story: bool = True) -> None:
    """These lots' derived state (the product lots among them) is to be written afresh."""
    stale = session.info.setdefault(STALE, {})
    for lot_id in lot_ids:
        stale[lot_id] = stale.get(lot_id, False) or story


# --- reactions -------------------------------------------------------------------


def bottled(session: Session, happened: Bottled) -> None:
    mark(session, [happened.product_lot_id])


def quality_changed(session: Session, happened: QualityTestRecorded) -> None:
    """A test recorded or withdrawn: the bottles made from that oil show the latest standing one."""
    mark(session, downstream(session, ("lot", happened.oil_lot_id)).ids("lot"))


def grades_changed(session: Session, happened: GradeLimitsChanged) -> None:
    """A grade's limits changed: the stories of the bottles of that method's oil tell the grade again."""
    oil_ids = session.exec(select(OilLot.lot_id).where(OilLot.method == happened.method)).all()
    bottled = session.exec(
        select(ProductLot.lot_id).join(EventLine, (EventLine.lot_id == ProductLot.lot_id) & (EventLine.role == "output"))
        .where(EventLine.event_id.in_(select(EventLine.event_id).where(EventLine.lot_id.in_(oil_ids),
                                                                         EventLine.role == "input")))
    ).all() if oil_ids else []
    mark(session, bottled)


def upstream_corrected(session: Session, happened: EventReversed) -> None:
    """A correction changes the story of every bottle made downstream of what it touched."""
    affected = set(happened.lot_ids)
    for lot_id in happened.lot_ids:
        affected |= downstream(session, ("lot", lot_id)).ids("lot")
    if happened.plot_id is not None:
        affected |= downstream(session, ("plot", happened.plot_id)).ids("lot")
    mark(session, affected)


def gi_changed(session: Session, happened: GIRulesChanged | GIAuthorizationChanged) -> None:
    """The GI's rules or producers changed: every product lot's GI status is read again."""
    session.info[EVERY] = True


def holds_changed(session: Session, happened) -> None:
    """A recall opened or closed: its product lots are on hold, or no longer."""
    held = session.exec(select(Hold.lot_id).where(Hold.recall_id == happened.recall_id))
    mark(session, held, story=False)


def page_facts_changed(session: Session, happened: PageFactsChanged) -> None:
    """The pages of the product lots concerned are rendered again: their
    `story_version` goes up (the story itself is unchanged), which the
    consumer page's cached copy follows (public/scan.py). The bureau's
    contact is every page's hotline."""
    org = session.get(Organization, happened.org_id) if happened.org_id is not None else None
    query = update(ProductLot).values(story_version=ProductLot.story_version + 1)
    if happened.every_lot or (org is not None and org.kind == OrgKind.BUREAU.value):
        pass
    elif org is not None:
        query = query.where(ProductLot.product_id.in_(select(Product.id).where(Product.org_id == org.id)))
    elif happened.product_id is not None:
        query = query.where(ProductLot.product_id == happened.product_id)
    else:
        return
    session.execute(query.execution_options(synchronize_session=False))


def oil_gi_status(session: Session, lot: Lot) -> dict:
    """An oil lot's GI eligibility as its bottles would have it if its owner
    bottled it the day it was made (a blend: every input's origin counts).
    Not stored: the oil lot's page computes it. {} when no GI is defined."""
    gi = rules(session)
    if gi is None:
        return {}
    return eligibility(gi, origin_story(session, lot.id), lot.owner_org_id, lot.produced_on,
                       withdrawn=lot.status == "reversed", held_by=holds_on(session, [lot.id]).get(lot.id))


# --- the writer ------------------------------------------------------------------


def write_pending(session: Session) -> int:
    """Store what the transaction's events made stale (closing step of the
    dispatch); returns how many product lots changed."""
    stale = session.info.pop(STALE, None) or {}
    every = session.info.pop(EVERY, False)
    if not stale and not every:
        return 0
    return refresh(session, None if every else set(stale), stories={lot_id for lot_id, story in stale.items() if story})


def refresh(session: Session, lot_ids: set[int] | None = None, stories: set[int] | None = None) -> int:
    """Recompute the GI status of these product lots (all, when None) and the
    origin story of those in `stories` (None: of all of them), store what
    changed, and bump `story_version` once per changed lot. Returns how many
    changed."""
    query = select(ProductLot, Product, Lot).join(Product, Product.id == ProductLot.product_id).join(
        Lot, Lot.id == ProductLot.lot_id)
    if lot_ids is not None:
        query = query.where(ProductLot.lot_id.in_(lot_ids))
    rows = session.exec(query).all()
    if not rows:
        return 0
    wanted = [lot.id for _, _, lot in rows if stories is None or lot.id in stories]
    new_stories = shared_stories(session, wanted) if wanted else {}
    gi = rules(session)
    held = holds_on(session, [lot.id for _, _, lot in rows])
    changed = 0
    for product_lot, product, lot in rows:
        story = new_stories.get(lot.id, product_lot.origin_story)
        status = {} if gi is None else eligibility(gi, json.loads(story or "{}"), product.org_id, lot.produced_on,
                                                    withdrawn=lot.status == "reversed", held_by=held.get(lot.id))
        encoded = json.dumps(status, ensure_ascii=False)
        if story == product_lot.origin_story and encoded == product_lot.gi_status:
            continue
        if story != product_lot.origin_story:
            product_lot.origin_story, product_lot.story_updated_at = story, clock.utcnow()
        product_lot.gi_status = encoded
        product_lot.story_version += 1  # the bottles' pages read it again
        session.add(product_lot)
        changed += 1
    session.flush()
    return changed


