"""The pure rules of sign-in backoff and page-session lifetime, without a database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.page_sessions import SessionPolicy
from engine.sign_in import Failures, SignInPolicy, address_subject, name_subject

AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_backoff_starts_after_the_free_failures_doubles_and_stops_at_the_cap():
    policy = SignInPolicy(free_failures=5, address_free_failures=20, max_lock_seconds=900)

    locks = [policy.lock_for(name_subject("ali"), n) for n in range(1, 18)]

    assert locks[:5] == [None] * 5
    assert [lock.total_seconds() for lock in locks[5:]] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert policy.lock_for(address_subject("203.0.113.1"), 20) is None
    assert policy.lock_for(address_subject("203.0.113.1"), 21) == timedelta(seconds=1)


def test_a_locked_name_refuses_only_addresses_that_have_failed_themselves():
    policy = SignInPolicy()
    locked_name = Failures(9, AT + timedelta(minutes=1), AT)
    failing_address = Failures(1, None, AT)

    assert policy.refusal(locked_name, failing_address, AT) == AT + timedelta(minutes=1)
    assert policy.refusal(locked_name, None, AT) is None
    assert policy.refusal(locked_name, Failures(3, None, AT - timedelta(days=2)), AT) is None  # forgotten


def test_a_locked_address_refuses_every_name():
    policy = SignInPolicy()

    assert policy.refusal(None, Failures(30, AT + timedelta(seconds=5), AT), AT) == AT + timedelta(seconds=5)
    assert policy.refusal(None, Failures(30, AT - timedelta(seconds=5), AT), AT) is None


def test_names_count_without_case():
    assert name_subject(" Ali ") == name_subject("ali")


def test_a_session_slides_at_most_once_a_minute_and_never_past_its_absolute_end():
    policy = SessionPolicy(idle=timedelta(minutes=30), max_age=timedelta(hours=12))
    created = AT
    deadline = policy.first_deadline(created)

    assert deadline == AT + timedelta(minutes=30)
    assert policy.slid_deadline(created, deadline, AT + timedelta(seconds=30)) is None
    assert policy.slid_deadline(created, deadline, AT + timedelta(minutes=5)) == AT + timedelta(minutes=35)
    near_the_end = AT + timedelta(hours=11, minutes=50)
    assert policy.slid_deadline(created, near_the_end, near_the_end - timedelta(minutes=5)) == AT + timedelta(hours=12)
