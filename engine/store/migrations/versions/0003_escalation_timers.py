"""escalation timers: a timer row can watch a work item

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 15:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timers') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('work_item_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('timers') as batch:
        batch.drop_column('work_item_id')
        batch.drop_column('kind')
