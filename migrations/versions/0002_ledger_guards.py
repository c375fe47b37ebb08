"""ledger guards: holds, one open shipment per lot, GI mark ranges, price
bounds, dispatch age limits, unique plot names, session versions

Revision ID: 0002
Revises: 0001
"""

import json
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN_SHIPMENT = "receive_event_id IS NULL AND NOT cancelled"


def upgrade() -> None:
    op.create_table(
        "dispatch_age_limit",
        sa.Column("propagation", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("propagation", name=op.f("pk_dispatch_age_limit")),
    )
    op.create_table(
        "price_bound",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("min_sales", sa.Integer(), nullable=False),
        sa.Column("low_percent", sa.Integer(), nullable=False),
        sa.Column("high_percent", sa.Integer(), nullable=False),
        sa.Column("floor_fen_per_kg", sa.BigInteger(), nullable=False),
        sa.Column("ceiling_fen_per_kg", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_price_bound")),
    )
    op.create_table(
        "lot_hold",
        sa.Column("recall_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("placed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("lifted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_lot_hold_lot_id_lot")),
        sa.ForeignKeyConstraint(["recall_id"], ["recall.id"], name=op.f("fk_lot_hold_recall_id_recall")),
        sa.PrimaryKeyConstraint("recall_id", "lot_id", name=op.f("pk_lot_hold")),
    )
    with op.batch_alter_table("lot_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_hold_lot_id"), ["lot_id"], unique=False)
    op.create_table(
        "plot_hold",
        sa.Column("recall_id", sa.Integer(), nullable=False),
        sa.Column("plot_id", sa.Integer(), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=True),
        sa.Column("lifted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["plot_id"], ["plot.id"], name=op.f("fk_plot_hold_plot_id_plot")),
        sa.ForeignKeyConstraint(["recall_id"], ["recall.id"], name=op.f("fk_plot_hold_recall_id_recall")),
        sa.PrimaryKeyConstraint("recall_id", "plot_id", name=op.f("pk_plot_hold")),
    )
    with op.batch_alter_table("plot_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plot_hold_plot_id"), ["plot_id"], unique=False)

    # The recalls' marked product lots become their holds (lifted when the recall closed).
    op.execute(
        "INSERT INTO lot_hold (recall_id, lot_id, placed_at, lifted_at) "
        "SELECT rl.recall_id, rl.lot_id, r.created_at, r.closed_at FROM recall_lot rl JOIN recall r ON r.id = rl.recall_id"
    )
    with op.batch_alter_table("recall_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recall_lot_lot_id"))
    op.drop_table("recall_lot")
    with op.batch_alter_table("recall", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_recall_closed_by_user"), "user", ["closed_by"], ["id"])

    # GI marks as serial ranges: existing issues, in the order they were made,
    # take the lot's serials from its first one on.
    with op.batch_alter_table("gi_mark_issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("serial_first", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("serial_last", sa.Integer(), nullable=True))
    with op.batch_alter_table("product_lot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gi_marked", sa.Integer(), nullable=False, server_default="0"))
    backfill_mark_ranges()
    with op.batch_alter_table("gi_mark_issue", schema=None) as batch_op:
        batch_op.alter_column("serial_first", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("serial_last", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("product_lot", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "gi_marked_within_range", "gi_marked >= 0 AND gi_marked <= serial_last - serial_first + 1")

    with op.batch_alter_table("gi_producer", schema=None) as batch_op:
        batch_op.create_index("uq_gi_producer_open", ["gi_id", "org_id"], unique=True,
                              sqlite_where=sa.text("revoked_on IS NULL"), postgresql_where=sa.text("revoked_on IS NULL"))

    rename_duplicate_plots()
    with op.batch_alter_table("plot", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_plot_cooperative_id_township_id_village_name"),
                                          ["cooperative_id", "township_id", "village", "name"])

    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lowest_grade", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_product_lowest_grade_quality_grade"), "quality_grade",
                                    ["lowest_grade"], ["code"])
    with op.batch_alter_table("sale", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                      server_default=""))

    # At most one open shipment per lot: extra open shipments that racing
    # requests left behind (before this) are cancelled, the first one stays.
    op.execute(
        "UPDATE shipment SET cancelled = TRUE WHERE receive_event_id IS NULL AND NOT cancelled AND id > "
        "(SELECT MIN(s.id) FROM shipment s WHERE s.lot_id = shipment.lot_id AND s.receive_event_id IS NULL AND NOT s.cancelled)"
    )
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.create_index("uq_shipment_open_lot", ["lot_id"], unique=True,
                              sqlite_where=sa.text(OPEN_SHIPMENT), postgresql_where=sa.text(OPEN_SHIPMENT))
        batch_op.create_unique_constraint(batch_op.f("uq_shipment_receive_event_id"), ["receive_event_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_shipment_ship_event_id"), ["ship_event_id"])

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))


def backfill_mark_ranges() -> None:
    connection = op.get_bind()
    issues = connection.execute(sa.text(
        "SELECT m.id, m.lot_id, m.units, p.serial_first FROM gi_mark_issue m JOIN product_lot p ON p.lot_id = m.lot_id "
        "ORDER BY m.lot_id, m.id")).all()
    marked: dict[int, int] = {}
    for issue_id, lot_id, units, serial_first in issues:
        first = serial_first + marked.get(lot_id, 0)
        connection.execute(sa.text("UPDATE gi_mark_issue SET serial_first = :a, serial_last = :b WHERE id = :i"),
                           {"a": first, "b": first + units - 1, "i": issue_id})
        marked[lot_id] = marked.get(lot_id, 0) + units
    for lot_id, count in marked.items():
        connection.execute(sa.text("UPDATE product_lot SET gi_marked = :n WHERE lot_id = :i"), {"n": count, "i": lot_id})


def rename_duplicate_plots() -> None:
    """Two plots of one cooperative with one name in one village: the first
    keeps it, the others get "(2)", "(3)", ... and the audit log says so."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, cooperative_id, township_id, village, name FROM plot ORDER BY cooperative_id, township_id, village, name, id"
    )).all()
    taken = {(c, t, v, n) for _, c, t, v, n in rows}
    seen: set = set()
    now = datetime.now(timezone.utc)
    for plot_id, coop, township, village, name in rows:
        key = (coop, township, village, name)
        if key not in seen:
            seen.add(key)
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            candidate = name[: 60 - len(suffix)] + suffix
            if (coop, township, village, candidate) not in taken:
                break
            number += 1
        taken.add((coop, township, village, candidate))
        connection.execute(sa.text("UPDATE plot SET name = :n WHERE id = :i"), {"n": candidate, "i": plot_id})
        connection.execute(
            sa.text("INSERT INTO audit_entry (at, user_id, action, entity, entity_id, detail) "
                    "VALUES (:at, NULL, 'rename', 'plot', :i, :d)"),
            {"at": now, "i": plot_id, "d": json.dumps({"from": name, "to": candidate,
                                                        "why": "two plots of the cooperative had this name in the village"},
                                                       ensure_ascii=False)},
        )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_shipment_ship_event_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_shipment_receive_event_id"), type_="unique")
        batch_op.drop_index("uq_shipment_open_lot")
    with op.batch_alter_table("sale", schema=None) as batch_op:
        batch_op.drop_column("price_note")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_product_lowest_grade_quality_grade"), type_="foreignkey")
        batch_op.drop_column("lowest_grade")
    with op.batch_alter_table("plot", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_plot_cooperative_id_township_id_village_name"), type_="unique")
    with op.batch_alter_table("gi_producer", schema=None) as batch_op:
        batch_op.drop_index("uq_gi_producer_open")
    with op.batch_alter_table("product_lot", schema=None) as batch_op:
        batch_op.drop_constraint("gi_marked_within_range", type_="check")
        batch_op.drop_column("gi_marked")
    with op.batch_alter_table("gi_mark_issue", schema=None) as batch_op:
        batch_op.drop_column("serial_last")
        batch_op.drop_column("serial_first")
    with op.batch_alter_table("recall", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_recall_closed_by_user"), type_="foreignkey")
        batch_op.drop_column("closed_by")
    op.create_table(
        "recall_lot",
        sa.Column("recall_id", sa.INTEGER(), nullable=False),
        sa.Column("lot_id", sa.INTEGER(), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_recall_lot_lot_id_lot")),
        sa.ForeignKeyConstraint(["recall_id"], ["recall.id"], name=op.f("fk_recall_lot_recall_id_recall")),
        sa.PrimaryKeyConstraint("recall_id", "lot_id", name=op.f("pk_recall_lot")),
    )
    with op.batch_alter_table("recall_lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recall_lot_lot_id"), ["lot_id"], unique=False)
    op.execute("INSERT INTO recall_lot (recall_id, lot_id) SELECT h.recall_id, h.lot_id FROM lot_hold h "
               "JOIN product_lot p ON p.lot_id = h.lot_id")
    with op.batch_alter_table("plot_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plot_hold_plot_id"))
    op.drop_table("plot_hold")
    with op.batch_alter_table("lot_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_hold_lot_id"))
    op.drop_table("lot_hold")
    op.drop_table("price_bound")
    op.drop_table("dispatch_age_limit")
