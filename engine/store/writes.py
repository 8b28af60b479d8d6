"""How the store's statements reach each database: one interface, two implementations.

``CoreWrites`` runs every statement through SQLAlchemy Core; SQLite (embedded mode) uses it, and
in process its statements are cheap. ``PostgresWrites`` runs the hot path's statements on psycopg's
own cursor (engine/store/hot.py), compiled once, and writes several things in one statement where
PostgreSQL's data-modifying WITH queries allow: on the invoice drive SQLAlchemy's per-statement
work cost the server as much as psycopg's, and every statement as much again in PostgreSQL.
``writes_for`` picks the implementation by the connection's dialect; no statement of the store asks
which database it is on.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import JSON, Connection, Table, bindparam, exists, insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ClauseElement, Executable, Select
from sqlalchemy.sql.compiler import SQLCompiler

from .database import inserted_id, json_text
from .hot import Row, postgres_cursor
from .schema import history, instances, work_item_parties, work_items

# A new item's columns, from the schema: all but its id and what its completion sets. Both
# implementations check the values against this list, so a new column fails on both at once.
_SET_BY_COMPLETION = {"completed_at", "completed_by", "action_id"}
ITEM_COLUMNS = tuple(c.name for c in work_items.columns if not c.primary_key and c.name not in _SET_BY_COMPLETION)
_JSON_ITEM_COLUMNS = {c.name for c in work_items.columns if isinstance(c.type, JSON)}

SAVE_STATE = (update(instances)
              .where(instances.c.id == bindparam("instance_id"), instances.c.revision == bindparam("expected"))
              .values(state=bindparam("state"), revision=bindparam("revision"), status=bindparam("status"),
                      variables=bindparam("variables"), updated_at=bindparam("at")))


class HotStatement:
    """One statement of the hot path. ``core`` may not use expanding IN parameters (write fixed
    lists as literals); ``column_keys``: an INSERT's columns; ``json_params``: parameters sent as
    JSON on PostgreSQL (SQLAlchemy's JSON type does it on SQLite)."""

    def __init__(self, core: Executable, json_params: Iterable[str] = (),
                 column_keys: Iterable[str] | None = None) -> None:
        self.core = core
        self.json_params = tuple(json_params)
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._postgres: tuple[str, dict[str, Any]] | None = None
        self._sqlite: _SqliteStatement | None = None

    @property
    def postgres(self) -> tuple[str, dict[str, Any]]:
        """The statement as PostgreSQL SQL with psycopg's %(name)s parameters, and the values of
        the parameters the statement fixes itself (a LIMIT)."""
        if self._postgres is None:
            from sqlalchemy.dialects.postgresql import psycopg as dialect

            if not isinstance(self.core, ClauseElement):
                raise TypeError(f"a hot statement is a SQLAlchemy Core statement, not {type(self.core).__name__}")
            # SQLAlchemy's PostgreSQL dialects do not annotate their constructors
            pg_dialect = dialect.dialect()  # type: ignore[no-untyped-call]
            compiled = self.core.compile(dialect=pg_dialect, column_keys=self.column_keys)
            if not isinstance(compiled, SQLCompiler):
                raise TypeError(f"{type(self.core).__name__} does not compile to a SQL statement")
            fixed = {compiled.bind_names[bind]: bind.value for bind in compiled.binds.values()
                     if not bind.required and bind.value is not None}
            self._postgres = (compiled.string, fixed)
        return self._postgres

    def sqlite(self, conn: Connection) -> _SqliteStatement:
        """The statement compiled for SQLite once: its SQL, its parameters in order with their
        bind processors, and its result columns' processors."""
        if self._sqlite is None:
            if not isinstance(self.core, ClauseElement):
                raise TypeError(f"a hot statement is a SQLAlchemy Core statement, not {type(self.core).__name__}")
            compiled = self.core.compile(dialect=conn.dialect, column_keys=self.column_keys)
            if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
                raise TypeError(f"{type(self.core).__name__} does not compile to a positional SQLite statement")
            fixed = {compiled.bind_names[bind]: bind.value for bind in compiled.binds.values()
                     if not bind.required and bind.value is not None}
            binds = compiled._bind_processors
            results = [column.type._cached_result_processor(conn.dialect, None)
                       for column in compiled._result_columns]
            self._sqlite = _SqliteStatement(compiled.string, [(name, binds.get(name)) for name in compiled.positiontup],
                                            fixed, results)
        return self._sqlite

    def postgres_cursor(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Run on psycopg's cursor; the caller reads the result before its next statement."""
        sql, fixed = self.postgres
        params = {**fixed, **params}
        for name in self.json_params:
            params[name] = Json(params[name])
        return postgres_cursor(conn, sql, params)

    def rows(self, conn: Connection, params: dict[str, Any]) -> Sequence[Any]:
        return writes_for(conn).rows(conn, self, params)

    def first(self, conn: Connection, params: dict[str, Any]) -> Any:
        return writes_for(conn).first(conn, self, params)

    def scalar(self, conn: Connection, params: dict[str, Any]) -> Any:
        row = self.first(conn, params)
        return None if row is None else next(iter(row._mapping.values()))

    def rowcount(self, conn: Connection, params: dict[str, Any]) -> int:
        return writes_for(conn).rowcount(conn, self, params)


class _SqliteStatement:
    """A hot statement as sqlite3 runs it, on the driver's connection inside the command's
    transaction: SQLAlchemy's per-statement work (parameter processing, the compiled cache, result
    set-up) cost the embedded server several times what SQLite's own execution did (bench:
    invoice --with-cartable --server embedded). Values still pass SQLAlchemy's type processors,
    so rows read the same as through Core."""

    __slots__ = ("sql", "params", "fixed", "results", "names", "processed")

    def __init__(self, sql: str, params: list[tuple[str, Any]], fixed: dict[str, Any], results: list[Any]) -> None:
        self.sql = sql
        self.params = params
        self.fixed = fixed
        self.results = results
        # the result's column names, and those whose values SQLAlchemy's types convert, from the
        # first result (building them from the cursor's description each time cost as much as the fetch)
        self.names: list[str] | None = None
        self.processed: list[tuple[str, int, Any]] = []

    def cursor(self, conn: Connection, values: dict[str, Any]) -> Any:
        driver = conn.connection.driver_connection
        if driver is None:
            raise RuntimeError("the pooled connection has no driver connection: it was invalidated")
        fixed = self.fixed
        ordered = []
        for name, process in self.params:
            value = values[name] if name in values else fixed[name]
            ordered.append(value if process is None or value is None else process(value))
        return driver.execute(self.sql, ordered)

    def rows(self, conn: Connection, values: dict[str, Any]) -> list[Row]:
        cursor = self.cursor(conn, values)
        fetched = cursor.fetchall()
        if not fetched:
            return []
        if self.names is None:
            self.names = [column[0] for column in cursor.description]
            self.processed = [(self.names[n], n, process) for n, process in enumerate(self.results) if process]
        names, processed = self.names, self.processed
        made = [Row(zip(names, row, strict=True)) for row in fetched]
        for name, n, process in processed:
            for row, values_of_row in zip(made, fetched, strict=True):
                value = values_of_row[n]
                if value is not None:
                    row[name] = process(value)
        return made


class CoreWrites:
    """Every statement through SQLAlchemy Core."""

    # --- the hot path's fixed statements ------------------------------------------------------

    def rows(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> Sequence[Any]:
        return conn.execute(statement.core, params).all()

    def first(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> Any:
        return conn.execute(statement.core, params).first()

    def rowcount(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> int:
        return conn.execute(statement.core, params).rowcount

    # --- several rows, several writes ---------------------------------------------------------

    def insert_rows(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        conn.execute(insert(table), rows if len(rows) > 1 else rows[0])

    def insert_work_item(self, conn: Connection, values: dict[str, Any], principals: list[str]) -> int:
        item_id = inserted_id(conn.execute(insert(work_items), values))
        if principals:
            self.insert_rows(conn, work_item_parties, [{"work_item_id": item_id, "principal": p} for p in principals])
        return item_id

    def finish_completion(self, conn: Connection, state_values: dict[str, Any], variables: dict[str, Any],
                          item_values: dict[str, Any], entries: list[dict[str, Any]]) -> bool:
        # The write transaction holds SQLite's one write lock, so the item's update, checked
        # against the revision too, decides for all three.
        if conn.execute(_COMPLETE_ITEM, {**item_values, "of_instance": state_values["instance_id"],
                                         "expected": state_values["expected"]}).rowcount != 1:
            return False
        if conn.execute(SAVE_STATE, {**state_values, "variables": variables}).rowcount != 1:
            raise AssertionError("the instance changed under SQLite's write lock")
        conn.execute(_CLOSE_ENTRIES, {"item_ids": [item_values["item_id"]]})
        self.insert_rows(conn, history, entries)
        return True

    # --- where the SQL differs ----------------------------------------------------------------

    def locking(self, query: Select[Any]) -> Select[Any]:
        """The query's rows, locked for this transaction (SQLite: a write holds the database)."""
        return query

    def skipping_locked(self, query: Select[Any]) -> Select[Any]:
        """The query's rows that no other transaction holds, locked (SQLite: one writer anyway)."""
        return query

    def insert_unless_present(self, table: Table) -> Any:
        """An INSERT that does nothing when the row's key exists already."""
        return sqlite.insert(table)


class PostgresWrites(CoreWrites):
    """The hot path on psycopg's cursor; several writes in one statement."""

    def rows(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> Sequence[Any]:
        rows: list[Any] = statement.postgres_cursor(conn, params).fetchall()
        return rows

    def first(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> Any:
        return statement.postgres_cursor(conn, params).fetchone()

    def rowcount(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> int:
        count: int = statement.postgres_cursor(conn, params).rowcount
        return count

    def insert_rows(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        # psycopg runs executemany as one INSERT per row; one JSON array parameter expanded by
        # json_populate_recordset is one statement, a third of the cost.
        postgres_cursor(conn, _json_insert(table, tuple(rows[0])), {"rows": json_text(rows)})

    def insert_work_item(self, conn: Connection, values: dict[str, Any], principals: list[str]) -> int:
        params = {c: json_text(values[c]) if c in _JSON_ITEM_COLUMNS else values[c] for c in ITEM_COLUMNS}
        new_id: int = postgres_cursor(conn, _PG_INSERT_ITEM, {**params, "principals": principals}).fetchone().id
        return new_id

    def finish_completion(self, conn: Connection, state_values: dict[str, Any], variables: dict[str, Any],
                          item_values: dict[str, Any], entries: list[dict[str, Any]]) -> bool:
        saved: int = postgres_cursor(conn, _PG_FINISH_COMPLETION, {
            **state_values, **item_values, "variables": json_text(variables),
            "history": json_text(entries)}).fetchone().saved
        return saved == 1

    def locking(self, query: Select[Any]) -> Select[Any]:
        return query.with_for_update()

    def skipping_locked(self, query: Select[Any]) -> Select[Any]:
        return query.with_for_update(skip_locked=True)

    def insert_unless_present(self, table: Table) -> Any:
        return postgresql.insert(table)


class SqliteWrites(CoreWrites):
    """The hot path's fixed statements on sqlite3's own connection (``_SqliteStatement``); the
    rest through Core."""

    def rows(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> Sequence[Any]:
        return statement.sqlite(conn).rows(conn, params)

    def first(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> Any:
        rows = statement.sqlite(conn).rows(conn, params)  # all of them: RETURNING writes as it is read
        return rows[0] if rows else None

    def rowcount(self, conn: Connection, statement: HotStatement, params: dict[str, Any]) -> int:
        cursor = statement.sqlite(conn).cursor(conn, params)
        cursor.fetchall()
        count: int = cursor.rowcount
        return count


_CORE = CoreWrites()
_BY_DIALECT: dict[str, CoreWrites] = {"postgresql": PostgresWrites(), "sqlite": SqliteWrites()}


def writes_for(conn: Connection) -> CoreWrites:
    return _BY_DIALECT.get(conn.dialect.name, _CORE)


# --- the public writes (the store calls these) --------------------------------------------------

def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys."""
    if rows:
        writes_for(conn).insert_rows(conn, table, rows)


def insert_work_item(conn: Connection, values: dict[str, Any], principals: list[str]) -> int:
    """A new work item and its cartable parties; returns the item's id."""
    if values.keys() != set(ITEM_COLUMNS):
        raise ValueError(f"a new work item has exactly the columns {sorted(ITEM_COLUMNS)}; given {sorted(values)}")
    return writes_for(conn).insert_work_item(conn, values, principals)


def finish_completion(conn: Connection, *, instance_id: int, expected_revision: int, state: bytes, status: str,
                      variables: dict[str, Any], at: datetime, item_id: int, user: str, action_id: str | None,
                      entries: list[dict[str, Any]]) -> bool:
    """Mark the item completed and save the instance's new state with ``entries`` in its history,
    only while the item is still open and not claimed by another and the instance is still at
    ``expected_revision``; else write nothing and answer False (the caller reads again). The first
    write of a completion: what else its step writes comes after it."""
    state_values = {"instance_id": instance_id, "expected": expected_revision, "state": state,
                    "revision": expected_revision + 1, "status": status, "at": at}
    item_values = {"item_id": item_id, "user": user, "at": at, "action_id": action_id}
    return writes_for(conn).finish_completion(conn, state_values, variables, item_values, entries)


def close_cartable_entries(conn: Connection, item_ids: list[int]) -> None:
    """Take items that were completed or cancelled out of the open part of the cartable index."""
    if item_ids:
        conn.execute(_CLOSE_ENTRIES, {"item_ids": item_ids})


# --- the statements -----------------------------------------------------------------------------

_COMPLETE_ITEM = (update(work_items).where(work_items.c.id == bindparam("item_id"),
                                           work_items.c.status.in_(("open", "claimed")),
                                           or_(work_items.c.claimed_by.is_(None),
                                               work_items.c.claimed_by == bindparam("user")),
                                           exists().where(instances.c.id == bindparam("of_instance"),
                                                          instances.c.revision == bindparam("expected")))
                  .values(status="completed", claimed_by=bindparam("user"), completed_at=bindparam("at"),
                          completed_by=bindparam("user"), action_id=bindparam("action_id")))

# The cartable index's entries of items no longer open (completed or cancelled).
_CLOSE_ENTRIES = (update(work_item_parties).where(work_item_parties.c.work_item_id.in_(
    bindparam("item_ids", expanding=True))).values(item_open=False))

_HISTORY_COLUMNS = ", ".join(f'"{c.name}"' for c in history.columns if c.name != "id")


def _value(column: str) -> str:
    return f"CAST(%({column})s AS json)" if column in _JSON_ITEM_COLUMNS else f"%({column})s"


_PG_INSERT_ITEM = (
    "WITH item AS (INSERT INTO work_items ({columns}) VALUES ({values}) RETURNING id), "
    "parties AS (INSERT INTO work_item_parties (work_item_id, principal) "
    "SELECT item.id, principal FROM item, unnest(CAST(%(principals)s AS varchar[])) AS principal) "
    "SELECT id FROM item".format(columns=", ".join(f'"{c}"' for c in ITEM_COLUMNS),
                                 values=", ".join(_value(c) for c in ITEM_COLUMNS)))

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
    "closed AS (UPDATE work_item_parties SET item_open = false "
    "WHERE work_item_id = %(item_id)s AND EXISTS (SELECT 1 FROM saved)), "
    f"logged AS (INSERT INTO history ({_HISTORY_COLUMNS}) SELECT {_HISTORY_COLUMNS} "
    "FROM json_populate_recordset(NULL::history, CAST(%(history)s AS json)) WHERE EXISTS (SELECT 1 FROM saved)) "
    "SELECT count(*) AS saved FROM saved")

_JSON_INSERTS: dict[tuple[str, tuple[str, ...]], str] = {}


def _json_insert(table: Table, columns: tuple[str, ...]) -> str:
    statement = _JSON_INSERTS.get((table.name, columns))
    if statement is None:
        names = ", ".join(f'"{table.c[name].name}"' for name in columns)  # KeyError: not a column
        statement = (f'INSERT INTO "{table.name}" ({names}) SELECT {names} '
                     f'FROM json_populate_recordset(NULL::"{table.name}", CAST(%(rows)s AS json))')
        _JSON_INSERTS[(table.name, columns)] = statement
    return statement
