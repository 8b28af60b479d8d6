"""Who gets what from every endpoint (DESIGN.md, "Trust boundary"; issue 13).

Every operation of the OpenAPI document is asked by every kind of caller, on a public and on a
private definition, and must answer the status this table says. An operation missing from the
table fails the test: a new endpoint comes with its rule.

The callers: nobody (no token); ``plain``, a user of the group the step is assigned to (and on the
private definition's access list); ``other``, a user of another group; ``analyst``, an analyst who
does not own the definition; ``owner``, the analyst who created it; ``admin``; ``integration``, a
machine caller. "listed" / "unlisted": 200, with or without the scene's definition, instance or
item in the list.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from engine.store.schema import outbox_jobs

PERSONAS = ("anonymous", "plain", "other", "analyst", "owner", "admin", "integration")
VISIBILITIES = ("public", "private")


def scene_model(key: str) -> bytes:
    """A step for the clerks, a message to wait for and a background activity, side by side."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{key}" targetNamespace="t">
  <message id="paid_message" name="paid"/>
  <process id="{key}" name="Scene {key}" isExecutable="true">
    <startEvent id="begin"/>
    <sequenceFlow id="f0" sourceRef="begin" targetRef="split"/>
    <parallelGateway id="split"/>
    <sequenceFlow id="f1" sourceRef="split" targetRef="review"/>
    <sequenceFlow id="f2" sourceRef="split" targetRef="paid"/>
    <sequenceFlow id="f3" sourceRef="split" targetRef="notify"/>
    <userTask id="review" name="Review" camunda:candidateGroups="clerks"/>
    <intermediateCatchEvent id="paid" name="Paid"><messageEventDefinition messageRef="paid_message"/>
    </intermediateCatchEvent>
    <serviceTask id="notify" name="Notify">
      <extensionElements><camunda:connector><camunda:connectorId>test-sms</camunda:connectorId>
      </camunda:connector></extensionElements>
    </serviceTask>
    <sequenceFlow id="f4" sourceRef="review" targetRef="reviewed"/>
    <sequenceFlow id="f5" sourceRef="paid" targetRef="settled"/>
    <sequenceFlow id="f6" sourceRef="notify" targetRef="notified"/>
    <endEvent id="reviewed"/><endEvent id="settled"/><endEvent id="notified"/>
  </process>
</definitions>""".encode()


def expect(**statuses: Any) -> dict[str, dict[str, Any]]:
    """One operation's row: the same on both definitions unless ``private=`` overrides some."""
    private = statuses.pop("private", {})
    default = statuses.pop("default")
    public = {persona: statuses.get(persona, default) for persona in PERSONAS}
    public["anonymous"] = statuses.get("anonymous", 401)
    return {"public": public, "private": {**public, **private}}


# Who may see a private definition: its access list (plain), its owners and admins.
OFF_THE_LIST = {"other": 403, "analyst": 403, "integration": 403}
# Who may see an instance or item: its participants (plain, via the clerks group), owners, admins.
PARTICIPANTS = dict(default=403, plain=200, owner=200, admin=200)
EDITORS = dict(default=403, owner=200, admin=200)
MODELLERS = dict(default=403, analyst=200, owner=200, admin=200)
LISTED_TO_PARTICIPANTS = dict(default="unlisted", plain="listed", owner="listed", admin="listed")
# Someone's own task or event: theirs and administrators'; missing to everybody else.
OWN_OR_ADMIN = dict(default=404, plain=200, admin=200)
# The scene's event is on this day.
EVENT_DAY = ("2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z")
EVENT_DAY_QUERY = {"query_string": {"from": EVENT_DAY[0], "to": EVENT_DAY[1]}}

EXPECTED: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("GET", "/api/v1/definitions"): expect(default="listed", private={
        "other": "unlisted", "analyst": "unlisted", "integration": "unlisted"}),
    ("POST", "/api/v1/definitions"): expect(default=403, owner=201, admin=201),
    ("GET", "/api/v1/definitions/{key}"): expect(default=200, private=OFF_THE_LIST),
    ("PATCH", "/api/v1/definitions/{key}"): expect(**EDITORS),
    ("DELETE", "/api/v1/definitions/{key}"): expect(default=403, owner=409, admin=409),  # it has run
    ("GET", "/api/v1/definitions/{key}/bpmn"): expect(default=200, private=OFF_THE_LIST),
    ("GET", "/api/v1/definitions/{key}/heat"): expect(default=200, private=OFF_THE_LIST),
    ("POST", "/api/v1/definitions/{key}/deploy"): expect(**EDITORS),
    ("POST", "/api/v1/validate"): expect(**MODELLERS),
    ("GET", "/api/v1/principals"): expect(**MODELLERS),
    ("GET", "/api/v1/entities"): expect(default=200),
    # Records (issue 16) are a shared CRM: everyone signed in reads and writes them and their
    # history; only administrators define entities. User pickers find names for everyone.
    ("PUT", "/api/v1/entities/{name}"): expect(default=403, admin=201),
    ("POST", "/api/v1/records/{entity}"): expect(default=201),
    ("GET", "/api/v1/records/{entity}"): expect(default=200),
    ("GET", "/api/v1/records/{entity}/{record_id}"): expect(default=200),
    ("PATCH", "/api/v1/records/{entity}/{record_id}"): expect(default=200),
    ("GET", "/api/v1/records/{entity}/{record_id}/history"): expect(default=200),
    ("GET", "/api/v1/records/{entity}/{record_id}/instances"): expect(default=200),
    ("GET", "/api/v1/records/{entity}/{record_id}/related"): expect(default=200),
    ("GET", "/api/v1/records/{entity}/{record_id}/related/{other}/{field}"): expect(default=200),
    ("GET", "/api/v1/people"): expect(default=200),
    ("POST", "/api/v1/instances"): expect(default=201, private=OFF_THE_LIST),
    ("GET", "/api/v1/instances"): expect(**LISTED_TO_PARTICIPANTS),
    ("GET", "/api/v1/instances/{instance_id}"): expect(**PARTICIPANTS),
    ("POST", "/api/v1/instances/{instance_id}/messages"): expect(**PARTICIPANTS, integration=200,
                                                                 private={"integration": 403}),
    # A restart is a start: whoever sees the instance and may start its process; the scene's runs (409).
    ("POST", "/api/v1/instances/{instance_id}/restart"): expect(default=403, plain=409, owner=409, admin=409),
    # Everyone signed in tells events; a private process is only reached for its list (the answer
    # then leaves it out, so the status is the same for all).
    ("POST", "/api/v1/inbound-events"): expect(default=200),
    ("GET", "/api/v1/work-items"): expect(**LISTED_TO_PARTICIPANTS),
    ("GET", "/api/v1/work-items/{item_id}"): expect(**PARTICIPANTS),
    # Counts of the caller's own cartable: everyone may ask, and sees only their own.
    ("GET", "/api/v1/work-items/counts"): expect(default=200),
    # Whoever claimed it, or an administrator; the scene's item is not claimed (409).
    ("POST", "/api/v1/work-items/{item_id}/release"): expect(default=403, plain=409, admin=409),
    # Whoever may act on it, supervisors and administrators.
    ("POST", "/api/v1/work-items/{item_id}/forward"): expect(default=403, plain=200, admin=200),
    # Whom to forward to: asked of an item one may forward, so it tells nothing of others' processes.
    ("GET", "/api/v1/work-items/{item_id}/forward-candidates"): expect(default=403, plain=200, admin=200),
    ("GET", "/api/v1/work-items/{item_id}/comments"): expect(**PARTICIPANTS),
    ("POST", "/api/v1/work-items/{item_id}/comments"): expect(default=403, plain=201, owner=201, admin=201),
    ("GET", "/api/v1/startable"): expect(default="listed", private={
        "other": "unlisted", "analyst": "unlisted", "integration": "unlisted"}),
    # Whoever may start the process gets its start form, and nobody else.
    ("GET", "/api/v1/definitions/{key}/start-form"): expect(default=200, private=OFF_THE_LIST),
    # Only whom the step is assigned to acts on it: not its owner, not an administrator.
    ("POST", "/api/v1/work-items/{item_id}/claim"): expect(default=403, plain=200),
    ("POST", "/api/v1/work-items/{item_id}/complete"): expect(default=403, plain=200),
    ("POST", "/api/v1/jobs/{job_id}/retry"): expect(default=403, admin=409),  # pending: it has not failed
    ("GET", "/api/v1/users"): expect(default=403, admin=200),
    ("PATCH", "/api/v1/users/{name}"): expect(default=403, admin=200),
    # Office work (F6): the scene's task, event and notification are pia's (plain). Someone else's
    # is missing (404), not forbidden; administrators may open tasks and events, never another's
    # notifications. Lists and the calendar are each caller's own.
    ("POST", "/api/v1/tasks"): expect(default=201),
    ("GET", "/api/v1/tasks"): expect(default="unlisted", plain="listed"),
    ("GET", "/api/v1/tasks/{task_id}"): expect(**OWN_OR_ADMIN),
    ("PATCH", "/api/v1/tasks/{task_id}"): expect(**OWN_OR_ADMIN),
    ("POST", "/api/v1/tasks/{task_id}/forward"): expect(**OWN_OR_ADMIN),
    ("POST", "/api/v1/tasks/{task_id}/complete"): expect(**OWN_OR_ADMIN),
    ("POST", "/api/v1/events"): expect(default=201),
    ("GET", "/api/v1/events"): expect(default="unlisted", plain="listed"),
    ("GET", "/api/v1/events/{event_id}"): expect(**OWN_OR_ADMIN),
    ("PATCH", "/api/v1/events/{event_id}"): expect(**OWN_OR_ADMIN),
    # The scene's event invites nobody: its owner and administrators see it, but have nothing to answer.
    ("POST", "/api/v1/events/{event_id}/response"): expect(default=404, plain=403, admin=403),
    ("POST", "/api/v1/events/{event_id}/cancel"): expect(**OWN_OR_ADMIN),
    ("GET", "/api/v1/rooms"): expect(default=200),
    ("POST", "/api/v1/rooms"): expect(default=403, admin=201),
    ("GET", "/api/v1/rooms/{room_id}/availability"): expect(default=200),
    ("GET", "/api/v1/calendar"): expect(default="unlisted", plain="listed"),
    ("GET", "/api/v1/notifications"): expect(default="unlisted", plain="listed"),
    ("POST", "/api/v1/notifications/{notification_id}/read"): expect(default=404, plain=200),
    ("POST", "/api/v1/notifications/read-all"): expect(default=200),
    ("POST", "/api/v1/records/{entity}/{record_id}/macros/{key}"): expect(default=404),  # the scene has none
}


@dataclass
class Scene:
    """One deployed definition with one running instance: its open item, the message it waits
    for and its pending background job."""

    key: str
    bpmn: bytes
    instance_id: str
    item_id: str
    job_id: str
    task_id: str = ""
    event_id: str = ""
    room_id: str = ""
    notification_id: str = ""
    record_id: str = ""


Request = Callable[[Scene], tuple[str, dict[str, Any]]]  # -> (path, keyword arguments for the client)

REQUESTS: dict[tuple[str, str], Request] = {
    ("GET", "/api/v1/definitions"): lambda s: ("/api/v1/definitions?limit=1000", {}),
    ("POST", "/api/v1/definitions"): lambda s: ("/api/v1/definitions", {
        "data": s.bpmn + b"<!-- a second version -->", "content_type": "application/xml"}),
    ("GET", "/api/v1/definitions/{key}"): lambda s: (f"/api/v1/definitions/{s.key}", {}),
    ("PATCH", "/api/v1/definitions/{key}"): lambda s: (f"/api/v1/definitions/{s.key}", {"json": {"name": "New"}}),
    ("DELETE", "/api/v1/definitions/{key}"): lambda s: (f"/api/v1/definitions/{s.key}", {}),
    ("GET", "/api/v1/definitions/{key}/bpmn"): lambda s: (f"/api/v1/definitions/{s.key}/bpmn", {}),
    ("GET", "/api/v1/definitions/{key}/heat"): lambda s: (f"/api/v1/definitions/{s.key}/heat", {}),
    ("POST", "/api/v1/definitions/{key}/deploy"): lambda s: (f"/api/v1/definitions/{s.key}/deploy", {}),
    ("POST", "/api/v1/validate"): lambda s: ("/api/v1/validate", {"data": s.bpmn,
                                                                 "content_type": "application/xml"}),
    ("GET", "/api/v1/principals"): lambda s: ("/api/v1/principals", {}),
    ("GET", "/api/v1/entities"): lambda s: ("/api/v1/entities", {}),
    ("PUT", "/api/v1/entities/{name}"): lambda s: (f"/api/v1/entities/e_{s.key}", {"json": {
        "label": "Car", "fields": [{"name": "plate", "label": "Plate", "type": "text"}]}}),
    ("POST", "/api/v1/records/{entity}"): lambda s: ("/api/v1/records/contact", {"json": {
        "fields": {"first_name": "Ana"}}}),
    ("GET", "/api/v1/records/{entity}"): lambda s: ("/api/v1/records/contact", {}),
    ("GET", "/api/v1/records/{entity}/{record_id}"): lambda s: (f"/api/v1/records/contact/{s.record_id}", {}),
    ("PATCH", "/api/v1/records/{entity}/{record_id}"): lambda s: (f"/api/v1/records/contact/{s.record_id}", {
        "json": {"fields": {"last_name": "Pop"}}}),
    ("GET", "/api/v1/records/{entity}/{record_id}/history"): lambda s: (
        f"/api/v1/records/contact/{s.record_id}/history", {}),
    ("GET", "/api/v1/records/{entity}/{record_id}/instances"): lambda s: (
        f"/api/v1/records/contact/{s.record_id}/instances", {}),
    ("GET", "/api/v1/records/{entity}/{record_id}/related"): lambda s: (
        f"/api/v1/records/contact/{s.record_id}/related", {}),
    ("GET", "/api/v1/records/{entity}/{record_id}/related/{other}/{field}"): lambda s: (
        f"/api/v1/records/contact/{s.record_id}/related/invoice/contact", {}),
    ("GET", "/api/v1/people"): lambda s: ("/api/v1/people?q=a", {}),
    ("POST", "/api/v1/instances"): lambda s: ("/api/v1/instances", {"json": {"definition": s.key}}),
    ("GET", "/api/v1/instances"): lambda s: ("/api/v1/instances?limit=1000", {}),
    ("GET", "/api/v1/instances/{instance_id}"): lambda s: (f"/api/v1/instances/{s.instance_id}", {}),
    ("POST", "/api/v1/instances/{instance_id}/messages"): lambda s: (
        f"/api/v1/instances/{s.instance_id}/messages", {"json": {"name": "paid"}}),
    ("POST", "/api/v1/instances/{instance_id}/restart"): lambda s: (f"/api/v1/instances/{s.instance_id}/restart", {}),
    ("POST", "/api/v1/inbound-events"): lambda s: ("/api/v1/inbound-events", {"json": {
        "name": "paid", "record": {"entity": "contact", "id": s.record_id}}}),
    ("GET", "/api/v1/work-items"): lambda s: ("/api/v1/work-items?mine=false&status=all&limit=1000", {}),
    ("GET", "/api/v1/work-items/{item_id}"): lambda s: (f"/api/v1/work-items/{s.item_id}", {}),
    ("POST", "/api/v1/work-items/{item_id}/claim"): lambda s: (f"/api/v1/work-items/{s.item_id}/claim", {}),
    ("GET", "/api/v1/work-items/counts"): lambda s: ("/api/v1/work-items/counts", {}),
    ("POST", "/api/v1/work-items/{item_id}/release"): lambda s: (f"/api/v1/work-items/{s.item_id}/release", {}),
    ("POST", "/api/v1/work-items/{item_id}/forward"): lambda s: (
        f"/api/v1/work-items/{s.item_id}/forward", {"json": {"to": {"group": "clerks"}, "note": "yours"}}),
    ("GET", "/api/v1/work-items/{item_id}/comments"): lambda s: (f"/api/v1/work-items/{s.item_id}/comments", {}),
    ("POST", "/api/v1/work-items/{item_id}/comments"): lambda s: (
        f"/api/v1/work-items/{s.item_id}/comments", {"json": {"text": "a note"}}),
    ("GET", "/api/v1/startable"): lambda s: ("/api/v1/startable", {}),
    ("GET", "/api/v1/definitions/{key}/start-form"): lambda s: (f"/api/v1/definitions/{s.key}/start-form", {}),
    ("GET", "/api/v1/work-items/{item_id}/forward-candidates"): lambda s: (
        f"/api/v1/work-items/{s.item_id}/forward-candidates?q=pi", {}),
    ("POST", "/api/v1/work-items/{item_id}/complete"): lambda s: (
        f"/api/v1/work-items/{s.item_id}/complete", {"json": {}}),
    ("POST", "/api/v1/jobs/{job_id}/retry"): lambda s: (f"/api/v1/jobs/{s.job_id}/retry", {}),
    ("GET", "/api/v1/users"): lambda s: ("/api/v1/users", {}),
    ("PATCH", "/api/v1/users/{name}"): lambda s: ("/api/v1/users/pia", {"json": {"integration": False}}),
    ("POST", "/api/v1/tasks"): lambda s: ("/api/v1/tasks", {"json": {"title": "Call back"}}),
    ("GET", "/api/v1/tasks"): lambda s: ("/api/v1/tasks?limit=1000", {}),
    ("GET", "/api/v1/tasks/{task_id}"): lambda s: (f"/api/v1/tasks/{s.task_id}", {}),
    ("PATCH", "/api/v1/tasks/{task_id}"): lambda s: (f"/api/v1/tasks/{s.task_id}", {"json": {"title": "New"}}),
    ("POST", "/api/v1/tasks/{task_id}/forward"): lambda s: (f"/api/v1/tasks/{s.task_id}/forward",
                                                           {"json": {"user": "pia", "note": "back to you"}}),
    ("POST", "/api/v1/tasks/{task_id}/complete"): lambda s: (f"/api/v1/tasks/{s.task_id}/complete", {"json": {}}),
    ("POST", "/api/v1/events"): lambda s: ("/api/v1/events", {"json": {
        "title": "Call", "start": "2026-12-08T09:00:00Z", "end": "2026-12-08T10:00:00Z"}}),
    ("GET", "/api/v1/events"): lambda s: ("/api/v1/events", EVENT_DAY_QUERY),
    ("GET", "/api/v1/events/{event_id}"): lambda s: (f"/api/v1/events/{s.event_id}", {}),
    ("PATCH", "/api/v1/events/{event_id}"): lambda s: (f"/api/v1/events/{s.event_id}", {"json": {"title": "New"}}),
    ("POST", "/api/v1/events/{event_id}/response"): lambda s: (f"/api/v1/events/{s.event_id}/response",
                                                              {"json": {"response": "accepted"}}),
    ("POST", "/api/v1/events/{event_id}/cancel"): lambda s: (f"/api/v1/events/{s.event_id}/cancel", {}),
    ("GET", "/api/v1/rooms"): lambda s: ("/api/v1/rooms", {}),
    ("POST", "/api/v1/rooms"): lambda s: ("/api/v1/rooms", {"json": {"name": f"Room of {s.key}"}}),
    ("GET", "/api/v1/rooms/{room_id}/availability"): lambda s: (
        f"/api/v1/rooms/{s.room_id}/availability", EVENT_DAY_QUERY),
    ("GET", "/api/v1/calendar"): lambda s: ("/api/v1/calendar", EVENT_DAY_QUERY),
    ("GET", "/api/v1/notifications"): lambda s: ("/api/v1/notifications?limit=1000", {}),
    ("POST", "/api/v1/notifications/{notification_id}/read"): lambda s: (
        f"/api/v1/notifications/{s.notification_id}/read", {}),
    ("POST", "/api/v1/notifications/read-all"): lambda s: ("/api/v1/notifications/read-all", {}),
    ("POST", "/api/v1/records/{entity}/{record_id}/macros/{key}"): lambda s: (
        f"/api/v1/records/contact/{s.record_id}/macros/{s.key}", {}),
}

# What a list must contain for "listed": the scene's definition, instance or item.
LISTED_ID = {
    "/api/v1/definitions": lambda s, row: row["key"] == s.key,
    "/api/v1/instances": lambda s, row: row["id"] == s.instance_id,
    "/api/v1/work-items": lambda s, row: row["id"] == s.item_id,
    "/api/v1/startable": lambda s, row: row["key"] == s.key,
    "/api/v1/tasks": lambda s, row: row["id"] == s.task_id,
    "/api/v1/events": lambda s, row: row["id"] == s.event_id,
    "/api/v1/calendar": lambda s, row: row["id"] in (s.task_id, s.event_id),
    "/api/v1/notifications": lambda s, row: row["id"] == s.notification_id,
}
# Where an answer that is not a plain list keeps its rows.
ROWS_OF = {
    "/api/v1/calendar": lambda answer: answer["tasks"] + answer["events"],
}


def spec_operations(app: Any) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in app.spec["paths"].items()
            for method in operations if method in ("get", "post", "put", "patch", "delete")}


def test_every_operation_of_the_api_has_a_row_in_the_matrix(app):
    operations = spec_operations(app)

    assert sorted(operations - EXPECTED.keys()) == [], "operations without an authorization rule in the matrix"
    assert sorted(EXPECTED.keys() - operations) == [], "rows for operations the API no longer has"
    assert EXPECTED.keys() == REQUESTS.keys()


@pytest.fixture
def world(app, make_user):
    """The callers, by persona; their tokens and a way to set up a scene as the owner."""
    people = {
        "plain": make_user("pia", groups=["clerks"]),
        "other": make_user("otto", groups=["others"]),
        "analyst": make_user("andy", analyst=True),
        "owner": make_user("olga", analyst=True),
        "admin": make_user("ada", admin=True),
        "integration": make_user("ivan", integration=True),
    }
    charkh = app.extensions["charkh"]
    process_list = app.extensions["charkh_process_list"]
    owner = charkh.caller_named("olga")
    counter = iter(range(10_000))

    def scene(visibility: str) -> Scene:
        key = f"scene_{next(counter)}"
        data = scene_model(key)
        charkh.import_bpmn(data, deploy=True, caller=owner)
        if visibility == "private":
            process_list.update(key, owner, {"visibility": "private", "access": ["pia"]})
        started = charkh.start_and_read(key, owner)
        with charkh.db.read() as conn:
            job_id = conn.execute(select(outbox_jobs.c.id).where(outbox_jobs.c.instance_id == int(started["id"]))
                                  ).scalar_one()
        pia = charkh.caller_named("pia")
        task = charkh.calendar.create_task({"title": f"Task of {key}", "due": EVENT_DAY[0]}, pia)
        event = charkh.calendar.create_event({"title": f"Meeting of {key}", "start": "2026-12-07T09:00:00Z",
                                              "end": "2026-12-07T10:00:00Z"}, pia)
        room = charkh.calendar.add_room({"name": f"Room {key}"}, charkh.caller_named("ada"))
        charkh.calendar.create_task({"title": f"For pia {key}", "owner": "pia"}, charkh.caller_named("ada"))
        notification = charkh.notifications.list(pia, limit=1)[0]
        contact = charkh.records.create("contact", {"first_name": "Ana"}, pia)
        charkh.records.create("invoice", {"number": key, "contact": contact["id"]}, pia)
        return Scene(key, data, started["id"], started["work_items"][0]["id"], str(job_id), task["id"],
                     event["id"], room["id"], notification["id"], contact["id"])

    return people, scene


@pytest.mark.parametrize("operation", sorted(EXPECTED), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_caller_gets_what_the_matrix_says(operation, world, client):
    people, scene = world
    method, template = operation
    found = []
    for visibility in VISIBILITIES:
        for persona in PERSONAS:
            wanted = EXPECTED[operation][visibility][persona]
            current = scene(visibility)
            path, options = REQUESTS[operation](current)
            headers = people[persona].headers if persona in people else {}
            response = client.open(path, method=method, headers=headers, **options)
            got: Any = response.status_code
            if wanted in ("listed", "unlisted") and response.status_code == 200:
                rows = ROWS_OF.get(template, lambda answer: answer)(response.json)
                listed = any(LISTED_ID[template](current, row) for row in rows)
                got = "listed" if listed else "unlisted"
            if got != wanted:
                found.append(f"{visibility:7} {persona:11} wanted {wanted}, got {got}: "
                             f"{response.get_data(as_text=True)[:160]}")
    assert found == [], f"{method} {template}:\n" + "\n".join(found)
