"""The clock the sign-in and session rules read, as a port: the system's, or a stub tests move.

Expiry rules (tokens, page sessions, sign-in backoff) are tested by moving a ``FrozenClock``
forward instead of sleeping.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, overload


class Clock(Protocol):
    """Tells the current time, timezone-aware, in UTC."""

    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until ``advance`` moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or system_clock()

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        """advance(minutes=31): move the clock forward by a ``timedelta``'s keywords."""
        self.at += timedelta(**delta)


@overload
def as_utc(moment: datetime) -> datetime: ...


@overload
def as_utc(moment: None) -> None: ...


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime: SQLite hands timestamps back without a zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
