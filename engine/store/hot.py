"""The hot path's statements: written once in SQLAlchemy Core, run through SQLAlchemy on SQLite and,
on PostgreSQL, compiled once to SQL and run on psycopg's own cursor inside the command's
transaction.

On the invoice drive, SQLAlchemy's per-statement work (parameter processing, the compiled cache,
result set-up) cost the server as much as psycopg's (bench/RESULTS.md); a step's few statements
skip it on PostgreSQL. Rows from either path answer ``row.column`` and ``row._mapping``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler


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

    @property
    def postgres(self) -> tuple[str, dict[str, Any]]:
        """The statement as PostgreSQL SQL with psycopg's %(name)s parameters, and the values of
        the parameters the statement fixes itself (a LIMIT)."""
        if self._postgres is None:
            from sqlalchemy.dialects.postgresql import psycopg as dialect

            if not isinstance(self.core, ClauseElement):
                raise TypeError(f"a hot statement is a SQLAlchemy Core statement, not {type(self.core).__name__}")
            # SQLAlchemy's PostgreSQL dialects do not annotate their constructors
            postgresql = dialect.dialect()  # type: ignore[no-untyped-call]
            compiled = self.core.compile(dialect=postgresql, column_keys=self.column_keys)
            if not isinstance(compiled, SQLCompiler):
                raise TypeError(f"{type(self.core).__name__} does not compile to a SQL statement")
            fixed = {compiled.bind_names[bind]: bind.value for bind in compiled.binds.values()
                     if not bind.required and bind.value is not None}
            self._postgres = (compiled.string, fixed)
        return self._postgres

    def _pg_cursor(self, conn: Connection, params: dict[str, Any]) -> Any:
        sql, fixed = self.postgres
        params = {**fixed, **params}
        for name in self.json_params:
            params[name] = Json(params[name])
        return postgres_cursor(conn, sql, params)

    def rows(self, conn: Connection, params: dict[str, Any]) -> Sequence[Any]:
        if conn.dialect.name == "postgresql":
            rows: list[Row] = self._pg_cursor(conn, params).fetchall()
            return rows
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
            count: int = self._pg_cursor(conn, params).rowcount
            return count
        return conn.execute(self.core, params).rowcount
