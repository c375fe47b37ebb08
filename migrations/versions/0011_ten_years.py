"""ten years of records

Measured on ten county-years (bench/sizes.py against one year): the pages
and jobs that read one season, or the few serials that look copied, read
whole tables that grow every year. Indexes PostgreSQL already has:

- lot.produced_on: a season's lots (the brain's bottles, the GI register);
- event.occurred_on where kind = 'ship' (partial): a season's shipments;
- serial_scan (lot_id, serial) where networks >= 5 or days >= 10 (partial,
  the copied-code rule's reference thresholds): the serials that look copied;
- serial_scan.last_day: a season's scanned bottles (the brain). It changes
  with `days`, on a bottle's first scan of a day, so the other rescans stay
  HOT updates; rows scanned before migration 0005 get it from last_scan_at
  (county time, UTC+8 all year).

On PostgreSQL the database's random_page_cost becomes 1.1 (the default 4
assumes spinning disks; with the data cached or on SSD the planner otherwise
hash-joins a trace step over every event instead of probing the few it
needs). Where the migrating role may not alter the database, a notice says
so and the setting is the operator's (README, Operations).
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SHIPPING = "kind = 'ship'"
LOOKS_COPIED = "networks >= 5 OR days >= 10"


def upgrade() -> None:
    op.create_index(op.f("ix_lot_produced_on"), "lot", ["produced_on"])
    op.create_index("ix_event_ship_occurred_on", "event", ["occurred_on"],
                    sqlite_where=sa.text(SHIPPING), postgresql_where=sa.text(SHIPPING))
    op.create_index("ix_serial_scan_looks_copied", "serial_scan", ["lot_id", "serial"],
                    sqlite_where=sa.text(LOOKS_COPIED), postgresql_where=sa.text(LOOKS_COPIED))
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("UPDATE serial_scan SET last_day = "
               + ("CAST(last_scan_at AT TIME ZONE 'Asia/Shanghai' AS date)" if postgresql
                  else "date(last_scan_at, '+8 hours')") + " WHERE last_day IS NULL")
    op.create_index(op.f("ix_serial_scan_last_day"), "serial_scan", ["last_day"])
    if postgresql:
        op.execute("""DO $$ BEGIN
            EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'random_page_cost left as it is: this role may not alter the database';
        END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""DO $$ BEGIN
            EXECUTE format('ALTER DATABASE %I RESET random_page_cost', current_database());
        EXCEPTION WHEN insufficient_privilege THEN NULL;
        END $$""")
    op.drop_index(op.f("ix_serial_scan_last_day"), table_name="serial_scan")
    op.drop_index("ix_serial_scan_looks_copied", table_name="serial_scan")
    op.drop_index("ix_event_ship_occurred_on", table_name="event")
    op.drop_index(op.f("ix_lot_produced_on"), table_name="lot")
