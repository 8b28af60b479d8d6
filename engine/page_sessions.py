"""How long a page session lives: the rule, without storage.

A page session is a bearer token of kind "session" (store/tokens.py) that the signed-in pages
hand their JavaScript. Its ``expires_at`` is the idle deadline: each use (a page load, or an
API call with the token) moves it to ``now + idle``, but never past ``created_at + max_age``,
the absolute end. Moving it is a write, so it is done at most once per ``SLIDE_STEP``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A use within this long of the last slide leaves the deadline where it is: at most one write
# per session per minute, and the idle timeout is kept to within a minute.
SLIDE_STEP = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    """idle: a session unused this long ends; max_age: every session ends this long after sign-in."""

    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)

    def first_deadline(self, at: datetime) -> datetime:
        return at + min(self.idle, self.max_age)

    def slid_deadline(self, created_at: datetime, expires_at: datetime, at: datetime) -> datetime | None:
        """The new idle deadline after a use at ``at``, or None when it need not move."""
        deadline = min(at + self.idle, created_at + self.max_age)
        if deadline - expires_at < SLIDE_STEP:
            return None
        return deadline
