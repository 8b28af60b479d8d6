"""psycopg's own cursor, for the hot path's statements on PostgreSQL (engine/store/writes.py).

On the invoice drive, SQLAlchemy's per-statement work (parameter processing, the compiled cache,
result set-up) cost the server as much as psycopg's (bench/RESULTS.md); a step's few statements
skip it on PostgreSQL and run here, inside the command's transaction. Rows from either path answer
``row.column`` and ``row._mapping``.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


class Row(dict[str, Any]):
    """A row as a dict with attribute access, like SQLAlchemy's Row where the engine reads one."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> Row:
        return self


# Each fixed statement's result column names, read from its first result: building the cursor's
# description on every execution cost as much as the fetch.
_NAMES: dict[str, list[str]] = {}


class _RowMaker:
    """psycopg's row factory for one connection's cursor; ``sql`` is the statement it runs now
    (set before each execute: setting the cursor's row_factory instead would make psycopg call
    the factory on the previous statement's result)."""

    def __init__(self) -> None:
        self.sql = ""

    def __call__(self, cursor: Any) -> Any:
        result = cursor.pgresult
        if result is None or not result.nfields:  # a statement without rows
            return tuple
        names = _NAMES.get(self.sql)
        if names is None:
            names = _NAMES[self.sql] = [column.name for column in cursor.description]
        return lambda values: Row(zip(names, values, strict=True))


def postgres_cursor(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
    """Run one statement on the connection's psycopg cursor, in the command's transaction. ``sql``
    is one of the modules' fixed statements (its result columns are remembered); the caller reads
    the result before its next statement."""
    cursor = _cursor_of(conn)
    cursor.row_factory.sql = sql
    cursor.execute(sql, params, prepare=True)
    return cursor


def _cursor_of(conn: Connection) -> Any:
    """One psycopg cursor per pooled connection, kept for its next commands: creating a cursor
    cost a third of running a prepared statement."""
    pooled = conn.connection
    driver = pooled.dbapi_connection
    if driver is None:
        raise RuntimeError("the pooled connection has no driver connection: it was invalidated")
    cursor = pooled.info.get("charkh_cursor")
    if cursor is None or cursor.closed or cursor.connection is not driver:
        cursor = pooled.info["charkh_cursor"] = driver.cursor(row_factory=_RowMaker())
    return cursor
