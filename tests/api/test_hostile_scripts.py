"""Analyst code cannot stop the server (issue 13, item 3): each class of runaway or oversized script,
condition and multi-instance ends within its limit as a 422 to the caller that started it (or an
incident on the instance, when no caller waits), changes nothing, and every other request keeps
answering while it runs, on SQLite and on PostgreSQL alike."""
from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from engine.charkh import Charkh
from engine.settings import Settings

LIMIT = 3.0  # seconds a script may run in these tests: ordinary traffic must fit in this window

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="defs_{key}" targetNamespace="https://charkh.dev/tests">
  <process id="{key}" isExecutable="true">
    <startEvent id="begin"/>
    <sequenceFlow id="f_1" sourceRef="begin" targetRef="prepare"/>
    <userTask id="prepare" name="Prepare" camunda:candidateGroups="sales"/>
    <sequenceFlow id="f_2" sourceRef="prepare" targetRef="hostile"/>
    {hostile}
    <sequenceFlow id="f_3" sourceRef="hostile" targetRef="after"/>
    <userTask id="after" name="After" camunda:candidateGroups="sales"/>
    <sequenceFlow id="f_4" sourceRef="after" targetRef="finish"/>
    <endEvent id="finish"/>
  </process>
</definitions>"""


def script_process(key: str, script: str) -> bytes:
    script = script.replace("&", "&amp;").replace("<", "&lt;")
    hostile = f'<scriptTask id="hostile" name="Hostile" scriptFormat="python"><script>{script}</script></scriptTask>'
    return PROCESS.format(key=key, hostile=hostile).encode()


def condition_process(key: str, condition: str) -> bytes:
    """The hostile text is the condition of a flow out of an exclusive gateway."""
    condition = condition.replace("&", "&amp;").replace("<", "&lt;")
    hostile = ('<exclusiveGateway id="hostile" default="f_3"/>'
               '<sequenceFlow id="f_hostile" sourceRef="hostile" targetRef="after">'
               f'<conditionExpression xsi:type="tFormalExpression">{condition}</conditionExpression></sequenceFlow>')
    return PROCESS.format(key=key, hostile=hostile).encode()


def multi_instance_process(key: str, cardinality: str) -> bytes:
    hostile = (f'<userTask id="hostile" name="Review" camunda:candidateGroups="sales">'
               f'<multiInstanceLoopCharacteristics><loopCardinality>{cardinality}</loopCardinality>'
               f'</multiInstanceLoopCharacteristics></userTask>')
    return PROCESS.format(key=key, hostile=hostile).encode()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, script_seconds=LIMIT)


@pytest.fixture
def sara(make_user, admin, model):
    """A sales expert, with the invoice cycle deployed for the ordinary traffic."""
    assert admin.upload(model("invoice.bpmn")).status_code == 201
    return make_user("sara", groups=["sales", "sales-managers", "finance", "warehouse"])


def deploy(admin: Any, data: bytes) -> None:
    response = admin.upload(data)
    assert response.status_code == 201, response.json


def prepared_item(user: Any, key: str, variables: dict[str, Any] | None = None) -> str:
    started = user.start(key, variables or {})
    assert started.status_code == 201, started.json
    [item] = [i for i in started.json["work_items"] if i["element"] == "prepare"]
    return item["id"]


def ordinary_invoice(base: str, user: Any) -> None:
    """One invoice started and approved over HTTP: the traffic that must keep flowing."""
    with httpx.Client(base_url=f"{base}/api/v1", headers=user.headers, timeout=30) as http:
        started = http.post("/instances", json={"definition": "invoice", "variables": {"number": 7}})
        assert started.status_code == 201, started.text
        [item] = started.json()["work_items"]
        done = http.post(f"/work-items/{item['id']}/complete", json={"action": "Approve"})
        assert done.status_code == 200, done.text


def while_hostile_runs(base: str, user: Any, hostile_call: Any) -> Any:
    """Run the hostile call in a thread and ordinary invoices beside it, and check that they were
    all done while the hostile call still ran (before, a runaway held the write lock, so they
    waited for it); returns the hostile call's response."""
    outcome: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: outcome.update(response=hostile_call()))
    thread.start()
    time.sleep(0.2)  # the hostile step is running now
    for _ in range(2):
        ordinary_invoice(base, user)
    assert thread.is_alive(), "the ordinary invoices waited for the hostile call to end"
    thread.join(LIMIT + 30)
    assert not thread.is_alive(), "the hostile call never ended"
    return outcome["response"]


def complete_call(base: str, user: Any, item_id: str) -> Any:
    return lambda: httpx.post(f"{base}/api/v1/work-items/{item_id}/complete", json={"data": {}},
                              headers=user.headers, timeout=60)


def assert_nothing_changed(user: Any, item_id: str, instance_id: str) -> None:
    instance = user.get(f"/instances/{instance_id}").json
    assert instance["status"] == "running"
    assert [i["element"] for i in instance["work_items"] if i["status"] in ("open", "claimed")] == ["prepare"]
    assert not [e for e in instance["history"] if e["type"] == "work_item_completed"]


RUNAWAYS = {
    "a loop that catches the limit's exception": "try:\n    while True:\n        pass\nexcept Exception:\n    pass",
    "a huge power in C": "x = pow(3, 3 * 10 ** 7)",
}


@pytest.mark.parametrize("script", list(RUNAWAYS.values()), ids=list(RUNAWAYS))
def test_a_runaway_script_ends_at_its_limit_while_other_requests_answer(live_server, admin, sara, script):
    deploy(admin, script_process("runaway", script))
    item_id = prepared_item(sara, "runaway")
    instance_id = sara.get(f"/work-items/{item_id}").json["instance_id"]

    response = while_hostile_runs(live_server, sara, complete_call(live_server, sara, item_id))

    assert response.status_code == 422
    assert f"longer than {LIMIT:g} s" in response.json()["error"]["message"]
    assert_nothing_changed(sara, item_id, instance_id)


def test_a_runaway_condition_ends_at_its_limit_while_other_requests_answer(live_server, admin, sara):
    deploy(admin, condition_process("runaway_condition", "pow(3, 3 * 10 ** 7) > 1"))
    item_id = prepared_item(sara, "runaway_condition")
    instance_id = sara.get(f"/work-items/{item_id}").json["instance_id"]

    response = while_hostile_runs(live_server, sara, complete_call(live_server, sara, item_id))

    assert response.status_code == 422
    assert "longer than" in response.json()["error"]["message"]
    assert_nothing_changed(sara, item_id, instance_id)


def test_a_script_building_a_huge_variable_is_refused_and_nothing_is_stored(admin, sara):
    deploy(admin, script_process("huge_variable", "x = 'x'.ljust(2 * 10 ** 8)"))
    item_id = prepared_item(sara, "huge_variable")
    instance_id = sara.get(f"/work-items/{item_id}").json["instance_id"]

    response = sara.complete(item_id)

    assert response.status_code == 422
    assert_nothing_changed(sara, item_id, instance_id)
    assert "x" not in sara.get(f"/instances/{instance_id}").json["variables"]


def test_a_variable_over_the_size_limit_is_refused_naming_it(admin, sara):
    deploy(admin, script_process("big_variable", "report = 'x' * 700000 + 'y' * 700000"))
    item_id = prepared_item(sara, "big_variable")

    response = sara.complete(item_id)

    assert response.status_code == 422
    message = response.json["error"]["message"]
    assert "'report'" in message and "limit" in message


@pytest.mark.parametrize("script, kind", [
    ("result = {1, 2}", "a set"),
    ("result = b'raw'", "bytes"),
    ("result = (n for n in [1, 2])", "a generator"),
    ("result = 2 ** 70", "64-bit"),
])
def test_a_script_leaving_a_value_that_is_not_json_is_refused_naming_the_variable(admin, sara, script, kind):
    deploy(admin, script_process("not_json", script))
    item_id = prepared_item(sara, "not_json")
    instance_id = sara.get(f"/work-items/{item_id}").json["instance_id"]

    response = sara.complete(item_id)

    assert response.status_code == 422
    message = response.json["error"]["message"]
    assert "'result'" in message and kind in message
    assert_nothing_changed(sara, item_id, instance_id)


def test_a_multi_instance_over_the_cap_is_refused_before_any_item_is_made(admin, sara):
    deploy(admin, multi_instance_process("fan_out", "100000"))
    item_id = prepared_item(sara, "fan_out")
    instance_id = sara.get(f"/work-items/{item_id}").json["instance_id"]

    response = sara.complete(item_id)

    assert response.status_code == 422
    assert "100000 instances" in response.json["error"]["message"]
    assert_nothing_changed(sara, item_id, instance_id)


def test_a_multi_instance_within_the_cap_runs(admin, sara):
    deploy(admin, multi_instance_process("fan_out_small", "3"))
    item_id = prepared_item(sara, "fan_out_small")

    response = sara.complete(item_id)

    assert response.status_code == 200
    assert [i["element"] for i in response.json["instance"]["work_items"]] == ["hostile"] * 3


def test_a_loop_of_automatic_steps_that_never_waits_is_stopped(admin, sara):
    looping = PROCESS.format(key="spin", hostile="""<scriptTask id="hostile" scriptFormat="python">
      <script>n = 1</script></scriptTask>
    <exclusiveGateway id="again" default="f_back"/>
    <sequenceFlow id="f_back" sourceRef="again" targetRef="hostile"/>""").replace(
        '<sequenceFlow id="f_3" sourceRef="hostile" targetRef="after"/>',
        '<sequenceFlow id="f_3" sourceRef="hostile" targetRef="again"/>')
    deploy(admin, looping.encode())
    item_id = prepared_item(sara, "spin")

    response = sara.complete(item_id)

    assert response.status_code == 422
    assert "without waiting" in response.json["error"]["message"]


def test_variables_named_like_the_sandbox_guards_change_nothing(admin, sara):
    deploy(admin, script_process("shadows", "total = items[0] + items[1]\nsafe = total > 4"))
    item_id = prepared_item(sara, "shadows", {"items": [2, 3], "_getitem_": "x", "_getattr_": 0,
                                              "__builtins__": {"open": 1}, "_write_": None})

    response = sara.complete(item_id)

    assert response.status_code == 200, response.json
    variables = response.json["instance"]["variables"]
    assert variables["total"] == 5 and variables["safe"] is True


def _timer_process(key: str, script: str) -> bytes:
    hostile = (f'<intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1S</timeDuration>'
               f'</timerEventDefinition></intermediateCatchEvent>'
               f'<sequenceFlow id="f_wait" sourceRef="wait" targetRef="hostile"/>'
               f'<scriptTask id="hostile" name="Hostile" scriptFormat="python"><script>{script}</script></scriptTask>')
    return PROCESS.format(key=key, hostile=hostile).replace(
        '<sequenceFlow id="f_2" sourceRef="prepare" targetRef="hostile"/>',
        '<sequenceFlow id="f_2" sourceRef="prepare" targetRef="wait"/>').encode()


def test_a_runaway_behind_a_timer_becomes_an_incident_and_never_runs_again(charkh, settings, admin, sara):
    deploy(admin, _timer_process("timed_runaway", "try:\n    while True:\n        pass\nexcept Exception:\n    pass"))
    item_id = prepared_item(sara, "timed_runaway")
    response = sara.complete(item_id)
    assert response.status_code == 200
    instance_id = response.json["instance"]["id"]

    time.sleep(1.2)
    assert charkh.fire_due_timers() == 1

    instance = sara.get(f"/instances/{instance_id}").json
    assert instance["status"] == "error"
    [incident] = [e for e in instance["history"] if e["type"] == "incident"]
    assert "longer than" in incident["data"]["error"]
    restarted = Charkh(settings)  # after a restart the timer does not fire again
    try:
        assert restarted.fire_due_timers() == 0
    finally:
        restarted.close()


def test_a_runaway_right_after_the_start_refuses_the_start_and_stores_nothing(admin, sara):
    starts_hostile = PROCESS.format(key="hostile_start", hostile="").replace(
        '<sequenceFlow id="f_1" sourceRef="begin" targetRef="prepare"/>',
        '<sequenceFlow id="f_1" sourceRef="begin" targetRef="spin"/>'
        '<scriptTask id="spin" scriptFormat="python"><script>x = pow(3, 3 * 10 ** 7)</script></scriptTask>'
        '<sequenceFlow id="f_0" sourceRef="spin" targetRef="prepare"/>').replace(
        '<sequenceFlow id="f_2" sourceRef="prepare" targetRef="hostile"/>',
        '<sequenceFlow id="f_2" sourceRef="prepare" targetRef="after"/>').replace(
        '<sequenceFlow id="f_3" sourceRef="hostile" targetRef="after"/>', "")
    deploy(admin, starts_hostile.encode())

    response = sara.start("hostile_start")

    assert response.status_code == 422
    assert "longer than" in response.json["error"]["message"]
    assert admin.get("/instances", query_string={"definition": "hostile_start"}).json == []


def test_a_runaway_after_a_message_refuses_the_message_and_the_instance_waits_on(admin, sara):
    waits_for_message = PROCESS.format(key="hostile_message", hostile=(
        '<intermediateCatchEvent id="paid"><messageEventDefinition messageRef="payment"/></intermediateCatchEvent>'
        '<sequenceFlow id="f_paid" sourceRef="paid" targetRef="hostile"/>'
        '<scriptTask id="hostile" scriptFormat="python"><script>x = pow(3, 3 * 10 ** 7)</script></scriptTask>'
    )).replace('<sequenceFlow id="f_2" sourceRef="prepare" targetRef="hostile"/>',
               '<sequenceFlow id="f_2" sourceRef="prepare" targetRef="paid"/>').replace(
        "</process>", '</process><message id="payment" name="payment"/>')
    deploy(admin, waits_for_message.encode())
    item_id = prepared_item(sara, "hostile_message")
    instance_id = sara.complete(item_id).json["instance"]["id"]

    response = sara.post(f"/instances/{instance_id}/messages", json={"name": "payment", "data": {"sum": 1}})

    assert response.status_code == 422
    instance = sara.get(f"/instances/{instance_id}").json
    assert instance["status"] == "running"
    assert not [e for e in instance["history"] if e["type"] == "message_received"]


def test_a_runaway_after_a_connector_job_becomes_an_incident_on_the_job(charkh, admin, sara):
    from connectors.jobs import run_job
    from connectors.registry import PROVIDERS

    after_sms = PROCESS.format(key="hostile_after_job", hostile=(
        '<serviceTask id="sms"><extensionElements><camunda:connector><camunda:connectorId>test-hostile-sms'
        '</camunda:connectorId></camunda:connector></extensionElements></serviceTask>'
        '<sequenceFlow id="f_sms" sourceRef="sms" targetRef="hostile"/>'
        '<scriptTask id="hostile" scriptFormat="python"><script>x = pow(3, 3 * 10 ** 7)</script></scriptTask>'
    )).replace('<sequenceFlow id="f_2" sourceRef="prepare" targetRef="hostile"/>',
               '<sequenceFlow id="f_2" sourceRef="prepare" targetRef="sms"/>')
    deploy(admin, after_sms.encode())
    item_id = prepared_item(sara, "hostile_after_job")
    instance_id = sara.complete(item_id).json["instance"]["id"]
    PROVIDERS["test-hostile-sms"] = lambda inputs, variables, key: {"sent": True}
    try:
        [job_id] = charkh.claim_jobs()
        assert run_job(charkh, job_id) == "failed"
    finally:
        PROVIDERS.pop("test-hostile-sms", None)

    instance = sara.get(f"/instances/{instance_id}").json
    assert instance["status"] == "error"
    [incident] = [e for e in instance["history"] if e["type"] == "incident"]
    assert incident["element"] == "sms" and "longer than" in incident["data"]["error"]
    assert charkh.job(job_id)["status"] == "failed"


def test_variables_over_the_size_limit_are_refused_at_the_start_and_at_completion(admin, sara):
    deploy(admin, script_process("plain", "total = 1"))
    too_big = {"notes": "x" * (1024 * 1024 + 1)}

    refused_start = sara.start("plain", too_big)
    item_id = prepared_item(sara, "plain")
    refused_completion = sara.complete(item_id, data=too_big)

    assert refused_start.status_code == 422 and "bytes" in refused_start.json["error"]["message"]
    assert refused_completion.status_code == 422 and "bytes" in refused_completion.json["error"]["message"]
    assert [i["element"] for i in sara.cartable() if i["id"] == item_id] == ["prepare"]


def test_a_timer_on_an_instance_with_an_incident_waits_and_the_other_timers_fire(charkh, admin, sara):
    deploy(admin, _timer_process("timed_failure", "x = 1 / 0"))
    deploy(admin, _timer_process("timed_fine", "x = 1"))
    failing = sara.complete(prepared_item(sara, "timed_failure")).json["instance"]["id"]
    fine = sara.complete(prepared_item(sara, "timed_fine")).json["instance"]["id"]

    time.sleep(1.2)
    fired = charkh.fire_due_timers()

    assert fired == 2  # the failure became an incident; it did not stop the pass
    assert sara.get(f"/instances/{failing}").json["status"] == "error"
    fine_view = sara.get(f"/instances/{fine}").json
    assert fine_view["status"] == "running"
    assert [i["element"] for i in fine_view["work_items"] if i["status"] == "open"] == ["after"]
    incident = [e for e in sara.get(f"/instances/{failing}").json["history"] if e["type"] == "incident"]
    assert "ZeroDivisionError" in incident[0]["data"]["error"]
