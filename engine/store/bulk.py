"""Several rows into one table in one statement.

A step writes several history rows (and a new work item several party rows). psycopg runs an
``executemany`` as a pipeline of one INSERT per row, which costs the server and PostgreSQL about
three times what one statement does; on PostgreSQL the rows go instead as one JSON array
parameter, expanded by ``json_populate_recordset`` into one INSERT. SQLite keeps executemany,
which is cheap in process.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert

from .database import json_text
from .hot import postgres_cursor

_STATEMENTS: dict[tuple[str, tuple[str, ...]], str] = {}


def _json_insert(table: Table, columns: tuple[str, ...]) -> str:
    statement = _STATEMENTS.get((table.name, columns))
    if statement is None:
        names = ", ".join(f'"{table.c[name].name}"' for name in columns)  # KeyError: not a column
        statement = (f'INSERT INTO "{table.name}" ({names}) SELECT {names} '
                     f'FROM json_populate_recordset(NULL::"{table.name}", CAST(%(rows)s AS json))')
        _STATEMENTS[(table.name, columns)] = statement
    return statement


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        statement = _json_insert(table, tuple(rows[0]))
        postgres_cursor(conn, statement, {"rows": json_text(rows)})
    else:
        conn.execute(insert(table), rows if len(rows) > 1 else rows[0])
