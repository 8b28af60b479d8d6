"""Connections, transactions and migrations for SQLite (embedded) and PostgreSQL.

Writes on SQLite take the database lock at BEGIN (``BEGIN IMMEDIATE``), so two commands never
interleave; on PostgreSQL a command locks its instance row (``SELECT ... FOR UPDATE``). Reads
use a separate engine with ordinary transactions on SQLite, which WAL lets run beside a writer
(and which gives a read one snapshot), and the same pool in autocommit on PostgreSQL.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, PoolProxiedConnection


def json_text(value: object) -> str:
    """JSON as Charkh stores it (columns, and the hot path's JSON parameters)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT made."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the statement inserted no row")
    row_id: int = key[0]
    return row_id


# JSON columns through orjson: it is several times faster than the standard library.
_JSON = {"json_serializer": json_text, "json_deserializer": orjson.loads}
MIGRATIONS = Path(__file__).parent / "migrations"
# A fixed key for the PostgreSQL advisory lock that serializes concurrent first-time setup.
_MIGRATION_LOCK = 7_202_611


# A pooled connection idle longer than this is pinged before use: PostgreSQL may have restarted
# or dropped it meanwhile. One in steady use is not (pool_pre_ping would add a round trip to
# every command).
IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:  # the pool replaces the connection and tries again
            raise DisconnectionError(str(exc)) from exc


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.writer = self._sqlite_engine(url, immediate=True)
            # This process's writers queue here rather than in SQLite's busy handler, which
            # polls with sleeps of up to 100 ms and lets newcomers overtake: with 12 clients the
            # slowest 1% of writes took over a second. Other processes (the CLI) still meet the
            # busy timeout.
            self._one_writer: threading.RLock | None = threading.RLock()
            self.reader = self._sqlite_engine(url, immediate=False)
        else:
            self.writer = create_engine(url, pool_size=20, max_overflow=20, **_JSON)
            # Reads run without BEGIN and COMMIT (psycopg's autocommit, set on the client): under
            # READ COMMITTED each statement takes its own snapshot anyway, so a transaction around
            # a read gave it nothing but two round trips.
            self.reader = self.writer.execution_options(isolation_level="AUTOCOMMIT")
            self._one_writer = None
            _ping_when_idle(self.writer)
        self.upgrade()

    @staticmethod
    def _sqlite_engine(url: str, immediate: bool) -> Engine:
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               poolclass=NullPool if ":memory:" in url else None, **_JSON)

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            # On the driver's connection: through SQLAlchemy's execution machinery the BEGIN of
            # every command cost more than its reads (bench: 4.5% of the embedded server's CPU).
            connection.connection.driver_connection.execute(begin)  # type: ignore[union-attr]

        return engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One command: everything inside commits together or not at all."""
        if self._one_writer is None:
            with self.writer.begin() as connection:
                yield connection
            return
        with self._one_writer, self.writer.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.reader.begin() as connection:
            yield connection

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration; a no-op when current."""
        script = ScriptDirectory(str(MIGRATIONS))
        with self.writer.connect() as connection:
            if MigrationContext.configure(connection).get_current_revision() == script.get_current_head():
                return
        with self.writer.begin() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()
