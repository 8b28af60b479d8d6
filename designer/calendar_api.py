"""Tasks, follow-ups, events, rooms and the calendar under /api/v1 (MISSION F4.6, F4.7, F6).

Thin: each view hands the body to engine/calendar.py, which checks it (422 naming the field) and
asks the access rule (someone else's task or event is a 404)."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Boolean, Dict, Integer, List, Raw, String
from apiflask.validators import Length, OneOf
from flask import current_app

from engine.calendar import TaskQuery
from engine.calendar_input import (
    EVENT_TYPES,
    INVITATION_RESPONSES,
    TASK_PRIORITIES,
    TASK_STATUSES,
    WHICH_TASKS,
    date_range,
)

from .api import Lenient, PageQuery, auth, caller, charkh, paged

calendar_api = APIBlueprint("calendar_api", __name__, url_prefix="/api/v1")

_WHEN = "ISO 8601 date and time with a zone, e.g. 2026-12-07T09:30:00+03:30"
_RRULE = ("a recurring event's RFC 5545 RRULE: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, BYDAY, ..., and an end: "
          "COUNT or UNTIL (a date, or a UTC time); e.g. FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270630. null: once")
_ZONE = "the IANA zone whose wall clock a recurring event keeps (default: the server's CHARKH_TIMEZONE)"


class RangeQuery(Lenient):
    start = String(data_key="from", load_default=None, metadata={"description": _WHEN})
    end = String(data_key="to", load_default=None, metadata={"description": _WHEN})


class TaskIn(Lenient):
    title = String(metadata={"description": "required"})
    description = String(allow_none=True)
    status = String(metadata={"enum": list(TASK_STATUSES)})
    priority = String(metadata={"enum": list(TASK_PRIORITIES)})
    owner = String(allow_none=True, metadata={"description": "a user; the creator when neither owner is given"})
    owner_group = String(allow_none=True, metadata={"description": "a group or role instead of a user"})
    start = String(allow_none=True, metadata={"description": _WHEN})
    due = String(allow_none=True, metadata={"description": _WHEN})
    remind_at = String(allow_none=True, metadata={"description": _WHEN})
    follows = Dict(allow_none=True, metadata={"description": 'a follow-up: {"task"|"work_item"|"instance": id}'})
    record = Dict(allow_none=True, metadata={"description": '{"entity", "id"}'})
    notify = Boolean(metadata={"description": "notify the owner (default true)"})


class TaskChangesIn(Lenient):
    title = String()
    description = String(allow_none=True)
    status = String(metadata={"enum": list(TASK_STATUSES)})
    priority = String(metadata={"enum": list(TASK_PRIORITIES)})
    start = String(allow_none=True)
    due = String(allow_none=True)
    remind_at = String(allow_none=True)


class TaskListQuery(PageQuery, RangeQuery):
    which = String(load_default="all", validate=OneOf(list(WHICH_TASKS)))
    status = String(load_default="open", validate=OneOf(["open", "all", *TASK_STATUSES]))


class ForwardIn(Lenient):
    user = String(allow_none=True)
    group = String(allow_none=True)
    note = String(allow_none=True, validate=Length(max=2000))


class CompleteTaskIn(Lenient):
    note = String(load_default="", validate=Length(max=2000))


class EventIn(Lenient):
    title = String(metadata={"description": "required"})
    type = String(metadata={"enum": list(EVENT_TYPES)})
    start = String(metadata={"description": _WHEN})
    end = String(metadata={"description": _WHEN})
    description = String(allow_none=True)
    room = Raw(allow_none=True, metadata={"description": "a room's id"})
    invitees = List(String(), allow_none=True)
    reminders = List(Raw(), allow_none=True, metadata={"description": "minutes before the start"})
    instance = Raw(allow_none=True)
    record = Dict(allow_none=True)
    recurrence = String(allow_none=True, metadata={"description": _RRULE})
    time_zone = String(allow_none=True, metadata={"description": _ZONE})


class RoomIn(Lenient):
    name = String(metadata={"description": "required"})
    capacity = Integer(allow_none=True)
    location = String(allow_none=True)


def _range_of(query: dict[str, Any]) -> Any:
    return None if query["start"] is None and query["end"] is None else date_range(query["start"], query["end"])


# --- tasks ----------------------------------------------------------------------------------------

@calendar_api.post("/tasks")
@calendar_api.auth_required(auth)
@calendar_api.input(TaskIn, arg_name="body")
@calendar_api.doc(summary="Create a task or a follow-up; its owner (if not the caller) is notified",
                  responses={201: "Created", 422: "A field is missing or wrong; the message names it"})
def create_task(body: dict[str, Any]):
    return charkh().calendar.create_task(body, caller()), 201


@calendar_api.get("/tasks")
@calendar_api.auth_required(auth)
@calendar_api.input(TaskListQuery, location="query", arg_name="query")
@calendar_api.doc(summary="The caller's tasks: owned (theirs and their groups'), following (handed to others), "
                          "or all; open by default; due (or starting) in from..to when given")
def list_tasks(query: dict[str, Any]):
    status = None if query["status"] == "all" else query["status"]
    rows = charkh().calendar.tasks(caller(), TaskQuery(query["which"], status, _range_of(query)),
                                   query["limit"] + 1, query["after"])
    params = {k: v for k, v in query.items() if k not in ("start", "end")}
    return paged(rows, query["limit"], "id", {**params, "from": query["start"], "to": query["end"]})


@calendar_api.get("/tasks/<task_id>")
@calendar_api.auth_required(auth)
@calendar_api.doc(summary="One task with its history (created, updated, forwarded with notes, completed)",
                  responses={404: "No such task, or not yours to see"})
def get_task(task_id: str):
    return charkh().calendar.task(task_id, caller())


@calendar_api.patch("/tasks/<task_id>")
@calendar_api.auth_required(auth)
@calendar_api.input(TaskChangesIn, arg_name="body")
@calendar_api.doc(summary="Change a task's title, description, status, priority, start, due or reminder",
                  responses={404: "No such task, or not yours to see", 422: "A wrong value; the message names it"})
def update_task(task_id: str, body: dict[str, Any]):
    return charkh().calendar.update_task(task_id, body, caller())


@calendar_api.post("/tasks/<task_id>/forward")
@calendar_api.auth_required(auth)
@calendar_api.input(ForwardIn, arg_name="body")
@calendar_api.doc(summary="Forward a task to a colleague (user) or a group, with a note",
                  responses={404: "No such task, or not yours to see", 422: "No such user or group"})
def forward_task(task_id: str, body: dict[str, Any]):
    return charkh().calendar.forward_task(task_id, body, caller())


@calendar_api.post("/tasks/<task_id>/complete")
@calendar_api.auth_required(auth)
@calendar_api.input(CompleteTaskIn, arg_name="body")
@calendar_api.doc(summary="Complete a task", responses={404: "No such task, or not yours to see",
                                                        409: "Already done"})
def complete_task(task_id: str, body: dict[str, Any]):
    return charkh().calendar.complete_task(task_id, body["note"], caller())


# --- events and rooms -----------------------------------------------------------------------------

@calendar_api.post("/events")
@calendar_api.auth_required(auth)
@calendar_api.input(EventIn, arg_name="body")
@calendar_api.doc(summary="Create a meeting, call or visit, once or recurring; invitees are notified",
                  responses={201: "Created", 409: "The room is booked then; the message names the clash",
                             422: "A field is missing or wrong; the message names it"})
def create_event(body: dict[str, Any]):
    return charkh().calendar.create_event(body, caller()), 201


@calendar_api.get("/events")
@calendar_api.auth_required(auth)
@calendar_api.input(RangeQuery, location="query", arg_name="query")
@calendar_api.doc(summary="The events the caller owns or is invited to, in from..to: a recurring one once per "
                          "occurrence (each with its own start, end and `occurrence`)")
def list_events(query: dict[str, Any]):
    return current_app.json.response(charkh().calendar.events(caller(), query["start"], query["end"]))


@calendar_api.get("/events/<event_id>")
@calendar_api.auth_required(auth)
@calendar_api.doc(summary="One event", responses={404: "No such event, or you neither own it nor are invited"})
def get_event(event_id: str):
    return charkh().calendar.event(event_id, caller())


class EventChangesIn(Lenient):
    title = String()
    type = String(metadata={"enum": list(EVENT_TYPES)})
    start = String(metadata={"description": _WHEN})
    end = String(metadata={"description": _WHEN})
    description = String(allow_none=True)
    room = Raw(allow_none=True, metadata={"description": "a room's id; null: no room"})
    invitees = List(String(), allow_none=True)
    reminders = List(Raw(), allow_none=True, metadata={"description": "minutes before the start"})
    recurrence = String(allow_none=True, metadata={"description": _RRULE})
    time_zone = String(allow_none=True, metadata={"description": _ZONE})


@calendar_api.patch("/events/<event_id>")
@calendar_api.auth_required(auth)
@calendar_api.input(EventChangesIn, arg_name="body")
@calendar_api.doc(summary="Move, rename, re-room or re-invite an event (its owner); new invitees are notified",
                  responses={403: "An invitee, not its owner", 404: "No such event, or not yours to see",
                             409: "The room is booked then, or the event is cancelled", 422: "A wrong value"})
def update_event(event_id: str, body: dict[str, Any]):
    return charkh().calendar.update_event(event_id, body, caller())


class ResponseIn(Lenient):
    response = String(required=True, metadata={"enum": list(INVITATION_RESPONSES)})


@calendar_api.post("/events/<event_id>/response")
@calendar_api.auth_required(auth)
@calendar_api.input(ResponseIn, arg_name="body")
@calendar_api.doc(summary="Accept or decline an invitation (invitees)",
                  responses={403: "Not invited (the owner included)", 404: "No such event, or not yours to see",
                             409: "The event is cancelled", 422: "response is not accepted or declined"})
def answer_invitation(event_id: str, body: dict[str, Any]):
    return charkh().calendar.answer_invitation(event_id, body["response"], caller())


class CancelIn(Lenient):
    occurrence = String(load_default=None, allow_none=True,
                        metadata={"description": "one occurrence of a recurring event (its start, as listed); "
                                                 "without it the whole event or series is cancelled"})


@calendar_api.post("/events/<event_id>/cancel")
@calendar_api.auth_required(auth)
@calendar_api.input(CancelIn, arg_name="body")
@calendar_api.doc(summary="Cancel an event (a recurring one: the whole series, or one occurrence): its room is "
                          "free again then, its reminders stop",
                  responses={403: "An invitee, not its owner", 404: "No such event, or not yours to see",
                             409: "Cancelled already",
                             422: "No such occurrence, or an occurrence of an event that does not repeat"})
def cancel_event(event_id: str, body: dict[str, Any]):
    return charkh().calendar.cancel_event(event_id, caller(), body["occurrence"])


@calendar_api.get("/rooms")
@calendar_api.auth_required(auth)
@calendar_api.doc(summary="The rooms events can book")
def list_rooms():
    return current_app.json.response(charkh().calendar.rooms())


@calendar_api.post("/rooms")
@calendar_api.auth_required(auth)
@calendar_api.input(RoomIn, arg_name="body")
@calendar_api.doc(summary="Add a room; administrators only",
                  responses={201: "Added", 403: "Not an administrator", 409: "A room of that name exists"})
def add_room(body: dict[str, Any]):
    return charkh().calendar.add_room(body, caller()), 201


@calendar_api.get("/rooms/<room_id>/availability")
@calendar_api.auth_required(auth)
@calendar_api.input(RangeQuery, location="query", arg_name="query")
@calendar_api.doc(summary="When a room is busy (event ids and times) and free, in from..to",
                  responses={404: "No such room", 422: "A bad range"})
def room_availability(room_id: str, query: dict[str, Any]):
    return charkh().calendar.room_availability(room_id, query["start"], query["end"])


# --- the calendar ---------------------------------------------------------------------------------

@calendar_api.get("/calendar")
@calendar_api.auth_required(auth)
@calendar_api.input(RangeQuery, location="query", arg_name="query")
@calendar_api.doc(summary="The caller's calendar in from..to: their cartable's items due then, their tasks "
                          "and the events they own or are invited to",
                  responses={422: "A bad range (from and to needed, at most 100 days apart)"})
def calendar(query: dict[str, Any]):
    return charkh().calendar.calendar(caller(), query["start"], query["end"])
