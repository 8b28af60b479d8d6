"""records: entities, records, their history, the starts their triggers owe, and schedules (issue 16)

The shipped entities (engine/entities.py) are stored here; admins change them after.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:30:00
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from engine.entities import SHIPPED

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    entities = op.create_table(
        'entities',
        sa.Column('name', sa.String(100), primary_key=True),
        sa.Column('label', sa.String(200), nullable=False),
        sa.Column('labels', sa.JSON(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'records',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('entity', sa.String(100), sa.ForeignKey('entities.name', name='fk_records_entity_entities'),
                  nullable=False),
        sa.Column('external_id', sa.String(255)),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('owner', sa.String(150)),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(150)),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('entity', 'external_id', name='uq_records_entity_external_id'),
    )
    op.create_index('ix_records_entity', 'records', ['entity', 'id'])
    op.create_table(
        'record_changes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('record_id', sa.Integer(),
                  sa.ForeignKey('records.id', ondelete='CASCADE', name='fk_record_changes_record_id_records'),
                  nullable=False),
        sa.Column('type', sa.String(30), nullable=False),
        sa.Column('user', sa.String(150)),
        sa.Column('data', sa.JSON()),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_record_changes_record', 'record_changes', ['record_id', 'id'])
    op.create_table(
        'trigger_starts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('record_id', sa.Integer(),
                  sa.ForeignKey('records.id', ondelete='CASCADE', name='fk_trigger_starts_record_id_records'),
                  nullable=False),
        sa.Column('definition_key', sa.String(255), nullable=False),
        sa.Column('trigger_key', sa.String(100), nullable=False),
        sa.Column('cause', sa.String(100), nullable=False),
        sa.Column('requested_by', sa.String(150)),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('instance_id', sa.Integer(),
                  sa.ForeignKey('instances.id', name='fk_trigger_starts_instance_id_instances')),
        sa.Column('error', sa.Text()),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('record_id', 'definition_key', 'trigger_key', 'cause', name='uq_trigger_starts_cause'),
    )
    op.create_index('ix_trigger_starts_status', 'trigger_starts', ['status', 'id'])
    op.create_table(
        'trigger_schedules',
        sa.Column('definition_key', sa.String(255), primary_key=True),
        sa.Column('trigger_key', sa.String(100), primary_key=True),
        sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('running_due_at', sa.DateTime(timezone=True)),
        sa.Column('after_record', sa.Integer()),
    )
    at = datetime.now(UTC)
    op.bulk_insert(entities, [{**entity, "updated_at": at} for entity in SHIPPED])


def downgrade() -> None:
    op.drop_table('trigger_schedules')
    op.drop_table('trigger_starts')
    op.drop_table('record_changes')
    op.drop_table('records')
    op.drop_table('entities')
