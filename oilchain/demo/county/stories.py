"""Origin stories and GI status of the product lots just written, by the
app's own functions (`provenance.shared_stories`, `provenance.refresh`)."""

import time

from sqlalchemy import bindparam, update
from sqlmodel import Session

from ...processing.models import ProductLot
from ...provenance import refresh as refresh_derived_state
from ...provenance import shared_stories
from .plan import BATCH_ROWS


def stories(session: Session, product_lots: list[tuple]) -> dict:
    """The stored origin story of every product lot, by the app's own
    `provenance.shared_stories` (once per oil lot: its product lots share
    one story), written in batches. Then the GI status of all of them, by
    the one writer of a product lot's derived state (`provenance.refresh`).
    Returns timings and counts for the summary."""
    started = time.perf_counter()
    found = shared_stories(session, [lot.id for _processor, _product, lot, _oil in product_lots])
    updates = [{"key": lot_id, "story": story} for lot_id, story in found.items()]
    conn = session.connection()
    table = ProductLot.__table__
    for start in range(0, len(updates), BATCH_ROWS):
        conn.execute(update(table).where(table.c.lot_id == bindparam("key")).values(origin_story=bindparam("story")),
                     updates[start: start + BATCH_ROWS])
    story_seconds = time.perf_counter() - started
    started = time.perf_counter()
    session.expire_all()
    # The year's lots (earlier years' are done); the stories just written stand.
    refreshed = refresh_derived_state(session, set(found), stories=set())
    distinct = len(set(found.values()))
    return {"distinct_stories": distinct, "story_seconds": story_seconds, "per_story_ms": 1000 * story_seconds / max(1, distinct),
            "gi_refreshed": refreshed, "gi_seconds": time.perf_counter() - started}
