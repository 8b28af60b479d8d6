"""The processes records' triggers start (issue 16): on create, on update the first time their
conditions hold or every time, never for a deactivated process, and each exactly once per record
and cause, even when the server died before it started them and two schedulers race for them."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine import records as records_module
from engine.store import records as record_store
from tests.api.test_records import new_invoice, ok, patch


@pytest.fixture
def sara(make_user):
    return make_user("sara", groups=["sales"])


# --- triggers -----------------------------------------------------------------------------------

@pytest.fixture
def triggered(admin, model, make_user):
    make_user("mona", groups=["managers"])
    ok(admin.upload(model("record_triggers.bpmn")), 201)
    return admin


def instances_of(user: Any, record_id: str) -> list[dict[str, Any]]:
    return [i for i in ok(user.get("/instances?limit=100"))
            if (i.get("record") or {}).get("id") == record_id]


def test_a_create_trigger_starts_its_process_for_the_record_before_the_answer(triggered, sara):
    created = new_invoice(sara, number="INV-9", mobile="09120000000", amount=10)
    [started] = created["instances"]
    instance = ok(triggered.get(f"/instances/{started}"))
    assert instance["record"] == {"entity": "invoice", "id": created["id"]}
    assert instance["variables"]["to_call"] == "09120000000"  # record.mobile in the script
    assert instance["process"] == "welcome_invoice"


def test_an_update_trigger_in_mode_first_starts_once_the_first_time_its_conditions_hold(triggered, sara):
    created = new_invoice(sara, number="INV-1", amount=500)
    assert [i for i in created["instances"]
            if ok(triggered.get(f"/instances/{i}"))["process"] == "review_big_invoice"] == []
    big = ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"amount": 7000}}))
    [review] = big["instances"]
    assert ok(triggered.get(f"/instances/{review}"))["work_items"][0]["element"] == "r_review"  # record.amount
    assert ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"amount": 9000}}))["instances"] == []
    assert ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"amount": 10}}))["instances"] == []
    assert ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"amount": 8000}}))["instances"] == []


def test_an_update_trigger_in_mode_every_starts_at_each_write_after_which_it_holds(triggered, sara):
    created = new_invoice(sara, number="INV-2", status="draft", paid=False)
    assert created["instances"][1:] == []  # only the create trigger's
    first = ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"status": "approved"}}))
    second = ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"number": "INV-2b"}}))
    paid = ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"paid": True}}))
    assert len(first["instances"]) == 1 and len(second["instances"]) == 1 and paid["instances"] == []


def test_a_deactivated_process_never_triggers(triggered, sara):
    key = ok(triggered.get("/definitions"))[0]["key"]
    ok(patch(triggered, f"/definitions/{key}", {"active": False}))
    assert new_invoice(sara, number="INV-3", amount=9000)["instances"] == []


def test_a_start_owed_by_a_write_that_crashed_is_made_once_by_the_scheduler(triggered, sara, charkh, monkeypatch):
    monkeypatch.setattr(charkh.records, "_run_owed", lambda record_id: [])  # the server dies after the commit
    created = new_invoice(sara, number="INV-4", amount=1)
    monkeypatch.undo()
    assert instances_of(triggered, created["id"]) == []
    assert charkh.records.run_pending() == 0  # the writer's grace: it may still be starting them
    later = charkh.clock() + timedelta(seconds=30)
    monkeypatch.setattr(charkh, "clock", lambda: later)
    results: list[int] = []
    racers = [threading.Thread(target=lambda: results.append(charkh.records.run_pending())) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sum(results) == 1 and len(instances_of(triggered, created["id"])) == 1
    assert charkh.records.run_pending() == 0
    with charkh.db.read() as conn:
        assert record_store.pending_starts(conn) == []


def test_a_macro_button_starts_its_process_for_the_record_when_its_conditions_hold(triggered, sara):
    created = new_invoice(sara, number="INV-5", status="draft")
    path = f"/records/invoice/{created['id']}/macros"
    key = ok(triggered.get("/definitions"))[0]["key"]
    refused = sara.post(f"{path}/{key}")
    assert refused.status_code == 422 and "do not hold" in refused.json["error"]["message"]
    ok(patch(sara, f"/records/invoice/{created['id']}", {"fields": {"status": "shipped"}}))
    pressed = ok(sara.client.post(f"/api/v1{path}/{key}", headers={**sara.headers, "Idempotency-Key": "press-1"}),
                 201)
    assert pressed["record"] == {"entity": "invoice", "id": created["id"]}
    assert [i["element"] for i in pressed["work_items"]] == ["c_call"]
    again = ok(sara.client.post(f"/api/v1{path}/{key}", headers={**sara.headers, "Idempotency-Key": "press-1"}),
               201)
    assert again["id"] == pressed["id"]  # a retried press starts nothing twice
    assert ok(sara.post(f"{path}/{key}"), 201)["id"] != pressed["id"]  # a new press is a new call
    assert sara.post(f"{path}/no_such_process").status_code == 404


# --- schedules ----------------------------------------------------------------------------------

@pytest.fixture
def tehran(settings, monkeypatch):
    """The server keeps Asia/Tehran's wall clock (UTC+3:30)."""
    monkeypatch.setattr(type(settings), "zone", property(lambda self: ZoneInfo("Asia/Tehran")))
    return settings


def at_clock(charkh: Any, monkeypatch: Any, moment: datetime) -> None:
    monkeypatch.setattr(charkh, "clock", lambda: moment)


def overdue_office(admin: Any, sara: Any, model: Any) -> list[str]:
    """Five invoices, three of them unpaid and past due on 2026-12-02."""
    ok(admin.upload(model("overdue_invoices.bpmn")), 201)
    due = [("2026-11-20", False), ("2026-11-30", False), ("2026-12-01", False), ("2026-12-05", False),
           ("2026-11-01", True)]
    ids = [new_invoice(sara, number=f"INV-{n}", due_on=day, paid=paid)["id"] for n, (day, paid) in enumerate(due)]
    return ids[:3]


def scheduled(user: Any) -> list[str]:
    return sorted(i["record"]["id"] for i in ok(user.get("/instances?limit=100")) if i["process"] == "remind_overdue")


def test_a_daily_schedule_starts_once_per_matching_record_at_nine_in_the_servers_zone(
        admin, sara, model, charkh, tehran, monkeypatch):
    overdue = overdue_office(admin, sara, model)
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 5, 0, tzinfo=UTC))  # 08:30 in Tehran
    assert charkh.records.run_schedules() == 0  # noted: its first due time is 09:00 today
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 5, 29, tzinfo=UTC))
    assert charkh.records.run_schedules() == 0 and scheduled(admin) == []
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 5, 30, tzinfo=UTC))  # 09:00 in Tehran
    assert charkh.records.run_schedules() == 3
    assert scheduled(admin) == sorted(overdue)
    assert charkh.records.run_schedules() == 0  # once per due time
    at_clock(charkh, monkeypatch, datetime(2026, 12, 3, 5, 30, tzinfo=UTC))  # the next morning
    assert charkh.records.run_schedules() == 3


def test_a_schedule_run_cut_short_goes_on_where_it_stopped_and_two_schedulers_start_each_once(
        admin, sara, model, charkh, tehran, monkeypatch):
    overdue = overdue_office(admin, sara, model)
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 5, 0, tzinfo=UTC))
    charkh.records.run_schedules()
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
    monkeypatch.setattr(records_module, "SCHEDULE_BATCH", 2)
    assert charkh.records.run_schedules(batches=1) == 2  # the tick's budget ends the run after two records
    results: list[int] = []
    racers = [threading.Thread(target=lambda: results.append(charkh.records.run_schedules())) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sum(results) == 1 and scheduled(admin) == sorted(overdue)


def test_a_records_history_keeps_a_private_processs_steps_from_those_off_its_list(triggered, sara):
    public = new_invoice(sara, number="INV-6")
    assert "instance_started" in [h["type"] for h in ok(sara.get(f"/records/invoice/{public['id']}/history"))]
    key = ok(triggered.get("/definitions"))[0]["key"]
    ok(patch(triggered, f"/definitions/{key}", {"visibility": "private", "access": ["mona", "admin"]}))
    private = new_invoice(sara, number="INV-7")
    assert private["instances"]  # the trigger started it all the same
    own = ok(sara.get(f"/records/invoice/{private['id']}/history"))
    assert [h["type"] for h in own] == ["record_created"]
    seen = ok(triggered.get(f"/records/invoice/{private['id']}/history"))
    assert "instance_started" in [h["type"] for h in seen]


def test_a_schedule_whose_process_begins_with_a_record_step_starts_each_alone_and_once(
        admin, sara, model, charkh, tehran, monkeypatch):
    ok(admin.upload(model("overdue_marked.bpmn")), 201)
    late = new_invoice(sara, number="INV-L", customer="Kish Co", due_on="2026-11-20", paid=False)
    new_invoice(sara, number="INV-P", customer="Pars Co", due_on="2026-11-20", paid=True)
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 5, 0, tzinfo=UTC))
    charkh.records.run_schedules()
    at_clock(charkh, monkeypatch, datetime(2026, 12, 2, 5, 30, tzinfo=UTC))  # 09:00 in Tehran
    assert charkh.records.run_schedules() == 1
    assert charkh.records.run_schedules() == 0  # once per due time
    [started] = [i for i in ok(admin.get("/instances?limit=100")) if i["process"] == "mark_overdue"]
    assert started["record"]["id"] == late["id"]
    assert ok(sara.get(f"/records/invoice/{late['id']}"))["fields"]["customer"] == "Kish Co (overdue)"
    assert [i["element"] for i in ok(admin.get(f"/instances/{started['id']}"))["work_items"]] == ["m_remind"]
