"""In-app notifications: their rows, the reminders that turn into them, and the "item assigned"
ones derived from the cartable index.

A notification's ``key`` names its cause (``reminder:7``, ``item:42``, ``escalation:42:9``);
(user, key) is unique, so noticing a cause twice (two schedulers, two polls) makes one row.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, String, and_, cast, exists, insert, literal, or_, select, update

from ..access import Caller
from ..clock import as_utc
from ..errors import NotFound
from .instances import OPEN_STATUSES, iso
from .schema import (
    calendar_events,
    calendar_tasks,
    event_invitees,
    groups,
    instances,
    memberships,
    notification_cursors,
    notifications,
    reminders,
    users,
    work_item_parties,
    work_items,
)
from .writes import writes_for

# A user's first look derives "item assigned" notifications for items opened this long ago at
# most; older ones are in the cartable already.
FIRST_LOOK_BACK = timedelta(days=1)
# An item id is passed over for good only once it is this old: ids are taken before their
# transaction commits, so a smaller id may still appear for a short while after a larger one.
SETTLE = timedelta(seconds=30)
# At most this many "item assigned" notifications are made per look; the next look goes on.
DERIVE_BATCH = 100


def _insert_ignoring_repeats(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert notifications, skipping those whose (user, key) exists already."""
    if not rows:
        return 0
    statement = writes_for(conn).insert_unless_present(notifications).on_conflict_do_nothing(
        index_elements=["user_name", "key"])
    made = 0
    for row in rows:  # one by one: rowcount then says which were new
        made += conn.execute(statement.values(**row)).rowcount
    return made


def members(conn: Connection, group: str) -> list[str]:
    """The users in a group or holding a role."""
    return list(conn.execute(select(users.c.name).join(memberships, memberships.c.user_id == users.c.id)
                             .join(groups, groups.c.id == memberships.c.group_id)
                             .where(groups.c.name == group).order_by(users.c.name)).scalars())


def people_of(conn: Connection, user_names: Iterable[str] = (), group_names: Iterable[str] = ()) -> list[str]:
    """Named users and the members of named groups and roles, once each."""
    found = set(user_names)
    for group in group_names:
        found.update(members(conn, group))
    return sorted(found)


def notify(conn: Connection, people: Iterable[str], kind: str, key: str, title: str, link: dict[str, str],
           at: datetime, now: datetime) -> int:
    """One notification for each person about one cause; returns how many were new."""
    return _insert_ignoring_repeats(conn, [
        {"user_name": person, "kind": kind, "key": key, "title": title[:255], "link": link, "at": at,
         "created_at": now} for person in people])


# --- reminders ----------------------------------------------------------------------------------

def set_reminders(conn: Connection, times: Iterable[datetime], task_id: int | None = None,
                  event_id: int | None = None) -> None:
    """Replace the waiting reminders of a task or an event (sent ones stay sent)."""
    subject = reminders.c.task_id == task_id if task_id is not None else reminders.c.event_id == event_id
    conn.execute(update(reminders).where(subject, reminders.c.status == "waiting").values(status="cancelled"))
    rows = [{"task_id": task_id, "event_id": event_id, "remind_at": t, "status": "waiting"} for t in times]
    if rows:
        conn.execute(insert(reminders), rows)


def set_event_reminders(conn: Connection, event_id: int, times: Iterable[tuple[datetime, datetime]]) -> None:
    """Replace the waiting reminders of an event with one per (occurrence start, remind at)."""
    conn.execute(update(reminders).where(reminders.c.event_id == event_id, reminders.c.status == "waiting")
                 .values(status="cancelled"))
    rows = [{"event_id": event_id, "occurrence_at": occurrence, "remind_at": remind_at, "status": "waiting"}
            for occurrence, remind_at in times]
    if rows:
        conn.execute(insert(reminders), rows)


def cancel_occurrence_reminders(conn: Connection, event_id: int, occurrence: datetime) -> None:
    conn.execute(update(reminders).where(reminders.c.event_id == event_id, reminders.c.occurrence_at == occurrence,
                                         reminders.c.status == "waiting").values(status="cancelled"))


def due_reminders(conn: Connection, at: datetime, limit: int) -> list[int]:
    query = (select(reminders.c.id).where(reminders.c.status == "waiting", reminders.c.remind_at <= at)
             .order_by(reminders.c.remind_at).limit(limit))
    return list(conn.execute(query).scalars())


def send_reminder(conn: Connection, reminder_id: int, now: datetime) -> bool:
    """Turn one due reminder into notifications for the people it concerns. The status change is
    conditional: of two schedulers at once, one changes the row and notifies, the other (waiting
    on PostgreSQL's row lock, or on SQLite's write lock) finds it sent and does nothing."""
    taken = conn.execute(update(reminders).where(reminders.c.id == reminder_id, reminders.c.status == "waiting")
                         .values(status="sent")).rowcount
    if taken != 1:
        return False
    reminder = conn.execute(select(reminders).where(reminders.c.id == reminder_id)).one()
    if reminder.task_id is not None:
        task = conn.execute(select(calendar_tasks).where(calendar_tasks.c.id == reminder.task_id)).one()
        if task.status == "done":
            return False
        people = people_of(conn, [task.owner_user] if task.owner_user else [],
                           [task.owner_group] if task.owner_group else [])
        title, link = task.title, {"task": str(task.id)}
    else:
        event = conn.execute(select(calendar_events).where(calendar_events.c.id == reminder.event_id)).one()
        if event.cancelled_at is not None:
            return False
        invited = conn.execute(select(event_invitees.c.user_name)
                               .where(event_invitees.c.event_id == event.id)).scalars()
        people = sorted({event.owner, *invited})
        title, link = event.title, {"event": str(event.id)}
        if event.recurrence is not None and reminder.occurrence_at is not None:
            link["occurrence"] = iso(reminder.occurrence_at) or ""
    notify(conn, people, "reminder", f"reminder:{reminder_id}", title, link, reminder.remind_at, now)
    return True


# --- "item assigned", derived from the cartable index ------------------------------------------

@dataclass(frozen=True)
class AssignedSince:
    """What a look at the cartable index found: the caller's cursor (None before their first
    look) and their open items past it that have no notification yet."""

    cursor: int | None
    items: list[Any]

    @property
    def anything_to_write(self) -> bool:
        return self.cursor is None or bool(self.items)


def find_assigned(conn: Connection, caller: Caller, hidden: frozenset[str], now: datetime) -> AssignedSince:
    """The caller's open items opened since their last look that have no notification yet.

    The commands that open items write nothing for this (the hot path stays as it is): a look
    reads the cartable index past the caller's cursor, a few rows, and only a look that found
    some writes (``record_assigned``)."""
    cursor = conn.execute(select(notification_cursors.c.work_item_id)
                          .where(notification_cursors.c.user_name == caller.name)).scalar()
    mine = or_(work_items.c.claimed_by == caller.name,
               and_(work_items.c.claimed_by.is_(None),
                    exists().where(work_item_parties.c.work_item_id == work_items.c.id,
                                   work_item_parties.c.principal.in_(caller.principals))))
    key = literal("item:", String) + cast(work_items.c.id, String)
    query = (select(work_items.c.id, work_items.c.name, work_items.c.created_at, work_items.c.instance_id)
             .where(work_items.c.status.in_(OPEN_STATUSES), mine)
             .where(~exists().where(notifications.c.user_name == caller.name, notifications.c.key == key))
             .order_by(work_items.c.id).limit(DERIVE_BATCH))
    if cursor is None:
        query = query.where(work_items.c.created_at >= now - FIRST_LOOK_BACK)
    else:
        query = query.where(work_items.c.id > cursor)
    if hidden:
        query = query.where(~exists().where(instances.c.id == work_items.c.instance_id,
                                            instances.c.definition_key.in_(sorted(hidden))))
    return AssignedSince(cursor, list(conn.execute(query)))


def record_assigned(conn: Connection, user: str, found: AssignedSince, now: datetime) -> int:
    """Write what ``find_assigned`` found, and move the cursor past the items that are settled
    (older than SETTLE, up to the first that is not). Returns how many notifications were new."""
    made = _insert_ignoring_repeats(conn, [
        {"user_name": user, "kind": "assigned", "key": f"item:{row.id}", "title": row.name,
         "link": {"work_item": str(row.id), "instance": str(row.instance_id)}, "at": row.created_at,
         "created_at": now} for row in found.items])
    settled = 0
    for row in found.items:
        if as_utc(row.created_at) > now - SETTLE:
            break
        settled = row.id
    if found.cursor is None:
        first = max(settled, _settled_head(conn, now))
        cursor = writes_for(conn).insert_unless_present(notification_cursors)
        conn.execute(cursor.values(user_name=user, work_item_id=first)
                     .on_conflict_do_nothing(index_elements=["user_name"]))
    elif settled > found.cursor:
        conn.execute(update(notification_cursors).where(notification_cursors.c.user_name == user,
                                                        notification_cursors.c.work_item_id < settled)
                     .values(work_item_id=settled))
    return made


def _settled_head(conn: Connection, now: datetime) -> int:
    """The newest item id that is settled, among the last few thousand: a first look's cursor
    (the look itself covered the day before it)."""
    oldest = 1
    for item_id, created_at in conn.execute(select(work_items.c.id, work_items.c.created_at)
                                            .order_by(work_items.c.id.desc()).limit(5000)):
        if as_utc(created_at) <= now - SETTLE:
            return int(item_id)
        oldest = int(item_id)
    return oldest - 1


# --- reading and marking ------------------------------------------------------------------------

def notification_json(row: Any) -> dict[str, Any]:
    return {"id": str(row.id), "kind": row.kind, "title": row.title, "link": row.link, "at": iso(row.at),
            "created_at": iso(row.created_at), "read": row.read_at is not None, "read_at": iso(row.read_at)}


def list_for(conn: Connection, user: str, unread: bool, limit: int, after: int | None) -> list[dict[str, Any]]:
    """The user's notifications, newest first."""
    query = select(notifications).where(notifications.c.user_name == user).order_by(notifications.c.id.desc())
    if unread:
        query = query.where(notifications.c.read_at.is_(None))
    if after is not None:
        query = query.where(notifications.c.id < after)
    return [notification_json(row) for row in conn.execute(query.limit(limit))]


def mark_read(conn: Connection, user: str, notification_id: int, now: datetime) -> dict[str, Any]:
    conn.execute(update(notifications).where(notifications.c.id == notification_id,
                                             notifications.c.user_name == user,
                                             notifications.c.read_at.is_(None)).values(read_at=now))
    row = conn.execute(select(notifications).where(notifications.c.id == notification_id,
                                                   notifications.c.user_name == user)).first()
    if row is None:  # someone else's is as missing as one that never was
        raise NotFound(f"no notification with id {notification_id}")
    return notification_json(row)


def mark_all_read(conn: Connection, user: str, now: datetime) -> int:
    return conn.execute(update(notifications).where(notifications.c.user_name == user,
                                                    notifications.c.read_at.is_(None))
                        .values(read_at=now)).rowcount
