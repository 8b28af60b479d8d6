"""Tasks, follow-ups, events, rooms, the calendar and notifications over HTTP (MISSION F6)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def at(hours: float = 0, days: int = 0) -> str:
    return (MONDAY + timedelta(days=days, hours=hours)).isoformat().replace("+00:00", "Z")


@pytest.fixture
def sara(make_user):
    return make_user("sara", groups=["sales"])


@pytest.fixture
def otto(make_user):
    return make_user("otto", groups=["others"])


def patch(user, path, body):
    return user.client.patch(f"/api/v1{path}", headers=user.headers, json=body)


def test_a_task_is_created_listed_changed_forwarded_and_completed(sara, otto):
    created = sara.post("/tasks", json={"title": "Call Pars Co", "description": "about the invoice",
                                        "priority": "high", "start": at(0), "due": at(2), "remind_at": at(1),
                                        "record": {"entity": "invoice", "id": "17"}})
    assert created.status_code == 201, created.json
    task = created.json
    assert {k: task[k] for k in ("title", "status", "priority", "owner", "owner_group", "due", "remind_at",
                                 "record", "is_follow_up")} == {
        "title": "Call Pars Co", "status": "not_started", "priority": "high", "owner": "sara",
        "owner_group": None, "due": "2026-12-07T11:00:00Z", "remind_at": "2026-12-07T10:00:00Z",
        "record": {"entity": "invoice", "id": "17"}, "is_follow_up": False}

    assert [t["id"] for t in sara.get("/tasks").json] == [task["id"]]
    changed = patch(sara, f"/tasks/{task['id']}", {"status": "in_progress", "due": at(3)})
    assert changed.status_code == 200 and changed.json["status"] == "in_progress"
    assert changed.json["due"] == "2026-12-07T12:00:00Z"

    forwarded = sara.post(f"/tasks/{task['id']}/forward", json={"user": "otto", "note": "yours now"})
    assert forwarded.status_code == 200 and forwarded.json["owner"] == "otto"
    assert [t["id"] for t in otto.get("/tasks?which=owned").json] == [task["id"]]
    assert [t["id"] for t in sara.get("/tasks?which=following").json] == [task["id"]]

    done = otto.post(f"/tasks/{task['id']}/complete", json={"note": "called"})
    assert done.status_code == 200 and done.json["status"] == "done" and done.json["completed_by"] == "otto"
    assert [e["type"] for e in done.json["history"]] == ["created", "updated", "forwarded", "completed"]
    assert otto.get("/tasks").json == []  # open ones by default
    assert [t["id"] for t in otto.get("/tasks?status=done").json] == [task["id"]]
    again = otto.post(f"/tasks/{task['id']}/complete", json={})
    assert again.status_code == 409 and "already done" in again.json["error"]["message"]


def test_someone_elses_task_is_missing_to_an_attacker(sara, otto):
    task = sara.post("/tasks", json={"title": "Private"}).json

    for response in (otto.get(f"/tasks/{task['id']}"), patch(otto, f"/tasks/{task['id']}", {"title": "Mine"}),
                     otto.post(f"/tasks/{task['id']}/forward", json={"user": "otto"}),
                     otto.post(f"/tasks/{task['id']}/complete", json={})):
        assert response.status_code == 404, response.json
        assert response.json["error"]["code"] == "not_found"
    assert sara.get(f"/tasks/{task['id']}").json["title"] == "Private"


@pytest.mark.parametrize(("body", "message"), [
    ({"description": "no title"}, "title must not be empty"),
    ({"title": "x", "due": "2026-12-07"}, "due needs a time zone"),
    ({"title": "x", "status": "finished"}, "status must be one of"),
    ({"title": "x", "owner": "ghost"}, "no user named 'ghost'"),
    ({"title": "x", "follows": {"work_item": "99"}}, "no work item 99 that you may see"),
])
def test_a_bad_task_is_a_422_naming_the_problem_and_stores_nothing(sara, body, message):
    response = sara.post("/tasks", json=body)

    assert response.status_code == 422, response.json
    assert message in response.json["error"]["message"]
    assert sara.get("/tasks?status=all").json == []


def test_tasks_page_with_a_link_header(sara):
    ids = [sara.post("/tasks", json={"title": f"Task {n}"}).json["id"] for n in range(3)]

    first = sara.get("/tasks?limit=2")
    assert [t["id"] for t in first.json] == ids[:2]
    next_page = first.headers["Link"].split(";")[0].strip("<>").split("/api/v1")[1]
    assert [t["id"] for t in sara.get(next_page).json] == ids[2:]


def test_a_room_booked_twice_at_overlapping_times_is_a_409_naming_the_clash(admin, sara, otto):
    room = admin.post("/rooms", json={"name": "Blue", "capacity": 8, "location": "2nd floor"})
    assert room.status_code == 201
    room_id = room.json["id"]
    meeting = sara.post("/events", json={"title": "Sales weekly", "type": "meeting", "start": at(1), "end": at(2),
                                         "room": room_id, "invitees": ["otto"], "reminders": [15]})
    assert meeting.status_code == 201, meeting.json
    assert meeting.json["room"]["name"] == "Blue" and meeting.json["invitees"] == ["otto"]

    clash = otto.post("/events", json={"title": "Board", "start": at(1.5), "end": at(2.5), "room": room_id})

    assert clash.status_code == 409
    assert clash.json["error"]["code"] == "conflict"
    assert f"event {meeting.json['id']}" in clash.json["error"]["message"]
    assert clash.json["error"]["details"]["conflicts"] == [
        {"event": meeting.json["id"], "start": "2026-12-07T10:00:00Z", "end": "2026-12-07T11:00:00Z"}]
    free = otto.get(f"/rooms/{room_id}/availability", query_string={"from": at(0), "to": at(4)})
    assert free.status_code == 200
    assert free.json["busy"] == clash.json["error"]["details"]["conflicts"]
    assert free.json["free"] == [{"start": "2026-12-07T09:00:00Z", "end": "2026-12-07T10:00:00Z"},
                                 {"start": "2026-12-07T11:00:00Z", "end": "2026-12-07T13:00:00Z"}]
    assert [e["title"] for e in otto.get("/events", query_string={"from": at(0), "to": at(4)}).json] == [
        "Sales weekly"]


def test_an_event_is_seen_by_its_owner_and_invitees_only(sara, otto, make_user):
    eve = make_user("eve")
    event = sara.post("/events", json={"title": "Call", "type": "call", "start": at(1), "end": at(2),
                                       "invitees": ["otto"]}).json

    assert otto.get(f"/events/{event['id']}").status_code == 200
    assert eve.get(f"/events/{event['id']}").status_code == 404
    assert eve.post(f"/events/{event['id']}/cancel").status_code == 404
    assert otto.post(f"/events/{event['id']}/cancel").status_code == 403
    assert sara.post(f"/events/{event['id']}/cancel").json["cancelled"] is True


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"title": "x", "start": at(2), "end": at(1)}, 422, "end must come after start"),
    ({"title": "x", "start": at(1), "end": at(2), "type": "party"}, 422, "type must be one of"),
    ({"title": "x", "start": at(1), "end": at(2), "invitees": ["ghost"]}, 422, "no user named ghost"),
    ({"title": "x", "start": at(1), "end": at(2), "room": "77"}, 422, "no room with id 77"),
    ({"title": "x", "start": at(1), "end": at(2), "reminders": [-5]}, 422, "reminders must be"),
])
def test_a_bad_event_is_refused_naming_the_problem(sara, body, status, message):
    response = sara.post("/events", json=body)

    assert response.status_code == status, response.json
    assert message in response.json["error"]["message"]


def test_the_calendar_answers_due_items_tasks_and_events_in_the_range(sara, admin, model, charkh):
    due_model = model("invoice.bpmn").replace(b'camunda:candidateGroups="sales-managers"',
                                              b'camunda:candidateGroups="sales-managers" camunda:dueDate="P1D"')
    assert admin.upload(due_model).status_code == 201
    charkh.add_user("sara", groups=["sales-managers"])
    admin.start("invoice")
    sara.post("/tasks", json={"title": "Prepare", "due": datetime.now(UTC).isoformat()})
    now = datetime.now(UTC)

    found = sara.get("/calendar", query_string={"from": (now - timedelta(days=1)).isoformat(),
                                                "to": (now + timedelta(days=3)).isoformat()})

    assert found.status_code == 200, found.json
    assert [i["name"] for i in found.json["work_items"]] == ["Approve invoice"]
    assert found.json["work_items"][0]["due_at"] and found.json["work_items"][0]["definition"] == "invoice"
    assert [t["title"] for t in found.json["tasks"]] == ["Prepare"]
    assert found.json["events"] == []


@pytest.mark.parametrize("query", [{}, {"from": at(0)}, {"from": at(1), "to": at(0)},
                                   {"from": "monday", "to": at(1)}])
def test_a_bad_calendar_range_is_a_422(sara, query):
    response = sara.get("/calendar", query_string=query)

    assert response.status_code == 422
    assert response.json["error"]["message"]


def test_notifications_are_listed_newest_first_and_marked_read(sara, otto):
    for title in ("First", "Second"):
        assert sara.post("/tasks", json={"title": title, "owner": "otto"}).status_code == 201

    listed = otto.get("/notifications")
    assert [(n["kind"], n["title"], n["read"]) for n in listed.json] == [("task", "Second", False),
                                                                         ("task", "First", False)]
    newest = listed.json[0]["id"]
    assert sara.post(f"/notifications/{newest}/read").status_code == 404
    read = otto.post(f"/notifications/{newest}/read")
    assert read.status_code == 200 and read.json["read"] is True
    assert [n["title"] for n in otto.get("/notifications?unread=true").json] == ["First"]
    assert otto.post("/notifications/read-all").json == {"marked": 1}
    assert otto.get("/notifications?unread=true").json == []


def test_an_event_is_moved_by_its_owner_only(sara, otto, make_user):
    eve = make_user("eve")
    event = sara.post("/events", json={"title": "Call", "start": at(1), "end": at(2), "invitees": ["otto"]}).json

    moved = patch(sara, f"/events/{event['id']}", {"start": at(3), "end": at(4), "type": "call"})

    assert moved.status_code == 200 and moved.json["start"] == "2026-12-07T12:00:00Z"
    assert patch(otto, f"/events/{event['id']}", {"title": "x"}).status_code == 403
    assert patch(eve, f"/events/{event['id']}", {"title": "x"}).status_code == 404
    bad = patch(sara, f"/events/{event['id']}", {"end": at(0)})
    assert bad.status_code == 422 and "end must come after start" in bad.json["error"]["message"]


def test_an_invitee_accepts_or_declines_and_the_event_shows_it(sara, otto, make_user):
    eve = make_user("eve")
    event = sara.post("/events", json={"title": "Call", "start": at(1), "end": at(2), "invitees": ["otto"]}).json
    assert event["responses"] == {"otto": "pending"}

    accepted = otto.post(f"/events/{event['id']}/response", json={"response": "accepted"})

    assert accepted.status_code == 200 and accepted.json["responses"] == {"otto": "accepted"}
    assert sara.get(f"/events/{event['id']}").json["responses"] == {"otto": "accepted"}
    assert sara.post(f"/events/{event['id']}/response", json={"response": "declined"}).status_code == 403
    assert eve.post(f"/events/{event['id']}/response", json={"response": "declined"}).status_code == 404
    maybe = otto.post(f"/events/{event['id']}/response", json={"response": "maybe"})
    assert maybe.status_code == 422 and "accepted, declined" in maybe.json["error"]["message"]


def test_a_weekly_event_answers_each_occurrence_in_a_range_and_one_occurrence_is_cancelled(admin, sara, otto):
    room = admin.post("/rooms", json={"name": "Blue"}).json["id"]
    created = sara.post("/events", json={"title": "Sales weekly", "start": at(1), "end": at(2), "room": room,
                                         "invitees": ["otto"], "recurrence": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261228"})
    assert created.status_code == 201, created.json
    event = created.json
    assert (event["recurrence"], event["time_zone"]) == ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261228T235959Z", "UTC")
    month = {"from": "2026-12-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}

    listed = otto.get("/events", query_string=month).json
    cancelled = sara.post(f"/events/{event['id']}/cancel", json={"occurrence": "2026-12-14T10:00:00Z"})

    assert [(e["id"], e["start"], e["occurrence"]) for e in listed] == [
        (event["id"], f"2026-12-{day}T10:00:00Z", f"2026-12-{day}T10:00:00Z") for day in ("07", "14", "21", "28")]
    assert cancelled.status_code == 200 and cancelled.json["cancelled_occurrences"] == ["2026-12-14T10:00:00Z"]
    assert [e["start"][:10] for e in otto.get("/calendar", query_string=month).json["events"]] == [
        "2026-12-07", "2026-12-21", "2026-12-28"]
    busy = otto.get(f"/rooms/{room}/availability", query_string={"from": at(0), "to": at(0, days=15)}).json["busy"]
    assert [b["start"] for b in busy] == ["2026-12-07T10:00:00Z", "2026-12-21T10:00:00Z"]
    clash = otto.post("/events", json={"title": "Board", "start": at(1.5, days=14), "end": at(3, days=14),
                                       "room": room})
    assert clash.status_code == 409
    assert clash.json["error"]["details"]["conflicts"] == [
        {"event": event["id"], "start": "2026-12-21T10:00:00Z", "end": "2026-12-21T11:00:00Z"}]
    again = sara.post(f"/events/{event['id']}/cancel", json={"occurrence": "2026-12-14T10:00:00Z"})
    assert again.status_code == 409
    assert otto.post(f"/events/{event['id']}/cancel", json={"occurrence": "2026-12-21T10:00:00Z"}).status_code == 403
    nowhere = sara.post(f"/events/{event['id']}/cancel", json={"occurrence": "2026-12-22T10:00:00Z"})
    assert nowhere.status_code == 422 and "no occurrence starting at" in nowhere.json["error"]["message"]
    whole = sara.post(f"/events/{event['id']}/cancel")
    assert whole.status_code == 200 and whole.json["cancelled"] is True
    assert otto.get("/events", query_string=month).json == []


@pytest.mark.parametrize(("rule", "message"), [
    ("FREQ=WEEKLY", "recurrence needs an end"),
    ("FREQ=MINUTELY;COUNT=3", "FREQ must be one of"),
    ("FREQ=DAILY;COUNT=5000", "COUNT must be 1 to 1000"),
    ("FREQ=DAILY;BYDAY=FUNDAY;COUNT=2", "recurrence:"),
])
def test_a_bad_recurrence_is_a_422_naming_the_problem(sara, rule, message):
    response = sara.post("/events", json={"title": "x", "start": at(1), "end": at(2), "recurrence": rule})

    assert response.status_code == 422, response.json
    assert message in response.json["error"]["message"]


def test_a_recurring_event_is_changed_by_patch_and_becomes_single_with_a_null_rule(sara):
    event = sara.post("/events", json={"title": "Call", "start": at(1), "end": at(2),
                                       "recurrence": "FREQ=DAILY;COUNT=3", "time_zone": "Europe/Bucharest"}).json

    longer = patch(sara, f"/events/{event['id']}", {"recurrence": "FREQ=DAILY;COUNT=5"})
    single = patch(sara, f"/events/{event['id']}", {"recurrence": None})

    assert longer.status_code == 200 and longer.json["series_end"] == "2026-12-11T11:00:00Z"
    assert longer.json["time_zone"] == "Europe/Bucharest"
    assert single.json["recurrence"] is None and single.json["series_end"] == "2026-12-07T11:00:00Z"
