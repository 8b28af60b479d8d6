"""The one settings object, read from ``CHARKH_*`` environment variables.

Defaults make ``charkh serve`` work on a bare machine: SQLite under ./charkh-data,
the in-process broker, no other service.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Invalid

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
# Days an API token from `charkh token NAME` stays valid; a new one is a command away.
DEFAULT_TOKEN_DAYS = 90
# A page session ends after this many idle minutes (no page load, no call with the page's token)...
DEFAULT_SESSION_IDLE_MINUTES = 30
# ...and in any case this many hours after its sign-in: a working day and some.
DEFAULT_SESSION_MAX_HOURS = 12
# Wrong passwords for one user name (from all addresses) before its sign-ins back off.
DEFAULT_SIGN_IN_FREE_FAILURES = 5
# Wrong passwords from one client address (any names) before its sign-ins back off; higher than
# for a name because an office's people often share one address.
DEFAULT_SIGN_IN_ADDRESS_FREE_FAILURES = 20
# The longest a backoff lasts: it doubles from one second with each further failure up to this.
DEFAULT_SIGN_IN_MAX_LOCK_SECONDS = 900
# How many reverse proxies stand in front of the web process and set X-Forwarded-For/-Proto.
DEFAULT_TRUSTED_PROXIES = 0
# The zone whose wall clock schedules and recurring events keep ("daily at 9" is 9 o'clock there,
# and a weekly 10:00 meeting stays at 10:00 when the clocks change).
DEFAULT_TIMEZONE = "UTC"
# Seconds a message that came before any instance waited for it is kept (MISSION F7): a day covers
# a payment confirmed before its invoice's process reached "wait for the payment".
DEFAULT_MESSAGE_TTL = 86_400


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
    token_days: ``CHARKH_TOKEN_DAYS``, how long a new API token is valid (default 90)
    session_idle_minutes: ``CHARKH_SESSION_IDLE_MINUTES``, a page session's idle timeout (default 30)
    session_max_hours: ``CHARKH_SESSION_MAX_HOURS``, a page session's absolute timeout (default 12)
    sign_in_free_failures: ``CHARKH_SIGN_IN_FREE_FAILURES``, per user name (default 5)
    sign_in_address_free_failures: ``CHARKH_SIGN_IN_ADDRESS_FREE_FAILURES``, per client address (default 20)
    sign_in_max_lock_seconds: ``CHARKH_SIGN_IN_MAX_LOCK_SECONDS``, the longest backoff (default 900)
    trusted_proxies: ``CHARKH_TRUSTED_PROXIES``, reverse proxies whose X-Forwarded-For and
        X-Forwarded-Proto are believed (default 0: the client is whoever connects)
    secure_cookies: ``CHARKH_SECURE_COOKIES``, mark the session cookie Secure on every answer
        (default false: Secure on answers served over https only)
    timezone: ``CHARKH_TIMEZONE``, an IANA zone such as Asia/Tehran: trigger schedules and recurring
        events (unless one names its own zone) keep its wall clock (default UTC)
    message_ttl: ``CHARKH_MESSAGE_TTL``, seconds an early message is kept for the instance that
        will wait for it (default 86,400: a day); an event may ask for another, up to 30 days
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
    token_days: int = DEFAULT_TOKEN_DAYS
    session_idle_minutes: float = DEFAULT_SESSION_IDLE_MINUTES
    session_max_hours: float = DEFAULT_SESSION_MAX_HOURS
    sign_in_free_failures: int = DEFAULT_SIGN_IN_FREE_FAILURES
    sign_in_address_free_failures: int = DEFAULT_SIGN_IN_ADDRESS_FREE_FAILURES
    sign_in_max_lock_seconds: int = DEFAULT_SIGN_IN_MAX_LOCK_SECONDS
    trusted_proxies: int = DEFAULT_TRUSTED_PROXIES
    secure_cookies: bool = False
    timezone: str = DEFAULT_TIMEZONE
    message_ttl: int = DEFAULT_MESSAGE_TTL

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(f"CHARKH_TIMEZONE {self.timezone!r} is not a time zone (e.g. Asia/Tehran, UTC)") from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None = None) -> Settings:
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
            token_days=int(os.environ.get("CHARKH_TOKEN_DAYS", DEFAULT_TOKEN_DAYS)),
            session_idle_minutes=float(os.environ.get("CHARKH_SESSION_IDLE_MINUTES", DEFAULT_SESSION_IDLE_MINUTES)),
            session_max_hours=float(os.environ.get("CHARKH_SESSION_MAX_HOURS", DEFAULT_SESSION_MAX_HOURS)),
            sign_in_free_failures=int(os.environ.get("CHARKH_SIGN_IN_FREE_FAILURES", DEFAULT_SIGN_IN_FREE_FAILURES)),
            sign_in_address_free_failures=int(os.environ.get("CHARKH_SIGN_IN_ADDRESS_FREE_FAILURES",
                                                             DEFAULT_SIGN_IN_ADDRESS_FREE_FAILURES)),
            sign_in_max_lock_seconds=int(os.environ.get("CHARKH_SIGN_IN_MAX_LOCK_SECONDS",
                                                        DEFAULT_SIGN_IN_MAX_LOCK_SECONDS)),
            trusted_proxies=int(os.environ.get("CHARKH_TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES)),
            secure_cookies=os.environ.get("CHARKH_SECURE_COOKIES", "").lower() in ("1", "true", "yes", "on"),
            timezone=os.environ.get("CHARKH_TIMEZONE") or DEFAULT_TIMEZONE,
            message_ttl=int(os.environ.get("CHARKH_MESSAGE_TTL", DEFAULT_MESSAGE_TTL)),
        )


def normalize_database_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver Charkh installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
