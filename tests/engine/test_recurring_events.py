"""Recurring events in the calendar (MISSION F4.7, F6): each occurrence is in the calendar and in
its room's bookings, rings its reminders once however many schedulers run, and can be cancelled
alone; the series keeps the wall clock of the server's zone across a DST change."""
from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest

from connectors.broker import Dispatch, Scheduler
from engine.charkh import Charkh
from engine.clock import FrozenClock
from engine.errors import Conflict, Invalid
from engine.store import notifications as notification_store

MONDAY = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)  # 10:00 in Tehran
WEEKLY_4 = "FREQ=WEEKLY;BYDAY=MO;COUNT=4"


def at(hours: float = 0, days: int = 0) -> str:
    return (MONDAY + timedelta(days=days, hours=hours)).isoformat()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY - timedelta(days=1))


@pytest.fixture
def office(settings, clock):
    engine = Charkh(dataclasses.replace(settings, timezone="Asia/Tehran"), clock=clock)
    for name in ("sara", "mona", "otto"):
        engine.add_user(name, groups=["sales"])
    engine.add_user("ada", admin=True)
    yield engine
    engine.close()


def caller(office, name):
    return office.caller_named(name)


def weekly(office, title="Sales weekly", rule=WEEKLY_4, **more):
    body = {"title": title, "start": at(0), "end": at(1), "recurrence": rule, **more}
    return office.calendar.create_event(body, caller(office, "sara"))


def test_a_weekly_event_is_in_the_calendar_once_per_occurrence_in_the_range(office):
    event = weekly(office, invitees=["mona"])

    listed = office.calendar.calendar(caller(office, "mona"), at(days=6), at(days=30))["events"]

    assert event["recurrence"] == WEEKLY_4 and event["time_zone"] == "Asia/Tehran"
    assert event["series_end"] == "2026-12-28T07:30:00Z"
    assert [(e["id"], e["start"], e["end"], e["occurrence"]) for e in listed] == [
        (event["id"], "2026-12-14T06:30:00Z", "2026-12-14T07:30:00Z", "2026-12-14T06:30:00Z"),
        (event["id"], "2026-12-21T06:30:00Z", "2026-12-21T07:30:00Z", "2026-12-21T06:30:00Z"),
        (event["id"], "2026-12-28T06:30:00Z", "2026-12-28T07:30:00Z", "2026-12-28T06:30:00Z")]
    assert office.calendar.events(caller(office, "otto"), at(), at(days=30)) == []
    single = office.calendar.create_event({"title": "Once", "start": at(3), "end": at(4)}, caller(office, "sara"))
    assert single["occurrence"] is None and single["recurrence"] is None


def test_each_occurrence_rings_its_reminder_once_and_only_when_it_falls_due(office, clock):
    weekly(office, invitees=["mona"], reminders=[15])
    sent = []

    for week in range(4):
        clock.at = MONDAY + timedelta(weeks=week) - timedelta(minutes=16)
        sent.append(office.notifications.send_due_reminders())
        clock.advance(minutes=1)
        sent.append(office.notifications.send_due_reminders())
        sent.append(office.notifications.send_due_reminders())

    assert sent == [0, 1, 0] * 4
    reminders = [n for n in office.notifications.list(caller(office, "mona")) if n["kind"] == "reminder"]
    assert [n["link"]["occurrence"] for n in reminders] == [
        "2026-12-28T06:30:00Z", "2026-12-21T06:30:00Z", "2026-12-14T06:30:00Z", "2026-12-07T06:30:00Z"]
    assert len([n for n in office.notifications.list(caller(office, "sara")) if n["kind"] == "reminder"]) == 4


def test_two_schedulers_at_once_ring_an_occurrences_reminder_once(office, clock, monkeypatch):
    weekly(office, reminders=[15])
    clock.at = MONDAY + timedelta(weeks=1) - timedelta(minutes=10)
    both_found = threading.Barrier(2, timeout=10)
    find = notification_store.due_reminders

    def found_together(*args, **kwargs):
        due = find(*args, **kwargs)
        both_found.wait()
        return due

    monkeypatch.setattr(notification_store, "due_reminders", found_together)
    schedulers = [Scheduler(office, Dispatch(office, None)) for _ in range(2)]
    ticks = [threading.Thread(target=one.tick) for one in schedulers]
    for one in ticks:
        one.start()
    for one in ticks:
        one.join()

    # the first week's reminder fell due too (the clock passed it): each rings once
    reminders = [n for n in office.notifications.list(caller(office, "sara")) if n["kind"] == "reminder"]
    assert sorted(n["link"]["occurrence"] for n in reminders) == ["2026-12-07T06:30:00Z", "2026-12-14T06:30:00Z"]


def test_a_series_that_began_in_the_past_does_not_ring_for_its_past_occurrences(office, clock):
    clock.at = MONDAY + timedelta(days=8)
    weekly(office, reminders=[15])
    clock.at = MONDAY + timedelta(weeks=3)

    assert office.notifications.send_due_reminders() == 2  # the 21st and the 28th, not the 7th and the 14th


def test_a_room_booked_by_a_series_is_busy_at_each_occurrence_and_a_clash_names_it(office):
    room = office.calendar.add_room({"name": "Blue"}, caller(office, "ada"))
    series = weekly(office, room=room["id"])

    with pytest.raises(Conflict) as clash:
        office.calendar.create_event({"title": "Board", "start": at(0.5, days=14), "end": at(2, days=14),
                                      "room": room["id"]}, caller(office, "otto"))
    between = office.calendar.create_event({"title": "Board", "start": at(0, days=8), "end": at(1, days=8),
                                            "room": room["id"]}, caller(office, "otto"))
    with pytest.raises(Conflict) as daily_clash:
        office.calendar.create_event({"title": "Stand-up", "start": at(-1, days=6), "end": at(0.25, days=6),
                                      "room": room["id"], "recurrence": "FREQ=DAILY;COUNT=5"}, caller(office, "otto"))

    assert f"event {series['id']} from 2026-12-21T06:30:00Z" in clash.value.message
    assert clash.value.details["conflicts"] == [
        {"event": series["id"], "start": "2026-12-21T06:30:00Z", "end": "2026-12-21T07:30:00Z"}]
    assert [(c["event"], c["start"]) for c in daily_clash.value.details["conflicts"]] == [
        (series["id"], "2026-12-14T06:30:00Z"), (between["id"], "2026-12-15T06:30:00Z")]
    busy = office.calendar.room_availability(room["id"], at(days=6), at(days=16))["busy"]
    assert [(b["event"], b["start"]) for b in busy] == [(series["id"], "2026-12-14T06:30:00Z"),
                                                        (between["id"], "2026-12-15T06:30:00Z"),
                                                        (series["id"], "2026-12-21T06:30:00Z")]


def test_cancelling_one_occurrence_frees_the_room_then_silences_its_reminder_and_keeps_the_rest(office, clock):
    room = office.calendar.add_room({"name": "Blue"}, caller(office, "ada"))
    series = weekly(office, room=room["id"], reminders=[15], invitees=["mona"])
    second = "2026-12-14T06:30:00Z"

    cancelled = office.calendar.cancel_event(series["id"], caller(office, "sara"), occurrence=second)

    assert cancelled["cancelled_occurrences"] == [second] and not cancelled["cancelled"]
    starts = [e["start"] for e in office.calendar.events(caller(office, "mona"), at(), at(days=30))]
    assert starts == ["2026-12-07T06:30:00Z", "2026-12-21T06:30:00Z", "2026-12-28T06:30:00Z"]
    office.calendar.create_event({"title": "Board", "start": second, "end": at(1, days=7), "room": room["id"]},
                                 caller(office, "otto"))
    clock.at = MONDAY + timedelta(days=30)
    assert office.notifications.send_due_reminders() == 3
    with pytest.raises(Conflict, match="cancelled already"):
        office.calendar.cancel_event(series["id"], caller(office, "sara"), occurrence=second)
    with pytest.raises(Invalid, match="no occurrence starting at 2026-12-15T06:30:00Z"):
        office.calendar.cancel_event(series["id"], caller(office, "sara"), occurrence=at(days=8))


def test_cancelling_the_series_takes_every_occurrence_off_the_calendar(office):
    series = weekly(office, invitees=["mona"])
    single = office.calendar.create_event({"title": "Once", "start": at(3), "end": at(4)}, caller(office, "sara"))

    office.calendar.cancel_event(series["id"], caller(office, "sara"))

    assert office.calendar.events(caller(office, "mona"), at(), at(days=30)) == []
    with pytest.raises(Invalid, match="does not repeat"):
        office.calendar.cancel_event(single["id"], caller(office, "sara"), occurrence=single["start"])


def test_changing_the_rule_makes_a_new_series_and_a_single_event_may_start_repeating(office):
    series = weekly(office)
    office.calendar.cancel_event(series["id"], caller(office, "sara"), occurrence="2026-12-14T06:30:00Z")
    single = office.calendar.create_event({"title": "Once", "start": at(3), "end": at(4)}, caller(office, "sara"))

    changed = office.calendar.update_event(series["id"], {"recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=2"},
                                           caller(office, "sara"))
    repeating = office.calendar.update_event(single["id"], {"recurrence": "FREQ=DAILY;COUNT=2"},
                                             caller(office, "sara"))
    once_again = office.calendar.update_event(series["id"], {"recurrence": None}, caller(office, "sara"))

    assert changed["cancelled_occurrences"] == [] and changed["series_end"] == "2026-12-14T07:30:00Z"
    assert repeating["series_end"] == "2026-12-08T10:30:00Z"
    assert once_again["recurrence"] is None and once_again["series_end"] == once_again["end"]


def test_a_weekly_event_keeps_its_wall_clock_time_in_the_servers_zone_across_the_dst_change(settings, clock):
    bucharest = Charkh(dataclasses.replace(settings, timezone="Europe/Bucharest"), clock=clock)
    try:
        bucharest.add_user("ioana")
        ioana = bucharest.caller_named("ioana")
        # Monday 22 March 2027, 10:00 in Bucharest (UTC+2); summer time (UTC+3) from 28 March
        event = bucharest.calendar.create_event({"title": "Ședință", "start": "2027-03-22T10:00:00+02:00",
                                                 "end": "2027-03-22T11:00:00+02:00",
                                                 "recurrence": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270405"}, ioana)

        listed = bucharest.calendar.events(ioana, "2027-03-20T00:00:00Z", "2027-04-10T00:00:00Z")
    finally:
        bucharest.close()

    assert event["time_zone"] == "Europe/Bucharest"
    assert [e["start"] for e in listed] == ["2027-03-22T08:00:00Z", "2027-03-29T07:00:00Z", "2027-04-05T07:00:00Z"]
    assert [e["end"] for e in listed] == ["2027-03-22T09:00:00Z", "2027-03-29T08:00:00Z", "2027-04-05T08:00:00Z"]


def test_an_event_may_name_its_own_zone_and_a_bad_one_is_refused(office):
    event = weekly(office, time_zone="Europe/Bucharest")

    assert event["time_zone"] == "Europe/Bucharest"
    with pytest.raises(Invalid, match="time_zone must be a time zone"):
        weekly(office, time_zone="Mars/Olympus")
    with pytest.raises(Invalid, match="recurrence needs an end"):
        weekly(office, rule="FREQ=WEEKLY")


def test_the_servers_zone_comes_from_charkh_timezone_and_an_unknown_one_stops_the_start(monkeypatch, tmp_path):
    from engine.settings import Settings

    monkeypatch.setenv("CHARKH_TIMEZONE", "Europe/Bucharest")
    assert Settings.from_env(tmp_path).timezone == "Europe/Bucharest"
    monkeypatch.delenv("CHARKH_TIMEZONE")
    assert Settings.from_env(tmp_path).timezone == "UTC"
    monkeypatch.setenv("CHARKH_TIMEZONE", "Mars/Olympus")
    with pytest.raises(Invalid, match="CHARKH_TIMEZONE 'Mars/Olympus' is not a time zone"):
        Settings.from_env(tmp_path)
