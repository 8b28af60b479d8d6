"""Inbound events and early messages (engine/inbound_events.py, engine/early_messages.py; MISSION
F1.5, F7): an event starts the processes whose message start event has its name, reaches the
instances of its record waiting for it, and is kept for those that will."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import engine.inbound_events as inbound_events
from engine.charkh import Charkh
from engine.errors import Invalid, NotFound
from engine.store.people import now
from engine.store.schema import kept_messages


@pytest.fixture
def crm(charkh: Charkh, model) -> dict[str, Any]:
    charkh.add_user("olga", analyst=True)
    charkh.add_user("sam", groups=["sales"])
    charkh.add_user("gate", integration=True)
    olga = charkh.caller_named("olga")
    for name in ("inbound_call.bpmn", "invoice_payment.bpmn"):
        charkh.import_bpmn(model(name), deploy=True, caller=olga)
    sam = charkh.caller_named("sam")
    contact = charkh.records.create("contact", {"first_name": "Ana"}, sam)
    other = charkh.records.create("contact", {"first_name": "Bo"}, sam)
    return {"olga": olga, "sam": sam, "gate": charkh.caller_named("gate"), "contact": contact, "other": other}


def _for(record: dict[str, Any]) -> dict[str, str]:
    return {"entity": "contact", "id": record["id"]}


def _invoice(charkh: Charkh, crm: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    return charkh.start_and_read("invoice_payment", crm["sam"], {"amount": 10}, record=_for(record))


def _approve(charkh: Charkh, crm: dict[str, Any], instance: dict[str, Any]) -> dict[str, Any]:
    item = instance["work_items"][0]
    assert item["element"] == "approve"
    done: dict[str, Any] = charkh.complete(item["id"], crm["sam"])["instance"]
    return done


def _kept_count(charkh: Charkh) -> int:
    with charkh.db.read() as conn:
        count: int = conn.execute(select(func.count()).select_from(kept_messages)).scalar_one()
    return count


def test_an_event_starts_the_processes_whose_message_start_event_has_its_name(charkh, crm):
    answer = charkh.events.post({"name": "phone_call", "record": _for(crm["contact"]), "data": {"line": "021"}},
                                crm["gate"])

    assert len(answer["started"]) == 1 and answer["delivered"] == []
    started = charkh.instance(answer["started"][0], crm["olga"])
    assert started["definition"] == "inbound_call"
    assert started["record"] == {"entity": "contact", "id": crm["contact"]["id"]}
    assert started["variables"]["line"] == "021"
    assert started["variables"]["record"]["first_name"] == "Ana"
    assert [i["element"] for i in started["work_items"]] == ["call_back"]


def test_an_event_reaches_the_waiting_instances_of_its_record_only(charkh, crm):
    mine = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))
    theirs = _approve(charkh, crm, _invoice(charkh, crm, crm["other"]))

    answer = charkh.events.post({"name": "payment_received", "record": _for(crm["contact"]),
                                 "data": {"paid": 10}}, crm["gate"])

    assert answer == {"started": [], "delivered": [mine["id"]], "kept": None, "failed": []}
    after = charkh.instance(mine["id"], crm["olga"])
    assert [i["element"] for i in after["work_items"] if i["status"] == "open"] == ["ship"]
    assert after["variables"]["paid"] == 10
    untouched = charkh.instance(theirs["id"], crm["olga"])
    assert [i["element"] for i in untouched["work_items"] if i["status"] == "open"] == []


def test_an_event_by_correlation_reaches_the_instance_whose_variable_holds_the_value(charkh, crm):
    first = _approve(charkh, crm, charkh.start_and_read("invoice_payment", crm["sam"], {"order_no": "A-17"}))
    second = _approve(charkh, crm, charkh.start_and_read("invoice_payment", crm["sam"], {"order_no": "A-18"}))

    answer = charkh.events.post({"name": "payment_received", "correlation": {"order_no": "A-18"}}, crm["gate"])

    assert answer["delivered"] == [second["id"]]
    assert charkh.instance(first["id"], crm["olga"])["history"][-1]["type"] != "message_received"


def test_a_message_that_comes_early_is_kept_and_taken_when_the_instance_reaches_its_catch_event(charkh, crm):
    instance = _invoice(charkh, crm, crm["contact"])  # still at "Approve": nothing waits for the payment

    answer = charkh.events.post({"name": "payment_received", "record": _for(crm["contact"]),
                                 "data": {"paid": 10}}, crm["gate"])
    assert answer["started"] == [] and answer["delivered"] == []
    assert answer["kept"]["id"] and answer["kept"]["expires_at"]

    after = _approve(charkh, crm, instance)

    assert [i["element"] for i in after["work_items"]] == ["ship"]
    assert after["variables"]["paid"] == 10
    received = [h for h in charkh.instance(instance["id"], crm["olga"])["history"] if h["type"] == "message_received"]
    assert len(received) == 1 and received[0]["user"] == "gate" and received[0]["name"] == "payment_received"
    assert _kept_count(charkh) == 0  # delivered once: a second instance reaching its catch finds nothing
    later = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))
    assert later["work_items"] == []


def test_a_kept_message_for_another_record_stays_kept(charkh, crm):
    charkh.events.post({"name": "payment_received", "record": _for(crm["other"])}, crm["gate"])

    after = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))

    assert after["work_items"] == [] and _kept_count(charkh) == 1


def test_an_expired_message_is_dropped_by_the_sweep_and_never_delivered(charkh, crm, monkeypatch):
    charkh.events.post({"name": "payment_received", "record": _for(crm["contact"]), "ttl": 60}, crm["gate"])
    later = now() + timedelta(seconds=61)
    monkeypatch.setattr(inbound_events, "now", lambda: later)

    charkh.events.sweep()

    assert _kept_count(charkh) == 0
    assert _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))["work_items"] == []


def test_a_receipt_is_forgotten_after_a_week(charkh, crm, monkeypatch):
    event = {"name": "phone_call", "record": _for(crm["contact"])}
    charkh.events.post(event, crm["gate"], "call-1")
    later = now() + inbound_events.RECEIPT_KEEP + timedelta(seconds=1)
    monkeypatch.setattr(inbound_events, "now", lambda: later)
    charkh.events.sweep()
    monkeypatch.undo()

    assert len(charkh.events.post(event, crm["gate"], "call-1")["started"]) == 1  # a new event, a week on
    assert len(charkh.instances(crm["olga"], definition="inbound_call")) == 2


def test_a_ttl_of_zero_keeps_nothing(charkh, crm):
    answer = charkh.events.post({"name": "payment_received", "record": _for(crm["contact"]), "ttl": 0}, crm["gate"])
    assert answer["kept"] is None and _kept_count(charkh) == 0


def test_the_sweep_delivers_a_kept_message_to_an_instance_that_came_to_wait_meanwhile(charkh, crm):
    waiting = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))
    with charkh.db.write() as conn:  # kept while the instance's step ran, before it was stored waiting
        conn.execute(kept_messages.insert().values(
            name="payment_received", record_entity="contact", record_id=crm["contact"]["id"], data={"paid": 3},
            sent_by="gate", created_at=now(), expires_at=now() + timedelta(hours=1)))

    assert charkh.events.sweep() == 1

    after = charkh.instance(waiting["id"], crm["olga"])
    assert [i["element"] for i in after["work_items"] if i["status"] == "open"] == ["ship"]
    assert _kept_count(charkh) == 0 and charkh.events.sweep() == 0


def test_a_retried_event_with_the_same_idempotency_key_does_nothing_twice(charkh, crm):
    event = {"name": "phone_call", "record": _for(crm["contact"])}
    first = charkh.events.post(event, crm["gate"], "call-7")
    again = charkh.events.post(event, crm["gate"], "call-7")

    assert again == first and len(first["started"]) == 1
    assert len(charkh.instances(crm["olga"], definition="inbound_call")) == 1
    with pytest.raises(Invalid, match="Idempotency-Key"):
        charkh.events.post({**event, "data": {"other": 1}}, crm["gate"], "call-7")
    assert len(charkh.events.post(event, crm["sam"], "call-7")["started"]) == 1  # keys are per caller


def test_a_retry_after_a_crash_does_only_what_was_left(charkh, crm, monkeypatch):
    waiting = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))
    event = {"name": "payment_received", "record": _for(crm["contact"])}
    monkeypatch.setattr(inbound_events.InboundEvents, "_deliver", lambda *args: (_ for _ in ()).throw(OSError()))
    with pytest.raises(OSError):
        charkh.events.post(event, crm["gate"], "pay-1")
    monkeypatch.undo()

    answer = charkh.events.post(event, crm["gate"], "pay-1")

    assert answer["delivered"] == [waiting["id"]] and answer["kept"] is None


def test_a_private_process_is_neither_started_nor_reached_for_someone_off_its_list(charkh, crm, app):
    charkh.add_user("otto")
    otto = charkh.caller_named("otto")
    process_list = app.extensions["charkh_process_list"]
    for key in ("inbound_call", "invoice_payment"):
        process_list.update(key, crm["olga"], {"visibility": "private", "access": ["sam", "gate"]})
    waiting = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))

    answer = charkh.events.post({"name": "phone_call", "record": _for(crm["contact"])}, otto)
    assert answer["started"] == []
    answer = charkh.events.post({"name": "payment_received", "record": _for(crm["contact"])}, otto)
    assert answer["delivered"] == []
    charkh.events.sweep()
    assert charkh.instance(waiting["id"], crm["olga"])["work_items"][-1]["element"] == "approve"
    early = _approve(charkh, crm, _invoice(charkh, crm, crm["contact"]))  # otto's kept message is not taken
    assert early["work_items"] == []

    assert charkh.events.post({"name": "payment_received", "record": _for(crm["contact"])},
                              crm["gate"])["delivered"] == [waiting["id"], early["id"]]


@pytest.mark.parametrize("body, problem", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x", "data": [1]}, "data"),
    ({"name": "x", "record": {"entity": "contact", "id": "1"}, "correlation": {"a": 1}}, "not both"),
    ({"name": "x", "record": {"entity": "contact"}}, "record"),
    ({"name": "x", "correlation": {"a": 1, "b": 2}}, "correlation"),
    ({"name": "x", "correlation": {"a": None}}, "correlation"),
    ({"name": "x", "correlation": {"a": 1}, "ttl": -1}, "ttl"),
    ({"name": "x", "correlation": {"a": 1}, "ttl": 10**9}, "ttl"),
])
def test_a_bad_event_is_refused_naming_the_problem_and_changes_nothing(charkh, crm, body, problem):
    with pytest.raises(Invalid, match=problem):
        charkh.events.post(body, crm["gate"])
    assert _kept_count(charkh) == 0


def test_an_event_for_a_record_that_does_not_exist_is_not_found(charkh, crm):
    with pytest.raises(NotFound):
        charkh.events.post({"name": "phone_call", "record": {"entity": "contact", "id": "999999"}}, crm["gate"])
    assert charkh.instances(crm["olga"], definition="inbound_call") == []


def test_a_kept_message_taken_by_another_instance_meanwhile_is_not_delivered_twice(charkh, crm, monkeypatch):
    import engine.early_messages as early_messages

    instance = _invoice(charkh, crm, crm["contact"])
    charkh.events.post({"name": "payment_received", "record": _for(crm["contact"])}, crm["gate"])
    original = early_messages.message_store.kept_for
    looks = []

    def kept_for_then_taken_elsewhere(*args, **kwargs):
        found = original(*args, **kwargs)
        looks.append(found)
        if found is not None and len(looks) == 1:  # another instance takes it while this step runs
            with charkh.db.write() as conn:
                assert early_messages.message_store.take_one(conn, found.id)
        return found

    monkeypatch.setattr(early_messages.message_store, "kept_for", kept_for_then_taken_elsewhere)

    after = _approve(charkh, crm, instance)

    assert after["work_items"] == []  # its write was stale; run again, it waits for a payment to come
    assert looks[0] is not None and looks[-1] is None
    history = charkh.instance(instance["id"], crm["olga"])["history"]
    assert [h for h in history if h["type"] == "message_received"] == []
    assert [h["type"] for h in history].count("work_item_completed") == 1
