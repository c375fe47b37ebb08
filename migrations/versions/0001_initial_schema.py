"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 16:54:21.467279
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gi_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('registration', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('specification', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('max_acid_value_milli', sa.Integer(), nullable=False),
    sa.Column('max_peroxide_value_milli', sa.Integer(), nullable=False),
    sa.Column('max_moisture_milli', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gi_product'))
    )
    op.create_table('grading_standard',
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('min_height_mm', sa.Integer(), nullable=False),
    sa.Column('min_diameter_dmm', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('grade', name=op.f('pk_grading_standard'))
    )
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_job_id'), ['job_id'], unique=False)

    op.create_table('quality_grade',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('max_acid_value_milli', sa.Integer(), nullable=False),
    sa.Column('max_peroxide_value_milli', sa.Integer(), nullable=False),
    sa.Column('max_moisture_milli', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_quality_grade'))
    )
    op.create_table('report_archive',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_archive')),
    sa.UniqueConstraint('year', 'month', name=op.f('uq_report_archive_year_month'))
    )
    op.create_table('rollup',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('through_day', sa.Date(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_rollup'))
    )
    op.create_table('sequence',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('next_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sequence'))
    )
    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('year', 'metric', name=op.f('uq_target_year_metric'))
    )
    op.create_table('township',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['township.id'], name=op.f('fk_township_merged_into_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_township')),
    sa.UniqueConstraint('name', name=op.f('uq_township_name'))
    )
    op.create_table('variety',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variety')),
    sa.UniqueConstraint('name', name=op.f('uq_variety_name'))
    )
    op.create_table('yield_bound',
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('output_kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('min_permille', sa.Integer(), nullable=False),
    sa.Column('max_permille', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('step', 'output_kind', name=op.f('pk_yield_bound'))
    )
    op.create_table('daily_actual',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_daily_actual_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_actual')),
    sa.UniqueConstraint('day', 'metric', 'township_id', name=op.f('uq_daily_actual_day_metric_township_id'))
    )
    with op.batch_alter_table('daily_actual', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_actual_day'), ['day'], unique=False)

    op.create_table('gi_protected_township',
    sa.Column('gi_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gi_id'], ['gi_product.id'], name=op.f('fk_gi_protected_township_gi_id_gi_product')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_gi_protected_township_township_id_township')),
    sa.PrimaryKeyConstraint('gi_id', 'township_id', name=op.f('pk_gi_protected_township'))
    )
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_organization_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('name', name=op.f('uq_organization_name'))
    )
    op.create_table('gi_producer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gi_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('authorized_on', sa.Date(), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['gi_id'], ['gi_product.id'], name=op.f('fk_gi_producer_gi_id_gi_product')),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_gi_producer_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gi_producer'))
    )
    op.create_table('lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('remaining', sa.BigInteger(), nullable=False),
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('produced_on', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('remaining >= 0', name=op.f('ck_lot_remaining_not_negative')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organization.id'], name=op.f('fk_lot_owner_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot')),
    sa.UniqueConstraint('code', name=op.f('uq_lot_code'))
    )
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_owner_org_id'), ['owner_org_id'], unique=False)

    op.create_table('plot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('area_centimu', sa.Integer(), nullable=False),
    sa.Column('latitude_e6', sa.Integer(), nullable=False),
    sa.Column('longitude_e6', sa.Integer(), nullable=False),
    sa.Column('year_planted', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['organization.id'], name=op.f('fk_plot_cooperative_id_organization')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_plot_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plot'))
    )
    with op.batch_alter_table('plot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plot_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plot_township_id'), ['township_id'], unique=False)

    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('gtin', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('net_content_ml', sa.Integer(), nullable=False),
    sa.Column('fill_grams', sa.Integer(), nullable=False),
    sa.Column('shelf_life_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_product_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('gtin', name=op.f('uq_product_gtin'))
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_org_id'), ['org_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_user_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organization_id'), ['organization_id'], unique=False)

    op.create_table('access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_access_token_org_id_organization')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_access_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_access_token_token_hash'))
    )
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_token_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('plot_id', sa.Integer(), nullable=True),
    sa.Column('loss', sa.BigInteger(), nullable=False),
    sa.Column('reverses_event_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_event_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_event_org_id_organization')),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], name=op.f('fk_event_plot_id_plot')),
    sa.ForeignKeyConstraint(['reversed_by_event_id'], ['event.id'], name=op.f('fk_event_reversed_by_event_id_event')),
    sa.ForeignKeyConstraint(['reverses_event_id'], ['event.id'], name=op.f('fk_event_reverses_event_id_event')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('reversed_by_event_id', name=op.f('uq_event_reversed_by_event_id')),
    sa.UniqueConstraint('reverses_event_id', name=op.f('uq_event_reverses_event_id'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_occurred_on'), ['occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_plot_id'), ['plot_id'], unique=False)

    op.create_table('gi_mark_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gi_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['gi_id'], ['gi_product.id'], name=op.f('fk_gi_mark_issue_gi_id_gi_product')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_gi_mark_issue_lot_id_lot')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_gi_mark_issue_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gi_mark_issue'))
    )
    with op.batch_alter_table('gi_mark_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gi_mark_issue_lot_id'), ['lot_id'], unique=False)

    op.create_table('harvest_record',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('plot_id', sa.Integer(), nullable=False),
    sa.Column('harvested_on', sa.Date(), nullable=False),
    sa.Column('pickers', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_harvest_record_lot_id_lot')),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], name=op.f('fk_harvest_record_plot_id_plot')),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_harvest_record')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_harvest_record_client_uuid'))
    )
    with op.batch_alter_table('harvest_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harvest_record_plot_id'), ['plot_id'], unique=False)

    op.create_table('product_lot',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('serial_first', sa.Integer(), nullable=False),
    sa.Column('serial_last', sa.Integer(), nullable=False),
    sa.Column('best_before', sa.Date(), nullable=False),
    sa.Column('origin_story', sa.Text(), nullable=False),
    sa.Column('story_updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('story_version', sa.Integer(), nullable=False),
    sa.Column('gi_status', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_product_lot_lot_id_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_lot_product_id_product')),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_product_lot'))
    )
    with op.batch_alter_table('product_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_lot_product_id'), ['product_id'], unique=False)

    op.create_table('quality_test',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('tested_on', sa.Date(), nullable=False),
    sa.Column('acid_value_milli', sa.Integer(), nullable=False),
    sa.Column('peroxide_value_milli', sa.Integer(), nullable=False),
    sa.Column('moisture_milli', sa.Integer(), nullable=False),
    sa.Column('laboratory', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.Integer(), nullable=True),
    sa.Column('withdrawn_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_quality_test_lot_id_lot')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_quality_test_user_id_user')),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['user.id'], name=op.f('fk_quality_test_withdrawn_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_test'))
    )
    with op.batch_alter_table('quality_test', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_test_lot_id'), ['lot_id'], unique=False)

    op.create_table('recall',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start_kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('start_id', sa.Integer(), nullable=False),
    sa.Column('start_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recall_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recall'))
    )
    op.create_table('serial_scan',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('first_scan_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_scan_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_serial_scan_lot_id_lot')),
    sa.PrimaryKeyConstraint('lot_id', 'serial', name=op.f('pk_serial_scan'))
    )
    op.create_table('unknown_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_unknown_scan_lot_id_lot')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_unknown_scan_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unknown_scan'))
    )
    with op.batch_alter_table('unknown_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unknown_scan_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unknown_scan_product_id'), ['product_id'], unique=False)

    op.create_table('event_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('delta', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_line_event_id_event')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_event_line_lot_id_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_line'))
    )
    with op.batch_alter_table('event_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_line_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_line_lot_id'), ['lot_id'], unique=False)

    op.create_table('planting_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('area_centimu', sa.Integer(), nullable=False),
    sa.Column('variety_id', sa.Integer(), nullable=False),
    sa.Column('seedlings', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('planted_on', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_planting_record_event_id_event')),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], name=op.f('fk_planting_record_plot_id_plot')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_planting_record_user_id_user')),
    sa.ForeignKeyConstraint(['variety_id'], ['variety.id'], name=op.f('fk_planting_record_variety_id_variety')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planting_record'))
    )
    with op.batch_alter_table('planting_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planting_record_plot_id'), ['plot_id'], unique=False)

    op.create_table('recall_lot',
    sa.Column('recall_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_recall_lot_lot_id_lot')),
    sa.ForeignKeyConstraint(['recall_id'], ['recall.id'], name=op.f('fk_recall_lot_recall_id_recall')),
    sa.PrimaryKeyConstraint('recall_id', 'lot_id', name=op.f('pk_recall_lot'))
    )
    with op.batch_alter_table('recall_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recall_lot_lot_id'), ['lot_id'], unique=False)

    op.create_table('sale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('buyer', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('sold_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_sale_event_id_event')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_sale_lot_id_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale')),
    sa.UniqueConstraint('event_id', name=op.f('uq_sale_event_id'))
    )
    with op.batch_alter_table('sale', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_lot_id'), ['lot_id'], unique=False)

    op.create_table('seedling_batch',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('variety_id', sa.Integer(), nullable=False),
    sa.Column('propagation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('seed_source', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('started_quantity', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('growing_on', sa.Date(), nullable=True),
    sa.Column('graded_on', sa.Date(), nullable=True),
    sa.Column('grade_event_id', sa.Integer(), nullable=True),
    sa.Column('grade1', sa.Integer(), nullable=True),
    sa.Column('grade2', sa.Integer(), nullable=True),
    sa.Column('rejected', sa.Integer(), nullable=True),
    sa.Column('grade1_min_height_mm', sa.Integer(), nullable=True),
    sa.Column('grade1_min_diameter_dmm', sa.Integer(), nullable=True),
    sa.Column('grade2_min_height_mm', sa.Integer(), nullable=True),
    sa.Column('grade2_min_diameter_dmm', sa.Integer(), nullable=True),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('licence_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('certificate_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('label_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('quarantine_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['grade_event_id'], ['event.id'], name=op.f('fk_seedling_batch_grade_event_id_event')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_seedling_batch_lot_id_lot')),
    sa.ForeignKeyConstraint(['variety_id'], ['variety.id'], name=op.f('fk_seedling_batch_variety_id_variety')),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_seedling_batch'))
    )
    op.create_table('seedling_dispatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('batch_lot_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('plot_id', sa.Integer(), nullable=True),
    sa.Column('dispatch_lot_id', sa.Integer(), nullable=True),
    sa.Column('destination', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('dispatched_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['batch_lot_id'], ['lot.id'], name=op.f('fk_seedling_dispatch_batch_lot_id_lot')),
    sa.ForeignKeyConstraint(['dispatch_lot_id'], ['lot.id'], name=op.f('fk_seedling_dispatch_dispatch_lot_id_lot')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_seedling_dispatch_event_id_event')),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], name=op.f('fk_seedling_dispatch_plot_id_plot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seedling_dispatch')),
    sa.UniqueConstraint('event_id', name=op.f('uq_seedling_dispatch_event_id'))
    )
    with op.batch_alter_table('seedling_dispatch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seedling_dispatch_batch_lot_id'), ['batch_lot_id'], unique=False)

    op.create_table('shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('declared_quantity', sa.BigInteger(), nullable=False),
    sa.Column('ship_event_id', sa.Integer(), nullable=False),
    sa.Column('receive_event_id', sa.Integer(), nullable=True),
    sa.Column('received_quantity', sa.BigInteger(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['from_org_id'], ['organization.id'], name=op.f('fk_shipment_from_org_id_organization')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_shipment_lot_id_lot')),
    sa.ForeignKeyConstraint(['receive_event_id'], ['event.id'], name=op.f('fk_shipment_receive_event_id_event')),
    sa.ForeignKeyConstraint(['ship_event_id'], ['event.id'], name=op.f('fk_shipment_ship_event_id_event')),
    sa.ForeignKeyConstraint(['to_org_id'], ['organization.id'], name=op.f('fk_shipment_to_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_to_org_id'), ['to_org_id'], unique=False)

    op.create_table('acceptance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('planting_id', sa.Integer(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('accepted_area_centimu', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['planting_id'], ['planting_record.id'], name=op.f('fk_acceptance_planting_id_planting_record')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_acceptance_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptance')),
    sa.UniqueConstraint('planting_id', name=op.f('uq_acceptance_planting_id'))
    )
    op.create_table('survival_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('planting_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('survival_permille', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['planting_id'], ['planting_record.id'], name=op.f('fk_survival_check_planting_id_planting_record')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survival_check_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survival_check'))
    )
    with op.batch_alter_table('survival_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survival_check_planting_id'), ['planting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('survival_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survival_check_planting_id'))

    op.drop_table('survival_check')
    op.drop_table('acceptance')
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_lot_id'))

    op.drop_table('shipment')
    with op.batch_alter_table('seedling_dispatch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seedling_dispatch_batch_lot_id'))

    op.drop_table('seedling_dispatch')
    op.drop_table('seedling_batch')
    with op.batch_alter_table('sale', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_lot_id'))

    op.drop_table('sale')
    with op.batch_alter_table('recall_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recall_lot_lot_id'))

    op.drop_table('recall_lot')
    with op.batch_alter_table('planting_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planting_record_plot_id'))

    op.drop_table('planting_record')
    with op.batch_alter_table('event_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_line_lot_id'))
        batch_op.drop_index(batch_op.f('ix_event_line_event_id'))

    op.drop_table('event_line')
    with op.batch_alter_table('unknown_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unknown_scan_product_id'))
        batch_op.drop_index(batch_op.f('ix_unknown_scan_at'))

    op.drop_table('unknown_scan')
    op.drop_table('serial_scan')
    op.drop_table('recall')
    with op.batch_alter_table('quality_test', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_test_lot_id'))

    op.drop_table('quality_test')
    with op.batch_alter_table('product_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_lot_product_id'))

    op.drop_table('product_lot')
    with op.batch_alter_table('harvest_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harvest_record_plot_id'))

    op.drop_table('harvest_record')
    with op.batch_alter_table('gi_mark_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gi_mark_issue_lot_id'))

    op.drop_table('gi_mark_issue')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_plot_id'))
        batch_op.drop_index(batch_op.f('ix_event_org_id'))
        batch_op.drop_index(batch_op.f('ix_event_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_event_kind'))

    op.drop_table('event')
    op.drop_table('audit_entry')
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_token_org_id'))

    op.drop_table('access_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_organization_id'))

    op.drop_table('user')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_org_id'))

    op.drop_table('product')
    with op.batch_alter_table('plot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plot_township_id'))
        batch_op.drop_index(batch_op.f('ix_plot_cooperative_id'))

    op.drop_table('plot')
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_lot_kind'))

    op.drop_table('lot')
    op.drop_table('gi_producer')
    op.drop_table('organization')
    op.drop_table('gi_protected_township')
    with op.batch_alter_table('daily_actual', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_actual_day'))

    op.drop_table('daily_actual')
    op.drop_table('yield_bound')
    op.drop_table('variety')
    op.drop_table('township')
    op.drop_table('target')
    op.drop_table('sequence')
    op.drop_table('rollup')
    op.drop_table('report_archive')
    op.drop_table('quality_grade')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_job_id'))

    op.drop_table('job_run')
    op.drop_table('grading_standard')
    op.drop_table('gi_product')
