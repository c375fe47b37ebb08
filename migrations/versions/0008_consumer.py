"""consumer contact, GLN, product photo

Organizations get a GS1 GLN (how the EPCIS export names them to others'
systems, unique where given) and a contact for consumers (phone, address;
the bureau's phone is the hotline the consumer pages give for recalls and
doubtful codes). Products get a photo (product_photo), stored in the
database already resized, for the consumer pages. Nothing to fill in:
existing organizations have no GLN or contact until an admin sets them.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('product_photo',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_photo_product_id_product')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], name=op.f('fk_product_photo_uploaded_by_user')),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_product_photo'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gln', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=True))
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organization_gln'), ['gln'])



def downgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organization_gln'), type_='unique')
        batch_op.drop_column('address')
        batch_op.drop_column('phone')
        batch_op.drop_column('gln')

    op.drop_table('product_photo')
