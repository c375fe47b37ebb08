"""The geographical indication: its definition, protected townships and
authorized processors (rows written with the rest), and the special marks
the bureau issues once the GI status of every product lot is known."""

import json
from datetime import date, timedelta
from random import Random

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from ...gi.models import GIMarkIssue
from ...ledger.models import Lot
from ...processing.models import ProductLot
from ..common import DEMO_GI, DEMO_GI_LIMITS, GI_OUTSIDE
from .memory_ledger import utc_at
from .plan import BATCH_ROWS
from .state import County


def gi_definition(county: County) -> None:
    """The demo's GI, protected in every township but GI_OUTSIDE; about 70%
    of the processors authorized from January 15."""
    rng = county.rng
    gi_id = county.next_id("gi_product")
    county.rows["gi_product"].append(dict(id=gi_id, **DEMO_GI, **DEMO_GI_LIMITS.columns("max_"), active=True))
    for name, township_id in county.townships.items():
        if name not in GI_OUTSIDE:
            county.rows["gi_protected_township"].append(dict(gi_id=gi_id, township_id=township_id))
    for processor in county.orgs["processor"]:
        if rng.random() < 0.7:
            county.rows["gi_producer"].append(dict(id=county.next_id("gi_producer"), gi_id=gi_id, org_id=processor["id"],
                                                   authorized_on=date(county.year, 1, 15), revoked_on=None))


def issue_marks(session: Session, year: int, manager_id: int, rng: Random) -> tuple[int, int]:
    """The bureau issues GI special marks for most eligible lots, 60..100%
    of their units, in one issue or two. Like gi.services.issue_marks, each
    issue covers the next serials from the lot's first unmarked one, and
    product_lot.gi_marked counts the serials marked. Returns (issues, lots)."""
    rows = session.execute(select(ProductLot.lot_id, ProductLot.gi_status, ProductLot.serial_first, Lot.quantity,
                                  Lot.produced_on)
                           .join(Lot, Lot.id == ProductLot.lot_id)
                           .where(Lot.produced_on.between(date(year, 1, 1), date(year, 12, 31)))  # the year's lots
                           .order_by(ProductLot.lot_id)).all()
    marks, marked = [], []
    for lot_id, status, serial_first, quantity, produced_on in rows:
        status = json.loads(status or "{}")
        if not (status.get("eligible") and rng.random() < 0.6):
            continue
        day = min(produced_on + timedelta(days=rng.randint(1, 10)), date(year, 12, 31))
        first = serial_first
        for units in mark_issues(quantity * rng.randint(60, 100) // 100, rng):
            marks.append(dict(gi_id=status["gi_id"], lot_id=lot_id, units=units, serial_first=first,
                              serial_last=first + units - 1, issued_on=day, user_id=manager_id,
                              recorded_at=utc_at(day, rng)))
            first += units
            day = min(day + timedelta(days=rng.randint(1, 7)), date(year, 12, 31))
        assert first - serial_first <= quantity
        marked.append({"key": lot_id, "marked": first - serial_first})
    conn = session.connection()
    if marks:
        conn.execute(insert(GIMarkIssue.__table__), marks)
    table = ProductLot.__table__
    for start in range(0, len(marked), BATCH_ROWS):
        conn.execute(update(table).where(table.c.lot_id == bindparam("key")).values(gi_marked=bindparam("marked")),
                     marked[start: start + BATCH_ROWS])
    return len(marks), len(marked)


def mark_issues(total: int, rng: Random) -> list[int]:
    """The units of each issue for `total` marks: mostly one issue, now and
    then two (the first roll of labels ran out)."""
    if total < 2 or rng.random() >= 0.3:
        return [total] if total > 0 else []
    first = max(1, total * rng.randint(30, 70) // 100)
    return [first, total - first]
