"""The hot path's statements in two forms: SQLAlchemy Core (SQLite, and the reference) and the same
statement written out for PostgreSQL, run on psycopg's own cursor inside the command's transaction.

On the invoice drive, SQLAlchemy's per-statement work (parameter processing, the compiled cache,
result set-up) cost the server as much as psycopg's (bench/RESULTS.md); a step's few statements
skip it on PostgreSQL. Rows from either form answer ``row.column`` and ``row._mapping``.
"""
from __future__ import annotations

from typing import Any, Iterable

from psycopg.types.json import Json
from sqlalchemy import Connection
from sqlalchemy.sql import Executable


class Row(dict):
    """A row as a dict with attribute access, like SQLAlchemy's Row where the engine reads one."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> "Row":
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
        return lambda values: Row(zip(names, values))


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
    cursor = pooled.info.get("charkh_cursor")
    if cursor is None or cursor.closed or cursor.connection is not driver:
        cursor = pooled.info["charkh_cursor"] = driver.cursor(row_factory=_RowMaker())
    return cursor


class HotStatement:
    def __init__(self, core: Executable, postgres: str, json_params: Iterable[str] = ()) -> None:
        self.core = core
        self.postgres = postgres
        self.json_params = tuple(json_params)  # sent as JSON on PostgreSQL (Python values on SQLite)

    def _pg_cursor(self, conn: Connection, params: dict[str, Any]) -> Any:
        for name in self.json_params:
            params = {**params, name: Json(params[name])}
        return postgres_cursor(conn, self.postgres, params)

    def rows(self, conn: Connection, params: dict[str, Any]) -> list[Any]:
        if conn.dialect.name == "postgresql":
            return self._pg_cursor(conn, params).fetchall()
        return conn.execute(self.core, params).all()

    def first(self, conn: Connection, params: dict[str, Any]) -> Any:
        if conn.dialect.name == "postgresql":
            return self._pg_cursor(conn, params).fetchone()
        return conn.execute(self.core, params).first()

    def scalar(self, conn: Connection, params: dict[str, Any]) -> Any:
        row = self.first(conn, params)
        return None if row is None else next(iter(row._mapping.values()))

    def rowcount(self, conn: Connection, params: dict[str, Any]) -> int:
        if conn.dialect.name == "postgresql":
            return self._pg_cursor(conn, params).rowcount
        return conn.execute(self.core, params).rowcount
