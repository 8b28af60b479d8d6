"""Entities, records, a record's history and the starts its triggers owe: rows only (issue 16).
What a record's values are is checked before (engine/record_fields.py); which triggers fire is
decided by engine/records.py."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, cast, delete, func, insert, or_, select, update

from ..access import Scope
from ..errors import Invalid, NotFound
from .instances import MAX_ID, history_json, iso, parse_id, visible_to
from .schema import entities as entity_table
from .schema import (
    history,
    instances,
    record_changes,
    record_links,
    records,
    trigger_schedules,
    trigger_starts,
    users,
)
from .writes import writes_for

PENDING, STARTED, FAILED = "pending", "started", "failed"


# --- entities -----------------------------------------------------------------------------------

def all_entities(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(entity_table).order_by(entity_table.c.name)).all()
    return [_entity_json(row) for row in rows]


def entity(conn: Connection, name: str) -> dict[str, Any]:
    row = conn.execute(select(entity_table).where(entity_table.c.name == name)).first()
    if row is None:
        raise NotFound(f"no entity named {name!r}")
    return _entity_json(row)


def entity_names(conn: Connection) -> set[str]:
    return set(conn.execute(select(entity_table.c.name)).scalars())


def put_entity(conn: Connection, checked: dict[str, Any], at: datetime) -> bool:
    """Store an entity as checked by engine/entities.py; True when it is new."""
    values = {"label": checked["label"], "labels": checked["labels"], "fields": checked["fields"], "updated_at": at}
    if conn.execute(update(entity_table).where(entity_table.c.name == checked["name"]).values(**values)).rowcount:
        return False
    conn.execute(insert(entity_table).values(name=checked["name"], **values))
    return True


def _entity_json(row: Any) -> dict[str, Any]:
    return {"name": row.name, "label": row.label, "labels": row.labels, "fields": row.fields}


# --- records ------------------------------------------------------------------------------------

def check_people_and_references(conn: Connection, fields: list[dict[str, Any]],
                                values: dict[str, Any]) -> dict[str, int | None]:
    """A user field names a user and a reference field a record of its entity (422 naming the field).
    Returns the id of the record each reference given points to (None: emptied), for link()."""
    targets: dict[str, int | None] = {}
    for field in fields:
        name = field["name"]
        if name not in values:
            continue
        value = values[name]
        if field["type"] == "reference":
            targets[name] = None if value is None else _referenced(conn, field["entity"], value)
            if value is not None and targets[name] is None:
                raise Invalid(f"field {name!r}: no {field['entity']} record {value!r}", {"field": name})
        if field["type"] == "user" and value is not None and conn.execute(
                select(users.c.id).where(users.c.name == value)).first() is None:
            raise Invalid(f"field {name!r}: no user named {value!r}", {"field": name})
    return targets


def _referenced(conn: Connection, entity_name: str, value: str) -> int | None:
    number = value.isdigit() and 0 < int(value) <= MAX_ID
    found: int | None = conn.execute(select(records.c.id).where(
        records.c.entity == entity_name,
        (records.c.id == int(value)) if number else (records.c.external_id == value))).scalar()
    return found


def link(conn: Connection, record_id: int, entity_name: str, targets: dict[str, int | None]) -> None:
    """Keep where the record's reference fields point (as check_people_and_references found them)."""
    if not targets:
        return
    conn.execute(delete(record_links).where(record_links.c.record_id == record_id,
                                            record_links.c.field.in_(sorted(targets))))
    rows = [{"record_id": record_id, "field": field, "entity": entity_name, "target_id": target}
            for field, target in targets.items() if target is not None]
    if rows:
        conn.execute(insert(record_links), rows)


def relink(conn: Connection, entity_name: str, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    """An entity redefined: drop the links of the fields that no longer point where they did, and
    link the records' values of the fields that point somewhere new (values that name no record of
    the new target stay unlinked)."""
    old = {f["name"]: f["entity"] for f in before if f["type"] == "reference"}
    new = {f["name"]: f["entity"] for f in after if f["type"] == "reference"}
    moved = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    if not moved:
        return
    conn.execute(delete(record_links).where(record_links.c.entity == entity_name,
                                            record_links.c.field.in_(moved)))
    fresh = {name: new[name] for name in moved if name in new}
    if not fresh:
        return
    for row in conn.execute(select(records.c.id, records.c.fields).where(records.c.entity == entity_name)).all():
        targets = {name: _referenced(conn, target, str(row.fields[name]))
                   for name, target in fresh.items() if row.fields.get(name) is not None}
        link(conn, row.id, entity_name, {name: target for name, target in targets.items() if target is not None})


def check_owner(conn: Connection, owner: str | None) -> None:
    if owner is not None and conn.execute(select(users.c.id).where(users.c.name == owner)).first() is None:
        raise Invalid(f"owner: no user named {owner!r}", {"field": "owner"})


def insert_record(conn: Connection, entity_name: str, values: dict[str, Any], owner: str | None,
                  external_id: str | None, user: str | None, at: datetime, instance_id: int | None = None) -> Any:
    """``instance_id``: the instance whose record step creates it (its history says so)."""
    record_id = conn.execute(insert(records).values(
        entity=entity_name, external_id=external_id, fields=values, owner=owner, version=1, created_by=user,
        created_at=at, updated_at=at).returning(records.c.id)).scalar_one()
    conn.execute(insert(record_changes).values(record_id=record_id, type="record_created", user=user,
                                               data={k: [None, v] for k, v in values.items() if v is not None},
                                               at=at, instance_id=instance_id))
    return record_row(conn, record_id)


def record_row(conn: Connection, record_id: int, entity_name: str | None = None, lock: bool = False) -> Any:
    """The record's row (locked for this transaction when ``lock``); 404 when it is not of the entity."""
    query = select(records).where(records.c.id == record_id)
    if lock:
        query = writes_for(conn).locking(query)
    row = conn.execute(query).first()
    if row is None or (entity_name is not None and row.entity != entity_name):
        raise NotFound(f"no {entity_name or 'record'} with id {record_id}")
    return row


def record_by_external_id(conn: Connection, entity_name: str, external_id: str, lock: bool = False) -> Any:
    query = select(records).where(records.c.entity == entity_name, records.c.external_id == external_id)
    if lock:
        query = writes_for(conn).locking(query)
    return conn.execute(query).first()


def update_record(conn: Connection, row: Any, values: dict[str, Any], owner: str | None, change_owner: bool,
                  changes: dict[str, list[Any]], user: str | None, at: datetime,
                  instance_id: int | None = None) -> Any:
    """Write the record's new values (row: as read under its lock) and their changes; a write
    that changes nothing keeps the version and the history as they are. ``instance_id``: the
    instance whose record step writes."""
    if not changes:
        return row
    conn.execute(update(records).where(records.c.id == row.id).values(
        fields={**row.fields, **values}, owner=owner if change_owner else row.owner, version=row.version + 1,
        updated_at=at))
    conn.execute(insert(record_changes).values(record_id=row.id, type="record_changed", user=user, data=changes,
                                               at=at, instance_id=instance_id))
    return record_row(conn, row.id)


def list_records(conn: Connection, entity_name: str, equal: dict[str, Any], limit: int, after: int | None,
                 search: str | None = None, searched: tuple[str, ...] = ()) -> list[Any]:
    """A page of an entity's records in id order: those whose fields equal the values given (as
    typed by engine/record_fields.py) and, with ``search``, whose id is it or one of whose
    ``searched`` fields contains it, whatever the case. The search reads the entity's records in
    id order until the page is full: no index, which a CRM's lists of thousands do not need."""
    query = select(records).where(records.c.entity == entity_name)
    for name, value in equal.items():
        query = query.where(_as_text(name).in_(_spellings(value)))
    if search:
        needle = search.strip().lower()
        found = [func.lower(_as_text(name)).contains(needle, autoescape=True) for name in searched]
        if needle.isdigit() and 0 < int(needle) <= MAX_ID:
            found.append(records.c.id == int(needle))
        query = query.where(or_(*found) if found else records.c.id.is_(None))
    if after is not None:
        query = query.where(records.c.id > after)
    return list(conn.execute(query.order_by(records.c.id).limit(limit)).all())


def _as_text(name: str) -> Any:
    return cast(records.c.fields[name].as_string(), String)


def _spellings(value: Any) -> list[str]:
    """How a typed value reads as text out of the JSON on either database: SQLite reads true as 1
    and PostgreSQL as true; a whole number may have been stored as 5 or as 5.0."""
    if isinstance(value, bool):
        return ["true", "1"] if value else ["false", "0"]
    if isinstance(value, int | float) and float(value).is_integer():
        return [str(int(value)), f"{float(value)}"]
    return [str(value)]


def related_counts(conn: Connection, record_id: int) -> list[tuple[str, str, int]]:
    """(entity, field, how many) of the records whose reference fields point to this one."""
    query = (select(record_links.c.entity, record_links.c.field, func.count())
             .where(record_links.c.target_id == record_id)
             .group_by(record_links.c.entity, record_links.c.field)
             .order_by(record_links.c.entity, record_links.c.field))
    return [(entity_name, field, int(n)) for entity_name, field, n in conn.execute(query)]


def related_records(conn: Connection, record_id: int, entity_name: str, field: str, limit: int,
                    after: int | None) -> list[Any]:
    """A page, in id order, of the records of ``entity_name`` whose ``field`` points to this one."""
    query = (select(records).join(record_links, record_links.c.record_id == records.c.id)
             .where(record_links.c.target_id == record_id, record_links.c.entity == entity_name,
                    record_links.c.field == field))
    if after is not None:
        query = query.where(record_links.c.record_id > after)
    return list(conn.execute(query.order_by(record_links.c.record_id).limit(limit)).all())


def record_json(row: Any, started: list[str] | None = None) -> dict[str, Any]:
    found = {"id": str(row.id), "entity": row.entity, "external_id": row.external_id, "fields": row.fields,
             "owner": row.owner, "version": row.version, "created_at": iso(row.created_at),
             "updated_at": iso(row.updated_at)}
    if started is not None:
        found["instances"] = started
    return found


def history_of(conn: Connection, record_id: int, scope: Scope) -> list[dict[str, Any]]:
    """The record's changes and the history of every instance run for it that the scope admits (a
    private process's stay hidden from those off its list; each entry as the instance's own
    history has it, with its instance and process), oldest first. A change a record step made
    names its instance to those who may see that instance."""
    rows = conn.execute(select(record_changes).where(record_changes.c.record_id == record_id)
                        .order_by(record_changes.c.id)).all()
    seen = _visible_instances(conn, {row.instance_id for row in rows if row.instance_id is not None}, scope)
    changes = [{"type": row.type, "at": iso(row.at), "user": row.user, "data": row.data,
                "instance_id": str(row.instance_id) if row.instance_id in seen else None}
               for row in rows]
    ran_for = _ran_for(record_id, scope).with_only_columns(instances.c.id, instances.c.definition_key).subquery()
    entries = [{**history_json(row), "instance_id": str(row.instance_id), "definition": row.definition_key}
               for row in conn.execute(select(history, ran_for.c.definition_key)
                                       .join(ran_for, ran_for.c.id == history.c.instance_id)
                                       .order_by(history.c.id))]
    return sorted(changes + entries, key=lambda entry: entry["at"] or "")


def _visible_instances(conn: Connection, instance_ids: set[int], scope: Scope) -> set[int]:
    if not instance_ids or scope.everything:
        return instance_ids
    query = select(instances.c.id).where(instances.c.id.in_(sorted(instance_ids)), visible_to(scope, instances.c.id))
    return set(conn.execute(query).scalars())


def instances_for(conn: Connection, record_id: int, scope: Scope) -> list[dict[str, Any]]:
    """The instances run for the record that the scope admits, newest first: what each is and
    where it stands."""
    query = _ran_for(record_id, scope).with_only_columns(
        instances.c.id, instances.c.definition_key, instances.c.process_id, instances.c.status,
        instances.c.started_by, instances.c.created_at, instances.c.updated_at).order_by(instances.c.id.desc())
    return [{"id": str(row.id), "definition": row.definition_key, "process": row.process_id, "status": row.status,
             "started_by": row.started_by, "created_at": iso(row.created_at), "updated_at": iso(row.updated_at)}
            for row in conn.execute(query)]


def _ran_for(record_id: int, scope: Scope) -> Any:
    query = select(instances).where(instances.c.record_id == str(record_id),
                                    instances.c.record_entity == select(records.c.entity).where(
                                        records.c.id == record_id).scalar_subquery())
    return query if scope.everything else query.where(visible_to(scope, instances.c.id))


def last_change_id(conn: Connection, record_id: int) -> int:
    """The id of the record's latest history row (under its lock: the caller's own)."""
    return int(conn.execute(select(func.max(record_changes.c.id)).where(record_changes.c.record_id == record_id))
               .scalar_one())


def own_changes(conn: Connection, change_ids: list[int], instance_id: int) -> None:
    """Changes made by the record steps of an instance before it had its id (its first step)."""
    if change_ids:
        conn.execute(update(record_changes).where(record_changes.c.id.in_(change_ids))
                     .values(instance_id=instance_id))


def record_number(record_id: str) -> int:
    return parse_id(record_id, "record")


# --- the starts triggers owe ----------------------------------------------------------------------

def owe_starts(conn: Connection, record_id: int, owed: list[tuple[str, str, str]], user: str | None,
               at: datetime) -> None:
    """Note the starts (definition, trigger, cause) the record's write owes, in its transaction;
    a cause already noted (the same record, process, trigger and cause) is not noted again."""
    if not owed:
        return
    statement = writes_for(conn).insert_unless_present(trigger_starts).on_conflict_do_nothing(
        index_elements=["record_id", "definition_key", "trigger_key", "cause"])
    conn.execute(statement, [{"record_id": record_id, "definition_key": key, "trigger_key": trigger, "cause": cause,
                              "requested_by": user, "status": PENDING, "created_at": at}
                             for key, trigger, cause in owed])


def pending_starts(conn: Connection, record_id: int | None = None, limit: int = 100,
                   noted_before: datetime | None = None, cause: str | None = None) -> list[Any]:
    query = select(trigger_starts).where(trigger_starts.c.status == PENDING)
    if record_id is not None:
        query = query.where(trigger_starts.c.record_id == record_id)
    if cause is not None:
        query = query.where(trigger_starts.c.cause == cause)
    if noted_before is not None:
        query = query.where(trigger_starts.c.created_at < noted_before)
    return list(conn.execute(query.order_by(trigger_starts.c.id).limit(limit)).all())


def owed_start(conn: Connection, record_id: int, definition_key: str, trigger_key: str, cause: str) -> Any:
    return conn.execute(select(trigger_starts).where(
        trigger_starts.c.record_id == record_id, trigger_starts.c.definition_key == definition_key,
        trigger_starts.c.trigger_key == trigger_key, trigger_starts.c.cause == cause)).one()


def mark_started(conn: Connection, start_id: int, instance_id: int) -> bool:
    """In the transaction that stores the instance: False when another got there first (the
    caller then rolls back, and the instance it made never existed)."""
    return bool(conn.execute(update(trigger_starts).where(trigger_starts.c.id == start_id,
                                                          trigger_starts.c.status == PENDING)
                             .values(status=STARTED, instance_id=instance_id)).rowcount)


def mark_failed(conn: Connection, start_id: int, error: str) -> None:
    conn.execute(update(trigger_starts).where(trigger_starts.c.id == start_id, trigger_starts.c.status == PENDING)
                 .values(status=FAILED, error=error[:2000]))


def started_for(conn: Connection, start_ids: list[int]) -> list[str]:
    if not start_ids:
        return []
    return [str(i) for i in conn.execute(select(trigger_starts.c.instance_id).where(
        trigger_starts.c.id.in_(start_ids), trigger_starts.c.instance_id.is_not(None))
        .order_by(trigger_starts.c.id)).scalars()]


def count(conn: Connection, entity_name: str) -> int:
    return int(conn.execute(select(func.count()).select_from(records).where(records.c.entity == entity_name))
               .scalar_one())




# --- schedules ----------------------------------------------------------------------------------

def schedule_row(conn: Connection, definition_key: str, trigger_key: str) -> Any:
    """The schedule's row, locked; None when another scheduler holds it (or it has none yet)."""
    query = select(trigger_schedules).where(trigger_schedules.c.definition_key == definition_key,
                                            trigger_schedules.c.trigger_key == trigger_key)
    return conn.execute(writes_for(conn).skipping_locked(query)).first()


def start_schedule(conn: Connection, definition_key: str, trigger_key: str, next_due_at: datetime) -> None:
    statement = writes_for(conn).insert_unless_present(trigger_schedules).on_conflict_do_nothing(
        index_elements=["definition_key", "trigger_key"])
    conn.execute(statement, {"definition_key": definition_key, "trigger_key": trigger_key,
                             "next_due_at": next_due_at})


def set_schedule(conn: Connection, definition_key: str, trigger_key: str, **values: Any) -> None:
    conn.execute(update(trigger_schedules).where(trigger_schedules.c.definition_key == definition_key,
                                                 trigger_schedules.c.trigger_key == trigger_key).values(**values))


def records_after(conn: Connection, entity_name: str, after: int, limit: int) -> list[Any]:
    return list(conn.execute(select(records.c.id, records.c.fields, records.c.version)
                             .where(records.c.entity == entity_name, records.c.id > after)
                             .order_by(records.c.id).limit(limit)).all())
