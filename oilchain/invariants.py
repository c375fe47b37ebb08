"""The chain's invariants as SQL: each query counts the rows that break one.

What the services enforce one request at a time must also hold after any
number of requests raced: tests/test_races.py asserts every count is zero
after each race, and bench/check_county.py runs the same queries over a
county's bulk data. Plain SQL that SQLite and PostgreSQL both take.
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from .harvest.services import MAX_FRUIT_G_PER_MU

# A standing event: not reversed, and not itself a reversal.
_STANDING = "{e}.reversed_by_event_id IS NULL AND {e}.kind <> 'reverse'"


@dataclass(frozen=True)
class Invariant:
    name: str
    sql: str  # SELECT COUNT(*) of the rows that break it
    params: tuple = ()


INVARIANTS = [
    Invariant("remaining = sum of the lot's lines", """
        SELECT COUNT(*) FROM lot LEFT JOIN (SELECT lot_id, SUM(delta) AS s FROM event_line GROUP BY lot_id) x
          ON x.lot_id = lot.id WHERE lot.remaining <> COALESCE(x.s, 0)"""),
    Invariant("remaining >= 0", "SELECT COUNT(*) FROM lot WHERE remaining < 0"),
    Invariant("quantity = the output line that made the lot (exactly one)", """
        SELECT COUNT(*) FROM lot LEFT JOIN (SELECT lot_id, SUM(delta) AS s, COUNT(*) AS n FROM event_line
          WHERE role = 'output' AND delta > 0 GROUP BY lot_id) x ON x.lot_id = lot.id
        WHERE x.n IS NULL OR x.n <> 1 OR x.s <> lot.quantity"""),
    Invariant("lines signed by role (input < 0, output > 0, outside reversals)", """
        SELECT COUNT(*) FROM event_line l JOIN event e ON e.id = l.event_id WHERE e.kind <> 'reverse'
          AND ((l.role = 'input' AND l.delta >= 0) OR (l.role = 'output' AND l.delta <= 0))"""),
    Invariant("an event is reversed at most once, and both links agree", """
        SELECT COUNT(*) FROM event r LEFT JOIN event e ON e.id = r.reverses_event_id
        WHERE r.kind = 'reverse' AND (e.id IS NULL OR e.reversed_by_event_id IS NULL OR e.reversed_by_event_id <> r.id)"""),
    Invariant("a standing receipt is the receipt of exactly one shipment", f"""
        SELECT COUNT(*) FROM event e WHERE e.kind = 'receive' AND {_STANDING.format(e='e')}
          AND (SELECT COUNT(*) FROM shipment s WHERE s.receive_event_id = e.id) <> 1"""),
    Invariant("a received shipment's receipt is standing", """
        SELECT COUNT(*) FROM shipment s JOIN event e ON e.id = s.receive_event_id
        WHERE e.reversed_by_event_id IS NOT NULL OR s.cancelled"""),
    Invariant("a lot in transit has exactly one open shipment, any other lot none", """
        SELECT COUNT(*) FROM lot LEFT JOIN (SELECT lot_id, COUNT(*) AS n FROM shipment
          WHERE receive_event_id IS NULL AND NOT cancelled GROUP BY lot_id) o ON o.lot_id = lot.id
        WHERE (lot.status = 'in_transit' AND COALESCE(o.n, 0) <> 1) OR (lot.status <> 'in_transit' AND COALESCE(o.n, 0) > 0)"""),
    Invariant("a received lot belongs to the addressee of its last shipment", """
        SELECT COUNT(*) FROM shipment s JOIN lot ON lot.id = s.lot_id
        WHERE s.receive_event_id IS NOT NULL AND lot.owner_org_id <> s.to_org_id
          AND NOT EXISTS (SELECT 1 FROM shipment later WHERE later.lot_id = s.lot_id AND later.id > s.id
                          AND NOT later.cancelled)"""),
    Invariant("a reversed lot is never used by a standing event", f"""
        SELECT COUNT(*) FROM event_line l JOIN lot ON lot.id = l.lot_id JOIN event e ON e.id = l.event_id
        WHERE lot.status = 'reversed' AND l.role = 'input' AND {_STANDING.format(e='e')}"""),
    Invariant("a split moves one lot's quantity to one new lot of its kind and unit, nothing lost or added", """
        SELECT COUNT(*) FROM event e WHERE e.kind = 'split' AND (e.loss <> 0 OR e.untraced <> 0
          OR (SELECT COUNT(*) FROM event_line l WHERE l.event_id = e.id AND l.role = 'input') <> 1
          OR (SELECT COUNT(*) FROM event_line l WHERE l.event_id = e.id AND l.role = 'output') <> 1
          OR (SELECT COUNT(*) FROM event_line l WHERE l.event_id = e.id AND l.role = 'adjust') <> 0
          OR (SELECT SUM(l.delta) FROM event_line l WHERE l.event_id = e.id) <> 0
          OR EXISTS (SELECT 1 FROM event_line i JOIN lot a ON a.id = i.lot_id JOIN event_line o ON o.event_id = i.event_id
                     JOIN lot b ON b.id = o.lot_id WHERE i.event_id = e.id AND i.role = 'input' AND o.role = 'output'
                     AND (a.kind <> b.kind OR a.unit <> b.unit)))"""),
    Invariant("seedlings dispatched (standing) within their grade's count", f"""
        SELECT COUNT(*) FROM seedling_batch b JOIN (
          SELECT d.batch_lot_id, SUM(CASE WHEN d.grade = 1 THEN d.quantity ELSE 0 END) AS g1,
                 SUM(CASE WHEN d.grade = 2 THEN d.quantity ELSE 0 END) AS g2
          FROM seedling_dispatch d JOIN event e ON e.id = d.event_id WHERE {_STANDING.format(e='e')}
          GROUP BY d.batch_lot_id) x ON x.batch_lot_id = b.lot_id
        WHERE x.g1 > COALESCE(b.grade1, 0) OR x.g2 > COALESCE(b.grade2, 0)"""),
    Invariant("GI marks never above the lot's units", """
        SELECT COUNT(*) FROM (SELECT lot_id, SUM(units) AS u FROM gi_mark_issue GROUP BY lot_id) m
        JOIN lot ON lot.id = m.lot_id WHERE m.u > lot.quantity OR m.u < 0"""),
    Invariant("fresh fruit per plot and year under the harvest limit", """
        SELECT COUNT(*) FROM (SELECT h.plot_id, SUBSTR(CAST(h.harvested_on AS VARCHAR(10)), 1, 4) AS y, SUM(lot.quantity) AS g
          FROM harvest_record h JOIN lot ON lot.id = h.lot_id WHERE lot.status <> 'reversed'
          GROUP BY h.plot_id, SUBSTR(CAST(h.harvested_on AS VARCHAR(10)), 1, 4)) x
        JOIN plot p ON p.id = x.plot_id WHERE x.g * 100 > CAST(:fruit_per_mu AS BIGINT) * p.area_centimu""",
              (("fruit_per_mu", MAX_FRUIT_G_PER_MU),)),
    Invariant("one kind of work per plot and year within the plot's area", f"""
        SELECT COUNT(*) FROM (SELECT r.plot_id, r.kind, COALESCE(r.method, '') AS m,
            SUBSTR(CAST(r.planted_on AS VARCHAR(10)), 1, 4) AS y, SUM(r.area_centimu) AS a
          FROM planting_record r JOIN event e ON e.id = r.event_id WHERE {_STANDING.format(e='e')}
          GROUP BY r.plot_id, r.kind, COALESCE(r.method, ''), SUBSTR(CAST(r.planted_on AS VARCHAR(10)), 1, 4)) x
        JOIN plot p ON p.id = x.plot_id WHERE x.a > p.area_centimu"""),
    Invariant("a producer has at most one open GI authorization", """
        SELECT COUNT(*) FROM (SELECT gi_id, org_id FROM gi_producer WHERE revoked_on IS NULL
          GROUP BY gi_id, org_id HAVING COUNT(*) > 1) x"""),
    Invariant("a cooperative's plot names are unique in a village", """
        SELECT COUNT(*) FROM (SELECT cooperative_id, township_id, village, name FROM plot
          GROUP BY cooperative_id, township_id, village, name HAVING COUNT(*) > 1) x"""),
]


def violations(session: Session) -> dict[str, int]:
    """Each invariant that does not hold, with how many rows break it."""
    connection = session.connection()
    found = {}
    for invariant in INVARIANTS:
        bad = connection.execute(text(invariant.sql), dict(invariant.params)).scalar()
        if bad:
            found[invariant.name] = int(bad)
    return found
