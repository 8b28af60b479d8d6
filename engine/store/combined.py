"""Several writes of one command in one statement, on PostgreSQL.

Each statement costs about 0.1 ms of server CPU (SQLAlchemy, psycopg) and as much again in
PostgreSQL, and a step used to write in up to seven. PostgreSQL's data-modifying WITH queries let
a command write a new work item with its parties, or save the instance's state together with the
completed item and the history rows, in one statement each; all of it is still inside the
command's one transaction. SQLite runs the same writes one by one (in process they are cheap).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, or_, update

from .bulk import insert_rows
from .database import json_text
from .hot import postgres_cursor
from .schema import history, instances, work_item_parties, work_items

_ITEM_COLUMNS = ("instance_id", "task_id", "element", "name", "status", "assignee", "claimed_by", "users",
                 "groups", "roles", "actions", "due_at", "created_at")
_JSON_ITEM_COLUMNS = {"users", "groups", "roles", "actions"}
_HISTORY_COLUMNS = ", ".join(f'"{c.name}"' for c in history.columns if c.name != "id")


def _value(column: str) -> str:
    return f"CAST(%({column})s AS json)" if column in _JSON_ITEM_COLUMNS else f"%({column})s"


_PG_INSERT_ITEM = (
    "WITH item AS (INSERT INTO work_items ({columns}) VALUES ({values}) RETURNING id), "
    "parties AS (INSERT INTO work_item_parties (work_item_id, principal) "
    "SELECT item.id, principal FROM item, unnest(CAST(%(principals)s AS varchar[])) AS principal) "
    "SELECT id FROM item".format(columns=", ".join(f'"{c}"' for c in _ITEM_COLUMNS),
                                 values=", ".join(_value(c) for c in _ITEM_COLUMNS)))

_PG_FINISH_COMPLETION = (
    "WITH done AS (UPDATE work_items SET status = 'completed', claimed_by = %(user)s, completed_at = %(at)s, "
    "completed_by = %(user)s, action_id = %(action_id)s WHERE id = %(item_id)s "
    "AND status IN ('open', 'claimed') AND (claimed_by IS NULL OR claimed_by = %(user)s) RETURNING id), "
    f"logged AS (INSERT INTO history ({_HISTORY_COLUMNS}) SELECT {_HISTORY_COLUMNS} "
    "FROM json_populate_recordset(NULL::history, CAST(%(history)s AS json))) "
    "UPDATE instances SET state = %(state)s, revision = %(revision)s, status = %(status)s, "
    "variables = CAST(%(variables)s AS json), updated_at = %(at)s "
    "WHERE id = %(instance_id)s AND revision = %(expected)s AND EXISTS (SELECT 1 FROM done)")

_INSERT_ITEM = insert(work_items)
SAVE_STATE = (update(instances)
               .where(instances.c.id == bindparam("instance_id"), instances.c.revision == bindparam("expected"))
               .values(state=bindparam("state"), revision=bindparam("revision"), status=bindparam("status"),
                       variables=bindparam("variables"), updated_at=bindparam("at")))
_COMPLETE_ITEM = (update(work_items).where(work_items.c.id == bindparam("item_id"),
                                      work_items.c.status.in_(("open", "claimed")),
                                      or_(work_items.c.claimed_by.is_(None),
                                          work_items.c.claimed_by == bindparam("user")))
                  .values(status="completed", claimed_by=bindparam("user"), completed_at=bindparam("at"),
                          completed_by=bindparam("user"), action_id=bindparam("action_id")))


def insert_work_item(conn: Connection, values: dict[str, Any], principals: list[str]) -> int:
    """A new work item and its cartable parties; returns the item's id."""
    if conn.dialect.name == "postgresql":
        params = {c: json_text(values[c]) if c in _JSON_ITEM_COLUMNS else values[c] for c in _ITEM_COLUMNS}
        return postgres_cursor(conn, _PG_INSERT_ITEM, {**params, "principals": principals}).fetchone().id
    item_id = conn.execute(_INSERT_ITEM, values).inserted_primary_key[0]
    insert_rows(conn, work_item_parties, [{"work_item_id": item_id, "principal": p} for p in principals])
    return item_id


def finish_completion(conn: Connection, *, instance_id: int, expected_revision: int, state: bytes, status: str,
                      variables: dict[str, Any], at: datetime, item_id: int, user: str, action_id: str | None,
                      entries: list[dict[str, Any]]) -> bool:
    """Save the instance's new state (only if its revision is still the expected one), mark the
    item completed (only if it is still open and not claimed by another) and write the step's
    history. False when either had changed (the caller raises, which rolls the whole command
    back, and reads again)."""
    state_values = {"instance_id": instance_id, "expected": expected_revision, "state": state,
                    "revision": expected_revision + 1, "status": status, "at": at}
    if conn.dialect.name == "postgresql":
        return postgres_cursor(conn, _PG_FINISH_COMPLETION, {
            **state_values, "variables": json_text(variables), "item_id": item_id, "user": user,
            "action_id": action_id, "history": json_text(entries)}).rowcount == 1
    saved = conn.execute(SAVE_STATE, {**state_values, "variables": variables}).rowcount == 1
    completed = conn.execute(_COMPLETE_ITEM, {"item_id": item_id, "user": user, "at": at,
                                              "action_id": action_id}).rowcount == 1
    insert_rows(conn, history, entries)
    return saved and completed
