"""Deploy refuses a trigger or a typed condition that cannot run (422, each problem naming its
element and the entity, field, operator or schedule at fault), through the upload with
?deploy=true and through POST /definitions/{key}/deploy alike; the file is still stored."""
from __future__ import annotations

import pytest

GOOD = "invoice_triggers.bpmn"


def problems_of_refusal(response) -> list[dict]:
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "invalid"
    return [p for p in error["details"]["problems"] if p["source"] == "engine"]


def test_a_model_with_good_triggers_deploys(admin, model):
    response = admin.upload(model(GOOD))
    assert response.status_code == 201, response.json
    assert response.json["deployed"] is True


@pytest.mark.parametrize("change,element,named", [
    ((b'entity="invoice" on="update"', b'entity="invoce" on="update"'), "invoice_triggers",
     "entity 'invoce' is unknown"),
    ((b'entity="invoice" on="update"', b'entity="order" on="update"'), "f_large",
     "process 'invoice_triggers' names several entities (invoice, order)"),
    ((b'field="amount" operator="gt"', b'field="amout" operator="gt"'), "invoice_triggers", "field 'amout' is unknown"),
    ((b'field="amount" operator="gt"', b'field="amount" operator="contains"'), "invoice_triggers",
     "operator 'contains' does not fit field 'amount' (number)"),
    ((b'schedule="0 9 * * 1-5"', b'schedule="0 25 * * *"'), "invoice_triggers", "schedule '0 25 * * *' is neither"),
    ((b'schedule="0 9 * * 1-5"', b'schedule="0 0 31 2 *"'), "invoice_triggers",
     "schedule '0 0 31 2 *' never falls on a day"),
    ((b'on="macro"', b'on="delete"'), "invoice_triggers", "on must be one of create, update, schedule, macro"),
    ((b'field="amount" operator="ge" value="5000"', b'field="amount" operator="ge" value="5k"'), "f_large",
     "field 'amount': '5k' is not a number"),
    ((b'field="due_on" operator="between"', b'field="due" operator="between"'), "f_due", "field 'due' is unknown"),
])
def test_deploy_is_422_naming_what_cannot_run(admin, model, change, element, named):
    data = model(GOOD).replace(*change)
    assert data != model(GOOD)

    uploaded = admin.upload(data, deploy=True)
    stored = admin.upload(data, deploy=False)
    deployed = admin.post("/definitions/invoice_triggers/deploy")

    for problems in (problems_of_refusal(uploaded), problems_of_refusal(deployed)):
        assert any(p["element"] == element and named in p["message"] and p["severity"] == "error"
                   for p in problems), problems
    assert stored.status_code == 201, stored.json
    assert stored.json["deployed"] is False


def test_typed_conditions_on_a_flow_of_a_process_without_an_entity_are_refused(admin, model):
    data = model("record_routing.bpmn").replace(b'<charkh:trigger entity="invoice"/>', b"")

    problems = problems_of_refusal(admin.upload(data, deploy=True))

    assert {p["element"] for p in problems} == {"f_urgent", "f_status", "f_paid"}
    assert all("names no entity" in p["message"] for p in problems)


def test_a_stored_version_with_a_bad_trigger_does_not_become_runnable(admin, model):
    data = model(GOOD).replace(b'entity="invoice" on="macro"', b'entity="invoce" on="macro"')
    assert admin.upload(data, deploy=False).status_code == 201

    problems_of_refusal(admin.post("/definitions/invoice_triggers/deploy"))
    started = admin.start("invoice_triggers")

    assert started.status_code == 422, started.json
