"""What people send to the calendar, checked: tasks, events, rooms and date ranges (MISSION F6).

Pure: no SQL. Every refusal is an ``Invalid`` that names the field and says what is wanted, so
the API answers a 422 a person can act on. Whether named users, groups and rooms exist is the
store's question (engine/store/tasks.py, events.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import Invalid
from .recurrence import Series, checked_rule, reminder_times, zone_named

TASK_STATUSES = ("not_started", "in_progress", "waiting", "done")
TASK_PRIORITIES = ("low", "normal", "high", "urgent")
EVENT_TYPES = ("meeting", "call", "visit", "other")
# Which tasks a list shows: those the caller owns (theirs or their groups'), those they follow
# without owning (follow-ups they handed to others), or both.
WHICH_TASKS = ("all", "owned", "following")
# How an invitee answers an invitation.
INVITATION_RESPONSES = ("accepted", "declined")
# The longest range one calendar, list or availability question may span: a month view with the
# weeks around it, and a little more.
MAX_RANGE = timedelta(days=100)
# An event longer than this is a typo, not a meeting.
MAX_EVENT_LENGTH = timedelta(days=31)
# How many reminders one event may have, and how far before its start the earliest may be.
MAX_EVENT_REMINDERS = 5
MAX_REMINDER_MINUTES = 60 * 24 * 30
MAX_INVITEES = 200
MAX_TITLE = 255
# Dates outside these years are typos; keeping to them also keeps offsets and reminders' arithmetic
# (minutes before a start) inside what datetime and both databases can hold.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999
MAX_DESCRIPTION = 10_000
MAX_NOTE = 2_000


def moment(value: Any, name: str) -> datetime:
    """An ISO 8601 date and time with its zone (``2026-12-01T09:30:00+03:30``, or ``...Z``)."""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be an ISO 8601 date and time with a zone, like 2026-12-01T09:30:00Z")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{name} must be an ISO 8601 date and time with a zone, like 2026-12-01T09:30:00Z; "
                      f"not {value[:60]!r}") from None
    if parsed.tzinfo is None:
        raise Invalid(f"{name} needs a time zone (Z or an offset such as +03:30): {value[:60]!r} has none")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise Invalid(f"{name} must fall between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return parsed.astimezone(UTC)  # stored in UTC: SQLite keeps no zone


def optional_moment(value: Any, name: str) -> datetime | None:
    return None if value is None or value == "" else moment(value, name)


@dataclass(frozen=True)
class Range:
    """A half-open span of time [start, end) that a calendar question covers."""

    start: datetime
    end: datetime


def date_range(start: Any, end: Any) -> Range:
    """``from`` and ``to`` of a calendar or availability question."""
    if start is None or end is None:
        raise Invalid("from and to are both needed (ISO 8601 dates and times with a zone)")
    found = Range(moment(start, "from"), moment(end, "to"))
    if found.end <= found.start:
        raise Invalid("to must come after from")
    if found.end - found.start > MAX_RANGE:
        raise Invalid(f"from and to may be at most {MAX_RANGE.days} days apart")
    return found


def _text(value: Any, name: str, longest: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be text")
    text = value.strip()
    if required and not text:
        raise Invalid(f"{name} must not be empty")
    if len(text) > longest:
        raise Invalid(f"{name} may be at most {longest} characters")
    return text


def _choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise Invalid(f"{name} must be one of {', '.join(choices)}; not {value!r}")
    return str(value)


def _id(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(f"{name} must be an id, not {value!r}") from None
    if not 0 < number < 2**31:
        raise Invalid(f"{name} must be an id, not {value!r}")
    return number


@dataclass(frozen=True)
class RecordLink:
    """A CRM record a task or event is about."""

    entity: str
    id: str


def record_link(value: Any) -> RecordLink | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid('record must be {"entity": ..., "id": ...}')
    return RecordLink(_text(value.get("entity"), "record.entity", 100, required=True),
                      _text(str(value.get("id", "")), "record.id", 255, required=True))


@dataclass(frozen=True)
class TaskDraft:
    """A new task as checked. With neither owner given, the task is its creator's."""

    title: str
    description: str = ""
    status: str = "not_started"
    priority: str = "normal"
    owner_user: str | None = None
    owner_group: str | None = None
    start_at: datetime | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None
    follows_task: int | None = None
    work_item: int | None = None
    instance: int | None = None
    record: RecordLink | None = None
    notify: bool = True


def _owners(body: dict[str, Any]) -> tuple[str | None, str | None]:
    user = _text(body.get("owner"), "owner", 150) or None
    group = _text(body.get("owner_group"), "owner_group", 150) or None
    if user and group:
        raise Invalid("give owner (a user) or owner_group (a group), not both")
    return user, group


def _check_order(start: datetime | None, due: datetime | None) -> None:
    if start is not None and due is not None and due < start:
        raise Invalid("due must not come before start")


def task_draft(body: dict[str, Any]) -> TaskDraft:
    """A task from the body of ``POST /tasks`` (or from an activity's inputs, F4.6)."""
    owner_user, owner_group = _owners(body)
    follows = body.get("follows") or {}
    if not isinstance(follows, dict):
        raise Invalid('follows must be {"task": id} or {"work_item": id} or {"instance": id}')
    draft = TaskDraft(
        title=_text(body.get("title"), "title", MAX_TITLE, required=True),
        description=_text(body.get("description"), "description", MAX_DESCRIPTION),
        status=_choice(body.get("status", "not_started"), "status", TASK_STATUSES),
        priority=_choice(body.get("priority", "normal"), "priority", TASK_PRIORITIES),
        owner_user=owner_user, owner_group=owner_group,
        start_at=optional_moment(body.get("start"), "start"),
        due_at=optional_moment(body.get("due"), "due"),
        remind_at=optional_moment(body.get("remind_at"), "remind_at"),
        follows_task=_id(follows.get("task"), "follows.task"),
        work_item=_id(follows.get("work_item"), "follows.work_item"),
        instance=_id(follows.get("instance"), "follows.instance"),
        record=record_link(body.get("record")),
        notify=bool(body.get("notify", True)),
    )
    _check_order(draft.start_at, draft.due_at)
    return draft


# The fields of a task that PATCH may change, and how each is read.
TASK_CHANGES: dict[str, Callable[[Any], Any]] = {
    "title": lambda v: _text(v, "title", MAX_TITLE, required=True),
    "description": lambda v: _text(v, "description", MAX_DESCRIPTION),
    "status": lambda v: _choice(v, "status", TASK_STATUSES),
    "priority": lambda v: _choice(v, "priority", TASK_PRIORITIES),
    "start_at": lambda v: optional_moment(v, "start"),
    "due_at": lambda v: optional_moment(v, "due"),
    "remind_at": lambda v: optional_moment(v, "remind_at"),
}
_CHANGE_NAMES = {"start": "start_at", "due": "due_at"}


def task_changes(body: dict[str, Any], start_at: datetime | None, due_at: datetime | None) -> dict[str, Any]:
    """The columns ``PATCH /tasks/{id}`` changes; ``start_at`` and ``due_at`` are the task's now."""
    changes: dict[str, Any] = {}
    for name, value in body.items():
        column = _CHANGE_NAMES.get(name, name)
        if column not in TASK_CHANGES:
            continue
        changes[column] = TASK_CHANGES[column](value)
    _check_order(changes.get("start_at", start_at), changes.get("due_at", due_at))
    return changes


@dataclass(frozen=True)
class Forwarding:
    """Where a task goes next, and why."""

    user: str | None
    group: str | None
    note: str


def forwarding(body: dict[str, Any]) -> Forwarding:
    user = _text(body.get("user"), "user", 150) or None
    group = _text(body.get("group"), "group", 150) or None
    if bool(user) == bool(group):
        raise Invalid("forward to exactly one of user (a colleague) or group")
    return Forwarding(user, group, _text(body.get("note"), "note", MAX_NOTE))


@dataclass(frozen=True)
class EventDraft:
    """A new event as checked. ``recurrence`` is its checked RRULE (recurrence.checked_rule),
    kept on the wall clock of ``time_zone``."""

    title: str
    type: str
    start_at: datetime
    end_at: datetime
    description: str = ""
    room: int | None = None
    invitees: tuple[str, ...] = ()
    reminders: tuple[int, ...] = ()
    instance: int | None = None
    record: RecordLink | None = None
    recurrence: str | None = None
    time_zone: str = "UTC"

    def series(self, cancelled: frozenset[datetime] = frozenset()) -> Series:
        return Series(self.start_at, self.end_at, self.recurrence, self.time_zone, cancelled)

    def reminder_times(self, now: datetime,
                       cancelled: frozenset[datetime] = frozenset()) -> list[tuple[datetime, datetime]]:
        """(occurrence, remind at) of every reminder of the occurrences still to come."""
        return reminder_times(self.series(cancelled).occurrences(), self.reminders, now)


def _invitees(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("invitees must be a list of user names")
    if len(value) > MAX_INVITEES:
        raise Invalid(f"an event may invite at most {MAX_INVITEES} people")
    return tuple(sorted({_text(v, "invitees[]", 150, required=True) for v in value}))


def _reminders(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if (not isinstance(value, list) or len(value) > MAX_EVENT_REMINDERS
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_REMINDER_MINUTES
                       for v in value)):
        raise Invalid(f"reminders must be a list of at most {MAX_EVENT_REMINDERS} whole numbers of minutes "
                      f"before the start (0 to {MAX_REMINDER_MINUTES})")
    return tuple(sorted(set(value), reverse=True))


def event_draft(body: dict[str, Any], default_zone: str = "UTC") -> EventDraft:
    """An event from the body of ``POST /events`` (or from an activity's inputs, F4.7). Without
    a ``time_zone`` of its own, a recurring event keeps the wall clock of ``default_zone``."""
    start_at = moment(body.get("start"), "start")
    end_at = moment(body.get("end"), "end")
    if end_at <= start_at:
        raise Invalid("end must come after start")
    if end_at - start_at > MAX_EVENT_LENGTH:
        raise Invalid(f"an event may last at most {MAX_EVENT_LENGTH.days} days")
    zone_name = _text(body.get("time_zone"), "time_zone", 64) or default_zone
    zone = zone_named(zone_name)
    rule = body.get("recurrence")
    if rule is not None and not isinstance(rule, str):
        raise Invalid("recurrence must be an RFC 5545 RRULE (text) or null")
    return EventDraft(
        title=_text(body.get("title"), "title", MAX_TITLE, required=True),
        type=_choice(body.get("type", "meeting"), "type", EVENT_TYPES),
        start_at=start_at, end_at=end_at,
        description=_text(body.get("description"), "description", MAX_DESCRIPTION),
        room=_id(body.get("room"), "room"),
        invitees=_invitees(body.get("invitees")),
        reminders=_reminders(body.get("reminders")),
        instance=_id(body.get("instance"), "instance"),
        record=record_link(body.get("record")),
        recurrence=checked_rule(rule, start_at, end_at, zone) if rule and rule.strip() else None,
        time_zone=zone_name,
    )


# The fields of an event that PATCH may change.
EVENT_CHANGES = ("title", "type", "start", "end", "description", "room", "invitees", "reminders", "recurrence",
                 "time_zone")


def event_changes(body: dict[str, Any], current: dict[str, Any]) -> EventDraft:
    """The event as ``PATCH /events/{id}`` leaves it: ``current`` (the event's JSON) with the
    body's fields over it, checked as a new event is."""
    merged = {**current, "room": (current.get("room") or {}).get("id")}
    merged.update({name: body[name] for name in EVENT_CHANGES if name in body})
    return event_draft(merged, current["time_zone"])


@dataclass(frozen=True)
class RoomDraft:
    name: str
    capacity: int | None
    location: str


def room_draft(body: dict[str, Any]) -> RoomDraft:
    capacity = body.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)
                                 or not 0 < capacity < 100_000):
        raise Invalid("capacity must be a whole number of seats (1 to 99999)")
    return RoomDraft(_text(body.get("name"), "name", 150, required=True), capacity,
                     _text(body.get("location"), "location", 255))


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether two half-open spans share a moment: a meeting that ends at 10:00 and one that
    starts at 10:00 do not clash."""
    return a_start < b_end and b_start < a_end
