"""inbound events: the messages instances wait for, early messages kept for a while, and the
receipts of events posted with an Idempotency-Key (issue 16, item 6)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'message_waits',
        sa.Column('instance_id', sa.Integer(),
                  sa.ForeignKey('instances.id', ondelete='CASCADE', name='fk_message_waits_instance_id_instances'),
                  nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint('instance_id', 'name', name='pk_message_waits'),
    )
    op.create_index('ix_message_waits_name', 'message_waits', ['name', 'instance_id'])
    op.create_table(
        'kept_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('record_entity', sa.String(100), nullable=True),
        sa.Column('record_id', sa.String(100), nullable=True),
        sa.Column('correlation_variable', sa.String(255), nullable=True),
        sa.Column('correlation_value', sa.Text(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('sent_by', sa.String(150), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_kept_messages'),
    )
    op.create_index('ix_kept_messages_record', 'kept_messages', ['name', 'record_entity', 'record_id', 'id'])
    op.create_index('ix_kept_messages_correlation', 'kept_messages', ['name', 'correlation_variable', 'id'])
    op.create_index('ix_kept_messages_expires', 'kept_messages', ['expires_at'])
    op.create_table(
        'event_receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('caller', sa.String(150), nullable=False),
        sa.Column('idempotency_key', sa.String(255), nullable=False),
        sa.Column('fingerprint', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_event_receipts'),
        sa.UniqueConstraint('caller', 'idempotency_key', name='uq_event_receipts_caller_key'),
    )
    op.create_index('ix_event_receipts_created', 'event_receipts', ['created_at'])
    op.create_table(
        'event_effects',
        sa.Column('receipt_id', sa.Integer(),
                  sa.ForeignKey('event_receipts.id', ondelete='CASCADE',
                                name='fk_event_effects_receipt_id_event_receipts'), nullable=False),
        sa.Column('target', sa.String(300), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('kept_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('receipt_id', 'target', name='pk_event_effects'),
    )


def downgrade() -> None:
    op.drop_table('event_effects')
    op.drop_table('event_receipts')
    op.drop_table('kept_messages')
    op.drop_table('message_waits')
