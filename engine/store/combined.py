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

from sqlalchemy import JSON, Connection, bindparam, exists, insert, or_, update

from .bulk import insert_rows
from .database import inserted_id, json_text
from .hot import postgres_cursor
from .schema import history, instances, work_item_parties, work_items

# A new item's columns, from the schema: all but its id and what its completion sets. Both
# databases' paths check the values against this list, so a new column fails on both at once.
_SET_BY_COMPLETION = {"completed_at", "completed_by", "action_id"}
_ITEM_COLUMNS = tuple(c.name for c in work_items.columns if not c.primary_key and c.name not in _SET_BY_COMPLETION)
_JSON_ITEM_COLUMNS = {c.name for c in work_items.columns if isinstance(c.type, JSON)}
_HISTORY_COLUMNS = ", ".join(f'"{c.name}"' for c in history.columns if c.name != "id")


def _value(column: str) -> str:
    return f"CAST(%({column})s AS json)" if column in _JSON_ITEM_COLUMNS else f"%({column})s"


_PG_INSERT_ITEM = (
    "WITH item AS (INSERT INTO work_items ({columns}) VALUES ({values}) RETURNING id), "
    "parties AS (INSERT INTO work_item_parties (work_item_id, principal) "
    "SELECT item.id, principal FROM item, unnest(CAST(%(principals)s AS varchar[])) AS principal) "
    "SELECT id FROM item".format(columns=", ".join(f'"{c}"' for c in _ITEM_COLUMNS),
                                 values=", ".join(_value(c) for c in _ITEM_COLUMNS)))

# Each write is conditioned on the one before it (all sub-statements of a WITH query run, so each
# must say whether it may): the item only while the instance is at the expected revision, the
# instance only once the item is done, the history only once the instance is saved. A revision
# already stale when the statement starts writes nothing; one that turns stale while it runs (a
# concurrent command committing first) fails the state update, and the command's rollback undoes
# the item.
_PG_FINISH_COMPLETION = (
    "WITH done AS (UPDATE work_items SET status = 'completed', claimed_by = %(user)s, completed_at = %(at)s, "
    "completed_by = %(user)s, action_id = %(action_id)s WHERE id = %(item_id)s "
    "AND status IN ('open', 'claimed') AND (claimed_by IS NULL OR claimed_by = %(user)s) "
    "AND EXISTS (SELECT 1 FROM instances WHERE id = %(instance_id)s AND revision = %(expected)s) RETURNING id), "
    "saved AS (UPDATE instances SET state = %(state)s, revision = %(revision)s, status = %(status)s, "
    "variables = CAST(%(variables)s AS json), updated_at = %(at)s "
    "WHERE id = %(instance_id)s AND revision = %(expected)s AND EXISTS (SELECT 1 FROM done) RETURNING id), "
    f"logged AS (INSERT INTO history ({_HISTORY_COLUMNS}) SELECT {_HISTORY_COLUMNS} "
    "FROM json_populate_recordset(NULL::history, CAST(%(history)s AS json)) WHERE EXISTS (SELECT 1 FROM saved)) "
    "SELECT count(*) AS saved FROM saved")

_INSERT_ITEM = insert(work_items)
SAVE_STATE = (update(instances)
               .where(instances.c.id == bindparam("instance_id"), instances.c.revision == bindparam("expected"))
               .values(state=bindparam("state"), revision=bindparam("revision"), status=bindparam("status"),
                       variables=bindparam("variables"), updated_at=bindparam("at")))
_COMPLETE_ITEM = (update(work_items).where(work_items.c.id == bindparam("item_id"),
                                      work_items.c.status.in_(("open", "claimed")),
                                      or_(work_items.c.claimed_by.is_(None),
                                          work_items.c.claimed_by == bindparam("user")),
                                      exists().where(instances.c.id == bindparam("of_instance"),
                                                     instances.c.revision == bindparam("expected")))
                  .values(status="completed", claimed_by=bindparam("user"), completed_at=bindparam("at"),
                          completed_by=bindparam("user"), action_id=bindparam("action_id")))


def insert_work_item(conn: Connection, values: dict[str, Any], principals: list[str]) -> int:
    """A new work item and its cartable parties; returns the item's id."""
    if values.keys() != set(_ITEM_COLUMNS):
        raise ValueError(f"a new work item has exactly the columns {sorted(_ITEM_COLUMNS)}; "
                         f"given {sorted(values)}")
    if conn.dialect.name == "postgresql":
        params = {c: json_text(values[c]) if c in _JSON_ITEM_COLUMNS else values[c] for c in _ITEM_COLUMNS}
        new_id: int = postgres_cursor(conn, _PG_INSERT_ITEM, {**params, "principals": principals}).fetchone().id
        return new_id
    item_id = inserted_id(conn.execute(_INSERT_ITEM, values))
    insert_rows(conn, work_item_parties, [{"work_item_id": item_id, "principal": p} for p in principals])
    return item_id


def finish_completion(conn: Connection, *, instance_id: int, expected_revision: int, state: bytes, status: str,
                      variables: dict[str, Any], at: datetime, item_id: int, user: str, action_id: str | None,
                      entries: list[dict[str, Any]]) -> bool:
    """Mark the item completed and save the instance's new state with ``entries`` in its history,
    only while the item is still open and not claimed by another and the instance is still at
    ``expected_revision``; else write nothing and answer False (the caller reads again). The first
    write of a completion: what else its step writes comes after it."""
    state_values = {"instance_id": instance_id, "expected": expected_revision, "state": state,
                    "revision": expected_revision + 1, "status": status, "at": at}
    if conn.dialect.name == "postgresql":
        saved: int = postgres_cursor(conn, _PG_FINISH_COMPLETION, {
            **state_values, "variables": json_text(variables), "item_id": item_id, "user": user,
            "action_id": action_id, "history": json_text(entries)}).fetchone().saved
        return saved == 1
    # SQLite: the write transaction holds the database's one write lock, so the item's update,
    # checked against the revision too, decides for all three.
    if conn.execute(_COMPLETE_ITEM, {"item_id": item_id, "user": user, "at": at, "action_id": action_id,
                                     "of_instance": instance_id, "expected": expected_revision}).rowcount != 1:
        return False
    if conn.execute(SAVE_STATE, {**state_values, "variables": variables}).rowcount != 1:
        raise AssertionError("the instance changed under SQLite's write lock")
    insert_rows(conn, history, entries)
    return True
