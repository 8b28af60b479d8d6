"""Typed conditions on flows over HTTP (issue 16, item 4): a picklist value its field does not offer
refuses the deploy (422 naming the flow or trigger, the field and the value; nothing deployed), and
a deployed file's export carries each flow's conditions also as a standard conditionExpression."""
from __future__ import annotations

import re


def refusal(response) -> list[dict]:
    assert response.status_code == 422, response.json
    return [p for p in response.json["error"]["details"]["problems"] if p["source"] == "engine"]


def test_a_flow_condition_on_a_picklist_value_the_field_lacks_is_refused_naming_it(admin, model):
    data = model("record_routing.bpmn").replace(b'value="approved,shipped"', b'value="approved,archived"')

    problems = refusal(admin.upload(data, deploy=True))

    assert problems == [{"element": "f_status", "severity": "error", "source": "engine",
                         "message": "charkh:conditions on 'invoice': field 'status': 'archived' is not one of its "
                                    "options (draft, approved, paid, shipped, cancelled)"}]
    assert admin.get("/definitions/record_routing/bpmn").status_code == 404  # nothing stored


def test_a_trigger_condition_on_a_picklist_value_the_field_lacks_is_refused_at_deploy(admin, model):
    data = model("invoice_triggers.bpmn").replace(b'operator="is" value="approved"', b'operator="is" value="Approved"')
    assert admin.upload(data, deploy=False).status_code == 201

    problems = refusal(admin.post("/definitions/invoice_triggers/deploy"))

    assert [(p["element"], p["message"]) for p in problems] == [
        ("invoice_triggers", "charkh:trigger on schedule of 'invoice': field 'status': 'Approved' is not one of its "
                             "options (draft, approved, paid, shipped, cancelled)")]
    assert admin.start("invoice_triggers").status_code == 422  # no deployed version


def test_the_options_checked_are_the_stored_entitys_as_an_admin_defines_them(admin, model):
    data = model("record_routing.bpmn").replace(b'value="approved,shipped"', b'value="approved,returned"')
    assert refusal(admin.upload(data, deploy=True))

    invoice = next(e for e in admin.get("/entities").json if e["name"] == "invoice")
    for field in invoice["fields"]:
        if field["name"] == "status":
            field["options"].append("returned")
    assert admin.client.put("/api/v1/entities/invoice", json=invoice, headers=admin.headers).status_code == 200

    deployed = admin.upload(data, deploy=True)
    assert deployed.status_code == 201, deployed.json


def test_the_export_of_a_deployed_definition_carries_conditions_and_their_condition_expression(admin, model):
    assert admin.upload(model("record_routing.bpmn"), deploy=True).status_code == 201

    exported = admin.get("/definitions/record_routing/bpmn").data
    again = admin.upload(exported, deploy=True)

    flow = re.search(rb'<bpmn:sequenceFlow id="f_paid".*?</bpmn:sequenceFlow>', exported, re.S).group(0)
    assert b'<charkh:condition field="paid" operator="checked"/>' in flow
    assert re.search(rb'<bpmn:conditionExpression [^>]*xsi:type="bpmn:tFormalExpression"[^>]*>=record.paid = true'
                     rb'</bpmn:conditionExpression>', flow)
    assert again.status_code == 201 and again.json["unchanged"] is True
    assert admin.get("/definitions/record_routing/bpmn").data == exported
