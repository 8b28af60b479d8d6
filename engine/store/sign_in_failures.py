"""Counts of failed sign-ins per subject ("name:<user>", "addr:<ip>"); engine/sign_in.py says what
they mean."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, select

from ..clock import as_utc
from ..sign_in import FORGET_AFTER, Failures, SignInPolicy
from .schema import sign_in_failures
from .writes import writes_for


def failures_of(conn: Connection, subjects: list[str]) -> dict[str, Failures]:
    rows = conn.execute(select(sign_in_failures).where(sign_in_failures.c.subject.in_(subjects))).all()
    return {row.subject: _failures(row) for row in rows}


def record_failure(conn: Connection, subjects: list[str], policy: SignInPolicy, at: datetime) -> None:
    """Count one more failure for each subject and lock those past their free failures."""
    writes = writes_for(conn)
    # Guessed names each leave a row; rows past forgetting go, so the table stays small.
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.updated_at < at - FORGET_AFTER,
                                                sign_in_failures.c.subject.not_in(subjects)))
    for subject in subjects:
        # Make sure the row exists, then lock it: concurrent failures each count.
        conn.execute(writes.insert_unless_present(sign_in_failures)
                     .values(subject=subject, failures=0, locked_until=None, updated_at=at)
                     .on_conflict_do_nothing(index_elements=["subject"]))
        row = conn.execute(select(sign_in_failures).where(sign_in_failures.c.subject == subject)
                           .with_for_update()).one()
        failures = _failures(row).count_at(at) + 1
        lock = policy.lock_for(subject, failures)
        conn.execute(sign_in_failures.update().where(sign_in_failures.c.subject == subject).values(
            failures=failures, updated_at=at, locked_until=at + lock if lock else row.locked_until))


def _failures(row: Row[*tuple[Any, ...]]) -> Failures:
    return Failures(row.failures, as_utc(row.locked_until), as_utc(row.updated_at))


def forget(conn: Connection, subjects: list[str]) -> None:
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.subject.in_(subjects)))
