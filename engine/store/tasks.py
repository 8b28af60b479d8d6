"""Calendar tasks and follow-ups: their rows, followers, log and reminders (MISSION F4.6, F6)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, or_, select, update

from ..access import Caller, TaskFacts
from ..calendar_input import Forwarding, Range, TaskDraft
from ..errors import Conflict, Invalid, NotFound
from . import notifications as notes
from .database import inserted_id
from .instances import iso
from .schema import calendar_tasks, groups, task_followers, task_log, users


def _user_exists(conn: Connection, name: str) -> bool:
    return conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None


def _group_exists(conn: Connection, name: str) -> bool:
    return conn.execute(select(groups.c.id).where(groups.c.name == name)).first() is not None


def check_party(conn: Connection, user: str | None, group: str | None, field: str) -> None:
    """A task's owner (or a forward's target) must exist."""
    if user is not None and not _user_exists(conn, user):
        raise Invalid(f"{field}: no user named {user!r}")
    if group is not None and not _group_exists(conn, group):
        raise Invalid(f"{field}: no group or role named {group!r}")


def _log(conn: Connection, task_id: int, at: datetime, type_: str, user: str | None,
         data: dict[str, Any] | None = None) -> None:
    conn.execute(insert(task_log).values(task_id=task_id, at=at, type=type_, user=user, data=data))


def _follow(conn: Connection, task_id: int, user: str) -> None:
    if conn.execute(select(task_followers).where(task_followers.c.task_id == task_id,
                                                 task_followers.c.user_name == user)).first() is None:
        conn.execute(insert(task_followers).values(task_id=task_id, user_name=user))


def _notify_owner(conn: Connection, row: Any, actor: str, at: datetime, cause: str) -> None:
    """Tell a task's owner (a user, or a group's members) it is theirs, unless they did it."""
    people = notes.people_of(conn, [row.owner_user] if row.owner_user else [],
                             [row.owner_group] if row.owner_group else [])
    notes.notify(conn, [p for p in people if p != actor], "task", f"task:{row.id}:{cause}", row.title,
                 {"task": str(row.id)}, at, at)


def insert_task(conn: Connection, draft: TaskDraft, created_by: str, at: datetime) -> int:
    owner_user = draft.owner_user if draft.owner_user or draft.owner_group else created_by
    check_party(conn, owner_user, draft.owner_group, "owner_group" if draft.owner_group else "owner")
    task_id = inserted_id(conn.execute(insert(calendar_tasks).values(
        title=draft.title, description=draft.description, status=draft.status, priority=draft.priority,
        owner_user=owner_user, owner_group=draft.owner_group, created_by=created_by,
        start_at=draft.start_at, due_at=draft.due_at, remind_at=draft.remind_at,
        follows_task_id=draft.follows_task, work_item_id=draft.work_item, instance_id=draft.instance,
        record_entity=draft.record.entity if draft.record else None,
        record_id=draft.record.id if draft.record else None,
        created_at=at, updated_at=at, completed_at=at if draft.status == "done" else None,
        completed_by=created_by if draft.status == "done" else None)))
    _follow(conn, task_id, created_by)
    _log(conn, task_id, at, "created", created_by)
    if draft.remind_at is not None and draft.status != "done":
        notes.set_reminders(conn, [draft.remind_at], task_id=task_id)
    if draft.notify:
        _notify_owner(conn, task_row(conn, task_id), created_by, at, "created")
    return task_id


def task_row(conn: Connection, task_id: int) -> Any:
    row = conn.execute(select(calendar_tasks).where(calendar_tasks.c.id == task_id)).first()
    if row is None:
        raise NotFound(f"no task with id {task_id}")
    return row


def task_facts(conn: Connection, row: Any) -> TaskFacts:
    followers = conn.execute(select(task_followers.c.user_name)
                             .where(task_followers.c.task_id == row.id)).scalars()
    return TaskFacts(row.owner_user, row.owner_group, frozenset(followers))


def task_json(row: Any, log: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    found = {
        "id": str(row.id),
        "title": row.title,
        "description": row.description,
        "status": row.status,
        "priority": row.priority,
        "owner": row.owner_user,
        "owner_group": row.owner_group,
        "created_by": row.created_by,
        "start": iso(row.start_at),
        "due": iso(row.due_at),
        "remind_at": iso(row.remind_at),
        "follows": {"task": _text_id(row.follows_task_id), "work_item": _text_id(row.work_item_id),
                    "instance": _text_id(row.instance_id)},
        "is_follow_up": any(v is not None for v in (row.follows_task_id, row.work_item_id, row.instance_id)),
        "record": {"entity": row.record_entity, "id": row.record_id} if row.record_entity else None,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "completed_at": iso(row.completed_at),
        "completed_by": row.completed_by,
    }
    if log is not None:
        found["history"] = log
    return found


def _text_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def task_history(conn: Connection, task_id: int) -> list[dict[str, Any]]:
    return [{"at": iso(r.at), "type": r.type, "user": r.user, "data": r.data}
            for r in conn.execute(select(task_log).where(task_log.c.task_id == task_id).order_by(task_log.c.id))]


def _visible_to(caller: Caller) -> Any:
    """access.may_see_task in SQL, for a caller's lists (administrators' lists are their own too:
    a calendar is personal; they open others' tasks by id)."""
    followed = exists().where(task_followers.c.task_id == calendar_tasks.c.id,
                              task_followers.c.user_name == caller.name)
    clauses = [calendar_tasks.c.owner_user == caller.name, followed]
    if caller.groups:
        clauses.append(calendar_tasks.c.owner_group.in_(sorted(caller.groups)))
    return or_(*clauses)


def list_tasks(conn: Connection, caller: Caller, which: str, status: str | None, within: Range | None,
               limit: int, after: int | None) -> list[dict[str, Any]]:
    # coalesce: "not owned" must hold for a task whose other owner column is NULL
    owned_clauses = [func.coalesce(calendar_tasks.c.owner_user, "") == caller.name]
    if caller.groups:
        owned_clauses.append(func.coalesce(calendar_tasks.c.owner_group, "").in_(sorted(caller.groups)))
    owned = or_(*owned_clauses)
    query = select(calendar_tasks).where(_visible_to(caller))
    if which == "owned":
        query = query.where(owned)
    elif which == "following":
        query = query.where(~owned)
    if status == "open":
        query = query.where(calendar_tasks.c.status != "done")
    elif status:
        query = query.where(calendar_tasks.c.status == status)
    if within is not None:
        when = func.coalesce(calendar_tasks.c.due_at, calendar_tasks.c.start_at)
        query = query.where(and_(when >= within.start, when < within.end))
    if after is not None:
        query = query.where(calendar_tasks.c.id > after)
    return [task_json(row) for row in conn.execute(query.order_by(calendar_tasks.c.id).limit(limit))]


def update_task(conn: Connection, row: Any, changes: dict[str, Any], user: str, at: datetime) -> None:
    if not changes:
        return
    values = dict(changes, updated_at=at)
    if changes.get("status") == "done" and row.status != "done":
        values.update(completed_at=at, completed_by=user)
    elif "status" in changes and changes["status"] != "done":
        values.update(completed_at=None, completed_by=None)
    conn.execute(update(calendar_tasks).where(calendar_tasks.c.id == row.id).values(**values))
    _log(conn, row.id, at, "updated", user, {k: iso(v) if isinstance(v, datetime) else v for k, v in changes.items()})
    status = values.get("status", row.status)
    remind_at = values.get("remind_at", row.remind_at)
    if "remind_at" in changes or "status" in changes:
        notes.set_reminders(conn, [remind_at] if remind_at is not None and status != "done" else [], task_id=row.id)


def forward_task(conn: Connection, row: Any, forwarding: Forwarding, user: str, at: datetime) -> None:
    """The task goes to a colleague or a group with a note; whoever forwarded it follows it on."""
    check_party(conn, forwarding.user, forwarding.group, "user" if forwarding.user else "group")
    conn.execute(update(calendar_tasks).where(calendar_tasks.c.id == row.id).values(
        owner_user=forwarding.user, owner_group=forwarding.group, updated_at=at))
    _follow(conn, row.id, user)
    _log(conn, row.id, at, "forwarded", user, {
        "from": {"user": row.owner_user, "group": row.owner_group},
        "to": {"user": forwarding.user, "group": forwarding.group}, "note": forwarding.note})
    forwards = conn.execute(select(func.count()).select_from(task_log)
                            .where(task_log.c.task_id == row.id, task_log.c.type == "forwarded")).scalar_one()
    _notify_owner(conn, task_row(conn, row.id), user, at, f"forwarded:{forwards}")


def complete_task(conn: Connection, row: Any, user: str, note: str, at: datetime) -> None:
    done = conn.execute(update(calendar_tasks).where(calendar_tasks.c.id == row.id,
                                                     calendar_tasks.c.status != "done")
                        .values(status="done", completed_at=at, completed_by=user, updated_at=at)).rowcount
    if done != 1:
        raise Conflict(f"task {row.id} is already done")
    _log(conn, row.id, at, "completed", user, {"note": note} if note else None)
    notes.set_reminders(conn, [], task_id=row.id)
