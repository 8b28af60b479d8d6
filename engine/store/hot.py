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


class _RowMaker:
    """psycopg's row factory for one statement: the column names are read from the first result
    and kept (building the cursor's description on every execution cost as much as the fetch)."""

    def __init__(self) -> None:
        self.names: list[str] | None = None

    def __call__(self, cursor: Any) -> Any:
        result = cursor.pgresult
        if result is None or not result.nfields:  # a statement without rows
            return tuple
        if self.names is None:
            self.names = [column.name for column in cursor.description]
        names = self.names
        return lambda values: Row(zip(names, values))


_ROW_MAKERS: dict[str, _RowMaker] = {}


def postgres_cursor(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
    """Run one statement on the connection's psycopg cursor, in the command's transaction. ``sql``
    is one of the modules' fixed statements (its result columns are remembered)."""
    maker = _ROW_MAKERS.get(sql) or _ROW_MAKERS.setdefault(sql, _RowMaker())
    cursor = conn.connection.dbapi_connection.cursor(row_factory=maker)
    cursor.execute(sql, params, prepare=True)
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
