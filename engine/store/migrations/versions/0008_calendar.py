"""office work: calendar tasks and follow-ups, events, rooms, reminders, notifications

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('owner_user', sa.String(length=150), nullable=True),
    sa.Column('owner_group', sa.String(length=150), nullable=True),
    sa.Column('created_by', sa.String(length=150), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('follows_task_id', sa.Integer(), nullable=True),
    sa.Column('work_item_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('record_entity', sa.String(length=100), nullable=True),
    sa.Column('record_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['follows_task_id'], ['calendar_tasks.id'],
                            name=op.f('fk_calendar_tasks_follows_task_id_calendar_tasks')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_calendar_tasks'))
    )
    op.create_index('ix_calendar_tasks_owner_group', 'calendar_tasks', ['owner_group', 'due_at'], unique=False)
    op.create_index('ix_calendar_tasks_owner_user', 'calendar_tasks', ['owner_user', 'due_at'], unique=False)
    op.create_table('notification_cursors',
    sa.Column('user_name', sa.String(length=150), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_name',
                            name=op.f('pk_notification_cursors'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=150), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('link', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_name', 'key',
                            name=op.f('uq_notifications_user_name'))
    )
    op.create_index('ix_notifications_user', 'notifications', ['user_name', 'id'], unique=False)
    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_rooms')),
    sa.UniqueConstraint('name',
                            name=op.f('uq_rooms_name'))
    )
    op.create_table('calendar_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('owner', sa.String(length=150), nullable=False),
    sa.Column('reminders', sa.JSON(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('record_entity', sa.String(length=100), nullable=True),
    sa.Column('record_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'],
                            name=op.f('fk_calendar_events_room_id_rooms')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_calendar_events'))
    )
    op.create_index('ix_calendar_events_owner', 'calendar_events', ['owner', 'start_at'], unique=False)
    op.create_index('ix_calendar_events_room', 'calendar_events', ['room_id', 'start_at'], unique=False)
    op.create_table('task_followers',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=150), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['calendar_tasks.id'],
                            name=op.f('fk_task_followers_task_id_calendar_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'user_name',
                            name=op.f('pk_task_followers'))
    )
    op.create_index('ix_task_followers_user', 'task_followers', ['user_name', 'task_id'], unique=False)
    op.create_table('task_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('user', sa.String(length=150), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['calendar_tasks.id'],
                            name=op.f('fk_task_log_task_id_calendar_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_task_log'))
    )
    op.create_index('ix_task_log_task', 'task_log', ['task_id', 'id'], unique=False)
    op.create_table('event_invitees',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=150), nullable=False),
    sa.Column('response', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['calendar_events.id'],
                            name=op.f('fk_event_invitees_event_id_calendar_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'user_name',
                            name=op.f('pk_event_invitees'))
    )
    op.create_index('ix_event_invitees_user', 'event_invitees', ['user_name', 'event_id'], unique=False)
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['calendar_events.id'],
                            name=op.f('fk_reminders_event_id_calendar_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['calendar_tasks.id'],
                            name=op.f('fk_reminders_task_id_calendar_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_reminders'))
    )
    op.create_index('ix_reminders_status_due', 'reminders', ['status', 'remind_at'], unique=False)


def downgrade() -> None:
    for table in ('reminders', 'event_invitees', 'task_log', 'task_followers', 'calendar_events', 'rooms',
                  'notifications', 'notification_cursors', 'calendar_tasks'):
        op.drop_table(table)
