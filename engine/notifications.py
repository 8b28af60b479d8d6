"""In-app notifications (MISSION F4.12, F6): a person's list, read marks, and the scheduler's
pass that turns due reminders into notifications exactly once.

Kinds: ``assigned`` (a work item waits for the person), ``reminder`` (a task's or an event's
reminder fell due), ``escalation`` (an overdue item reached them), ``task`` (a task was given or
forwarded to them), ``invitation`` (an event invites them). "Assigned" ones are derived from the
cartable index when the person looks (engine/store/notifications.py says how), so starting and
completing instances writes nothing for them.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .access import Caller
from .clock import Clock
from .store import instances as instance_store
from .store import notifications as store
from .store.database import Database

logger = logging.getLogger("charkh.notifications")
# How many due reminders one scheduler pass sends at most (the next pass goes on).
REMINDER_BATCH = 100


class Notifications:
    """``hidden_definitions``: the definitions whose items a caller may not see."""

    def __init__(self, db: Database, clock: Clock, hidden_definitions: Callable[[Caller], frozenset[str]]) -> None:
        self.db = db
        self.clock = clock
        self.hidden_definitions = hidden_definitions

    def list(self, caller: Caller, unread: bool = False, limit: int = 100,
             after: str | None = None) -> list[dict[str, Any]]:
        """The caller's notifications, newest first (their items assigned since they last
        looked included)."""
        self.notice_assigned(caller)
        cursor = None if after is None else instance_store.parse_id(after, "notification")
        with self.db.read() as conn:
            return store.list_for(conn, caller.name, unread, limit, cursor)

    def notice_assigned(self, caller: Caller) -> int:
        """Make "item assigned" notifications for the items opened for the caller since their
        last look. Reads first, and writes only when there is something new."""
        at = self.clock()
        hidden = self.hidden_definitions(caller)
        with self.db.read() as conn:
            found = store.find_assigned(conn, caller, hidden, at)
        if not found.anything_to_write:
            return 0
        with self.db.write() as conn:
            return store.record_assigned(conn, caller.name, found, at)

    def mark_read(self, notification_id: str, caller: Caller) -> dict[str, Any]:
        number = instance_store.parse_id(notification_id, "notification")
        with self.db.write() as conn:
            return store.mark_read(conn, caller.name, number, self.clock())

    def mark_all_read(self, caller: Caller) -> int:
        with self.db.write() as conn:
            return store.mark_all_read(conn, caller.name, self.clock())

    def send_due_reminders(self, limit: int = REMINDER_BATCH) -> int:
        """Turn every due reminder into notifications, each in its own transaction; returns how
        many this pass sent. Several schedulers may run it at once: each reminder is sent once."""
        at = self.clock()
        with self.db.read() as conn:
            due = store.due_reminders(conn, at, limit)
        sent = 0
        for reminder_id in due:
            try:
                with self.db.write() as conn:
                    sent += store.send_reminder(conn, reminder_id, self.clock())
            except Exception:  # one bad reminder must not hold back the others; the log says which
                logger.exception("reminder %s could not be sent", reminder_id)
        return sent
