"""Numbering and writing: ids in business order, lot codes and serial ranges
from the app's counters (so the app continues the numbering), then every
row written in SQLAlchemy Core executemany batches."""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import delete, insert, text

from ... import codes
from ...auth.models import Organization, User
from ...byproducts.models import ByProduct, GoodsLot
from ...gi.models import GIProducer, GIProduct, GIProtectedTownship
from ...harvest.models import HarvestRecord
from ...ledger.models import LOT_UNITS, Event, EventLine, Lot, Shipment
from ...nursery.models import SeedlingBatch, SeedlingDispatch
from ...planting.models import Acceptance, PlantingRecord, Plot, SurvivalCheck
from ...processing.models import OilLot, Product, ProductLot, ProductPhoto, QualityTest, Refining, Tank
from ...reports.models import Target
from ...sales.models import Sale
from .plan import BATCH_ROWS
from .state import County


def number(county: County) -> None:
    """Event and lot ids in business order; lot codes and serial ranges
    from the app's counters, so later use of the app continues them."""
    county.ledger.number()
    series = defaultdict(list)
    for lot in county.ledger.lots:
        series[codes.lot_series(lot.kind, lot.produced_on.year)].append(lot)
    for name, lots in sorted(series.items()):
        first = codes.allocate(county.session, name, len(lots))
        for k, lot in enumerate(lots):
            lot.code = codes.lot_code(lot.kind, lot.produced_on.year, first + k)
    county.serials = {}
    for products in county.products_of.values():
        for product in products:
            lots = sorted(product["lots"], key=lambda lot: lot.id)
            if not lots:
                continue
            first = codes.allocate(county.session, f"serial:{product['gtin']}", sum(lot.quantity for lot in lots))
            for lot in lots:
                county.serials[lot.id] = (first, first + lot.quantity - 1)
                first += lot.quantity
            assert first - 1 < 10**codes.SERIAL_DIGITS


def write(county: County) -> dict[str, int]:
    """Every table's rows in bulk; returns the rows written per table."""
    conn = county.session.connection()
    tables = table_rows(county)
    # The year's targets are the ones it was generated to meet: they replace
    # any already there (the reference data's plan year, when a later year of
    # a run falls on it, has a by-products target the later years do not).
    conn.execute(delete(Target).where(Target.year == county.year))
    counts = {}
    for model, rows in tables:
        table = model.__table__
        for start in range(0, len(rows), BATCH_ROWS):
            conn.execute(insert(table), rows[start: start + BATCH_ROWS])
        counts[table.name] = len(rows)
    if conn.dialect.name == "postgresql":
        advance_id_sequences(conn, tables)
    return counts


def table_rows(county: County) -> list[tuple]:
    """(model, rows) in the order they can be inserted: the ledger first,
    then the rows naming its lots and events (resolved to their ids)."""
    rows = county.rows
    tables = [
        (Organization, rows["organization"]),
        (User, rows["user"]),
        (Plot, rows["plot"]),
        (Lot, [dict(id=lot.id, code=lot.code, kind=lot.kind, unit=lot.unit or LOT_UNITS[lot.kind], quantity=lot.quantity,
                    remaining=lot.remaining, owner_org_id=lot.owner, status=lot.status, produced_on=lot.produced_on,
                    created_at=lot.created_at) for lot in county.ledger.lots]),
        (Event, [dict(id=ev.id, kind=ev.kind, org_id=ev.org, user_id=ev.user, occurred_on=ev.day,
                      recorded_at=ev.recorded_at, plot_id=ev.plot, loss=ev.loss, untraced=ev.untraced, reverses_event_id=None,
                      reversed_by_event_id=None, note=ev.note) for ev in county.ledger.events]),
        (EventLine, event_lines(county)),
        (Tank, [ref(r, lot="lot_id") for r in rows["tank"]]),
        (OilLot, [ref(r, lot="lot_id") for r in rows["oil_lot"]]),
        (Refining, [ref(r, event="event_id") for r in rows["refining"]]),
        (ByProduct, rows["by_product"]),
        (GoodsLot, [ref(r, lot="lot_id") for r in rows["goods_lot"]]),
        (Shipment, [ref(r, lot="lot_id", ship_event="ship_event_id", receive_event="receive_event_id")
                    for r in rows["shipment"]]),
        (SeedlingBatch, [ref(r, lot="lot_id", grade_event="grade_event_id") for r in rows["seedling_batch"]]),
        (SeedlingDispatch, [ref(r, event="event_id", batch_lot="batch_lot_id", dispatch_lot="dispatch_lot_id")
                            for r in rows["seedling_dispatch"]]),
        (PlantingRecord, [ref(r, event="event_id") for r in rows["planting_record"]]),
        (SurvivalCheck, rows["survival_check"]),
        (Acceptance, rows["acceptance"]),
        (HarvestRecord, [ref(r, lot="lot_id") for r in rows["harvest_record"]]),
        (Product, rows["product"]),
        (ProductPhoto, rows["product_photo"]),
        (ProductLot, product_lot_rows(county)),
        (QualityTest, [ref(r, lot="lot_id") for r in rows["quality_test"]]),
        (Sale, [ref(r, event="event_id", lot="lot_id") for r in rows["sale"]]),
        (GIProduct, rows["gi_product"]),
        (GIProtectedTownship, rows["gi_protected_township"]),
        (GIProducer, rows["gi_producer"]),
    ]
    tables.append((Target, [dict(year=county.year, metric=metric, value=value)
                            for metric, value in county.targets.items()]))
    return tables


def ref(row: dict, **keys: str) -> dict:
    """The row with each generated object (an `L` or `Ev`, or None) under
    `key` replaced by its id under the column name `keys[key]`."""
    for key, column in keys.items():
        obj = row.pop(key)
        row[column] = None if obj is None else obj.id
    return row


def event_lines(county: County) -> list[dict]:
    line_rows = []
    for ev in county.ledger.events:
        for lot, role, delta in ev.lines:
            line_rows.append(dict(id=county.next_id("event_line"), event_id=ev.id, lot_id=lot.id, role=role, delta=delta))
    return line_rows


def product_lot_rows(county: County) -> list[dict]:
    """Product lots with their serial ranges; story and GI status are
    filled in after writing (stories.py)."""
    product_lot_rows = []
    for _processor, product, lot, _oil in county.product_lots:
        first, last = county.serials[lot.id]
        product_lot_rows.append(dict(lot_id=lot.id, product_id=product["id"], serial_first=first, serial_last=last,
                                     best_before=lot.produced_on + timedelta(days=540), origin_story="{}",
                                     story_updated_at=lot.created_at, gi_status="{}"))
    return product_lot_rows


def advance_id_sequences(conn, tables) -> None:
    """PostgreSQL: each serial id column's sequence moved past the ids written."""
    for model, rows in tables:
        table = model.__table__
        if "id" in table.c and rows and table.c.id.primary_key and table.c.id.autoincrement:
            name = f'"{table.name}"' if table.name == "user" else table.name
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))
