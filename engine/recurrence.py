"""Recurring events (MISSION F4.7, F6): an RFC 5545 RRULE, checked, and the occurrences it makes.

Pure: no SQL. python-dateutil's ``rrule`` expands the rule on the wall clock of the event's
zone, and each occurrence is then placed in that zone, so a weekly meeting at 10:00 stays at
10:00 when the clocks change (its UTC time moves by the hour). A wall-clock time that a change
skips (02:30 on a spring-forward night) takes the offset from before the change, as RFC 5545
says; one that happens twice (an autumn night) is the first. Occurrences last as long as the
first one does.

A series is finite: its rule has COUNT or UNTIL, and it makes at most ``MAX_OCCURRENCES``. An
occurrence is named by its start in UTC (RFC 5545's RECURRENCE-ID); cancelling one keeps that
start in the event's cancelled set.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from .errors import Invalid

# The repetitions a person books: every day, week, month or year (with INTERVAL, BYDAY and
# the rest). Sub-daily frequencies are not meetings.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The most occurrences one series may have: a working day's meeting for about three years, a
# weekly one for nineteen. Bounds the work of a clash check and the reminders one series sets.
MAX_OCCURRENCES = 1000
# A series ends within this many years of its start.
MAX_SERIES_YEARS = 100
# The rule parts a series may use. Others (BYWEEKNO, BYYEARDAY, BYSETPOS, dateutil's BYEASTER,
# sub-daily BYHOUR...) can describe dates that never come, which rrule would seek until the year
# 9999 (seconds of work for one request).
RULE_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST")
MAX_INTERVAL = 99
# What an RRULE value is made of: names, numbers, commas, signs (BYDAY=-1FR) and '=' and ';'.
_RULE_TEXT = re.compile(r"[A-Z0-9=;,+\-]{1,500}")
_UNTIL = {
    re.compile(r"\d{8}"): "%Y%m%d",
    re.compile(r"\d{8}T\d{6}Z"): "%Y%m%dT%H%M%SZ",
    re.compile(r"\d{8}T\d{6}"): "%Y%m%dT%H%M%S",
}


@dataclass(frozen=True)
class Occurrence:
    """One time an event happens, in UTC."""

    start: datetime
    end: datetime


def zone_named(name: str, field: str = "time_zone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{field} must be a time zone such as Asia/Tehran or Europe/Bucharest; "
                      f"not {name[:60]!r}") from None


def _parts(text: str) -> list[tuple[str, str]]:
    value = text.strip().upper()
    value = value.removeprefix("RRULE:")
    if not _RULE_TEXT.fullmatch(value):
        raise Invalid("recurrence must be an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10")
    parts = []
    for part in value.split(";"):
        if not part:
            continue
        name, equals, setting = part.partition("=")
        if not equals or not setting:
            raise Invalid(f"recurrence: {part!r} is not NAME=VALUE")
        parts.append((name, setting))
    names = [name for name, _ in parts]
    if len(set(names)) != len(names):
        raise Invalid("recurrence names a rule part twice")
    return parts


def _until(value: str, zone: ZoneInfo) -> datetime:
    """UNTIL as a wall-clock time of the zone: a date means through the end of that day; a time
    with Z is UTC (as RFC 5545 wants with a zone); one without is the zone's own."""
    for pattern, layout in _UNTIL.items():
        if pattern.fullmatch(value):
            try:
                parsed = datetime.strptime(value, layout)
            except ValueError:
                break
            if layout == "%Y%m%d":
                return parsed.replace(hour=23, minute=59, second=59)
            if value.endswith("Z"):
                return parsed.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
            return parsed
    raise Invalid(f"recurrence: UNTIL must be a date (20271231) or a UTC time (20271231T200000Z); not {value!r}")


def _wall_clock(start: datetime, zone: ZoneInfo) -> datetime:
    return start.astimezone(zone).replace(tzinfo=None)


def _placed(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)


def _expand(rule: str, start: datetime, zone: ZoneInfo) -> Iterator[datetime]:
    """The starts (UTC) a stored rule makes from ``start``."""
    parts = _parts(rule)
    until = next((value for name, value in parts if name == "UNTIL"), None)
    kept = ";".join(f"{name}={value}" for name, value in parts if name != "UNTIL")
    try:
        expanded = rrulestr(kept, dtstart=_wall_clock(start, zone))
        if until is not None:
            expanded = expanded.replace(until=_until(until, zone))
    except (ValueError, TypeError) as refused:
        raise Invalid(f"recurrence: {refused}") from None
    for local in expanded:
        yield _placed(local, zone)


_WEEKDAY = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")


def _check_weekdays(parts: dict[str, str]) -> None:
    """BYDAY names weekdays; "the second Tuesday" (2TU, or -1FR: the last Friday) only monthly,
    and then not with BYMONTHDAY, which could name a day it never falls on."""
    if "BYDAY" not in parts:
        return
    days = [_WEEKDAY.fullmatch(day) for day in parts["BYDAY"].split(",")]
    if not all(days):
        raise Invalid("recurrence: BYDAY lists weekdays (MO,TU,...), monthly also 1MO to 5MO or -1MO to -5MO")
    if any(day[1] for day in days if day):
        if parts["FREQ"] != "MONTHLY" or "BYMONTHDAY" in parts:
            raise Invalid("recurrence: a numbered weekday (2TU: the second Tuesday) is for monthly events "
                          "without BYMONTHDAY")


def checked_rule(text: str, start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """The rule of a new or changed series, checked and written the one way it is stored: its
    parts as given, UNTIL in UTC. Refuses sub-daily repetition, a series without an end (COUNT
    or UNTIL), one of more than MAX_OCCURRENCES, none at all, and occurrences that overlap."""
    parts = dict(_parts(text))
    if parts.get("FREQ") not in FREQUENCIES:
        raise Invalid(f"recurrence: FREQ must be one of {', '.join(FREQUENCIES)}")
    unknown = sorted(set(parts) - set(RULE_PARTS))
    if unknown:
        raise Invalid(f"recurrence: {', '.join(unknown)} is not supported; use {', '.join(RULE_PARTS)}")
    if "BYMONTHDAY" in parts and "BYMONTH" in parts:
        raise Invalid("recurrence: BYMONTHDAY with BYMONTH may name a date that never comes; a yearly event "
                      "repeats on its first day by itself")
    _check_weekdays(parts)
    if "INTERVAL" in parts and not (parts["INTERVAL"].isdigit() and 0 < int(parts["INTERVAL"]) <= MAX_INTERVAL):
        raise Invalid(f"recurrence: INTERVAL must be 1 to {MAX_INTERVAL}")
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise Invalid("recurrence needs an end: COUNT (after so many times) or UNTIL (a date), not both")
    if "COUNT" in parts and not (parts["COUNT"].isdigit() and 0 < int(parts["COUNT"]) <= MAX_OCCURRENCES):
        raise Invalid(f"recurrence: COUNT must be 1 to {MAX_OCCURRENCES}")
    if "UNTIL" in parts:
        parts["UNTIL"] = _placed(_until(parts["UNTIL"], zone), zone).strftime("%Y%m%dT%H%M%SZ")
    rule = ";".join(f"{name}={value}" for name, value in parts.items())
    horizon = start + timedelta(days=365.25 * MAX_SERIES_YEARS)
    starts = []
    for moment in _expand(rule, start, zone):
        starts.append(moment)
        if len(starts) > MAX_OCCURRENCES:
            raise Invalid(f"recurrence makes more than {MAX_OCCURRENCES} occurrences; choose an earlier end")
        if moment > horizon:
            raise Invalid(f"recurrence: a series must end within {MAX_SERIES_YEARS} years of its start")
    if not starts:
        raise Invalid("recurrence makes no occurrence: its end comes before its first time")
    length = end - start
    if any(later - earlier < length for earlier, later in zip(starts, starts[1:], strict=False)):
        raise Invalid("an event may not repeat before it ends: its occurrences would overlap")
    return rule


@dataclass(frozen=True)
class Series:
    """An event's times: its first start and end, and, when it repeats, its (checked) rule and
    the zone whose wall clock the rule keeps."""

    start: datetime
    end: datetime
    rule: str | None = None
    zone: str = "UTC"
    cancelled: frozenset[datetime] = frozenset()

    def occurrences(self, after: datetime | None = None, before: datetime | None = None) -> list[Occurrence]:
        """The occurrences that overlap [after, before) (all without bounds), earliest first,
        cancelled ones left out."""
        length = self.end - self.start
        starts: Iterable[datetime] = ([self.start] if self.rule is None
                                      else _expand(self.rule, self.start, ZoneInfo(self.zone)))
        found = []
        for start in starts:
            if before is not None and start >= before:
                break
            if (after is None or start + length > after) and start not in self.cancelled:
                found.append(Occurrence(start, start + length))
        return found

    def last_end(self) -> datetime:
        """When the series is over (its cancelled occurrences counted)."""
        if self.rule is None:
            return self.end
        *_, last = _expand(self.rule, self.start, ZoneInfo(self.zone))
        return last + (self.end - self.start)

    def has_occurrence(self, start: datetime) -> bool:
        return any(moment == start for moment in ([self.start] if self.rule is None
                                                  else _expand(self.rule, self.start, ZoneInfo(self.zone))))


def overlapping(mine: list[Occurrence], theirs: Iterable[tuple[int, Occurrence]]) -> list[tuple[int, Occurrence]]:
    """Those of ``theirs`` (owner id, occurrence) that overlap one of ``mine`` (sorted, and not
    overlapping each other: checked_rule sees to that). Half-open: 10:00-11:00 and 11:00-12:00
    do not clash."""
    starts = [occurrence.start for occurrence in mine]
    found = []
    for owner, other in theirs:
        index = bisect_left(starts, other.end) - 1
        if index >= 0 and mine[index].end > other.start:
            found.append((owner, other))
    return found


def reminder_times(occurrences: Iterable[Occurrence], minutes: Iterable[int],
                   now: datetime) -> list[tuple[datetime, datetime]]:
    """(occurrence start, remind at) for each reminder of each occurrence that has not begun."""
    befores = [timedelta(minutes=m) for m in minutes]
    return [(occurrence.start, occurrence.start - before) for occurrence in occurrences
            if occurrence.start > now for before in befores]
