"""a private definition's access list

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 14:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('definition_access',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('user_name', sa.String(length=150), nullable=False),
    sa.ForeignKeyConstraint(['key'], ['definitions.key'], name=op.f('fk_definition_access_key_definitions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', 'user_name', name=op.f('pk_definition_access'))
    )


def downgrade() -> None:
    op.drop_table('definition_access')
