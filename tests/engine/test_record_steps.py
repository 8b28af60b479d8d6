"""Record steps (engine/record_steps.py; MISSION F4.8-F4.10): a process updates its record, creates a
related record and updates related records inside the command that reaches the step, so a
failure after it undoes it too; its writes leave history and fire the entity's triggers."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from engine.errors import Invalid, StepFailed
from engine.store import background
from engine.store import records as record_store

MODEL = "record_steps.bpmn"


@pytest.fixture
def people(charkh):
    for name, groups in (("sara", ["sales"]), ("mona", ["managers"])):
        charkh.add_user(name, "secret", groups)
    charkh.add_user("ana", "secret", analyst=True)
    return {name: charkh.caller_named(name) for name in ("sara", "mona", "ana")}


@pytest.fixture
def deployed(charkh, people, model):
    charkh.import_bpmn(model(MODEL), deploy=True, caller=people["ana"])
    return charkh


def _admin(charkh: Any) -> Any:
    charkh.add_user("root", "secret", admin=True)  # a second time changes nothing
    return charkh.caller_named("root")


def item_of(charkh: Any, instance_id: str) -> dict[str, Any]:
    [item] = charkh.instance_brief(instance_id)["work_items"]
    return item


def processes_started(charkh: Any, record_id: str, entity: str = "invoice") -> list[str]:
    return sorted(i["process"] for i in charkh.records.instances(entity, record_id,
                                                                                        _admin(charkh)))


def test_an_update_step_sets_fields_of_the_instances_record_and_later_steps_see_them(deployed, people):
    charkh = deployed
    invoice = charkh.records.create("invoice", {"number": "INV-1", "customer": "Acme", "amount": 40,
                                                "status": "draft"}, people["sara"])
    [approval] = invoice["instances"]
    answer = charkh.complete(item_of(charkh, approval)["id"], people["mona"], data={"approver": "mona"})
    stored = charkh.records.get("invoice", invoice["id"], people["sara"])
    assert stored["fields"]["status"] == "approved"
    assert stored["fields"]["customer"] == "Acme (approved by mona)"  # a field template
    assert stored["fields"]["amount"] == 80  # an expression over the record
    assert stored["fields"]["due_on"] == charkh.clock().date().isoformat()  # ${now} into a date field
    assert stored["version"] == 3  # one write per step
    variables = answer["instance"]["variables"]
    assert variables["seen_status"] == "approved" and variables["seen_amount"] == 80
    assert variables["record"]["status"] == "approved"
    assert [i["element"] for i in answer["instance"]["work_items"]] == ["a_ship"]


def test_a_record_step_writes_the_records_history_with_the_instance_and_the_person(deployed, people):
    charkh = deployed
    invoice = charkh.records.create("invoice", {"number": "INV-2", "amount": 5, "status": "draft"}, people["sara"])
    [approval] = invoice["instances"]
    charkh.complete(item_of(charkh, approval)["id"], people["mona"], data={"approver": "mona"})
    changes = [e for e in charkh.records.history("invoice", invoice["id"], people["ana"])
               if e["type"] == "record_changed"]
    assert [(c["user"], c["instance_id"]) for c in changes] == [("mona", approval), ("mona", approval)]
    assert changes[0]["data"]["status"] == ["draft", "approved"]
    assert changes[1]["data"] == {"amount": [5, 10]}


def test_a_record_steps_write_fires_the_triggers_of_other_processes_but_not_its_own(deployed, people):
    charkh = deployed
    invoice = charkh.records.create("invoice", {"number": "INV-3", "amount": 5, "status": "draft"}, people["sara"])
    [approval] = invoice["instances"]
    assert processes_started(charkh, invoice["id"]) == ["approve_invoice"]
    charkh.complete(item_of(charkh, approval)["id"], people["mona"], data={"approver": "mona"})
    # "ship approved" holds after each of the two writes (every time): two starts, exactly once each
    assert processes_started(charkh, invoice["id"]) == ["approve_invoice",
                                                         "ship_approved",
                                                         "ship_approved"]
    with charkh.db.read() as conn:
        assert record_store.pending_starts(conn) == []


def test_a_failure_after_a_record_step_in_the_same_command_undoes_the_record_change(deployed, people):
    charkh = deployed
    invoice = charkh.records.create("invoice", {"number": "INV-4", "amount": 13, "status": "draft"},
                                    people["sara"])
    [approval] = invoice["instances"]
    item = item_of(charkh, approval)
    with pytest.raises(Exception) as failed:  # the script after the steps divides by zero
        charkh.complete(item["id"], people["mona"], data={"approver": "mona"})
    assert "ZeroDivisionError" in str(getattr(failed.value, "message", failed.value))
    stored = charkh.records.get("invoice", invoice["id"], people["sara"])
    assert stored["fields"]["status"] == "draft" and stored["fields"]["amount"] == 13 and stored["version"] == 1
    assert [e["type"] for e in charkh.records.history("invoice", invoice["id"], people["ana"])
            if e["type"].startswith("record_")] == ["record_created"]
    assert processes_started(charkh, invoice["id"]) == ["approve_invoice"]  # no trigger fired
    assert item_of(charkh, approval)["id"] == item["id"]  # the item still waits


def test_a_create_step_makes_a_linked_record_and_an_update_related_step_changes_all_of_them(deployed, people):
    charkh = deployed
    contact = charkh.records.create("contact", {"first_name": "Leila", "last_name": "Ahmadi",
                                                "mobile": "09120000001"}, people["sara"])
    other = charkh.records.create("invoice", {"number": "OLD-1", "contact": contact["id"]}, people["sara"])
    unrelated = charkh.records.create("invoice", {"number": "OTHER", "mobile": "09990000000"}, people["sara"])
    written = charkh.records.update("contact", contact["id"], {"source": "web"}, people["sara"])
    [follow_up] = written["instances"]
    variables = charkh.instance_brief(follow_up)["variables"]
    created = charkh.records.get("invoice", variables["invoice_id"], people["sara"])
    assert created["fields"] == {"number": "F-Ahmadi", "amount": 100, "status": "draft", "contact": contact["id"]}
    assert created["owner"] == "sara"  # the contact's owner
    # the new invoice's own create trigger started its approval, once
    assert processes_started(charkh, created["id"]) == ["approve_invoice"]
    related = charkh.records.related("contact", contact["id"], people["sara"])
    assert [(g["entity"], g["field"], g["count"]) for g in related] == [("invoice", "contact", 2)]

    charkh.records.update("contact", contact["id"], {"mobile": "09121111111"}, people["sara"])
    charkh.complete(item_of(charkh, follow_up)["id"], people["sara"])
    for invoice_id in (other["id"], created["id"]):
        fields = charkh.records.get("invoice", invoice_id, people["sara"])["fields"]
        assert fields["mobile"] == "09121111111" and fields["customer"] == "Leila Ahmadi"
    assert charkh.records.get("invoice", unrelated["id"], people["sara"])["fields"]["mobile"] == "09990000000"
    assert charkh.instance_brief(follow_up)["status"] == "completed"


UPDATE_STEP = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:charkh="https://charkh.dev/schema/bpmn"
             id="d" targetNamespace="t">
  <process id="{pid}" isExecutable="true">
    <extensionElements><charkh:trigger entity="invoice"/></extensionElements>
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="step"/>
    <serviceTask id="step" name="Change it">
      <extensionElements>
        <camunda:connector>
          <camunda:inputOutput>{inputs}</camunda:inputOutput>
          <camunda:connectorId>{connector}</camunda:connectorId>
        </camunda:connector>
      </extensionElements>
    </serviceTask>
    <sequenceFlow id="f2" sourceRef="step" targetRef="wait"/>
    <userTask id="wait" name="Wait"/>
    <sequenceFlow id="f3" sourceRef="wait" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>"""


def step_model(pid: str, inputs: dict[str, str], connector: str = "charkh-record-update") -> bytes:
    parameters = "".join(f'<camunda:inputParameter name="{k}">{v}</camunda:inputParameter>' for k, v in inputs.items())
    return UPDATE_STEP.format(pid=pid, inputs=parameters, connector=connector).encode()


@pytest.mark.parametrize(("inputs", "connector", "says"), [
    ({"fields": "colour=red"}, "charkh-record-update", "'colour' is not a field of invoice"),
    ({"fields": "no equals sign"}, "charkh-record-update", "write FIELD=VALUE"),
    ({"fields": "status=x", "mode": "shout"}, "charkh-record-update", "mode must be one of"),
    ({"fields": "amount=record.amount +", "mode": "expression"}, "charkh-record-update", "field 'amount'"),
    ({"fields": "number=1"}, "charkh-record-create", "entity: name the entity"),
    ({"entity": "invoice", "fields": "number=1"}, "charkh-record-update-related", "link_field"),
    ({"entity": "invoice", "link_field": "number", "fields": "number=1"}, "charkh-record-update-related",
     "no reference field 'number'"),
    ({"entity": "planet", "fields": "x=1"}, "charkh-record-create", "entity 'planet' is unknown"),
])
def test_deploy_refuses_a_record_step_whose_inputs_are_wrong(charkh, people, inputs, connector, says):
    with pytest.raises(Invalid) as refused:
        charkh.import_bpmn(step_model("bad_step", inputs, connector), deploy=True, caller=people["ana"])
    [problem] = refused.value.details["problems"]
    assert problem["element"] == "step" and says in problem["message"]


def test_a_value_of_the_wrong_type_refuses_the_start_and_changes_nothing(charkh, people):
    charkh.import_bpmn(step_model("typed", {"fields": "amount=${words}"}), deploy=True, caller=people["ana"])
    invoice = charkh.records.create("invoice", {"number": "INV-5", "amount": 7}, people["sara"])
    with pytest.raises(StepFailed) as refused:
        charkh.start_and_read("typed", people["sara"], {"words": "lots"}, record={"entity": "invoice",
                                                                                  "id": invoice["id"]})
    assert refused.value.message.startswith("record step 'Change it': field 'amount' is a number")
    assert charkh.instances(_admin(charkh)) == []
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["version"] == 1


def test_an_update_step_of_an_instance_without_a_record_says_what_to_name(charkh, people):
    charkh.import_bpmn(step_model("no_record", {"fields": "status=paid"}), deploy=True, caller=people["ana"])
    with pytest.raises(StepFailed, match="runs for no record; name the entity and the record"):
        charkh.start_and_read("no_record", people["sara"])


def test_an_update_step_may_name_another_record_by_a_variable(charkh, people):
    charkh.import_bpmn(step_model("named", {"entity": "invoice", "record": "${target}", "fields": "paid=true"}),
                       deploy=True, caller=people["ana"])
    invoice = charkh.records.create("invoice", {"number": "INV-6"}, people["sara"])
    started = charkh.start_and_read("named", people["sara"], {"target": invoice["id"]})
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["fields"]["paid"] is True
    [change] = [e for e in charkh.records.history("invoice", invoice["id"], people["ana"])
                if e["type"] == "record_changed"]
    assert change["instance_id"] == started["id"] and change["user"] == "sara"  # set once the instance existed
    with pytest.raises(StepFailed, match="no invoice with id 999"):  # the step's error, not a 404
        charkh.start_and_read("named", people["sara"], {"target": "999"})


def test_a_record_step_that_fails_after_a_timer_is_an_incident_and_changes_nothing(charkh, people):
    model = step_model("timed", {"fields": "amount=${words}"}).replace(
        b'<sequenceFlow id="f1" sourceRef="s" targetRef="step"/>',
        b'<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><intermediateCatchEvent id="t">'
        b'<timerEventDefinition><timeDuration>PT0.3S</timeDuration></timerEventDefinition></intermediateCatchEvent>'
        b'<sequenceFlow id="f0" sourceRef="t" targetRef="step"/>')
    charkh.import_bpmn(model, deploy=True, caller=people["ana"])
    invoice = charkh.records.create("invoice", {"number": "INV-7", "amount": 7}, people["sara"])
    started = charkh.start_and_read("timed", people["sara"], {"words": "lots"},
                                    record={"entity": "invoice", "id": invoice["id"]})
    with charkh.db.read() as conn:
        assert len(background.due_timer_rows(conn, charkh.clock() + timedelta(seconds=5))) == 1
    time.sleep(0.4)  # SpiffWorkflow fires a timer by the wall clock
    assert charkh.fire_due_timers() == 1  # the scheduler's batch leaves a record step to its own command
    instance = charkh.instance(started["id"], _admin(charkh))
    assert instance["status"] == "error"
    assert "field 'amount' is a number" in instance["history"][-1]["data"]["error"]
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["version"] == 1


def _before_step(model: bytes, elements: bytes) -> bytes:
    """The step model with ``elements`` (ending in a flow to the step, with id "f0") after its start."""
    return model.replace(b'<sequenceFlow id="f1" sourceRef="s" targetRef="step"/>', elements)


def test_a_message_that_moves_an_instance_onto_a_record_step_writes_the_record_with_it(charkh, people):
    model = _before_step(step_model("paid", {"fields": "paid=true\namount=${amount_paid}"}),
                         b'<sequenceFlow id="f1" sourceRef="s" targetRef="wait_paid"/>'
                         b'<receiveTask id="wait_paid" messageRef="msg_paid"/>'
                         b'<sequenceFlow id="f0" sourceRef="wait_paid" targetRef="step"/>')
    model = model.replace(b'<process id="paid"', b'<message id="msg_paid" name="paid"/><process id="paid"')
    charkh.import_bpmn(model, deploy=True, caller=people["ana"])
    invoice = charkh.records.create("invoice", {"number": "INV-8", "amount": 1}, people["sara"])
    started = charkh.start_and_read("paid", people["sara"], record={"entity": "invoice", "id": invoice["id"]})
    answer = charkh.send_message(started["id"], "paid", people["sara"], {"amount_paid": 250})
    assert answer["variables"]["record"]["paid"] is True
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["fields"]["amount"] == 250


def test_a_record_step_after_a_connectors_job_runs_when_the_job_is_done_or_is_the_jobs_incident(charkh, people):
    model = _before_step(step_model("after_job", {"fields": "amount=${answer}"}),
                         b'<sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>'
                         b'<serviceTask id="ask"><extensionElements><camunda:connector>'
                         b'<camunda:connectorId>charkh-webhook</camunda:connectorId></camunda:connector>'
                         b'</extensionElements></serviceTask>'
                         b'<sequenceFlow id="f0" sourceRef="ask" targetRef="step"/>')
    charkh.import_bpmn(model, deploy=True, caller=people["ana"])
    invoice = charkh.records.create("invoice", {"number": "INV-9", "amount": 1}, people["sara"])
    record = {"entity": "invoice", "id": invoice["id"]}
    good = charkh.start_and_read("after_job", people["sara"], record=record)
    bad = charkh.start_and_read("after_job", people["sara"], record=record)
    [good_job, bad_job] = charkh.claim_jobs()
    assert charkh.finish_job(good_job, {"answer": "42"}) is True
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["fields"]["amount"] == 42
    assert charkh.instance_brief(good["id"])["work_items"][0]["element"] == "wait"

    assert charkh.finish_job(bad_job, {"answer": "many"}) is False
    assert charkh.job(bad_job)["status"] == "failed"
    assert "field 'amount' is a number" in charkh.job(bad_job)["last_error"]
    assert charkh.instance_brief(bad["id"])["status"] == "error"
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["fields"]["amount"] == 42


def test_a_process_whose_record_step_writes_its_record_is_not_started_again_by_that_write(charkh, people):
    # an "every time" trigger with no conditions holds after the step's own write too
    model = step_model("stamp", {"fields": "customer=stamped ${record.number}"}).replace(
        b'<charkh:trigger entity="invoice"/>', b'<charkh:trigger entity="invoice" on="update" mode="every"/>')
    charkh.import_bpmn(model, deploy=True, caller=people["ana"])
    invoice = charkh.records.create("invoice", {"number": "INV-10"}, people["sara"])
    assert len(invoice["instances"]) == 1  # creates count as updates
    assert charkh.records.get("invoice", invoice["id"], people["sara"])["fields"]["customer"] == "stamped INV-10"
    assert processes_started(charkh, invoice["id"]) == ["stamp"]
    with charkh.db.read() as conn:
        assert record_store.pending_starts(conn) == []
