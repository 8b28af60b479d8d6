"""A user task's form (form-js schema kept in the BPMN file): the engine gives it with the work
item and checks a completion's data against it. SQLite, and PostgreSQL with CHARKH_TEST_DATABASE_URL."""
from __future__ import annotations

import json
from typing import Any

import pytest

from engine.charkh import Charkh
from engine.errors import Invalid
from engine.forms import MAX_FORM_CHARS, MAX_FORM_DEPTH, parse_form
from tests.bpmn_compare import facts

GOOD = {"amount": 12.5, "customer": {"name": "Pars Co"}}


@pytest.fixture
def worker(charkh: Charkh):
    charkh.add_user("sima", None, ["staff"])
    return charkh.caller_named("sima")


@pytest.fixture
def item(charkh: Charkh, worker, model) -> dict[str, Any]:
    """The open 'Fill in the expense' item of a new instance, read as the API reads one item."""
    charkh.import_bpmn(model("expense_form.bpmn"), deploy=True)
    instance_id = charkh.start("expense_form", worker, {"approver": "mona"})
    [listed] = [i for i in charkh.work_items(worker) if i["instance_id"] == instance_id]
    return charkh.work_item(listed["id"], worker)


def refusal(charkh: Charkh, worker, item_id: str, data: dict[str, Any]) -> dict[str, str]:
    """The fields a refused completion names, field → message."""
    with pytest.raises(Invalid) as refused:
        charkh.complete(item_id, worker, None, data)
    return {p["field"]: p["message"] for p in refused.value.details["fields"]}


def test_a_work_item_carries_its_tasks_form(item):
    form = item["form"]

    assert form["id"] == "expense"
    assert [c.get("key") for c in form["components"]][:3] == ["note", "amount", "urgent"]


def test_a_task_without_a_form_has_form_null(charkh: Charkh, model, worker):
    charkh.add_user("rita", None, ["reviewers"])
    rita = charkh.caller_named("rita")
    charkh.import_bpmn(model("review_actions.bpmn"), deploy=True)
    charkh.start("review_actions", rita)
    [listed] = charkh.work_items(rita)

    assert charkh.work_item(listed["id"], rita)["form"] is None


def test_data_that_fills_the_form_completes_the_item_and_becomes_variables(charkh, worker, item):
    done = charkh.complete(item["id"], worker, None, {**GOOD, "urgent": True, "kind": "food",
                                                       "spent_on": "2026-11-30", "approver": "mona"})

    assert done["instance"]["status"] == "completed"
    assert done["instance"]["variables"]["customer"] == {"name": "Pars Co"}
    assert done["instance"]["variables"]["kind"] == "food"


def test_a_missing_required_field_is_refused_by_name_and_nothing_changes(charkh, worker, item):
    assert refusal(charkh, worker, item["id"], {"customer": {"name": "Pars Co"}}) == {"amount": "is required"}
    assert refusal(charkh, worker, item["id"], {"amount": 3}) == {"customer.name": "is required"}

    assert charkh.work_item(item["id"], worker)["status"] == "open"


def test_each_field_takes_only_its_type(charkh, worker, item):
    fields = refusal(charkh, worker, item["id"], {
        "amount": "twelve", "urgent": "yes", "kind": "boat", "spent_on": "30/11/2026", "note": 7,
        "customer": {"name": "Pars Co"}})

    assert fields == {"amount": "must be a number", "urgent": "must be true or false",
                      "kind": "must be one of its options: ['travel', 'food']",
                      "spent_on": "must be a date (YYYY-MM-DD)", "note": "must be text"}


def test_bounds_and_lengths_are_checked(charkh, worker, item):
    fields = refusal(charkh, worker, item["id"], {**GOOD, "amount": -1, "note": "x" * 21})

    assert fields == {"amount": "must be at least 0", "note": "must have at most 20 characters"}


def test_data_the_form_does_not_ask_for_is_refused(charkh, worker, item):
    fields = refusal(charkh, worker, item["id"], {**GOOD, "approved": True, "customer": {"name": "P", "vip": 1}})

    assert fields == {"approved": "is not a field of the form", "customer.vip": "is not a field of the form"}


def test_a_read_only_field_may_come_back_only_unchanged(charkh, worker, item):
    assert refusal(charkh, worker, item["id"], {**GOOD, "approver": "sima"}) == {"approver": "is read-only"}

    done = charkh.complete(item["id"], worker, None, {**GOOD, "approver": "mona"})
    assert done["work_item"]["status"] == "completed"


def test_an_unticked_required_checkbox_is_missing_as_form_js_says():
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [{"type": "checkbox", "key": "agree", "validate": {"required": True}}]}, 10)

    with pytest.raises(Invalid) as refused:
        check_submission(fields, {"agree": False}, {})
    assert refused.value.details["fields"] == [{"field": "agree", "message": "is required"}]


def test_a_field_hidden_by_a_condition_is_not_required_on_the_server():
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [
        {"type": "textfield", "key": "reason", "validate": {"required": True}, "conditional": {"hide": "=ok"}}]}, 10)

    check_submission(fields, {}, {})


def test_select_options_from_a_variable_are_checked_against_that_variable():
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [{"type": "select", "key": "city", "valuesKey": "cities"}]}, 10)
    cities = {"cities": [{"label": "Tehran", "value": "thr"}, {"label": "Cluj", "value": "clj"}]}

    check_submission(fields, {"city": "clj"}, cities)
    with pytest.raises(Invalid):
        check_submission(fields, {"city": "bucharest"}, cities)


def test_rows_of_a_dynamic_list_are_checked_one_by_one():
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [{"type": "dynamiclist", "path": "lines", "components": [
        {"type": "number", "key": "qty", "validate": {"required": True}}]}]}, 10)

    check_submission(fields, {"lines": [{"qty": 1}, {"qty": 2}]}, {})
    with pytest.raises(Invalid) as refused:
        check_submission(fields, {"lines": [{"qty": 1}, {}]}, {})
    assert refused.value.details["fields"] == [{"field": "lines[1].qty", "message": "is required"}]


def test_a_camunda_8_embedded_form_is_read_and_checked(charkh: Charkh, model):
    charkh.add_user("root", None, admin=True)
    root = charkh.caller_named("root")
    charkh.import_bpmn(model("camunda8_form.bpmn"), deploy=True)
    instance_id = charkh.start("camunda8_form", root)
    [listed] = [i for i in charkh.work_items(root, mine=False) if i["instance_id"] == instance_id]

    assert charkh.work_item(listed["id"], root)["form"]["id"] == "qty_form"
    assert refusal(charkh, root, listed["id"], {}) == {"qty": "is required"}


def test_export_gives_the_form_back_unchanged(charkh: Charkh, model):
    data = model("expense_form.bpmn")
    charkh.import_bpmn(data, deploy=True)

    exported = charkh.bpmn("expense_form")

    assert exported == data
    assert facts(exported) == facts(data)


def test_camunda_7_form_fields_still_deploy_and_run(charkh: Charkh, model):
    charkh.add_user("root", None, admin=True)
    root = charkh.caller_named("root")
    data = model("camunda7_form.bpmn")
    summary = charkh.import_bpmn(data, deploy=True)
    instance_id = charkh.start("camunda7_form", root)
    [listed] = [i for i in charkh.work_items(root, mine=False) if i["instance_id"] == instance_id]

    done = charkh.complete(listed["id"], root, None, {"anything": 1})

    assert summary["problems"] == []
    assert done["instance"]["status"] == "completed"
    assert charkh.bpmn("camunda7_form") == data


# --- hostile forms --------------------------------------------------------------------------

def _with_form(text: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:charkh="https://charkh.dev/schema/bpmn"
    id="d" targetNamespace="t">
  <process id="hostile_form" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>
    <userTask id="ask"><extensionElements><charkh:form>{text}</charkh:form></extensionElements></userTask>
    <sequenceFlow id="f2" sourceRef="ask" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>""".encode()


HOSTILE = {
    "deep": '{"components": []' + ', "x": ' + "[" * 5000 + "]" * 5000 + "}",
    "huge": json.dumps({"components": [{"type": "text", "text": "x" * (MAX_FORM_CHARS + 1)}]}),
    "many": json.dumps({"components": [{"type": "textfield", "key": f"f{n}"} for n in range(1001)]}),
    "not json": "{components: [",
    "not a form": "[1, 2, 3]",
    "no key": '{"components": [{"type": "number", "label": "Amount"}]}',
    "twice": '{"components": [{"type": "number", "key": "a"}, {"type": "textfield", "key": "a"}]}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_form_is_a_problem_at_upload_and_deploy_refuses_it(charkh: Charkh, kind: str):
    summary = charkh.import_bpmn(_with_form(HOSTILE[kind]))

    assert [p["element"] for p in summary["problems"]] == ["ask"]
    with pytest.raises(Invalid) as refused:
        charkh.deploy("hostile_form", None, None)
    assert [p["element"] for p in refused.value.details["problems"]] == ["ask"]


def test_a_form_nested_past_the_limit_is_refused_with_the_limit_named():
    from engine.errors import FormRefused

    deep = '{"components": [], "x": ' + "[" * MAX_FORM_DEPTH + "]" * MAX_FORM_DEPTH + "}"

    with pytest.raises(FormRefused, match=f"deeper than {MAX_FORM_DEPTH} levels"):
        parse_form(deep)


def test_what_form_js_sends_for_untouched_fields_is_accepted():
    """form-js starts an empty text field as "" and sends read-only fields back as it shows them."""
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [
        {"type": "textfield", "key": "approver", "readonly": True},
        {"type": "number", "key": "qty"}, {"type": "select", "key": "kind", "values": [{"label": "A", "value": "a"}]},
        {"type": "textfield", "key": "note"}]}, 10)

    check_submission(fields, {"approver": "", "qty": None, "kind": None, "note": ""}, {})


# --- fields an action requires (charkh:requiredFields) ----------------------------------------

@pytest.fixture
def approval(charkh: Charkh, worker, model) -> str:
    charkh.import_bpmn(model("required_for_action.bpmn"), deploy=True)
    instance_id = charkh.start("required_for_action", worker)
    [listed] = [i for i in charkh.work_items(worker) if i["instance_id"] == instance_id]
    return listed["id"]


def test_an_action_refuses_to_be_taken_without_the_fields_it_requires(charkh, worker, approval):
    with pytest.raises(Invalid) as refused:
        charkh.complete(approval, worker, "Reject", {"reason": ""})

    assert refused.value.details["fields"] == [
        {"field": "reason", "message": "is required to take this action"},
        {"field": "review.by", "message": "is required to take this action"}]
    assert charkh.work_item(approval, worker)["status"] == "open"


def test_an_action_with_its_fields_filled_and_one_without_requirements_complete(charkh, worker, approval):
    done = charkh.complete(approval, worker, "Reject", {"reason": "late", "review": {"by": "sima"}})

    assert done["work_item"]["status"] == "completed"


def test_an_action_without_requirements_takes_any_data(charkh, worker, approval):
    assert charkh.complete(approval, worker, "Approve", {})["work_item"]["action"] == "approved"


def test_an_actions_required_field_on_a_form_is_named_once():
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [{"type": "textfield", "key": "reason"},
                                       {"type": "number", "key": "qty", "validate": {"required": True}}]}, 10)

    with pytest.raises(Invalid) as refused:
        check_submission(fields, {}, {}, ("reason", "qty"))
    assert refused.value.details["fields"] == [{"field": "qty", "message": "is required"},
                                               {"field": "reason", "message": "is required to take this action"}]


@pytest.mark.parametrize(("component", "value", "problem"), [
    ({"type": "datetime", "subtype": "time"}, "09:30", None),
    ({"type": "datetime", "subtype": "time"}, "09:30+03:30", None),
    ({"type": "datetime", "subtype": "time"}, "half past nine", "must be a time (HH:MM)"),
    ({"type": "datetime", "subtype": "datetime"}, "2026-12-01T09:30Z", None),
    ({"type": "datetime", "subtype": "datetime"}, "2026-13-01T09:30", "must be a date and time (YYYY-MM-DDTHH:MM)"),
    ({"type": "textfield", "validate": {"validationType": "email"}}, "sara@example.com", None),
    ({"type": "textfield", "validate": {"validationType": "email"}}, "sara at example", "must be an email address"),
    ({"type": "number", "serializeToString": True}, "12.50", None),
    ({"type": "number", "serializeToString": True}, "twelve", "must be a number"),
    ({"type": "number", "validate": {"max": 10}}, 11, "must be at most 10"),
    ({"type": "textfield", "validate": {"minLength": 3}}, "ab", "must have at least 3 characters"),
    ({"type": "checklist", "values": [{"label": "A", "value": "a"}]}, ["a", "z"],
     "has values that are not among its options: ['z']"),
    ({"type": "taglist", "values": [{"label": "A", "value": "a"}]}, "a", "must be a list of options"),
    ({"type": "radio", "values": [{"label": "A", "value": "a"}]}, "a", None),
    ({"type": "expression", "expression": "=1 + 1"}, 2, None),
])
def test_each_kind_of_field_takes_what_form_js_writes_for_it(component, value, problem):
    from engine.form_fields import check_submission, fields_of

    fields = fields_of({"components": [{**component, "key": "f"}]}, 10)

    if problem is None:
        check_submission(fields, {"f": value}, {})
    else:
        with pytest.raises(Invalid) as refused:
            check_submission(fields, {"f": value}, {})
        assert refused.value.details["fields"] == [{"field": "f", "message": problem}]
