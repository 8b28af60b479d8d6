"""A process's start form (issue 15): the form-js schema on its plain start event, given to whoever
may start the process and checked against the variables an instance starts with, as a task's form
is against a completion's data. SQLite, and PostgreSQL with CHARKH_TEST_DATABASE_URL."""
from __future__ import annotations

from typing import Any

import pytest

from engine.charkh import Charkh
from engine.errors import Forbidden, Invalid, NotFound


@pytest.fixture
def clerk(charkh: Charkh, model):
    """sara, who registers complaints, with the complaint process deployed."""
    charkh.add_user("sara", None, ["sales"])
    charkh.import_bpmn(model("complaint_start_form.bpmn"), deploy=True)
    return charkh.caller_named("sara")


def refusal(charkh: Charkh, caller: Any, variables: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(Invalid) as refused:
        charkh.start("complaint", caller, variables)
    return {p["field"]: p["message"] for p in refused.value.details["fields"]}


def _start_event(inner: str, name: str = "shaped", task: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:charkh="https://charkh.dev/schema/bpmn"
    id="d_{name}" targetNamespace="t">
  <message id="m" name="hello"/>
  <process id="{name}" isExecutable="true">
    {inner}
    {task or '<userTask id="ask"/><sequenceFlow id="f2" sourceRef="ask" targetRef="e"/><endEvent id="e"/>'}
  </process>
</definitions>""".encode()


FORM = '<extensionElements><charkh:form>{"components": [{"type": "textfield", "key": "who", ' \
       '"validate": {"required": true}}]}</charkh:form></extensionElements>'


def test_the_start_form_is_the_plain_start_events_form(charkh: Charkh, clerk):
    found = charkh.start_form("complaint", clerk)

    assert {k: found[k] for k in ("key", "version", "process", "element")} == {
        "key": "complaint", "version": 1, "process": "complaint", "element": "registered"}
    assert [c["key"] for c in found["form"]["components"]] == ["customer", "channel", "details"]


def test_a_process_without_a_start_form_has_form_null(charkh: Charkh, clerk, model):
    charkh.import_bpmn(model("expense_form.bpmn"), deploy=True)  # its form is a task's, not the start's

    found = charkh.start_form("expense_form", clerk)

    assert found["form"] is None and found["element"] is None


def test_starting_without_a_required_field_is_refused_by_name_and_starts_nothing(charkh: Charkh, clerk):
    assert refusal(charkh, clerk, {"channel": "phone"}) == {"customer": "is required"}
    assert refusal(charkh, clerk, {"customer": ""}) == {"customer": "is required"}

    assert charkh.instances(clerk) == []
    assert charkh.work_items(clerk, mine=False) == []


def test_the_start_forms_fields_are_checked_like_a_tasks(charkh: Charkh, clerk):
    assert refusal(charkh, clerk, {"customer": "Pars Co", "channel": "fax", "amount": 5}) == {
        "channel": "must be one of its options: ['phone', 'email']", "amount": "is not a field of the form"}


def test_a_filled_in_start_form_becomes_the_instances_variables(charkh: Charkh, clerk):
    started = charkh.start_and_read("complaint", clerk, {"customer": "Pars Co", "channel": "email",
                                                         "details": "late delivery"})

    assert started["variables"] == {"customer": "Pars Co", "channel": "email", "details": "late delivery"}
    view = charkh.instance(started["id"], clerk)
    assert view["work_items"][0]["title"] == "Complaint — Pars Co"


def test_the_start_form_is_refused_as_starting_would_be(charkh: Charkh, clerk, app):
    charkh.add_user("olga", None, analyst=True)
    charkh.add_user("otto", None, ["others"])
    olga, otto = charkh.caller_named("olga"), charkh.caller_named("otto")
    charkh.import_bpmn(_start_event(f'<startEvent id="s">{FORM}</startEvent>'
                                    '<sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>', "secret"),
                       deploy=True, caller=olga)
    process_list = app.extensions["charkh_process_list"]
    process_list.update("secret", olga, {"visibility": "private", "access": ["sara"]})

    assert charkh.start_form("secret", clerk)["element"] == "s"
    with pytest.raises(Forbidden):
        charkh.start_form("secret", otto)
    with pytest.raises(NotFound):
        charkh.start_form("nothing", clerk)
    process_list.update("secret", olga, {"active": False})
    with pytest.raises(Invalid, match="deactivated"):
        charkh.start_form("secret", clerk)


@pytest.mark.parametrize("inner", [
    # a message's start is no person filling in a form
    f'<startEvent id="s">{FORM}<messageEventDefinition messageRef="m"/></startEvent>'
    '<sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>',
    # nor is the start of a subprocess
    f'<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="inner"/>'
    f'<subProcess id="inner"><startEvent id="inner_start">{FORM}</startEvent>'
    '<sequenceFlow id="fi" sourceRef="inner_start" targetRef="inner_end"/><endEvent id="inner_end"/></subProcess>'
    '<sequenceFlow id="f3" sourceRef="inner" targetRef="ask"/>',
], ids=["message start", "subprocess start"])
def test_only_a_plain_start_event_of_the_process_has_a_start_form(charkh: Charkh, clerk, inner):
    charkh.import_bpmn(_start_event(inner), deploy=True)

    assert charkh.start_form("shaped", clerk)["form"] is None


def test_two_start_forms_in_one_process_are_a_problem_and_refuse_deploy(charkh: Charkh):
    data = _start_event(f'<startEvent id="a">{FORM}</startEvent><startEvent id="b">{FORM}</startEvent>'
                        '<sequenceFlow id="f1" sourceRef="a" targetRef="ask"/>'
                        '<sequenceFlow id="f3" sourceRef="b" targetRef="ask"/>')

    summary = charkh.import_bpmn(data)

    assert [p["element"] for p in summary["problems"]] == ["b"]
    assert "keep one of them" in summary["problems"][0]["message"]
    with pytest.raises(Invalid):
        charkh.deploy("shaped", None, None)


def test_a_broken_start_form_is_a_problem_of_its_start_event(charkh: Charkh):
    summary = charkh.import_bpmn(_start_event('<startEvent id="s"><extensionElements><charkh:form>{components: ['
                                              '</charkh:form></extensionElements></startEvent>'
                                              '<sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>'))

    assert [p["element"] for p in summary["problems"]] == ["s"]
