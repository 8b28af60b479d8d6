"""Recurrence rules (engine/recurrence.py): an RFC 5545 RRULE, checked, expanded by dateutil on the
wall clock of the event's zone, so occurrences keep their local time across a DST change."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.errors import Invalid
from engine.recurrence import MAX_OCCURRENCES, Occurrence, Series, checked_rule, overlapping, reminder_times

BUCHAREST = ZoneInfo("Europe/Bucharest")
TEHRAN = ZoneInfo("Asia/Tehran")


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


def series(rule: str, start: datetime, hours: float = 1, zone: ZoneInfo = TEHRAN) -> Series:
    end = start + timedelta(hours=hours)
    return Series(start, end, checked_rule(rule, start, end, zone), str(zone))


def starts(found: list[Occurrence], zone: ZoneInfo = TEHRAN) -> list[str]:
    return [o.start.astimezone(zone).strftime("%a %Y-%m-%d %H:%M") for o in found]


def test_a_weekly_rule_on_two_weekdays_makes_its_count_of_occurrences_at_the_same_local_time():
    weekly = series("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", local(TEHRAN, 2026, 12, 7, 10, 0))

    assert starts(weekly.occurrences()) == ["Mon 2026-12-07 10:00", "Wed 2026-12-09 10:00",
                                            "Mon 2026-12-14 10:00", "Wed 2026-12-16 10:00"]
    assert all(o.end - o.start == timedelta(hours=1) for o in weekly.occurrences())
    assert weekly.last_end() == local(TEHRAN, 2026, 12, 16, 11, 0)


@pytest.mark.parametrize(("rule", "expected"), [
    ("FREQ=DAILY;INTERVAL=2;COUNT=3", ["Mon 2026-12-07 10:00", "Wed 2026-12-09 10:00", "Fri 2026-12-11 10:00"]),
    ("FREQ=MONTHLY;COUNT=3", ["Mon 2026-12-07 10:00", "Thu 2027-01-07 10:00", "Sun 2027-02-07 10:00"]),
    ("FREQ=MONTHLY;BYDAY=1MO;COUNT=2", ["Mon 2026-12-07 10:00", "Mon 2027-01-04 10:00"]),
    ("FREQ=MONTHLY;BYDAY=-1MO;COUNT=2", ["Mon 2026-12-28 10:00", "Mon 2027-01-25 10:00"]),
    ("FREQ=YEARLY;COUNT=2", ["Mon 2026-12-07 10:00", "Tue 2027-12-07 10:00"]),
    # UNTIL as a date takes in the whole of that day, wherever the meeting falls in it
    ("FREQ=WEEKLY;UNTIL=20261221", ["Mon 2026-12-07 10:00", "Mon 2026-12-14 10:00", "Mon 2026-12-21 10:00"]),
    ("rrule:freq=daily;until=20261208", ["Mon 2026-12-07 10:00", "Tue 2026-12-08 10:00"]),
])
def test_daily_monthly_and_yearly_rules_and_their_ends(rule, expected):
    assert starts(series(rule, local(TEHRAN, 2026, 12, 7, 10, 0)).occurrences()) == expected


def test_until_is_stored_in_utc_as_rfc_5545_wants_with_a_zone():
    start = local(TEHRAN, 2026, 12, 7, 10, 0)

    rule = checked_rule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221", start, start + timedelta(hours=1), TEHRAN)

    assert rule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221T202959Z"  # 23:59:59 in Tehran (+03:30)
    assert checked_rule(rule, start, start + timedelta(hours=1), TEHRAN) == rule


def test_a_weekly_meeting_keeps_its_wall_clock_time_across_both_dst_changes_in_bucharest():
    # Romania moves to summer time on 28 March 2027 and back on 31 October 2027.
    weekly = series("FREQ=WEEKLY;BYDAY=MO;COUNT=3", local(BUCHAREST, 2027, 3, 22, 10, 0), zone=BUCHAREST)
    autumn = series("FREQ=WEEKLY;BYDAY=MO;COUNT=2", local(BUCHAREST, 2027, 10, 25, 10, 0), zone=BUCHAREST)

    assert starts(weekly.occurrences(), BUCHAREST) == ["Mon 2027-03-22 10:00", "Mon 2027-03-29 10:00",
                                                       "Mon 2027-04-05 10:00"]
    assert [o.start.strftime("%H:%M") for o in weekly.occurrences()] == ["08:00", "07:00", "07:00"]  # UTC
    assert [o.start.strftime("%H:%M") for o in autumn.occurrences()] == ["07:00", "08:00"]
    assert all(o.end - o.start == timedelta(hours=1) for o in weekly.occurrences())


def test_a_time_the_spring_change_skips_takes_the_offset_from_before_it():
    # 03:30 does not happen in Bucharest on 28 March 2027 (03:00 becomes 04:00)
    daily = series("FREQ=DAILY;COUNT=3", local(BUCHAREST, 2027, 3, 27, 3, 30), zone=BUCHAREST)

    assert starts(daily.occurrences(), BUCHAREST) == ["Sat 2027-03-27 03:30", "Sun 2027-03-28 04:30",
                                                      "Mon 2027-03-29 03:30"]


def test_the_occurrences_in_a_range_are_those_that_overlap_it_and_cancelled_ones_are_left_out():
    start = local(TEHRAN, 2026, 12, 7, 10, 0)
    daily = series("FREQ=DAILY;COUNT=10", start, hours=2)
    without_the_ninth = Series(daily.start, daily.end, daily.rule, daily.zone,
                               frozenset({local(TEHRAN, 2026, 12, 9, 10, 0)}))

    found = daily.occurrences(local(TEHRAN, 2026, 12, 8, 11, 0), local(TEHRAN, 2026, 12, 10, 10, 0))

    assert starts(found) == ["Tue 2026-12-08 10:00", "Wed 2026-12-09 10:00"]  # ends at 12:00; starts at the end
    assert starts(without_the_ninth.occurrences(local(TEHRAN, 2026, 12, 8, 11, 0),
                                                local(TEHRAN, 2026, 12, 10, 10, 0))) == ["Tue 2026-12-08 10:00"]
    assert without_the_ninth.has_occurrence(local(TEHRAN, 2026, 12, 9, 10, 0))
    assert not daily.has_occurrence(local(TEHRAN, 2026, 12, 9, 11, 0))


@pytest.mark.parametrize(("rule", "message"), [
    ("FREQ=HOURLY;COUNT=3", "FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY"),
    ("FREQ=WEEKLY", "needs an end"),
    ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "needs an end"),
    (f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}", f"COUNT must be 1 to {MAX_OCCURRENCES}"),
    ("FREQ=DAILY;UNTIL=20400101", f"more than {MAX_OCCURRENCES} occurrences"),
    ("FREQ=DAILY;UNTIL=20261201", "makes no occurrence"),
    ("FREQ=DAILY;UNTIL=20261341", "UNTIL must be a date"),
    ("FREQ=WEEKLY;BYDAY=XX;COUNT=2", "recurrence:"),
    ("FREQ=WEEKLY;COUNT=2;COUNT=3", "twice"),
    ("FREQ=WEEKLY;COUNT", "NAME=VALUE"),
    ("FREQ=WEEKLY;COUNT=2\nEXDATE:20261207", "RRULE such as"),
    ("FREQ=DAILY;COUNT=4", "occurrences would overlap"),  # 25 hours long, a day apart
    ("FREQ=DAILY;BYHOUR=10,11;COUNT=4", "BYHOUR is not supported"),
    # rules that may name a date that never comes, which rrule would seek until the year 9999
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2", "BYMONTHDAY with BYMONTH"),
    ("FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1;COUNT=2", "numbered weekday"),
    ("FREQ=YEARLY;BYDAY=20MO;COUNT=2", "BYDAY lists weekdays"),
    ("FREQ=MONTHLY;BYDAY=5FR;COUNT=1000", "within 100 years"),
    ("FREQ=DAILY;INTERVAL=0;COUNT=2", "INTERVAL must be 1 to 99"),
])
def test_a_bad_rule_is_refused_naming_the_problem(rule, message):
    start = local(TEHRAN, 2026, 12, 7, 10, 0)

    with pytest.raises(Invalid, match=message):
        checked_rule(rule, start, start + timedelta(hours=25), TEHRAN)


def test_overlapping_finds_the_occurrences_that_share_a_moment_with_ours_back_to_back_ones_not():
    ours = series("FREQ=WEEKLY;COUNT=3", local(TEHRAN, 2026, 12, 7, 10, 0)).occurrences()
    theirs = [(1, Occurrence(local(TEHRAN, 2026, 12, 14, 10, 30), local(TEHRAN, 2026, 12, 14, 12, 0))),
              (2, Occurrence(local(TEHRAN, 2026, 12, 7, 11, 0), local(TEHRAN, 2026, 12, 7, 12, 0))),
              (3, Occurrence(local(TEHRAN, 2026, 12, 21, 9, 0), local(TEHRAN, 2026, 12, 21, 10, 0)))]

    assert [owner for owner, _ in overlapping(ours, theirs)] == [1]


def test_reminders_are_set_for_each_occurrence_still_to_come():
    weekly = series("FREQ=WEEKLY;COUNT=3", local(TEHRAN, 2026, 12, 7, 10, 0))

    times = reminder_times(weekly.occurrences(), [15], now=local(TEHRAN, 2026, 12, 8, 0, 0))

    assert [(o.astimezone(TEHRAN).day, r.astimezone(TEHRAN).strftime("%d %H:%M")) for o, r in times] == [
        (14, "14 09:45"), (21, "21 09:45")]
