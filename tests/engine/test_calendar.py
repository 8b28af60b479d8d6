"""The calendar's engine API (MISSION F4.6, F4.7, F6): tasks and follow-ups, forwarding, rooms
that are never booked twice, and a person's calendar over a range."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import Conflict, Forbidden, Invalid, NotFound

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def at(hours: float = 0, days: int = 0) -> str:
    return (MONDAY + timedelta(days=days, hours=hours)).isoformat()


@pytest.fixture
def people(charkh):
    charkh.add_user("sara", groups=["sales"])
    charkh.add_user("mona", groups=["sales"])
    charkh.add_user("otto", groups=["others"])
    charkh.add_user("ada", admin=True)
    return {name: charkh.caller_named(name) for name in ("sara", "mona", "otto", "ada")}


def test_a_task_is_its_creators_by_default_and_hidden_from_others(charkh, people):
    task = charkh.calendar.create_task({"title": "Call Pars Co", "due": at(2), "priority": "high"}, people["sara"])

    assert task["owner"] == "sara" and task["status"] == "not_started" and task["priority"] == "high"
    assert task["due"] == "2026-12-07T11:00:00Z"
    assert [e["type"] for e in task["history"]] == ["created"]
    assert charkh.calendar.task(task["id"], people["ada"])["title"] == "Call Pars Co"
    with pytest.raises(NotFound):
        charkh.calendar.task(task["id"], people["otto"])
    with pytest.raises(NotFound):
        charkh.calendar.task(task["id"], people["mona"])


def test_a_groups_task_is_seen_by_its_members_who_are_notified(charkh, people):
    task = charkh.calendar.create_task({"title": "Quarterly report", "owner_group": "sales"}, people["ada"])

    assert charkh.calendar.task(task["id"], people["mona"])["owner_group"] == "sales"
    [note] = charkh.notifications.list(people["mona"])
    assert (note["kind"], note["title"], note["link"]) == ("task", "Quarterly report", {"task": task["id"]})
    assert charkh.notifications.list(people["ada"]) == []  # she made it
    with pytest.raises(NotFound):
        charkh.calendar.task(task["id"], people["otto"])


def test_forwarding_hands_a_task_over_with_a_note_and_keeps_the_forwarder_following(charkh, people):
    task = charkh.calendar.create_task({"title": "Send the contract"}, people["sara"])

    forwarded = charkh.calendar.forward_task(task["id"], {"user": "otto", "note": "you know them"}, people["sara"])

    assert forwarded["owner"] == "otto"
    entry = forwarded["history"][-1]
    assert entry["type"] == "forwarded" and entry["user"] == "sara"
    assert entry["data"]["note"] == "you know them" and entry["data"]["to"] == {"user": "otto", "group": None}
    assert [t["id"] for t in charkh.calendar.tasks(people["otto"], _query("owned"))] == [task["id"]]
    assert [t["id"] for t in charkh.calendar.tasks(people["sara"], _query("following"))] == [task["id"]]
    assert charkh.calendar.tasks(people["sara"], _query("owned")) == []
    assert [n["kind"] for n in charkh.notifications.list(people["otto"])] == ["task"]


def _query(which: str):
    from engine.calendar import TaskQuery

    return TaskQuery(which=which)


def test_forwarding_to_nobody_known_is_refused_and_changes_nothing(charkh, people):
    task = charkh.calendar.create_task({"title": "Send the contract"}, people["sara"])

    with pytest.raises(Invalid, match="no user named 'ghost'"):
        charkh.calendar.forward_task(task["id"], {"user": "ghost"}, people["sara"])
    with pytest.raises(Invalid, match="exactly one"):
        charkh.calendar.forward_task(task["id"], {"user": "otto", "group": "sales"}, people["sara"])
    assert charkh.calendar.task(task["id"], people["sara"])["owner"] == "sara"


def test_completing_a_task_twice_is_a_conflict(charkh, people):
    task = charkh.calendar.create_task({"title": "Pay the invoice"}, people["sara"])

    done = charkh.calendar.complete_task(task["id"], "paid", people["sara"])

    assert done["status"] == "done" and done["completed_by"] == "sara"
    assert done["history"][-1] == {**done["history"][-1], "type": "completed", "data": {"note": "paid"}}
    with pytest.raises(Conflict):
        charkh.calendar.complete_task(task["id"], "", people["sara"])


def test_a_follow_up_of_a_work_item_names_its_instance_and_needs_the_item_to_be_visible(
        charkh, people, model):
    charkh.add_user("ana", analyst=True)
    charkh.import_bpmn(model("invoice.bpmn"), deploy=True, caller=charkh.caller_named("ana"))
    started = charkh.start_and_read("invoice", people["sara"])
    item_id = started["work_items"][0]["id"]

    follow_up = charkh.calendar.create_task({"title": "Chase the manager", "follows": {"work_item": item_id}},
                                            people["sara"])

    assert follow_up["is_follow_up"] and follow_up["follows"] == {
        "task": None, "work_item": item_id, "instance": started["id"]}
    with pytest.raises(Invalid, match=f"no work item {item_id} that you may see"):
        charkh.calendar.create_task({"title": "Peek", "follows": {"work_item": item_id}}, people["otto"])
    with pytest.raises(Invalid, match="no task"):
        charkh.calendar.create_task({"title": "Peek", "follows": {"task": follow_up["id"]}}, people["otto"])


@pytest.mark.parametrize(("body", "message"), [
    ({}, "title must not be empty"),
    ({"title": "x", "due": "tomorrow"}, "due must be an ISO 8601"),
    ({"title": "x", "due": "2026-12-07T09:00:00"}, "due needs a time zone"),
    ({"title": "x", "due": "0001-01-01T00:00:00+05:00"}, "due must fall between the years 1900 and 2999"),
    ({"title": "x", "start": at(5), "due": at(1)}, "due must not come before start"),
    ({"title": "x", "priority": "panic"}, "priority must be one of low, normal, high, urgent"),
    ({"title": "x", "owner": "sara", "owner_group": "sales"}, "not both"),
    ({"title": "x", "owner": "ghost"}, "owner: no user named 'ghost'"),
    ({"title": "x", "owner_group": "nobody"}, "owner_group: no group or role named 'nobody'"),
])
def test_a_bad_task_is_refused_naming_the_problem(charkh, people, body, message):
    with pytest.raises(Invalid, match=message):
        charkh.calendar.create_task(body, people["sara"])
    assert charkh.calendar.tasks(people["sara"], _query("all")) == []


def test_a_room_booked_at_overlapping_times_is_refused_naming_the_clash(charkh, people):
    room = charkh.calendar.add_room({"name": "Blue", "capacity": 8}, people["ada"])
    first = charkh.calendar.create_event({"title": "Sales weekly", "start": at(1), "end": at(2),
                                          "room": room["id"]}, people["sara"])

    with pytest.raises(Conflict) as clash:
        charkh.calendar.create_event({"title": "Board", "start": at(1.5), "end": at(3), "room": room["id"]},
                                     people["mona"])

    assert f"event {first['id']}" in clash.value.message and "Blue" in clash.value.message
    assert clash.value.details["conflicts"][0]["event"] == first["id"]
    back_to_back = charkh.calendar.create_event({"title": "Board", "start": at(2), "end": at(3),
                                                 "room": room["id"]}, people["mona"])
    busy = charkh.calendar.room_availability(room["id"], at(0), at(8))
    assert [b["event"] for b in busy["busy"]] == [first["id"], back_to_back["id"]]
    assert busy["free"] == [{"start": "2026-12-07T09:00:00Z", "end": "2026-12-07T10:00:00Z"},
                            {"start": "2026-12-07T12:00:00Z", "end": "2026-12-07T17:00:00Z"}]


def test_a_cancelled_event_frees_its_room_and_only_its_owner_cancels_it(charkh, people):
    room = charkh.calendar.add_room({"name": "Blue"}, people["ada"])
    event = charkh.calendar.create_event({"title": "Demo", "start": at(1), "end": at(2), "room": room["id"],
                                          "invitees": ["mona"]}, people["sara"])

    with pytest.raises(Forbidden):
        charkh.calendar.cancel_event(event["id"], people["mona"])
    with pytest.raises(NotFound):
        charkh.calendar.cancel_event(event["id"], people["otto"])
    assert charkh.calendar.cancel_event(event["id"], people["sara"])["cancelled"]
    charkh.calendar.create_event({"title": "Other", "start": at(1), "end": at(2), "room": room["id"]},
                                 people["otto"])


def test_only_administrators_add_rooms(charkh, people):
    with pytest.raises(Forbidden):
        charkh.calendar.add_room({"name": "Blue"}, people["sara"])
    assert charkh.calendar.rooms() == []


def test_the_calendar_holds_due_items_tasks_and_events_of_the_caller_only(charkh, people, model):
    charkh.add_user("ana", analyst=True)
    charkh.import_bpmn(model("invoice.bpmn"), deploy=True, caller=charkh.caller_named("ana"))
    charkh.calendar.create_task({"title": "Mine", "due": at(3)}, people["sara"])
    charkh.calendar.create_task({"title": "Next month", "due": at(days=40)}, people["sara"])
    charkh.calendar.create_task({"title": "Otto's", "due": at(3)}, people["otto"])
    charkh.calendar.create_event({"title": "Invited", "start": at(4), "end": at(5), "invitees": ["sara"]},
                                 people["mona"])
    charkh.calendar.create_event({"title": "Not invited", "start": at(4), "end": at(5)}, people["mona"])

    found = charkh.calendar.calendar(people["sara"], at(0), at(days=7))

    assert [t["title"] for t in found["tasks"]] == ["Mine"]
    assert [e["title"] for e in found["events"]] == ["Invited"]
    assert found["work_items"] == []  # the invoice's first step has no due date


@pytest.mark.parametrize(("start", "end", "message"), [
    (None, at(1), "from and to are both needed"),
    (at(2), at(1), "to must come after from"),
    (at(0), at(days=200), "at most 100 days"),
])
def test_a_bad_range_is_refused(charkh, people, start, end, message):
    with pytest.raises(Invalid, match=message):
        charkh.calendar.calendar(people["sara"], start, end)


def test_times_with_an_offset_are_kept_as_the_same_moment(charkh, people):
    task = charkh.calendar.create_task({"title": "Tehran morning", "due": "2026-12-07T12:30:00+03:30"},
                                       people["sara"])

    assert task["due"] == "2026-12-07T09:00:00Z"


def test_two_bookings_of_a_room_at_once_make_one_event(charkh, people):
    import threading

    room = charkh.calendar.add_room({"name": "Blue"}, people["ada"])
    start_together = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def book(who: str) -> None:
        start_together.wait()
        try:
            charkh.calendar.create_event({"title": who, "start": at(1), "end": at(2), "room": room["id"]},
                                         people[who])
            outcomes.append("booked")
        except Conflict:
            outcomes.append("refused")

    bookings = [threading.Thread(target=book, args=(who,)) for who in ("sara", "mona")]
    for one in bookings:
        one.start()
    for one in bookings:
        one.join()

    assert sorted(outcomes) == ["booked", "refused"]
    assert len(charkh.calendar.room_availability(room["id"], at(0), at(3))["busy"]) == 1


def test_moving_an_event_keeps_its_own_slot_refuses_a_clash_and_notifies_new_invitees(charkh, people):
    room = charkh.calendar.add_room({"name": "Blue"}, people["ada"])
    demo = charkh.calendar.create_event({"title": "Demo", "start": at(1), "end": at(2), "room": room["id"]},
                                        people["sara"])
    charkh.calendar.create_event({"title": "Board", "start": at(3), "end": at(4), "room": room["id"]},
                                 people["mona"])

    longer = charkh.calendar.update_event(demo["id"], {"end": at(2.5), "invitees": ["otto"]}, people["sara"])
    with pytest.raises(Conflict, match="Blue"):
        charkh.calendar.update_event(demo["id"], {"start": at(3.5), "end": at(4.5)}, people["sara"])
    with pytest.raises(Forbidden):
        charkh.calendar.update_event(demo["id"], {"title": "Mine"}, people["otto"])

    assert longer["end"] == "2026-12-07T11:30:00Z" and longer["invitees"] == ["otto"]
    assert longer["room"]["id"] == room["id"]
    assert charkh.calendar.event(demo["id"], people["sara"])["start"] == "2026-12-07T10:00:00Z"
    assert [n["kind"] for n in charkh.notifications.list(people["otto"])] == ["invitation"]
