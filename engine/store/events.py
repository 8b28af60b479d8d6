"""Calendar events (meetings, calls, visits), their invitees and reminders, and rooms with their
bookings (MISSION F4.7, F6). A room is never booked twice at once: a booking locks the room's
row (PostgreSQL; SQLite has one writer) before it looks for a clash.

A recurring event is one row with its rule (engine/recurrence.py); range questions find rows by
their series' span and expand them into the occurrences in range. Every answer about times (a
calendar, a room's availability, a clash) is about occurrences."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, insert, or_, select, update

from ..access import Caller, EventFacts
from ..calendar_input import EventDraft, Range, RoomDraft
from ..clock import as_utc
from ..errors import Conflict, Invalid, NotFound
from ..recurrence import Occurrence, Series, overlapping
from . import notifications as notes
from .database import inserted_id
from .instances import iso
from .people import existing_users
from .schema import calendar_events, event_exceptions, event_invitees, rooms
from .writes import writes_for

# --- rooms ----------------------------------------------------------------------------------------


def room_json(row: Any) -> dict[str, Any]:
    return {"id": str(row.id), "name": row.name, "capacity": row.capacity, "location": row.location}


def insert_room(conn: Connection, draft: RoomDraft, at: datetime) -> dict[str, Any]:
    if conn.execute(select(rooms.c.id).where(rooms.c.name == draft.name)).first() is not None:
        raise Conflict(f"a room named {draft.name!r} exists already")
    room_id = inserted_id(conn.execute(insert(rooms).values(name=draft.name, capacity=draft.capacity,
                                                            location=draft.location, created_at=at)))
    return room_json(room_row(conn, room_id))


def room_row(conn: Connection, room_id: int, lock: bool = False) -> Any:
    query = select(rooms).where(rooms.c.id == room_id)
    if lock:
        query = writes_for(conn).locking(query)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no room with id {room_id}")
    return row


def list_rooms(conn: Connection) -> list[dict[str, Any]]:
    return [room_json(row) for row in conn.execute(select(rooms).order_by(rooms.c.name))]


def series_of(row: Any, cancelled: frozenset[datetime]) -> Series:
    return Series(as_utc(row.start_at), as_utc(row.end_at), row.recurrence, row.time_zone, cancelled)


def cancelled_occurrences(conn: Connection, event_ids: list[int]) -> dict[int, frozenset[datetime]]:
    """The starts of the occurrences cancelled one by one, per event."""
    found: dict[int, set[datetime]] = {}
    if event_ids:
        for event_id, occurrence in conn.execute(select(event_exceptions.c.event_id, event_exceptions.c.occurrence_at)
                                                 .where(event_exceptions.c.event_id.in_(event_ids))):
            found.setdefault(event_id, set()).add(as_utc(occurrence))
    return {event_id: frozenset(starts) for event_id, starts in found.items()}


def _in_range(conn: Connection, rows: list[Any], within: Range) -> list[tuple[Any, Occurrence]]:
    """Each row's occurrences that overlap the range, earliest first."""
    cancelled = cancelled_occurrences(conn, [row.id for row in rows if row.recurrence is not None])
    found = [(row, occurrence) for row in rows
             for occurrence in series_of(row, cancelled.get(row.id, frozenset())).occurrences(within.start, within.end)]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0].id))


def bookings(conn: Connection, room_id: int, within: Range, but: int | None = None) -> list[tuple[int, Occurrence]]:
    """The occurrences of the room's events (not cancelled) that overlap the range, earliest
    first, each with its event's id."""
    query = (select(calendar_events)
             .where(calendar_events.c.room_id == room_id, calendar_events.c.cancelled_at.is_(None),
                    calendar_events.c.start_at < within.end, calendar_events.c.series_end_at > within.start))
    if but is not None:
        query = query.where(calendar_events.c.id != but)
    return [(row.id, occurrence) for row, occurrence in _in_range(conn, list(conn.execute(query)), within)]


def _busy_json(event_id: int, occurrence: Occurrence) -> dict[str, Any]:
    return {"event": str(event_id), "start": iso(occurrence.start), "end": iso(occurrence.end)}


def availability(conn: Connection, room_id: int, within: Range) -> dict[str, Any]:
    """When the room is busy and free within the range. Busy spans name their event's id and
    times only: the titles are their owners' and invitees' to see."""
    room = room_row(conn, room_id)
    busy = bookings(conn, room_id, within)
    free, cursor = [], within.start
    for _, booking in busy:
        start = max(booking.start, within.start)
        if start > cursor:
            free.append({"start": iso(cursor), "end": iso(start)})
        cursor = max(cursor, booking.end)
    if cursor < within.end:
        free.append({"start": iso(cursor), "end": iso(within.end)})
    return {"room": room_json(room), "from": iso(within.start), "to": iso(within.end),
            "busy": [_busy_json(event_id, b) for event_id, b in busy], "free": free}


# How many clashes a refusal names in its message (details list them all).
_CLASHES_NAMED = 5


def _check_room_free(conn: Connection, room_id: int, series: Series, but: int | None = None) -> None:
    """Every occurrence of the series must find the room free (the event itself aside)."""
    room = room_row(conn, room_id, lock=True)
    mine = series.occurrences()
    if not mine:
        return
    clashes = overlapping(mine, bookings(conn, room_id, Range(mine[0].start, mine[-1].end), but))
    if clashes:
        spans = ", ".join(f"event {event_id} from {iso(c.start)} to {iso(c.end)}"
                          for event_id, c in clashes[:_CLASHES_NAMED])
        more = f" and {len(clashes) - _CLASHES_NAMED} more" if len(clashes) > _CLASHES_NAMED else ""
        raise Conflict(f"room {room.name!r} is booked at that time: {spans}{more}", {
            "room": str(room.id), "conflicts": [_busy_json(event_id, c) for event_id, c in clashes]})


# --- events ---------------------------------------------------------------------------------------

def insert_event(conn: Connection, draft: EventDraft, owner: str, at: datetime) -> int:
    unknown = sorted(set(draft.invitees) - existing_users(conn, list(draft.invitees)))
    if unknown:
        raise Invalid(f"invitees: no user named {', '.join(unknown)}", {"unknown": unknown})
    if draft.room is not None:
        try:
            _check_room_free(conn, draft.room, draft.series())
        except NotFound:
            raise Invalid(f"room: no room with id {draft.room}") from None
    event_id = inserted_id(conn.execute(insert(calendar_events).values(
        title=draft.title, description=draft.description, type=draft.type, start_at=draft.start_at,
        end_at=draft.end_at, room_id=draft.room, owner=owner, reminders=list(draft.reminders),
        instance_id=draft.instance, record_entity=draft.record.entity if draft.record else None,
        record_id=draft.record.id if draft.record else None, created_at=at, recurrence=draft.recurrence,
        time_zone=draft.time_zone, series_end_at=draft.series().last_end())))
    invited = [name for name in draft.invitees if name != owner]
    if invited:
        conn.execute(insert(event_invitees), [{"event_id": event_id, "user_name": n, "response": "pending"}
                                              for n in invited])
        notes.notify(conn, invited, "invitation", f"invitation:{event_id}", draft.title,
                     {"event": str(event_id)}, draft.start_at, at)
    notes.set_event_reminders(conn, event_id, draft.reminder_times(at))
    return event_id


def event_row(conn: Connection, event_id: int) -> Any:
    row = conn.execute(select(calendar_events).where(calendar_events.c.id == event_id)).first()
    if row is None:
        raise NotFound(f"no event with id {event_id}")
    return row


def invitees_of(conn: Connection, event_id: int) -> list[str]:
    return list(conn.execute(select(event_invitees.c.user_name).where(event_invitees.c.event_id == event_id)
                             .order_by(event_invitees.c.user_name)).scalars())


def event_facts(conn: Connection, row: Any) -> EventFacts:
    return EventFacts(row.owner, frozenset(invitees_of(conn, row.id)))


def responses_of(conn: Connection, event_id: int) -> dict[str, str]:
    """Each invitee's answer: pending, accepted or declined."""
    return dict(conn.execute(select(event_invitees.c.user_name, event_invitees.c.response)
                             .where(event_invitees.c.event_id == event_id)).all())


def answer_invitation(conn: Connection, row: Any, user: str, response: str) -> None:
    if row.cancelled_at is not None:
        raise Conflict(f"event {row.id} is cancelled")
    conn.execute(update(event_invitees).where(event_invitees.c.event_id == row.id,
                                              event_invitees.c.user_name == user).values(response=response))


def event_json(row: Any, invitees: list[str], room: dict[str, Any] | None,
               responses: dict[str, str] | None = None, cancelled: frozenset[datetime] = frozenset(),
               occurrence: Occurrence | None = None) -> dict[str, Any]:
    """An event; with ``occurrence``, one occurrence of a recurring one: its start and end, and
    ``occurrence`` naming it (its start)."""
    recurring = row.recurrence is not None
    return {
        "id": str(row.id),
        "title": row.title,
        "description": row.description,
        "type": row.type,
        "start": iso(occurrence.start if occurrence else row.start_at),
        "end": iso(occurrence.end if occurrence else row.end_at),
        "owner": row.owner,
        "invitees": invitees,
        "responses": responses or {},
        "room": room,
        "reminders": row.reminders,
        "instance": None if row.instance_id is None else str(row.instance_id),
        "record": {"entity": row.record_entity, "id": row.record_id} if row.record_entity else None,
        "created_at": iso(row.created_at),
        "cancelled": row.cancelled_at is not None,
        "cancelled_at": iso(row.cancelled_at),
        "recurrence": row.recurrence,
        "time_zone": row.time_zone,
        "occurrence": iso(occurrence.start) if occurrence and recurring else None,
        "series_end": iso(row.series_end_at),
        "cancelled_occurrences": [iso(moment) for moment in sorted(cancelled)],
    }


def full_event_json(conn: Connection, row: Any, occurrence: Occurrence | None = None,
                    cancelled: frozenset[datetime] | None = None) -> dict[str, Any]:
    room = room_json(room_row(conn, row.room_id)) if row.room_id is not None else None
    if cancelled is None:
        cancelled = cancelled_occurrences(conn, [row.id]).get(row.id, frozenset())
    return event_json(row, invitees_of(conn, row.id), room, responses_of(conn, row.id), cancelled, occurrence)


# At most this many occurrences answer one list of events (a daily event over 100 days is 100).
MAX_LISTED = 2000


def list_events(conn: Connection, caller: Caller, within: Range) -> list[dict[str, Any]]:
    """The occurrences of the events the caller owns or is invited to that overlap the range
    (access.may_see_event in SQL; administrators' calendars are their own too), earliest first:
    a recurring event is there once per occurrence."""
    invited = exists().where(event_invitees.c.event_id == calendar_events.c.id,
                             event_invitees.c.user_name == caller.name)
    rows = conn.execute(select(calendar_events)
                        .where(or_(calendar_events.c.owner == caller.name, invited),
                               calendar_events.c.cancelled_at.is_(None),
                               calendar_events.c.start_at < within.end,
                               calendar_events.c.series_end_at > within.start)
                        .order_by(calendar_events.c.start_at, calendar_events.c.id).limit(1000)).all()
    cancelled = cancelled_occurrences(conn, [row.id for row in rows if row.recurrence is not None])
    shared: dict[int, dict[str, Any]] = {}
    listed = []
    for row, occurrence in _in_range(conn, list(rows), within)[:MAX_LISTED]:
        if row.id not in shared:
            shared[row.id] = full_event_json(conn, row, None, cancelled.get(row.id, frozenset()))
        one = dict(shared[row.id])
        one.update(start=iso(occurrence.start), end=iso(occurrence.end),
                   occurrence=iso(occurrence.start) if row.recurrence is not None else None)
        listed.append(one)
    return listed


def update_event(conn: Connection, row: Any, draft: EventDraft, at: datetime) -> None:
    """Move, rename, re-room or re-invite an event: its room must be free at the new time
    (the event itself aside); new invitees are notified; its reminders are set again only when
    its start or its reminders changed (a sent one is not sent twice for a new title)."""
    if row.cancelled_at is not None:
        raise Conflict(f"event {row.id} is cancelled; it cannot change")
    unknown = sorted(set(draft.invitees) - existing_users(conn, list(draft.invitees)))
    if unknown:
        raise Invalid(f"invitees: no user named {', '.join(unknown)}", {"unknown": unknown})
    timing_changed = (as_utc(row.start_at) != draft.start_at or as_utc(row.end_at) != draft.end_at
                      or row.recurrence != draft.recurrence or row.time_zone != draft.time_zone)
    # Occurrences cancelled one by one are named by their starts: a series with new times has
    # other occurrences, so the old exceptions go (a new time or rule is a new series).
    cancelled = (frozenset() if timing_changed
                 else cancelled_occurrences(conn, [row.id]).get(row.id, frozenset()))
    if draft.room is not None:
        try:
            _check_room_free(conn, draft.room, draft.series(cancelled), but=row.id)
        except NotFound:
            raise Invalid(f"room: no room with id {draft.room}") from None
    if timing_changed:
        conn.execute(event_exceptions.delete().where(event_exceptions.c.event_id == row.id))
    conn.execute(update(calendar_events).where(calendar_events.c.id == row.id).values(
        title=draft.title, description=draft.description, type=draft.type, start_at=draft.start_at,
        end_at=draft.end_at, room_id=draft.room, reminders=list(draft.reminders), recurrence=draft.recurrence,
        time_zone=draft.time_zone, series_end_at=draft.series().last_end()))
    before = set(invitees_of(conn, row.id))
    wanted = {name for name in draft.invitees if name != row.owner}
    if before - wanted:
        conn.execute(event_invitees.delete().where(event_invitees.c.event_id == row.id,
                                                   event_invitees.c.user_name.in_(sorted(before - wanted))))
    added = sorted(wanted - before)
    if added:
        conn.execute(insert(event_invitees), [{"event_id": row.id, "user_name": n, "response": "pending"}
                                              for n in added])
        notes.notify(conn, added, "invitation", f"invitation:{row.id}", draft.title, {"event": str(row.id)},
                     draft.start_at, at)
    if timing_changed or list(row.reminders) != list(draft.reminders):
        notes.set_event_reminders(conn, row.id, draft.reminder_times(at, cancelled))


def cancel_event(conn: Connection, row: Any, at: datetime) -> None:
    """Cancel an event, every occurrence of a recurring one."""
    if row.cancelled_at is not None:
        raise Conflict(f"event {row.id} is cancelled already")
    conn.execute(update(calendar_events).where(calendar_events.c.id == row.id).values(cancelled_at=at))
    notes.set_event_reminders(conn, row.id, [])


def cancel_occurrence(conn: Connection, row: Any, occurrence: datetime, user: str, at: datetime) -> None:
    """Cancel one occurrence of a recurring event: it frees the room then and does not ring."""
    if row.cancelled_at is not None:
        raise Conflict(f"event {row.id} is cancelled already")
    if row.recurrence is None:
        raise Invalid(f"event {row.id} does not repeat: cancel it whole, without an occurrence")
    cancelled = cancelled_occurrences(conn, [row.id]).get(row.id, frozenset())
    if occurrence in cancelled:
        raise Conflict(f"the occurrence of event {row.id} at {iso(occurrence)} is cancelled already")
    if not series_of(row, cancelled).has_occurrence(occurrence):
        raise Invalid(f"occurrence: event {row.id} has no occurrence starting at {iso(occurrence)}")
    statement = writes_for(conn).insert_unless_present(event_exceptions).on_conflict_do_nothing(
        index_elements=["event_id", "occurrence_at"]).returning(event_exceptions.c.event_id)
    if conn.execute(statement.values(event_id=row.id, occurrence_at=occurrence, cancelled_at=at,
                                     cancelled_by=user)).first() is None:  # someone cancelled it meanwhile
        raise Conflict(f"the occurrence of event {row.id} at {iso(occurrence)} is cancelled already")
    notes.cancel_occurrence_reminders(conn, row.id, occurrence)
