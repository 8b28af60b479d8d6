"""roles and owners: analysts and integration users; a definition's owners

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:50:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('is_analyst', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('is_integration', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'definition_owners',
        sa.Column('key', sa.String(255), sa.ForeignKey('definitions.key', ondelete='CASCADE'), primary_key=True),
        sa.Column('user_name', sa.String(150), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table('definition_owners')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('is_integration')
        batch.drop_column('is_analyst')
