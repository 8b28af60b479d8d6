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
# CPU seconds one script or expression may use before it is stopped.
DEFAULT_SCRIPT_CPU_SECONDS = 1.0


@dataclass(frozen=True)
class Settings:
    """Where data lives and the limits the engine keeps.

    data_dir: folder of the embedded SQLite database (``CHARKH_DATA``, default ./charkh-data)
    database_url: ``CHARKH_DATABASE_URL``; when unset, SQLite under data_dir
    redis_url: ``CHARKH_REDIS_URL``; when unset, the in-process broker
    max_bpmn_bytes: ``CHARKH_MAX_BPMN_BYTES`` (default 5 MiB)
    script_cpu_seconds: ``CHARKH_SCRIPT_CPU_SECONDS`` (default 1.0)
    """

    data_dir: Path
    database_url: str
    redis_url: str | None = None
    max_bpmn_bytes: int = DEFAULT_MAX_BPMN_BYTES
    script_cpu_seconds: float = DEFAULT_SCRIPT_CPU_SECONDS

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None = None) -> "Settings":
        folder = Path(data_dir or os.environ.get("CHARKH_DATA") or "charkh-data").resolve()
        url = os.environ.get("CHARKH_DATABASE_URL") or f"sqlite:///{folder / 'charkh.sqlite3'}"
        return cls(
            data_dir=folder,
            database_url=normalize_database_url(url),
            redis_url=os.environ.get("CHARKH_REDIS_URL") or None,
            max_bpmn_bytes=int(os.environ.get("CHARKH_MAX_BPMN_BYTES", DEFAULT_MAX_BPMN_BYTES)),
            script_cpu_seconds=float(os.environ.get("CHARKH_SCRIPT_CPU_SECONDS", DEFAULT_SCRIPT_CPU_SECONDS)),
        )


def normalize_database_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver Charkh installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
