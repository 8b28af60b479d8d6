"""The tables. Work items and history are rows of their own, never parsed out of the state."""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(150), nullable=False, unique=True),
    Column("password_hash", String(255)),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Analysts create, import and deploy definitions (and so write scripts); integration users
    # are machine callers that may post messages to instances.
    Column("is_analyst", Boolean, nullable=False, default=False),
    Column("is_integration", Boolean, nullable=False, default=False),
)

# Groups and roles (positions) share one namespace: candidateGroups may name either.
groups = Table(
    "groups", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(150), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # group | role
    Column("superior_id", Integer, ForeignKey("groups.id")),
)

memberships = Table(
    "memberships", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)

tokens = Table(
    "tokens", metadata,
    Column("hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(20), nullable=False, default="api"),  # api, or session (a page sign-in)
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

# Failed sign-ins per user name and per client address, for backoff and lockout.
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("subject", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

definitions = Table(
    "definitions", metadata,
    Column("key", String(255), primary_key=True),
    Column("name", String(255)),
    Column("active", Boolean, nullable=False, default=True),
    Column("visibility", String(20), nullable=False, default="public"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A private definition's access list (MISSION F5): who may see, start and be assigned in it.
definition_access = Table(
    "definition_access", metadata,
    Column("key", String(255), ForeignKey("definitions.key", ondelete="CASCADE"), primary_key=True),
    Column("user_name", String(150), primary_key=True),
)

# Who may edit, deploy and administer a definition besides admins: its creator and the analysts
# its owners add.
definition_owners = Table(
    "definition_owners", metadata,
    Column("key", String(255), ForeignKey("definitions.key", ondelete="CASCADE"), primary_key=True),
    Column("user_name", String(150), primary_key=True),
)

definition_versions = Table(
    "definition_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(255), ForeignKey("definitions.key"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("bpmn", LargeBinary, nullable=False),  # exactly as uploaded
    Column("processes", JSON, nullable=False),
    Column("problems", JSON, nullable=False),
    Column("executable", Boolean, nullable=False),
    Column("deployed", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(150)),
    UniqueConstraint("key", "version"),
)

instances = Table(
    "instances", metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", Integer, ForeignKey("definition_versions.id"), nullable=False),
    Column("definition_key", String(255), nullable=False),
    Column("process_id", String(255), nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("state", LargeBinary, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("record_entity", String(100)),
    Column("record_id", String(255)),
    Column("started_by", String(150)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_instances_record", "record_entity", "record_id"),
)

work_items = Table(
    "work_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=False),
    Column("task_id", String(36), nullable=False),
    Column("element", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("status", String(20), nullable=False),  # open | claimed | completed | cancelled
    Column("assignee", String(150)),
    Column("claimed_by", String(150)),
    Column("users", JSON, nullable=False),
    Column("groups", JSON, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("actions", JSON, nullable=False),
    Column("due_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("completed_by", String(150)),
    Column("action_id", String(255)),
    # The case it is about, rendered from the process's charkh:title when the item is created,
    # and the definition it belongs to: the cartable filters, counts and searches on both
    # without reading instances (engine/store/cartable.py).
    Column("title", String(500)),
    Column("definition_key", String(255)),
    Index("ix_work_items_status_claimed", "status", "claimed_by"),
    Index("ix_work_items_definition_status", "definition_key", "status", "id"),
    Index("ix_work_items_status_due", "status", "due_at"),
    # An instance's open items, found without reading its finished ones (a 1,000-turn loop has
    # 1,000 of those); also serves every lookup by instance.
    Index("ix_work_items_instance_status", "instance_id", "status"),
)

# The cartable index: one row per party that may act on an item (u:<user>, g:<group or role>).
# item_open is false once the item is completed or cancelled: a cartable of open items reads only
# the open entries of its parties, however long their history (engine/store/cartable.py).
work_item_parties = Table(
    "work_item_parties", metadata,
    Column("work_item_id", Integer, ForeignKey("work_items.id", ondelete="CASCADE"), primary_key=True),
    Column("principal", String(160), primary_key=True),
    Column("item_open", Boolean, nullable=False, server_default=true()),
    Index("ix_work_item_parties_principal_open", "principal", "item_open", "work_item_id"),
)

# Comments people leave on a work item (issue 15): kept beside the item, never in the state.
work_item_comments = Table(
    "work_item_comments", metadata,
    Column("id", Integer, primary_key=True),
    Column("work_item_id", Integer, ForeignKey("work_items.id", ondelete="CASCADE"), nullable=False),
    Column("user", String(150), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_work_item_comments_item", "work_item_id", "id"),
)

history = Table(
    "history", metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("type", String(50), nullable=False),
    Column("kind", String(50)),
    Column("element", String(255)),
    Column("name", String(255)),
    Column("user", String(150)),
    Column("work_item", Integer),
    Column("action_id", String(255)),
    Column("action_name", String(255)),
    Column("data", JSON),
    Index("ix_history_instance", "instance_id", "id"),
)

outbox_jobs = Table(
    "outbox_jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=False, index=True),
    Column("task_id", String(36), nullable=False),
    Column("element", String(255), nullable=False),
    Column("connector", String(100)),
    Column("payload", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # pending | sent | done | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Index("ix_outbox_jobs_status_next", "status", "next_attempt_at"),
)

timers = Table(
    "timers", metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, ForeignKey("instances.id"), nullable=False),
    Column("task_id", String(36), nullable=False),
    Column("element", String(255), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),  # waiting | fired | cancelled
    Column("kind", String(20)),  # null: a BPMN timer event; "escalation": an overdue work item
    Column("work_item_id", Integer),  # the item an escalation timer watches
    Index("ix_timers_status_due", "status", "due_at"),
    Index("ix_timers_instance", "instance_id", "status"),  # a step syncs its instance's timers
)

# --- office work (MISSION F6): calendar tasks, events, rooms, reminders, notifications --------

# A personal or group task in the calendar (F4.6, F6). A follow-up is a task that follows
# another task, a work item or an instance.
calendar_tasks = Table(
    "calendar_tasks", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(255), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),  # not_started | in_progress | waiting | done
    Column("priority", String(10), nullable=False),  # low | normal | high | urgent
    Column("owner_user", String(150)),  # exactly one of owner_user and owner_group
    Column("owner_group", String(150)),
    Column("created_by", String(150), nullable=False),
    Column("start_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("remind_at", DateTime(timezone=True)),
    Column("follows_task_id", Integer, ForeignKey("calendar_tasks.id")),
    Column("work_item_id", Integer),
    Column("instance_id", Integer),
    Column("record_entity", String(100)),
    Column("record_id", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("completed_by", String(150)),
    Index("ix_calendar_tasks_owner_user", "owner_user", "due_at"),
    Index("ix_calendar_tasks_owner_group", "owner_group", "due_at"),
)

# Who follows a task besides its owner: its creator and whoever forwarded it keep it in sight.
task_followers = Table(
    "task_followers", metadata,
    Column("task_id", Integer, ForeignKey("calendar_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_name", String(150), primary_key=True),
    Index("ix_task_followers_user", "user_name", "task_id"),
)

# What happened to a task, oldest first: created, updated, forwarded (with its note), completed.
task_log = Table(
    "task_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", Integer, ForeignKey("calendar_tasks.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("type", String(30), nullable=False),
    Column("user", String(150)),
    Column("data", JSON),
    Index("ix_task_log_task", "task_id", "id"),
)

rooms = Table(
    "rooms", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(150), nullable=False, unique=True),
    Column("capacity", Integer),
    Column("location", String(255), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Meetings, calls and the like (F4.7, F6). A cancelled event keeps its row and frees its room.
calendar_events = Table(
    "calendar_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(255), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("type", String(20), nullable=False),  # meeting | call | visit | other
    Column("start_at", DateTime(timezone=True), nullable=False),
    Column("end_at", DateTime(timezone=True), nullable=False),
    Column("room_id", Integer, ForeignKey("rooms.id")),
    Column("owner", String(150), nullable=False),
    Column("reminders", JSON, nullable=False),  # minutes before the start
    Column("instance_id", Integer),
    Column("record_entity", String(100)),
    Column("record_id", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("cancelled_at", DateTime(timezone=True)),
    # A recurring event's RFC 5545 RRULE (engine/recurrence.py), kept on the wall clock of
    # time_zone; start_at and end_at are its first occurrence's, series_end_at its last one's end
    # (end_at for a single event), so a range question finds a series by its span.
    Column("recurrence", Text),
    Column("time_zone", String(64), nullable=False),
    Column("series_end_at", DateTime(timezone=True), nullable=False),
    Index("ix_calendar_events_owner", "owner", "start_at"),
    Index("ix_calendar_events_room", "room_id", "start_at"),
)

event_invitees = Table(
    "event_invitees", metadata,
    Column("event_id", Integer, ForeignKey("calendar_events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_name", String(150), primary_key=True),
    Column("response", String(20), nullable=False),  # pending | accepted | declined
    Index("ix_event_invitees_user", "user_name", "event_id"),
)

# The occurrences of a recurring event that were cancelled one by one (RFC 5545's EXDATE).
event_exceptions = Table(
    "event_exceptions", metadata,
    Column("event_id", Integer, ForeignKey("calendar_events.id", ondelete="CASCADE"), primary_key=True),
    Column("occurrence_at", DateTime(timezone=True), primary_key=True),  # the occurrence's start
    Column("cancelled_at", DateTime(timezone=True), nullable=False),
    Column("cancelled_by", String(150)),
)

# One row per reminder of a task or an event (of each occurrence of a recurring one); the
# scheduler sends each once (status guards it).
reminders = Table(
    "reminders", metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", Integer, ForeignKey("calendar_tasks.id", ondelete="CASCADE")),
    Column("event_id", Integer, ForeignKey("calendar_events.id", ondelete="CASCADE")),
    Column("occurrence_at", DateTime(timezone=True)),  # the start of the event's occurrence it is for
    Column("remind_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),  # waiting | sent | cancelled
    Index("ix_reminders_status_due", "status", "remind_at"),
)

# A user's in-app notifications. ``key`` names the cause (a reminder, an item, an escalation), so
# one cause makes one notification however often it is noticed.
notifications = Table(
    "notifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_name", String(150), nullable=False),
    Column("kind", String(20), nullable=False),  # assigned | reminder | escalation | task | invitation
    Column("key", String(200), nullable=False),
    Column("title", String(255), nullable=False),
    Column("link", JSON, nullable=False),  # {"work_item": id} | {"task": id} | {"event": id}
    Column("at", DateTime(timezone=True), nullable=False),  # when it is due to be seen
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    UniqueConstraint("user_name", "key"),
    Index("ix_notifications_user", "user_name", "id"),
)

# How far each user's "item assigned" notifications have been derived from the cartable index:
# they are made when the user looks, not by the commands that open items (the hot path).
notification_cursors = Table(
    "notification_cursors", metadata,
    Column("user_name", String(150), primary_key=True),
    Column("work_item_id", Integer, nullable=False),
)

# CRM entities (issue 16): each with its labels and typed fields (engine/entities.py).
entities = Table(
    "entities", metadata,
    Column("name", String(100), primary_key=True),
    Column("label", String(200), nullable=False),
    Column("labels", JSON, nullable=False),
    Column("fields", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# A record of an entity: its fields as JSON (engine/record_fields.py), an owner, a version that
# each write raises. ``external_id``: the id an outside CRM pushing its records gives it (upsert).
records = Table(
    "records", metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(100), ForeignKey("entities.name"), nullable=False),
    Column("external_id", String(255)),
    Column("fields", JSON, nullable=False),
    Column("owner", String(150)),
    Column("version", Integer, nullable=False),
    Column("created_by", String(150)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("entity", "external_id", name="uq_records_entity_external_id"),
    Index("ix_records_entity", "entity", "id"),
)

# Where each reference field of a record points, resolved to the record's id (a reference may name
# it by its external id): a record's related records are read from here by index (issue 16).
# ``entity``: that of ``record_id``, so the related records group by entity without a join.
record_links = Table(
    "record_links", metadata,
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(100), primary_key=True),
    Column("entity", String(100), nullable=False),
    Column("target_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Index("ix_record_links_target", "target_id", "entity", "field", "record_id"),
)

# A record's own history: created, and each write's field changes ({field: [old, new]}).
record_changes = Table(
    "record_changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(30), nullable=False),  # record_created | record_changed
    Column("user", String(150)),
    Column("data", JSON),
    Column("at", DateTime(timezone=True), nullable=False),
    # the instance whose record step made the change (engine/record_steps.py); None: a person's write
    Column("instance_id", Integer, ForeignKey("instances.id")),
    Index("ix_record_changes_record", "record_id", "id"),
)

# Each start a trigger owes a record, written in the record's own transaction and unique per
# record, process, trigger and cause, so no cause starts a process twice (issue 16): the start
# itself marks its row in the transaction that stores the new instance. ``cause``: "create",
# "first" (on update, mode first) or "v<version>" (on update, mode every).
trigger_starts = Table(
    "trigger_starts", metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("definition_key", String(255), nullable=False),
    Column("trigger_key", String(100), nullable=False),
    Column("cause", String(100), nullable=False),
    Column("requested_by", String(150)),
    Column("status", String(20), nullable=False),  # pending | started | failed
    Column("instance_id", Integer, ForeignKey("instances.id")),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_id", "definition_key", "trigger_key", "cause", name="uq_trigger_starts_cause"),
    Index("ix_trigger_starts_status", "status", "id"),
)

# Where each schedule trigger stands: its next due time, and the run in progress (the due time
# and the last record it went through), so a run resumes after a crash where it stopped.
trigger_schedules = Table(
    "trigger_schedules", metadata,
    Column("definition_key", String(255), primary_key=True),
    Column("trigger_key", String(100), primary_key=True),
    Column("next_due_at", DateTime(timezone=True), nullable=False),
    Column("running_due_at", DateTime(timezone=True)),
    Column("after_record", Integer),
)

# The messages each running instance waits for (a catch event, receive task or message start
# event), kept by every step of a definition that has any: an inbound event finds the instances of
# a record waiting for it here, and the sweep matches kept early messages to them (MISSION F7).
message_waits = Table(
    "message_waits", metadata,
    Column("instance_id", Integer, ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Index("ix_message_waits_name", "name", "instance_id"),
)

# A message that came for a record (or a correlation: one variable's value) before any instance
# waited for it, kept until ``expires_at``. The first instance of that record to reach a catch
# event of that name takes it in the transaction that stores the step, by deleting its row: a
# row is deleted once, so a message is delivered once (engine/early_messages.py).
kept_messages = Table(
    "kept_messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("record_entity", String(100)),
    Column("record_id", String(100)),
    Column("correlation_variable", String(255)),
    Column("correlation_value", Text),  # the value as JSON text
    Column("data", JSON, nullable=False),
    Column("sent_by", String(150)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_kept_messages_record", "name", "record_entity", "record_id", "id"),
    Index("ix_kept_messages_correlation", "name", "correlation_variable", "id"),
    Index("ix_kept_messages_expires", "expires_at"),
)

# An inbound event posted with an Idempotency-Key, once per caller and key, and each thing it did
# (``target``: "start:<key>/<process>", "deliver:<instance>" or "keep"), unique per event, written
# in the transaction that did it: a retried event does again only what was not done.
event_receipts = Table(
    "event_receipts", metadata,
    Column("id", Integer, primary_key=True),
    Column("caller", String(150), nullable=False),
    Column("idempotency_key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("caller", "idempotency_key", name="uq_event_receipts_caller_key"),
    Index("ix_event_receipts_created", "created_at"),
)

event_effects = Table(
    "event_effects", metadata,
    Column("receipt_id", Integer, ForeignKey("event_receipts.id", ondelete="CASCADE"), primary_key=True),
    Column("target", String(300), primary_key=True),
    Column("instance_id", Integer),
    Column("kept_id", Integer),
    Column("expires_at", DateTime(timezone=True)),
)
