"""Many new instances of one definition stored in one transaction (a schedule's run over thousands
of records, issue 16): what insert_instance and apply_step write for one new instance, in a few
statements for all of them (instances, work items and their cartable parties, timers, outbox jobs,
history). Each instance ran its own step before (Runtime.start, outside the transaction); only
the rows are written together. The history and items match a start made one at a time
(tests/engine/test_reliable_bulk_start.py compares them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from ..compiler import CompiledDefinition
from ..step import StepResult
from ..title import render_title
from .instances import _due_at, _jsonable, _record_id, entry
from .schema import history, instances, outbox_jobs, timers, work_item_parties, work_items
from .writes import insert_rows, insert_rows_returning_ids


@dataclass
class NewInstance:
    """One instance that ran to its first wait state: its state as Runtime.dump gave it."""

    state: bytes
    result: StepResult
    variables: dict[str, Any]
    record: dict[str, Any] | None


def insert_new_instances(conn: Connection, definition: CompiledDefinition, version_id: int, key: str,
                         process: str, starter: str, new: list[NewInstance], at: datetime) -> list[int]:
    """Store the instances, all started by ``starter``; returns their ids, in order."""
    if not new:
        return []
    ids = insert_rows_returning_ids(conn, instances, [
        {"version_id": version_id, "definition_key": key, "process_id": process, "status": one.result.status,
         "revision": 1, "state": one.state, "variables": one.result.variables,
         "record_entity": (one.record or {}).get("entity"), "record_id": _record_id(one.record),
         "started_by": starter, "created_at": at, "updated_at": at} for one in new])
    # the work items first: their ids go into the history, the parties and escalation timers
    items: list[dict[str, Any]] = []
    principals: list[list[str]] = []
    escalations: list[datetime | None] = []
    for instance_id, one in zip(ids, new, strict=True):
        for task in one.result.user_tasks:
            cartable = definition.cartables.get(task.element)
            if cartable is None:
                continue
            cartable = cartable.for_instance(starter)
            items.append({
                "instance_id": instance_id, "task_id": task.task_id, "element": task.element, "name": cartable.name,
                "status": "open", "assignee": cartable.assignee, "claimed_by": None, "users": list(cartable.users),
                "groups": list(cartable.groups), "roles": list(cartable.roles),
                "actions": [a.as_json() for a in cartable.actions], "due_at": _due_at(cartable.due, at),
                "created_at": at, "title": render_title(cartable.title, task.data), "definition_key": key})
            principals.append(sorted(cartable.principals))
            escalations.append(_due_at(cartable.escalate_after, at) if cartable.escalate_after else None)
    item_ids = insert_rows_returning_ids(conn, work_items, items)
    insert_rows(conn, work_item_parties, [{"work_item_id": item_id, "principal": principal}
                                          for item_id, names in zip(item_ids, principals, strict=True)
                                          for principal in names])
    insert_rows(conn, timers, [{"instance_id": item["instance_id"], "task_id": item["task_id"],
                                "element": item["element"], "due_at": escalate_at, "status": "waiting",
                                "kind": "escalation", "work_item_id": item_id}
                               for item, item_id, escalate_at in zip(items, item_ids, escalations, strict=True)
                               if escalate_at is not None])
    created = iter(zip(items, item_ids, strict=True))
    entries: list[dict[str, Any]] = []
    jobs: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    for instance_id, one in zip(ids, new, strict=True):
        result = one.result
        entries.append(entry(instance_id, at, "instance_started", user=starter, data=one.variables or None))
        for event in result.events:  # as apply_step words them
            if event.type.endswith("_thrown"):
                entries.append(entry(instance_id, at, event.type, element=event.element, name=event.name))
            elif event.element not in definition.cartables:
                entries.append(entry(instance_id, at, "element_completed", kind=event.type.rsplit("_", 1)[0],
                                     element=event.element, name=event.name))
        for task in result.user_tasks:
            if task.element in definition.cartables:
                item, item_id = next(created)
                entries.append(entry(instance_id, at, "work_item_created", element=task.element, name=item["name"],
                                     work_item=item_id))
        for task in result.connector_tasks:
            jobs.append({"instance_id": instance_id, "task_id": task.task_id, "element": task.element,
                         "connector": task.connector,
                         "payload": {"inputs": task.inputs or {}, "variables": _jsonable(task.data)},
                         "status": "pending", "attempts": 0, "created_at": at, "next_attempt_at": at})
            entries.append(entry(instance_id, at, "job_queued", element=task.element,
                                 name=definition.element_names.get(task.element)))
        if definition.has_timers:
            waiting += [{"instance_id": instance_id, "task_id": t.task_id, "element": t.element, "due_at": t.due_at,
                         "status": "waiting", "kind": None, "work_item_id": None} for t in result.timers]
        if result.status == "completed":
            entries.append(entry(instance_id, at, "instance_completed"))
    if jobs:
        conn.execute(insert(outbox_jobs), jobs)
    insert_rows(conn, timers, waiting)
    insert_rows(conn, history, entries)
    return ids
