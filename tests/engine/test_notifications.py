"""In-app notifications (MISSION F6): reminders sent once however many schedulers run, items
assigned noticed without the commands writing anything for it, escalations, read marks."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from connectors.broker import Dispatch, Scheduler
from engine.charkh import Charkh
from engine.clock import FrozenClock
from engine.errors import NotFound
from engine.store import notifications as notification_store
from tests.engine.test_escalation import MODEL as ESCALATING


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def office(settings, clock):
    engine = Charkh(settings, clock=clock)
    engine.add_user("sara", groups=["sales"])
    engine.add_user("mona", groups=["sales"])
    engine.add_user("otto")
    yield engine
    engine.close()


def in_minutes(clock: FrozenClock, minutes: float) -> str:
    return (clock() + timedelta(minutes=minutes)).isoformat()


def test_a_reminder_becomes_a_notification_when_it_falls_due_and_only_then(office, clock):
    sara = office.caller_named("sara")
    task = office.calendar.create_task({"title": "Call Pars Co", "remind_at": in_minutes(clock, 5)}, sara)

    assert office.notifications.send_due_reminders() == 0
    clock.advance(minutes=5)
    assert office.notifications.send_due_reminders() == 1
    assert office.notifications.send_due_reminders() == 0

    [note] = office.notifications.list(sara)
    assert (note["kind"], note["title"], note["link"], note["read"]) == (
        "reminder", "Call Pars Co", {"task": task["id"]}, False)


def test_two_schedulers_at_once_send_a_reminder_once(office, clock, monkeypatch):
    sara = office.caller_named("sara")
    office.calendar.create_task({"title": "Call Pars Co", "remind_at": in_minutes(clock, -1)}, sara)
    # Both passes find the reminder due before either sends it: only the database can tell them apart.
    both_found = threading.Barrier(2, timeout=10)
    find = notification_store.due_reminders

    def found_together(*args, **kwargs):
        due = find(*args, **kwargs)
        both_found.wait()
        return due

    monkeypatch.setattr(notification_store, "due_reminders", found_together)
    sent: list[int] = []
    passes = [threading.Thread(target=lambda: sent.append(office.notifications.send_due_reminders()))
              for _ in range(2)]
    for one in passes:
        one.start()
    for one in passes:
        one.join()

    assert sorted(sent) == [0, 1]
    assert [n["kind"] for n in office.notifications.list(sara)] == ["reminder"]


def test_the_scheduler_tick_sends_due_reminders_to_a_groups_members(office, clock):
    sara = office.caller_named("sara")
    office.calendar.create_task({"title": "Team review", "owner_group": "sales", "notify": False,
                                 "remind_at": in_minutes(clock, 1)}, sara)
    clock.advance(minutes=2)

    Scheduler(office, Dispatch(office, None)).tick()

    for name in ("sara", "mona"):
        assert [n["kind"] for n in office.notifications.list(office.caller_named(name))] == ["reminder"]
    assert office.notifications.list(office.caller_named("otto")) == []


def test_an_events_reminders_reach_its_owner_and_invitees_unless_it_is_cancelled(office, clock):
    sara = office.caller_named("sara")
    start = in_minutes(clock, 60)
    office.calendar.create_event({"title": "Demo", "start": start, "end": in_minutes(clock, 90),
                                  "invitees": ["otto"], "reminders": [15]}, sara)
    cancelled = office.calendar.create_event({"title": "Dropped", "start": start, "end": in_minutes(clock, 90),
                                              "reminders": [15]}, sara)
    office.calendar.cancel_event(cancelled["id"], sara)
    clock.advance(minutes=46)

    assert office.notifications.send_due_reminders() == 1

    assert [(n["kind"], n["title"]) for n in office.notifications.list(sara)] == [("reminder", "Demo")]
    assert [(n["kind"], n["title"]) for n in office.notifications.list(office.caller_named("otto"))] == [
        ("reminder", "Demo"), ("invitation", "Demo")]


def test_a_done_task_or_a_moved_reminder_does_not_ring(office, clock):
    sara = office.caller_named("sara")
    done = office.calendar.create_task({"title": "Done early", "remind_at": in_minutes(clock, 5)}, sara)
    moved = office.calendar.create_task({"title": "Moved", "remind_at": in_minutes(clock, 5)}, sara)
    office.calendar.complete_task(done["id"], "", sara)
    office.calendar.update_task(moved["id"], {"remind_at": in_minutes(clock, 60)}, sara)
    clock.advance(minutes=10)

    assert office.notifications.send_due_reminders() == 0
    clock.advance(minutes=60)
    assert office.notifications.send_due_reminders() == 1
    assert [n["title"] for n in office.notifications.list(sara)] == ["Moved"]


def test_an_item_assigned_to_a_persons_group_is_noticed_once(office, model):
    office.add_user("ana", analyst=True)
    office.add_user("mina", groups=["sales-managers"])
    office.import_bpmn(model("invoice.bpmn"), deploy=True, caller=office.caller_named("ana"))
    mina = office.caller_named("mina")
    started = office.start_and_read("invoice", office.caller_named("sara"))

    first = office.notifications.list(mina)
    again = office.notifications.list(mina)

    [note] = first
    assert note["kind"] == "assigned" and note["title"] == "Approve invoice"
    assert note["link"] == {"work_item": started["work_items"][0]["id"], "instance": started["id"]}
    assert again == first
    assert office.notifications.list(office.caller_named("otto")) == []


def test_items_opened_after_the_first_look_are_noticed_too(office, model, clock):
    office.add_user("ana", analyst=True)
    office.add_user("mina", groups=["sales-managers"])
    office.import_bpmn(model("invoice.bpmn"), deploy=True, caller=office.caller_named("ana"))
    mina = office.caller_named("mina")
    assert office.notifications.list(mina) == []  # the first look sets her cursor

    office.start_and_read("invoice", office.caller_named("sara"))
    clock.advance(minutes=5)  # the item settles; the look after moves the cursor past it
    office.start_and_read("invoice", office.caller_named("sara"))

    assert [n["kind"] for n in office.notifications.list(mina)] == ["assigned", "assigned"]
    assert len(office.notifications.list(mina)) == 2


def test_an_escalation_notifies_whom_the_item_reached(office, model):
    office.add_role("sales-expert", superior="sales-manager")
    office.add_user("ada", admin=True)
    office.add_user("expert", roles=["sales-expert"])
    office.add_user("boss", roles=["sales-manager"])
    office.import_bpmn(ESCALATING.replace("{after}", "PT0S").replace("{to}", "superior").encode(), deploy=True,
                       caller=office.caller_named("ada"))
    office.start_and_read("escalating", office.caller_named("ada"))

    assert office.fire_due_timers() == 1

    kinds = [n["kind"] for n in office.notifications.list(office.caller_named("boss"))]
    assert "escalation" in kinds


def test_marking_read_one_and_all_and_never_someone_elses(office, clock):
    sara, mona = office.caller_named("sara"), office.caller_named("mona")
    for title in ("One", "Two"):
        office.calendar.create_task({"title": title, "owner": "mona"}, sara)
    newest, oldest = office.notifications.list(mona)

    assert office.notifications.mark_read(oldest["id"], mona)["read"] is True
    with pytest.raises(NotFound):
        office.notifications.mark_read(newest["id"], sara)
    assert [n["title"] for n in office.notifications.list(mona, unread=True)] == ["Two"]
    assert office.notifications.mark_all_read(mona) == 1
    assert office.notifications.list(mona, unread=True) == []


def test_renaming_an_event_does_not_ring_a_sent_reminder_again_but_moving_it_does(office, clock):
    sara = office.caller_named("sara")
    event = office.calendar.create_event({"title": "Demo", "start": in_minutes(clock, 10),
                                          "end": in_minutes(clock, 40), "reminders": [15]}, sara)
    assert office.notifications.send_due_reminders() == 1

    office.calendar.update_event(event["id"], {"title": "Demo (room 2)"}, sara)
    assert office.notifications.send_due_reminders() == 0
    office.calendar.update_event(event["id"], {"start": in_minutes(clock, 60), "end": in_minutes(clock, 90)}, sara)
    assert office.notifications.send_due_reminders() == 0
    clock.advance(minutes=46)
    assert office.notifications.send_due_reminders() == 1
