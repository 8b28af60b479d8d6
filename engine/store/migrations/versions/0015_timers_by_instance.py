"""timers by instance: each fired timer's step reads its instance's waiting timers

Every step of an instance with timers (a timer firing, a completion) reads the instance's
waiting timers (engine/store/instances.py, _sync_timers). Without an index that read went
through the whole table: with 100,000 timers pending, firing one took tens of milliseconds
(bench/timer_firing.py).

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-01 19:40:00
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_timers_instance', 'timers', ['instance_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_timers_instance', table_name='timers')
