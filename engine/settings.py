"""The one settings object, read from ``CHARKH_*`` environment variables.

Defaults make ``charkh serve`` work on a bare machine: SQLite under ./charkh-data,
the in-process broker, no other service.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Largest BPMN file accepted; real models are well under 1 MB.
DEFAULT_MAX_BPMN_BYTES = 5 * 1024 * 1024
# Wall-clock seconds one script or expression may run before its child process is killed.
DEFAULT_SCRIPT_SECONDS = 1.0
# Child processes that run scripts at once (engine/script_pool.py).
DEFAULT_SCRIPT_WORKERS = 2
# Address space of each script child, in MiB.
DEFAULT_SCRIPT_MEMORY_MB = 512
# Largest JSON size of an instance's variables (what a script may leave, what a step may save).
DEFAULT_MAX_VARIABLES_BYTES = 1024 * 1024
# Most instances one multi-instance activity may create (its cardinality or collection size).
DEFAULT_MAX_MULTI_INSTANCE = 1000
# Most engine tasks one command may run before it stops (a loop of automatic steps with no wait).
DEFAULT_MAX_STEP_TASKS = 10_000
# Seconds of automatic steps one command may run (engine work between wait states, scripts included).
DEFAULT_MAX_STEP_SECONDS = 10.0


@dataclass(frozen=True)
class Settings:
    """Where data lives and the limits the engine keeps.

    data_dir: folder of the embedded SQLite database (``CHARKH_DATA``, default ./charkh-data)
    database_url: ``CHARKH_DATABASE_URL``; when unset, SQLite under data_dir
    redis_url: ``CHARKH_REDIS_URL``; when unset, the in-process broker
    max_bpmn_bytes: ``CHARKH_MAX_BPMN_BYTES`` (default 5 MiB)
    script_seconds: ``CHARKH_SCRIPT_SECONDS`` (default 1.0): one script's or expression's time
    script_workers: ``CHARKH_SCRIPT_WORKERS`` (default 2): script child processes
    script_memory_mb: ``CHARKH_SCRIPT_MEMORY_MB`` (default 512): each script child's memory
    max_variables_bytes: ``CHARKH_MAX_VARIABLES_BYTES`` (default 1 MiB): an instance's variables
    max_multi_instance: ``CHARKH_MAX_MULTI_INSTANCE`` (default 1000): instances of one multi-instance
    max_step_tasks: ``CHARKH_MAX_STEP_TASKS`` (default 10,000): engine tasks one command may run
    max_step_seconds: ``CHARKH_MAX_STEP_SECONDS`` (default 10): time one command's automatic steps may take
    """

    data_dir: Path
    database_url: str
    redis_url: str | None = None
    max_bpmn_bytes: int = DEFAULT_MAX_BPMN_BYTES
    script_seconds: float = DEFAULT_SCRIPT_SECONDS
    script_workers: int = DEFAULT_SCRIPT_WORKERS
    script_memory_mb: int = DEFAULT_SCRIPT_MEMORY_MB
    max_variables_bytes: int = DEFAULT_MAX_VARIABLES_BYTES
    max_multi_instance: int = DEFAULT_MAX_MULTI_INSTANCE
    max_step_tasks: int = DEFAULT_MAX_STEP_TASKS
    max_step_seconds: float = DEFAULT_MAX_STEP_SECONDS

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None = None) -> "Settings":
        folder = Path(data_dir or os.environ.get("CHARKH_DATA") or "charkh-data").resolve()
        url = os.environ.get("CHARKH_DATABASE_URL") or f"sqlite:///{folder / 'charkh.sqlite3'}"
        return cls(
            data_dir=folder,
            database_url=normalize_database_url(url),
            redis_url=os.environ.get("CHARKH_REDIS_URL") or None,
            max_bpmn_bytes=int(os.environ.get("CHARKH_MAX_BPMN_BYTES", DEFAULT_MAX_BPMN_BYTES)),
            script_seconds=float(os.environ.get("CHARKH_SCRIPT_SECONDS", DEFAULT_SCRIPT_SECONDS)),
            script_workers=int(os.environ.get("CHARKH_SCRIPT_WORKERS", DEFAULT_SCRIPT_WORKERS)),
            script_memory_mb=int(os.environ.get("CHARKH_SCRIPT_MEMORY_MB", DEFAULT_SCRIPT_MEMORY_MB)),
            max_variables_bytes=int(os.environ.get("CHARKH_MAX_VARIABLES_BYTES", DEFAULT_MAX_VARIABLES_BYTES)),
            max_multi_instance=int(os.environ.get("CHARKH_MAX_MULTI_INSTANCE", DEFAULT_MAX_MULTI_INSTANCE)),
            max_step_tasks=int(os.environ.get("CHARKH_MAX_STEP_TASKS", DEFAULT_MAX_STEP_TASKS)),
            max_step_seconds=float(os.environ.get("CHARKH_MAX_STEP_SECONDS", DEFAULT_MAX_STEP_SECONDS)),
        )


def normalize_database_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver Charkh installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
