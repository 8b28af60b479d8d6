"""record changes by instances: the instance whose record step made a change (issue 16, F4.8-F4.10)

A record's history says who changed a field; a change made by a process's record step also says
which instance made it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('record_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instance_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_record_changes_instance_id_instances', 'instances', ['instance_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('record_changes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_record_changes_instance_id_instances', type_='foreignkey')
        batch_op.drop_column('instance_id')
