"""improved varieties and seedling bundles

Varieties say whether they are approved improved varieties (良种) with
their approval number, and whether that number is still to be confirmed:
the improved-variety share of the year's planting (the plan's 75%) counts
plantings of those. A variety marked improved must carry a number (a check
constraint). Existing varieties start as not improved: an admin marks them.

Each seedling grade gets the number of plants tied in a bundle
(`grading_standard.plants_per_bundle`), one label (标签) per bundle: 50 for
grade I and 100 for grade II until the bureau sets its own.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BUNDLES = {1: 50, 2: 100}


def upgrade() -> None:
    with op.batch_alter_table("grading_standard", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plants_per_bundle", sa.Integer(), nullable=False, server_default="100"))
    for grade, plants in BUNDLES.items():
        op.execute(sa.text("UPDATE grading_standard SET plants_per_bundle = :plants WHERE grade = :grade")
                   .bindparams(plants=plants, grade=grade))
    with op.batch_alter_table("grading_standard", schema=None) as batch_op:
        batch_op.alter_column("plants_per_bundle", server_default=None)

    with op.batch_alter_table("variety", schema=None) as batch_op:
        batch_op.add_column(sa.Column("improved", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("approval_number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("approval_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("variety", schema=None) as batch_op:
        batch_op.alter_column("improved", server_default=None)
        batch_op.alter_column("approval_pending", server_default=None)
        batch_op.create_check_constraint("improved_has_approval_number", "NOT improved OR approval_number IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("variety", schema=None) as batch_op:
        batch_op.drop_constraint("improved_has_approval_number", type_="check")
        batch_op.drop_column("approval_pending")
        batch_op.drop_column("approval_number")
        batch_op.drop_column("improved")
    with op.batch_alter_table("grading_standard", schema=None) as batch_op:
        batch_op.drop_column("plants_per_bundle")
