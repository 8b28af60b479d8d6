"""Forms through the HTTP API: a work item's JSON carries its task's form-js schema, a completion's
data is checked against it (422 naming the fields), and a hostile form is a problem of the file."""
from __future__ import annotations

import json

import pytest

from engine.forms import MAX_FORM_DEPTH


@pytest.fixture
def expense(make_user, admin, model):
    """sima of the staff group, with the expense form model deployed and one instance started."""
    sima = make_user("sima", groups=["staff"])
    assert admin.upload(model("expense_form.bpmn")).status_code == 201
    assert sima.start("expense_form").status_code == 201
    [item] = sima.cartable()
    return sima, item["id"]


def test_get_work_item_answers_the_form(expense):
    sima, item_id = expense

    body = sima.get(f"/work-items/{item_id}").json

    assert body["form"]["id"] == "expense"
    assert {c["key"] for c in body["form"]["components"] if "key" in c} >= {"note", "amount", "urgent", "kind"}


def test_a_missing_required_field_is_422_naming_it(expense):
    sima, item_id = expense

    response = sima.complete(item_id, data={"note": "taxi", "customer": {"name": "Pars Co"}})

    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert "amount" in response.json["error"]["message"]
    assert response.json["error"]["details"]["fields"] == [{"field": "amount", "message": "is required"}]
    assert sima.get(f"/work-items/{item_id}").json["status"] == "open"


def test_a_wrong_type_is_422_naming_the_fields(expense):
    sima, item_id = expense

    response = sima.complete(item_id, data={"amount": "12", "urgent": 1, "customer": {"name": "Pars Co"}})

    assert response.status_code == 422
    assert response.json["error"]["details"]["fields"] == [
        {"field": "amount", "message": "must be a number"}, {"field": "urgent", "message": "must be true or false"}]


def test_filled_in_data_completes_the_item(expense):
    sima, item_id = expense

    response = sima.complete(item_id, data={"amount": 40, "kind": "travel", "customer": {"name": "Pars Co"}})

    assert response.status_code == 200, response.json
    assert response.json["instance"]["status"] == "completed"


def test_a_refused_completion_of_someone_elses_item_is_403_before_the_form(expense, make_user):
    _, item_id = expense
    stranger = make_user("bob", groups=["other"])

    assert stranger.complete(item_id, data={"amount": "wrong"}).status_code == 403


def test_export_returns_the_form_as_uploaded(expense, admin, model):
    response = admin.get("/definitions/expense_form/bpmn")

    assert response.data == model("expense_form.bpmn")


def test_a_hostile_form_is_a_problem_at_upload_and_deploy_is_422(admin):
    deep = '{"components": [], "x": ' + "[" * 3000 + "]" * 3000 + "}"
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:charkh="https://charkh.dev/schema/bpmn"
    id="d" targetNamespace="t">
  <process id="deep_form" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>
    <userTask id="ask"><extensionElements><charkh:form>{deep}</charkh:form></extensionElements></userTask>
    <sequenceFlow id="f2" sourceRef="ask" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>""".encode()

    stored = admin.upload(data, deploy=False)
    deployed = admin.post("/definitions/deep_form/deploy")

    assert stored.status_code == 201
    assert stored.json["problems"] == [
        {"element": "ask", "message": f"the form nests deeper than {MAX_FORM_DEPTH} levels"}]
    assert deployed.status_code == 422
    assert [(p["element"], p["message"]) for p in deployed.json["error"]["details"]["problems"]] == [
        ("ask", f"the form nests deeper than {MAX_FORM_DEPTH} levels")]
    assert admin.upload(data, deploy=True).status_code == 422


def test_a_huge_form_is_refused_at_deploy(admin):
    huge = json.dumps({"components": [{"type": "text", "text": "x" * 300_000}]})
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:charkh="https://charkh.dev/schema/bpmn"
    id="d" targetNamespace="t">
  <process id="huge_form" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="ask"/>
    <userTask id="ask"><extensionElements><charkh:form>{huge}</charkh:form></extensionElements></userTask>
    <sequenceFlow id="f2" sourceRef="ask" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>""".encode()

    response = admin.upload(data, deploy=True)

    assert response.status_code == 422
    [problem] = response.json["error"]["details"]["problems"]
    assert problem["element"] == "ask" and "the form takes" in problem["message"]


def test_an_action_without_the_fields_it_requires_is_422_naming_them(make_user, admin, model):
    sima = make_user("sima", groups=["staff"])
    assert admin.upload(model("required_for_action.bpmn")).status_code == 201
    sima.start("required_for_action")
    [item] = sima.cartable()

    refused = sima.complete(item["id"], "Reject", data={"reason": "too late"})
    approved = sima.complete(item["id"], "Approve")

    assert refused.status_code == 422
    assert "review.by" in refused.json["error"]["message"]
    assert refused.json["error"]["details"]["fields"] == [
        {"field": "review.by", "message": "is required to take this action"}]
    assert approved.status_code == 200
