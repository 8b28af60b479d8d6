"""Instance commands and queries. Each command runs inside one write transaction (the caller's
``Database.write()``): it locks the instance, runs the step, and writes the new state, work
items, history and outbox jobs together."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, insert, literal_column, or_, select, update

from .. import access as rules
from ..access import Caller, FactsOf, InstanceFacts, Scope
from ..action_choice import choose_one_of
from ..compiler import CompiledDefinition
from ..errors import Conflict, Invalid, NotFound, StaleState
from ..parties import parties_of_item
from ..step import StepResult
from ..title import render_title
from . import messages
from .people import now
from .schema import definitions, history, instances, outbox_jobs, timers, work_item_parties, work_items
from .writes import (
    SAVE_STATE,
    HotStatement,
    close_cartable_entries,
    finish_completion,
    insert_rows,
    insert_work_item,
    writes_for,
)

OPEN_STATUSES = ("open", "claimed")
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
# The hot path's statements, built once: constructing SQLAlchemy expressions per call costs
# more than running them on SQLite.
_INSTANCE_COLUMNS = ("version_id", "definition_key", "process_id", "status", "revision", "state", "variables",
                     "record_entity", "record_id", "started_by", "created_at", "updated_at")
_INSERT_INSTANCE = HotStatement(insert(instances).returning(instances.c.id), json_params=("variables",),
                                column_keys=_INSTANCE_COLUMNS)
DefinitionLoader = Callable[[Connection, int], CompiledDefinition]
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def parse_id(value: str | int, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no {what} with id {value!r}") from None
    if number <= 0 or number > MAX_ID:
        raise NotFound(f"no {what} with id {value!r}")
    return number


def _due_at(text: str | None, start: datetime) -> datetime | None:
    if not text:
        return None
    match = _DURATION.match(text.strip())
    if match and any(match.groups()):
        days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return start + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None  # an expression; due dates from expressions come with the timers issue


# --- commands ---------------------------------------------------------------------------------

def check_process(definition: CompiledDefinition, key: str, process_id: str | None) -> str:
    """The process an instance of the definition starts: the one asked for, else the default."""
    process = process_id or definition.default_process
    if process not in definition.processes:
        raise Invalid(f"definition {key!r} has no executable process {process!r}",
                      {"processes": sorted(definition.processes)})
    return process


def insert_instance(conn: Connection, state: bytes, definition: CompiledDefinition, version_id: int,
                    key: str, process: str, variables: dict[str, Any], record: dict[str, Any] | None,
                    caller: Caller, result: StepResult) -> dict[str, Any]:
    """Store an instance that ran to its first wait state (``state``: the workflow as
    Runtime.dump gave it, before the transaction); returns it as instance_brief does."""
    at = now()
    values = {
        "version_id": version_id, "definition_key": key, "process_id": process, "status": result.status,
        "revision": 1, "state": state, "variables": result.variables,
        "record_entity": (record or {}).get("entity"), "record_id": _record_id(record),
        "started_by": caller.name, "created_at": at, "updated_at": at,
    }
    instance_id = _INSERT_INSTANCE.scalar(conn, values)
    entries = [entry(instance_id, at, "instance_started", user=caller.name, data=variables or None)]
    open_items = apply_step(conn, definition, instance_id, result, entries, at, completed_task=None,
                            starter=caller.name, new_instance=True)
    return {**_instance_summary({**values, "id": instance_id}), "work_items": open_items}


def _record_id(record: dict[str, Any] | None) -> str | None:
    if not record or record.get("id") is None:
        return None
    return str(record["id"])


def read_claim(conn: Connection, item_id: str, caller: Caller, facts_of: FactsOf) -> Any:
    """The item a claim is for, after the checks of the error order (404, 403, 409); the claim's
    write comes after, guarded by the item's status."""
    number = parse_id(item_id, "work item")
    item = _ITEM_WITH_DEFINITION.first(conn, {"item_id": number})
    if item is None:
        raise NotFound(f"no work item with id {item_id}")
    parties = frozenset(parties_of_item(item.assignee, item.users, item.groups, item.roles))
    rules.check_act_on_item(caller, parties, item.claimed_by, facts_of(item.definition_key, None), item_id)
    _check_claimable(item, caller)
    return item


def write_claim(conn: Connection, item: Any, caller: Caller) -> dict[str, Any]:
    """Claim the item read by read_claim, unless someone claimed or completed it meanwhile (409).
    No instance lock: a claim changes the item alone, and a completion's write is guarded by
    the item's status and claim as it read them."""
    if item.claimed_by == caller.name:
        return work_item_json(item._mapping)
    claimed = _CLAIM_ITEM.first(conn, {"item_id": item.id, "user": caller.name})
    if claimed is None:
        now_row = _ITEM_WITH_DEFINITION.first(conn, {"item_id": item.id})
        _check_claimable(now_row, caller)
        return work_item_json(now_row._mapping)  # the caller's own claim, made meanwhile
    insert_rows(conn, history, [entry(item.instance_id, now(), "work_item_claimed", element=item.element,
                                      name=item.name, user=caller.name, work_item=item.id)])
    return work_item_json(claimed._mapping)


def _check_claimable(item: Any, caller: Caller) -> None:
    if item.status not in OPEN_STATUSES:
        raise Conflict(f"work item {item.id} is {item.status}")
    if item.claimed_by is not None and item.claimed_by != caller.name:
        raise Conflict(f"work item {item.id} is claimed by {item.claimed_by}")


@dataclass
class Completion:
    """What a completion read before its step ran: the item, its instance and the action."""

    instance: Any
    item: Any
    open_rows: list[Any]
    chosen: dict[str, Any] | None


def read_completion(conn: Connection, item_id: str, caller: Caller, action: str | None,
                    facts_of: FactsOf) -> Completion:
    """Everything a completion checks before its step runs (404, 403, 409, 422 in that order)."""
    instance, item, open_rows = _item_for(conn, item_id, caller, facts_of)
    status, claimed_by = item.status, item.claimed_by
    if status not in OPEN_STATUSES:
        raise Conflict(f"work item {item.id} is already {status}")
    if claimed_by is not None and claimed_by != caller.name:
        raise Conflict(f"work item {item.id} is claimed by {claimed_by}")
    return Completion(instance, item, open_rows, resolve_action(item.actions, action))


def write_completion(conn: Connection, state: bytes, definition: CompiledDefinition, done: Completion,
                     caller: Caller, data: dict[str, Any], result: StepResult) -> dict[str, Any]:
    """Write a completion whose step ran outside the transaction (``state``: the workflow as
    Runtime.dump gave it). StaleState, with nothing written, when the instance or the item changed
    meanwhile (the caller reads again and retries). Returns what the caller reads next: the
    completed item and the instance with its open items."""
    instance, item, chosen = done.instance, done.item, done.chosen
    at = now()
    variables = result.variables
    completed_entry = entry(instance.id, at, "work_item_completed", element=item.element, name=item.name,
                            user=caller.name, work_item=item.id, action=chosen, data=data or None)
    if not finish_completion(conn, instance_id=instance.id, expected_revision=instance.revision,
                             state=state, status=result.status, variables=variables, at=at,
                             item_id=item.id, user=caller.name, action_id=chosen["id"] if chosen else None,
                             entries=[completed_entry]):
        raise StaleState(f"instance {instance.id} changed meanwhile; try again")
    open_items = apply_step(conn, definition, instance.id, result, [], at, completed_task=item.task_id,
                            starter=instance.started_by,
                            open_rows=[row for row in done.open_rows if row.id != item.id])
    completed = {**item._mapping, "status": "completed", "claimed_by": caller.name, "completed_at": at,
                 "completed_by": caller.name, "action_id": chosen["id"] if chosen else None}
    return {"work_item": work_item_json(completed),
            "instance": _brief_after_step(instance, result.status, variables, at, open_items)}


def read_message_target(conn: Connection, instance_id: str, caller: Caller, facts_of: FactsOf) -> Any:
    """The instance a caller's message is for: 404, then 403 (not theirs to message), then 409."""
    instance = _read_instance(conn, instance_id)
    rules.check_message(caller, _facts_of_instance(conn, instance, facts_of), instance.id)
    return _running(instance)


def read_running(conn: Connection, instance_id: str | int) -> Any:
    """An instance a background step may move on; 404 or 409 otherwise."""
    return _running(_read_instance(conn, instance_id))


def _read_instance(conn: Connection, instance_id: str | int) -> Any:
    instance = conn.execute(_INSTANCE_BY_ID, {"instance_id": parse_id(instance_id, "instance")}).first()
    if instance is None:
        raise NotFound(f"no instance with id {instance_id}")
    return instance


def _running(instance: Any) -> Any:
    if instance.status != "running":
        raise Conflict(f"instance {instance.id} is {instance.status}")
    return instance


def write_message(conn: Connection, state: bytes, definition: CompiledDefinition, instance: Any, name: str,
                  data: dict[str, Any], caller: Caller, result: StepResult) -> dict[str, Any]:
    """Write a delivered message's step (StaleState, with nothing written, when the instance
    changed meanwhile)."""
    at = now()
    save_state(conn, state, instance, result, at)
    open_items = apply_step(conn, definition, instance.id, result,
                            [entry(instance.id, at, "message_received", name=name, user=caller.name,
                                   data=data or None)], at, completed_task=None,
                            starter=instance.started_by)
    return _brief_after_step(instance, result.status, result.variables, at, open_items)


def resolve_action(actions: list[dict[str, Any]], action: str | None) -> dict[str, Any] | None:
    """An action is named by flow id or by a name unique among the item's actions."""
    if action is None or action == "":
        if len(actions) <= 1 or all(a.get("conditional") for a in actions):
            return actions[0] if len(actions) == 1 else None
        raise choose_one_of(actions)
    if not isinstance(action, str):
        raise Invalid("action must be a flow id or an action name")
    for candidate in actions:
        if candidate["id"] == action:
            return candidate
    named = [a for a in actions if a["name"] == action]
    if len(named) == 1:
        return named[0]
    problem = "is the name of several actions; use its id" if named else "is not an action of this item"
    raise Invalid(f"{action!r} {problem}",
                  {"actions": [{"id": a["id"], "name": a["name"]} for a in actions]})


def save_state(conn: Connection, state: bytes, instance: Any, result: StepResult,
               at: datetime, status: str | None = None) -> None:
    """Write the new state (``state``, dumped before the transaction), only if the instance is
    still at the revision the command read: a command's first write, so a stale one writes
    nothing (StaleState)."""
    changed = conn.execute(SAVE_STATE, {
        "instance_id": instance.id, "expected": instance.revision, "state": state,
        "revision": instance.revision + 1, "status": status or result.status,
        "variables": result.variables, "at": at,
    }).rowcount
    if changed != 1:
        raise StaleState(f"instance {instance.id} changed meanwhile; try again")


# --- the shared tail of every command ----------------------------------------------------------

def apply_step(conn: Connection, definition: CompiledDefinition, instance_id: int, result: StepResult,
               entries: list[dict[str, Any]], at: datetime, completed_task: str | None,
               starter: str | None, new_instance: bool = False,
               open_rows: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """Write what a step produced (work items, outbox jobs, timers, history); returns the
    instance's open work items as the API shows them. ``starter``: who started the instance (a
    plain or manual task that names nobody goes to them). ``open_rows``: the instance's open items as
    read under its lock, when the command already has them (saves a query)."""
    for event in result.events:
        if event.type == "message_received":  # a kept early message the step took (engine/early_messages.py)
            entries.append(entry(instance_id, at, event.type, name=event.name, user=event.user,
                                 data=event.data or None))
            continue
        if event.type.endswith("_thrown"):  # a message or escalation nothing in the instance caught
            entries.append(entry(instance_id, at, event.type, element=event.element, name=event.name))
            continue
        if event.element in definition.cartables:
            continue  # the work_item_completed entry says it, with who and which action
        entries.append(entry(instance_id, at, "element_completed", kind=event.type.rsplit("_", 1)[0],
                              element=event.element, name=event.name))
    waiting = {t.task_id: t for t in result.user_tasks}
    if open_rows is None:
        open_rows = [] if new_instance else conn.execute(_OPEN_ITEMS, {"instance_id": instance_id}).all()
    known = set()
    still_open = []
    cancelled = []
    for row in open_rows:
        known.add(row.task_id)
        if row.task_id == completed_task:
            continue
        if row.task_id not in waiting:
            conn.execute(update(work_items).where(work_items.c.id == row.id).values(status="cancelled",
                                                                                    completed_at=at))
            entries.append(entry(instance_id, at, "work_item_cancelled", element=row.element, name=row.name,
                                  work_item=row.id))
            cancelled.append(row.id)
        else:
            still_open.append(work_item_json(row._mapping))
    close_cartable_entries(conn, cancelled)
    for task in result.user_tasks:
        if task.task_id in known:
            continue
        cartable = definition.cartables.get(task.element)
        if cartable is None:
            continue
        cartable = cartable.for_instance(starter)
        values = {
            "instance_id": instance_id, "task_id": task.task_id, "element": task.element, "name": cartable.name,
            "status": "open", "assignee": cartable.assignee, "claimed_by": None, "users": list(cartable.users),
            "groups": list(cartable.groups), "roles": list(cartable.roles),
            "actions": [a.as_json() for a in cartable.actions],
            "due_at": _due_at(cartable.due, at), "created_at": at,
            "title": render_title(cartable.title, task.data), "definition_key": definition.key,
        }
        item_id = insert_work_item(conn, values, sorted(cartable.principals))
        still_open.append(work_item_json({**values, "id": item_id, "completed_at": None, "completed_by": None,
                                          "action_id": None}))
        entries.append(entry(instance_id, at, "work_item_created", element=task.element, name=cartable.name,
                              work_item=item_id))
        escalate_at = _due_at(cartable.escalate_after, at) if cartable.escalate_after else None
        if escalate_at is not None:
            conn.execute(insert(timers).values(instance_id=instance_id, task_id=task.task_id, element=task.element,
                                               due_at=escalate_at, status="waiting", kind="escalation",
                                               work_item_id=item_id))
    if result.connector_tasks:
        queued = set(conn.execute(select(outbox_jobs.c.task_id)
                                  .where(outbox_jobs.c.instance_id == instance_id)).scalars())
        for task in result.connector_tasks:
            if task.task_id in queued:
                continue
            conn.execute(insert(outbox_jobs).values(
                instance_id=instance_id, task_id=task.task_id, element=task.element, connector=task.connector,
                payload={"inputs": task.inputs or {}, "variables": _jsonable(task.data)}, status="pending",
                attempts=0, created_at=at, next_attempt_at=at))
        entries += [entry(instance_id, at, "job_queued", element=t.element,
                           name=definition.element_names.get(t.element)) for t in result.connector_tasks
                    if t.task_id not in queued]
    if definition.has_timers:
        _sync_timers(conn, instance_id, result, at)
    if definition.has_message_catches:
        messages.take(conn, result.taken)
        messages.sync_waits(conn, instance_id, result.messages if result.status == "running" else [],
                            new_instance)
    if result.status == "completed":
        entries.append(entry(instance_id, at, "instance_completed"))
    insert_rows(conn, history, entries)
    return still_open


def _sync_timers(conn: Connection, instance_id: int, result: StepResult, at: datetime) -> None:
    """Timer rows mirror the waiting timer events: new ones armed, vanished ones closed."""
    waiting = {t.task_id: t for t in result.timers}
    armed = dict(conn.execute(select(timers.c.task_id, timers.c.id)
                              .where(timers.c.instance_id == instance_id, timers.c.status == "waiting",
                                     timers.c.kind.is_(None))).all())
    gone = [timer_id for task_id, timer_id in armed.items() if task_id not in waiting]
    if gone:
        conn.execute(update(timers).where(timers.c.id.in_(gone)).values(status="done"))
    new = [t for t in result.timers if t.task_id not in armed]
    if new:
        conn.execute(insert(timers), [{"instance_id": instance_id, "task_id": t.task_id, "element": t.element,
                                       "due_at": t.due_at, "status": "waiting"} for t in new])


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool, list, dict, type(None)))}


def entry(instance_id: int, at: datetime, type_: str, *, kind: str | None = None, element: str | None = None,
           name: str | None = None, user: str | None = None, work_item: int | None = None,
           action: dict[str, Any] | None = None, data: Any = None) -> dict[str, Any]:
    return {
        "instance_id": instance_id, "at": at, "type": type_, "kind": kind, "element": element, "name": name,
        "user": user, "work_item": work_item, "action_id": action["id"] if action else None,
        "action_name": action["name"] if action else None, "data": data,
    }


# --- locking and permission ---------------------------------------------------------------------

def lock_instance(conn: Connection, instance_id: int) -> Any:
    row = conn.execute(writes_for(conn).locking(_INSTANCE_BY_ID), {"instance_id": instance_id}).first()
    if row is None:
        raise NotFound(f"no instance with id {instance_id}")
    return row


_ITEM_BY_ID = select(work_items).where(work_items.c.id == bindparam("item_id"))
_INSTANCE_BY_ID = select(instances).where(instances.c.id == bindparam("instance_id"))
# An item's instance, found in one statement (an item never moves to another instance).
_INSTANCE_OF_ITEM = HotStatement(select(instances).where(instances.c.id == select(work_items.c.instance_id).where(
    work_items.c.id == bindparam("item_id")).scalar_subquery()))
_OPEN_ITEMS = (select(work_items).where(work_items.c.instance_id == bindparam("instance_id"),
                                        work_items.c.status.in_(OPEN_STATUSES)).order_by(work_items.c.id))
# The item a command acts on and its instance's other open items, in one statement. On
# PostgreSQL as two index lookups joined by UNION ALL: with the condition written as one OR, its
# cached plan scanned the table (PostgreSQL's CPU per invoice instance went from 2.5 to 5.5 ms) or
# read every item the instance ever had (a 1,000-turn loop's step grew from 3 to 5 ms).
_ITEM_AND_OPEN_ITEMS = HotStatement(
    select(work_items).where(work_items.c.instance_id == bindparam("instance_id"),
                             work_items.c.status.in_([literal_column(f"'{s}'") for s in OPEN_STATUSES]),
                             work_items.c.id != bindparam("item_id"))
    .union_all(select(work_items).where(work_items.c.id == bindparam("item_id")))
    .order_by("id"))


# A claim's item with what the access rule needs of its instance, in one statement.
_ITEM_WITH_DEFINITION = HotStatement(
    select(work_items, instances.c.definition_key).join(instances, instances.c.id == work_items.c.instance_id)
    .where(work_items.c.id == bindparam("item_id")))
_CLAIM_ITEM = HotStatement(
    update(work_items).where(work_items.c.id == bindparam("item_id"), work_items.c.status == "open",
                             work_items.c.claimed_by.is_(None))
    .values(status="claimed", claimed_by=bindparam("user")).returning(*work_items.c))


def work_item_row(conn: Connection, item_id: int) -> Any:
    return conn.execute(_ITEM_BY_ID, {"item_id": item_id}).first()


def _item_for(conn: Connection, item_id: str, caller: Caller, facts_of: FactsOf) -> tuple[Any, Any, list[Any]]:
    """The item's instance, then the item and the instance's open items: (instance, item, open
    items). The items are read after the instance, in their own statement, so they are at least
    as new as the revision the command's guarded write will check."""
    number = parse_id(item_id, "work item")
    instance = _INSTANCE_OF_ITEM.first(conn, {"item_id": number})
    rows = [] if instance is None else _ITEM_AND_OPEN_ITEMS.rows(conn, {"instance_id": instance.id,
                                                                        "item_id": number})
    item = next((row for row in rows if row.id == number), None)
    if item is None:
        raise NotFound(f"no work item with id {item_id}")
    parties = frozenset(parties_of_item(item.assignee, item.users, item.groups, item.roles))
    rules.check_act_on_item(caller, parties, item.claimed_by, facts_of(instance.definition_key, None), item_id)
    return instance, item, [row for row in rows if row.status in OPEN_STATUSES]


# --- what the access rule needs of an instance -------------------------------------------------

_PARTY_COLUMNS = (work_items.c.assignee, work_items.c.users, work_items.c.groups, work_items.c.roles,
                  work_items.c.claimed_by, work_items.c.completed_by)


def _facts_from(definition_key: str, started_by: str | None, items: Any, facts_of: FactsOf) -> InstanceFacts:
    """An instance's facts from its row and its items' party columns (all items, done ones too:
    whoever had an item on an instance keeps seeing it)."""
    parties: set[str] = set()
    actors: set[str] = set()
    for item in items:
        parties |= parties_of_item(item.assignee, item.users, item.groups, item.roles)
        actors.update(name for name in (item.claimed_by, item.completed_by) if name)
    return InstanceFacts(definition=facts_of(definition_key, None), started_by=started_by,
                         parties=frozenset(parties), actors=frozenset(actors))


def _facts_of_instance(conn: Connection, instance: Any, facts_of: FactsOf) -> InstanceFacts:
    items = conn.execute(select(*_PARTY_COLUMNS).where(work_items.c.instance_id == instance.id)).all()
    return _facts_from(instance.definition_key, instance.started_by, items, facts_of)


def instance_facts(conn: Connection, instance_id: int, facts_of: FactsOf) -> InstanceFacts:
    row = conn.execute(select(instances.c.id, instances.c.definition_key, instances.c.started_by)
                       .where(instances.c.id == instance_id)).first()
    if row is None:
        raise NotFound(f"no instance with id {instance_id}")
    return _facts_of_instance(conn, row, facts_of)


def visible_to(scope: Scope, instance_id: Any) -> Any:
    """Scope.admits in SQL, over the instance whose id is ``instance_id`` (a column)."""
    seen = instances.alias("seen")
    item = work_items.alias("item")
    party = work_item_parties.alias("party")
    takes_part = or_(
        seen.c.started_by == scope.name,
        exists().where(item.c.instance_id == seen.c.id,
                       or_(item.c.claimed_by == scope.name, item.c.completed_by == scope.name)),
        exists().where(item.c.instance_id == seen.c.id, party.c.work_item_id == item.c.id,
                       party.c.principal.in_(scope.principals)),
    )
    admitted = takes_part
    if scope.hidden:
        admitted = and_(seen.c.definition_key.not_in(sorted(scope.hidden)), takes_part)
    if scope.owned:
        admitted = or_(seen.c.definition_key.in_(sorted(scope.owned)), admitted)
    return exists().where(seen.c.id == instance_id, admitted)


# --- queries ----------------------------------------------------------------------------------

def iso(moment: datetime | None) -> str | None:
    """UTC timestamps; SQLite hands them back without a zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")


def work_item_json(item: Any) -> dict[str, Any]:
    """A work item as the API shows it, from a row mapping or the values just inserted."""
    return {
        "id": str(item["id"]),
        "instance_id": str(item["instance_id"]),
        "name": item["name"],
        "element": item["element"],
        "actions": [{"id": a["id"], "name": a["name"]} for a in item["actions"]],
        "assignee": item["claimed_by"] or item["assignee"],
        "users": item["users"],
        "groups": item["groups"],
        "roles": item["roles"],
        "due_at": iso(item["due_at"]),
        "status": item["status"],
        "claimed_by": item["claimed_by"],
        "created_at": iso(item["created_at"]),
        "completed_at": iso(item["completed_at"]),
        "completed_by": item["completed_by"],
        "action": item["action_id"],
        # per action id, the fields it needs filled (charkh:requiredFields); only actions that have some
        "required_fields": {a["id"]: a["required_fields"] for a in item["actions"] if a.get("required_fields")},
        "title": item.get("title"),
        "process": {"key": item.get("definition_key"), "name": item.get("process_name") or item.get("definition_key")},
        "overdue": _overdue(item["due_at"], item["status"]),
    }


def _overdue(due_at: datetime | None, status: str) -> bool:
    if due_at is None or status not in OPEN_STATUSES:
        return False
    if due_at.tzinfo is None:
        due_at = due_at.replace(tzinfo=UTC)
    return due_at < now()


def list_work_items(conn: Connection, caller: Caller, mine: bool, status: str | None, limit: int,
                    after: str | None, hidden: frozenset[str] = frozenset(),
                    scope: Scope | None = None) -> list[dict[str, Any]]:
    """mine: the items the caller may act on or has claimed, outside the definitions hidden from
    them; else the items of the instances in the caller's scope."""
    if status in ("", "all"):
        status = None
    if status not in (None, "open", "claimed", "completed", "cancelled"):
        raise Invalid(f"status must be one of open, claimed, completed, cancelled, all; not {status!r}")
    values: dict[str, Any] = {"limit": limit}
    if after:
        values["after"] = _cursor(after)
    if status is not None:
        values["status"] = list(OPEN_STATUSES) if status == "open" else [status]
    if mine:
        values.update(me=caller.name, principals=list(caller.principals))
        if hidden:
            values["hidden"] = sorted(hidden)
        query = _cartable_query(status is not None, bool(after), caller.is_admin, bool(hidden))
    else:
        if scope is None:
            raise ValueError("listing more than the caller's cartable needs the caller's scope")
        query = _cartable_query(status is not None, bool(after), False, False, mine=False)
        if not scope.everything:  # the scope's clauses vary with the caller: built per call
            query = query.where(visible_to(scope, work_items.c.instance_id))
    return [work_item_json(row._mapping) for row in conn.execute(query, values)]


_cartable_queries: dict[tuple[bool, ...], Any] = {}
# The name of an item's process, beside the item (definitions are few; a lookup by key).
PROCESS_NAME = (select(definitions.c.name).where(definitions.c.key == work_items.c.definition_key)
                .scalar_subquery().label("process_name"))


def _cartable_query(by_status: bool, after: bool, admin: bool, hidden: bool, mine: bool = True) -> Any:
    """The statement of one shape of work-item list, built once: "my items" is asked before every
    action people take, and building the expression cost more than running it."""
    shape = (by_status, after, admin, hidden, mine)
    query = _cartable_queries.get(shape)
    if query is not None:
        return query
    query = select(work_items, PROCESS_NAME).order_by(work_items.c.id).limit(bindparam("limit"))
    if by_status:
        query = query.where(work_items.c.status.in_(bindparam("status", expanding=True)))
    if after:
        query = query.where(work_items.c.id > bindparam("after"))
    if mine:
        parties = exists().where(work_item_parties.c.work_item_id == work_items.c.id,
                                 work_item_parties.c.principal.in_(bindparam("principals", expanding=True)))
        mine_clause = or_(work_items.c.claimed_by == bindparam("me"),
                          and_(work_items.c.claimed_by.is_(None), parties))
        if admin:
            unassigned = ~exists().where(work_item_parties.c.work_item_id == work_items.c.id)
            mine_clause = or_(mine_clause, and_(work_items.c.claimed_by.is_(None), unassigned))
        query = query.where(mine_clause)
        if hidden:
            query = query.where(~exists().where(instances.c.id == work_items.c.instance_id,
                                                instances.c.definition_key.in_(bindparam("hidden", expanding=True))))
    _cartable_queries[shape] = query
    return query


def _cursor(after: str) -> int:
    try:
        cursor = int(after)
    except ValueError:
        cursor = -1
    if not 0 <= cursor <= MAX_ID:
        raise Invalid(f"after must be a cursor from a Link header, not {after!r}")
    return cursor


_SUMMARY_COLUMNS = (instances.c.id, instances.c.status, instances.c.definition_key, instances.c.process_id,
                    instances.c.version_id, instances.c.variables, instances.c.record_entity,
                    instances.c.record_id, instances.c.started_by, instances.c.created_at,
                    instances.c.updated_at)


def instance_json(conn: Connection, instance_id: str, caller: Caller, facts_of: FactsOf) -> dict[str, Any]:
    """The instance with all its items and history, for whoever may see it."""
    number = parse_id(instance_id, "instance")
    row = conn.execute(select(*_SUMMARY_COLUMNS).where(instances.c.id == number)).first()
    if row is None:
        raise NotFound(f"no instance with id {instance_id}")
    rows = conn.execute(select(work_items).where(work_items.c.instance_id == number).order_by(work_items.c.id)).all()
    rules.check_see_instance(caller, _facts_from(row.definition_key, row.started_by, rows, facts_of),
                             f"instance {instance_id}")
    items = [work_item_json(r._mapping) for r in rows]
    entries = [history_json(r) for r in conn.execute(select(history).where(history.c.instance_id == number)
                                                     .order_by(history.c.id))]
    return {**_instance_summary(row._mapping), "work_items": items, "history": entries}


def instance_brief(conn: Connection, instance_id: str | int) -> dict[str, Any]:
    number = parse_id(instance_id, "instance")
    row = conn.execute(select(*_SUMMARY_COLUMNS).where(instances.c.id == number)).first()
    if row is None:
        raise NotFound(f"no instance with id {instance_id}")
    items = conn.execute(_OPEN_ITEMS, {"instance_id": number})
    return {**_instance_summary(row._mapping), "work_items": [work_item_json(r._mapping) for r in items]}


def _brief_after_step(instance: Any, status: str, variables: dict[str, Any], at: datetime,
                      open_items: list[dict[str, Any]]) -> dict[str, Any]:
    """instance_brief, from what the command already holds: no query."""
    summary = _instance_summary(instance._mapping)
    summary.update(status=status, variables=variables, updated_at=iso(at))
    return {**summary, "work_items": open_items}


def _instance_summary(row: Any) -> dict[str, Any]:
    """An instance's own fields, from a row mapping or the values just written."""
    return {
        "id": str(row["id"]),
        "status": row["status"],
        "definition": row["definition_key"],
        "process": row["process_id"],
        "version_id": str(row["version_id"]),
        "variables": row["variables"],
        "record": {"entity": row["record_entity"], "id": row["record_id"]} if row["record_entity"] else None,
        "started_by": row["started_by"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


def list_instances(conn: Connection, scope: Scope, status: str | None, definition: str | None, limit: int,
                   after: str | None) -> list[dict[str, Any]]:
    query = select(*_SUMMARY_COLUMNS).order_by(instances.c.id).limit(limit)
    if not scope.everything:
        query = query.where(visible_to(scope, instances.c.id))
    if status:
        query = query.where(instances.c.status == status)
    if definition:
        query = query.where(instances.c.definition_key == definition)
    if after:
        query = query.where(instances.c.id > _cursor(after))
    return [_instance_summary(row._mapping) for row in conn.execute(query)]


def history_json(row: Any) -> dict[str, Any]:
    return {
        "at": iso(row.at),
        "type": row.type,
        "kind": row.kind,
        "element": row.element,
        "name": row.name,
        "user": row.user,
        "work_item": str(row.work_item) if row.work_item is not None else None,
        "action": {"id": row.action_id, "name": row.action_name} if row.action_id else None,
        "data": row.data,
    }
