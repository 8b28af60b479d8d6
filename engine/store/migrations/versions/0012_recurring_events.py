"""recurring events: an event's RRULE and zone, its series' end, cancelled occurrences, and
which occurrence a reminder is for

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurrence', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False))
        batch_op.add_column(sa.Column('series_end_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE calendar_events SET series_end_at = end_at")
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.alter_column('series_end_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('time_zone', existing_type=sa.String(length=64), server_default=None)
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE reminders SET occurrence_at = (SELECT start_at FROM calendar_events "
               "WHERE calendar_events.id = reminders.event_id) WHERE event_id IS NOT NULL")
    op.create_table('event_exceptions',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('occurrence_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['calendar_events.id'],
                            name=op.f('fk_event_exceptions_event_id_calendar_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'occurrence_at',
                            name=op.f('pk_event_exceptions'))
    )


def downgrade() -> None:
    op.drop_table('event_exceptions')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_column('occurrence_at')
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.drop_column('series_end_at')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('recurrence')
