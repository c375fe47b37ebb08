"""quality grades' limits per extraction method (grade_limit)

GB/T 11765-2018 gives a grade table per extraction method (pressed,
solvent, ...). The limits move from quality_grade (which keeps each grade's
code and rank) to grade_limit, one row per method and grade. Each existing
grade's limits are copied to all three methods (cold_pressed, hot_pressed,
solvent): the bureau then sets the solvent-extracted oil's own figures on
/processing/grades. A new database gets reference.QUALITY_GRADES' defaults.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

METHODS = ("cold_pressed", "hot_pressed", "solvent")
LIMITS = ("max_acid_value_milli", "max_peroxide_value_milli", "max_moisture_milli")


def upgrade() -> None:
    op.create_table('grade_limit',
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('grade_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('max_acid_value_milli', sa.Integer(), nullable=False),
    sa.Column('max_peroxide_value_milli', sa.Integer(), nullable=False),
    sa.Column('max_moisture_milli', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grade_code'], ['quality_grade.code'], name=op.f('fk_grade_limit_grade_code_quality_grade')),
    sa.PrimaryKeyConstraint('method', 'grade_code', name=op.f('pk_grade_limit'))
    )
    columns = ", ".join(LIMITS)
    for method in METHODS:
        op.execute(sa.text(f"INSERT INTO grade_limit (method, grade_code, {columns}) "
                           f"SELECT :method, code, {columns} FROM quality_grade").bindparams(method=method))
    with op.batch_alter_table('quality_grade', schema=None) as batch_op:
        for column in LIMITS:
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table('quality_grade', schema=None) as batch_op:
        for column in LIMITS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    for column in LIMITS:  # the hot-pressed limits (the method every oil lot had before 0006)
        op.execute(f"UPDATE quality_grade SET {column} = (SELECT g.{column} FROM grade_limit g "
                   "WHERE g.grade_code = quality_grade.code AND g.method = 'hot_pressed')")
    with op.batch_alter_table('quality_grade', schema=None) as batch_op:
        for column in LIMITS:
            batch_op.alter_column(column, server_default=None)
    op.drop_table('grade_limit')
