"""Calendar events (meetings, calls, visits), their invitees and reminders, and rooms with their
bookings (MISSION F4.7, F6). A room is never booked twice at once: a booking locks the room's
row (PostgreSQL; SQLite has one writer) before it looks for a clash."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, insert, or_, select, update

from ..access import Caller, EventFacts
from ..calendar_input import EventDraft, Range, RoomDraft
from ..clock import as_utc
from ..errors import Conflict, Invalid, NotFound
from . import notifications as notes
from .database import inserted_id
from .instances import iso
from .people import existing_users
from .schema import calendar_events, event_invitees, rooms
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


def bookings(conn: Connection, room_id: int, within: Range, but: int | None = None) -> list[Any]:
    """The room's events (not cancelled) that overlap the range, earliest first."""
    query = (select(calendar_events.c.id, calendar_events.c.start_at, calendar_events.c.end_at)
             .where(calendar_events.c.room_id == room_id, calendar_events.c.cancelled_at.is_(None),
                    calendar_events.c.start_at < within.end, calendar_events.c.end_at > within.start)
             .order_by(calendar_events.c.start_at))
    if but is not None:
        query = query.where(calendar_events.c.id != but)
    return list(conn.execute(query))


def availability(conn: Connection, room_id: int, within: Range) -> dict[str, Any]:
    """When the room is busy and free within the range. Busy spans name their event's id and
    times only: the titles are their owners' and invitees' to see."""
    room = room_row(conn, room_id)
    busy = bookings(conn, room_id, within)
    free, cursor = [], within.start
    for booking in busy:
        start = max(as_utc(booking.start_at), within.start)
        if start > cursor:
            free.append({"start": iso(cursor), "end": iso(start)})
        cursor = max(cursor, as_utc(booking.end_at))
    if cursor < within.end:
        free.append({"start": iso(cursor), "end": iso(within.end)})
    return {"room": room_json(room), "from": iso(within.start), "to": iso(within.end),
            "busy": [{"event": str(b.id), "start": iso(b.start_at), "end": iso(b.end_at)} for b in busy],
            "free": free}


def _check_room_free(conn: Connection, room_id: int, start: datetime, end: datetime, but: int | None = None) -> None:
    room = room_row(conn, room_id, lock=True)
    clashes = bookings(conn, room_id, Range(start, end), but)
    if clashes:
        spans = ", ".join(f"event {c.id} from {iso(c.start_at)} to {iso(c.end_at)}" for c in clashes)
        raise Conflict(f"room {room.name!r} is booked at that time: {spans}", {
            "room": str(room.id),
            "conflicts": [{"event": str(c.id), "start": iso(c.start_at), "end": iso(c.end_at)} for c in clashes]})


# --- events ---------------------------------------------------------------------------------------

def insert_event(conn: Connection, draft: EventDraft, owner: str, at: datetime) -> int:
    unknown = sorted(set(draft.invitees) - existing_users(conn, list(draft.invitees)))
    if unknown:
        raise Invalid(f"invitees: no user named {', '.join(unknown)}", {"unknown": unknown})
    if draft.room is not None:
        try:
            _check_room_free(conn, draft.room, draft.start_at, draft.end_at)
        except NotFound:
            raise Invalid(f"room: no room with id {draft.room}") from None
    event_id = inserted_id(conn.execute(insert(calendar_events).values(
        title=draft.title, description=draft.description, type=draft.type, start_at=draft.start_at,
        end_at=draft.end_at, room_id=draft.room, owner=owner, reminders=list(draft.reminders),
        instance_id=draft.instance, record_entity=draft.record.entity if draft.record else None,
        record_id=draft.record.id if draft.record else None, created_at=at)))
    invited = [name for name in draft.invitees if name != owner]
    if invited:
        conn.execute(insert(event_invitees), [{"event_id": event_id, "user_name": n, "response": "pending"}
                                              for n in invited])
        notes.notify(conn, invited, "invitation", f"invitation:{event_id}", draft.title,
                     {"event": str(event_id)}, draft.start_at, at)
    notes.set_reminders(conn, draft.reminder_times(), event_id=event_id)
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
               responses: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "title": row.title,
        "description": row.description,
        "type": row.type,
        "start": iso(row.start_at),
        "end": iso(row.end_at),
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
    }


def full_event_json(conn: Connection, row: Any) -> dict[str, Any]:
    room = room_json(room_row(conn, row.room_id)) if row.room_id is not None else None
    return event_json(row, invitees_of(conn, row.id), room, responses_of(conn, row.id))


def list_events(conn: Connection, caller: Caller, within: Range) -> list[dict[str, Any]]:
    """The events the caller owns or is invited to that overlap the range (access.may_see_event
    in SQL; administrators' calendars are their own too), earliest first."""
    invited = exists().where(event_invitees.c.event_id == calendar_events.c.id,
                             event_invitees.c.user_name == caller.name)
    rows = conn.execute(select(calendar_events)
                        .where(or_(calendar_events.c.owner == caller.name, invited),
                               calendar_events.c.cancelled_at.is_(None),
                               calendar_events.c.start_at < within.end, calendar_events.c.end_at > within.start)
                        .order_by(calendar_events.c.start_at, calendar_events.c.id).limit(1000)).all()
    return [full_event_json(conn, row) for row in rows]


def update_event(conn: Connection, row: Any, draft: EventDraft, at: datetime) -> None:
    """Move, rename, re-room or re-invite an event: its room must be free at the new time
    (the event itself aside); new invitees are notified; its reminders are set again only when
    its start or its reminders changed (a sent one is not sent twice for a new title)."""
    if row.cancelled_at is not None:
        raise Conflict(f"event {row.id} is cancelled; it cannot change")
    unknown = sorted(set(draft.invitees) - existing_users(conn, list(draft.invitees)))
    if unknown:
        raise Invalid(f"invitees: no user named {', '.join(unknown)}", {"unknown": unknown})
    if draft.room is not None:
        try:
            _check_room_free(conn, draft.room, draft.start_at, draft.end_at, but=row.id)
        except NotFound:
            raise Invalid(f"room: no room with id {draft.room}") from None
    conn.execute(update(calendar_events).where(calendar_events.c.id == row.id).values(
        title=draft.title, description=draft.description, type=draft.type, start_at=draft.start_at,
        end_at=draft.end_at, room_id=draft.room, reminders=list(draft.reminders)))
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
    if as_utc(row.start_at) != draft.start_at or list(row.reminders) != list(draft.reminders):
        notes.set_reminders(conn, draft.reminder_times(), event_id=row.id)


def cancel_event(conn: Connection, row: Any, at: datetime) -> None:
    if row.cancelled_at is not None:
        raise Conflict(f"event {row.id} is cancelled already")
    conn.execute(update(calendar_events).where(calendar_events.c.id == row.id).values(cancelled_at=at))
    notes.set_reminders(conn, [], event_id=row.id)
