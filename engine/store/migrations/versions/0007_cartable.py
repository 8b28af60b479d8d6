"""cartable: an item's title and definition, comments, and indexes for the cartable's filters

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('work_items') as batch:
        batch.add_column(sa.Column('title', sa.String(500)))
        batch.add_column(sa.Column('definition_key', sa.String(255)))
    # Items made before this revision take their instance's definition; their title stays empty.
    op.execute("UPDATE work_items SET definition_key = (SELECT instances.definition_key FROM instances "
               "WHERE instances.id = work_items.instance_id)")
    op.create_index('ix_work_items_definition_status', 'work_items', ['definition_key', 'status', 'id'])
    op.create_index('ix_work_items_status_due', 'work_items', ['status', 'due_at'])
    op.create_table(
        'work_item_comments',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('work_item_id', sa.Integer(), sa.ForeignKey('work_items.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('user', sa.String(150), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_work_item_comments_item', 'work_item_comments', ['work_item_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_work_item_comments_item', table_name='work_item_comments')
    op.drop_table('work_item_comments')
    op.drop_index('ix_work_items_status_due', table_name='work_items')
    op.drop_index('ix_work_items_definition_status', table_name='work_items')
    with op.batch_alter_table('work_items') as batch:
        batch.drop_column('definition_key')
        batch.drop_column('title')
