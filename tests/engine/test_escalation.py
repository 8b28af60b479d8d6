"""Escalation (MISSION F3): an item not done in time also goes to the superior of its role, or to
a named user or group; an item done in time is left alone."""
from __future__ import annotations

import time

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:charkh="https://charkh.dev/schema/bpmn" id="defs_esc" targetNamespace="t">
  <process id="escalating" name="Escalating" isExecutable="true">
    <startEvent id="begin"/>
    <sequenceFlow id="f1" sourceRef="begin" targetRef="call_customer"/>
    <userTask id="call_customer" name="Call the customer" charkh:roles="sales-expert"
              charkh:escalateAfter="{after}" charkh:escalateTo="{to}"/>
    <sequenceFlow id="f2" sourceRef="call_customer" targetRef="done"/>
    <endEvent id="done"/>
  </process>
</definitions>"""


def deploy(admin, after="PT1S", to="superior"):
    response = admin.upload(MODEL.replace("{after}", after).replace("{to}", to).encode())
    assert response.status_code == 201, response.json


def fire_when_due(charkh, seconds=1.2):
    time.sleep(seconds)
    return charkh.fire_due_timers()


def test_an_overdue_item_goes_to_the_superior_of_its_role(charkh, admin, make_user):
    charkh.add_role("sales-expert", superior="sales-manager")
    expert = make_user("sara", roles=["sales-expert"])
    manager = make_user("mina", roles=["sales-manager"])
    deploy(admin)
    started = admin.start("escalating").json
    [item] = expert.cartable()
    assert expert.post(f"/work-items/{item['id']}/claim").status_code == 200
    assert manager.cartable() == []

    assert fire_when_due(charkh) == 1
    [escalated] = manager.cartable()
    assert escalated["id"] == item["id"] and escalated["roles"] == ["sales-expert", "sales-manager"]
    assert [i["id"] for i in expert.cartable()] == [item["id"]]  # still hers too, no longer claimed
    assert admin.get(f"/work-items/{item['id']}").json["status"] == "open"

    history = admin.get(f"/instances/{started['id']}").json["history"]
    [entry] = [h for h in history if h["type"] == "work_item_escalated"]
    assert entry["element"] == "call_customer" and entry["data"]["to"] == ["sales-manager"]
    assert entry["data"]["was_claimed_by"] == "sara"

    assert manager.complete(item["id"]).status_code == 200
    assert admin.get(f"/instances/{started['id']}").json["status"] == "completed"
    assert fire_when_due(charkh, 0) == 0  # it fires once


def test_an_item_done_in_time_is_not_escalated(charkh, admin, make_user):
    expert = make_user("sara", roles=["sales-expert"])
    deploy(admin, after="PT1S", to="boss")
    boss = make_user("boss")
    started = admin.start("escalating").json
    [item] = expert.cartable()
    assert expert.complete(item["id"]).status_code == 200
    assert fire_when_due(charkh) == 0
    assert boss.cartable() == []
    types = [h["type"] for h in admin.get(f"/instances/{started['id']}").json["history"]]
    assert "work_item_escalated" not in types


def test_escalation_to_a_named_user_or_group(charkh, admin, make_user):
    make_user("sara", roles=["sales-expert"])
    boss = make_user("boss")
    deploy(admin, to="boss")
    admin.start("escalating")
    assert fire_when_due(charkh) == 1
    assert [i["name"] for i in boss.cartable()] == ["Call the customer"]

    deploy(admin, after="PT1S", to="supervisors")
    supervisor = make_user("omid", groups=["supervisors"])
    admin.start("escalating")
    assert fire_when_due(charkh) == 1
    assert [i["groups"] for i in supervisor.cartable()] == [["supervisors"]]


def test_a_role_without_superior_is_recorded_not_lost(charkh, admin, make_user):
    expert = make_user("sara", roles=["sales-expert"])
    deploy(admin)
    started = admin.start("escalating").json
    assert fire_when_due(charkh) == 1
    [entry] = [h for h in admin.get(f"/instances/{started['id']}").json["history"]
               if h["type"] == "work_item_escalated"]
    assert entry["data"]["to"] == [] and "nobody to escalate to" in entry["data"]["problem"]
    assert len(expert.cartable()) == 1
