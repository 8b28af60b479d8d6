"""work items: index by instance and status, replacing the index by instance alone

An instance's open items were found through its index by instance, which reads every item the
instance ever had: the step of a 1,000-turn loop grew from 3 to 5 ms.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 21:30:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_work_items_instance_status', 'work_items', ['instance_id', 'status'])
    op.drop_index('ix_work_items_instance_id', table_name='work_items')


def downgrade() -> None:
    op.create_index('ix_work_items_instance_id', 'work_items', ['instance_id'])
    op.drop_index('ix_work_items_instance_status', table_name='work_items')
