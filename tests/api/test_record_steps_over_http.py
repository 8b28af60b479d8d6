"""Record steps through the API (MISSION F4.8-F4.10): an invoice written by POST /records starts its
approval; completing the approval's item changes the invoice in the same command, which GET shows
with its history; a step that fails answers 422 naming it and changes nothing."""
from __future__ import annotations

import pytest

from tests.api.test_records import new_invoice, ok
from tests.engine.test_record_steps import step_model


@pytest.fixture
def approvals(admin, model, make_user):
    ok(admin.upload(model("record_steps.bpmn")), 201)
    return make_user("mona", groups=["managers"])


@pytest.fixture
def sara(make_user):
    return make_user("sara", groups=["sales"])


def test_completing_an_item_runs_the_record_steps_after_it_and_the_record_shows_them(approvals, sara, admin):
    invoice = new_invoice(sara, number="INV-10", customer="Acme", amount=60, status="draft")
    [approval] = invoice["instances"]
    [item] = ok(approvals.get("/work-items"))
    assert item["instance_id"] == approval
    done = ok(approvals.post(f"/work-items/{item['id']}/complete", json={"data": {"approver": "mona"}}))
    assert done["instance"]["variables"]["seen_status"] == "approved"

    stored = ok(sara.get(f"/records/invoice/{invoice['id']}"))
    assert stored["fields"]["status"] == "approved" and stored["fields"]["amount"] == 120
    assert stored["fields"]["customer"] == "Acme (approved by mona)"
    history = ok(admin.get(f"/records/invoice/{invoice['id']}/history"))
    changes = [e for e in history if e["type"] == "record_changed"]
    assert [(c["user"], c["instance_id"]) for c in changes] == [("mona", approval)] * 2
    # the write fired "ship approved" (an update trigger of another process) once per write
    shipping = [i for i in ok(admin.get("/instances")) if i["process"] == "ship_approved"]
    assert len(shipping) == 2 and {i["record"]["id"] for i in shipping} == {invoice["id"]}


def test_a_step_that_fails_answers_422_naming_it_and_the_record_is_unchanged(approvals, sara):
    invoice = new_invoice(sara, number="INV-11", amount=13, status="draft")
    [item] = ok(approvals.get("/work-items"))
    refused = approvals.post(f"/work-items/{item['id']}/complete", json={"data": {"approver": "mona"}})
    assert refused.status_code == 422 and "ZeroDivisionError" in refused.json["error"]["message"]
    stored = ok(sara.get(f"/records/invoice/{invoice['id']}"))
    assert stored["version"] == 1 and stored["fields"]["status"] == "draft"
    assert [i["id"] for i in ok(approvals.get("/work-items"))] == [item["id"]]


def test_an_instance_started_for_a_record_by_post_instances_changes_that_record(admin, sara):
    ok(admin.upload(step_model("mark_paid", {"fields": "paid=true\nstatus=paid"})), 201)
    invoice = new_invoice(sara, number="INV-12", status="approved")
    started = ok(sara.start("mark_paid", record={"entity": "invoice", "id": invoice["id"]}), 201)
    assert started["variables"]["record"]["status"] == "paid"
    stored = ok(sara.get(f"/records/invoice/{invoice['id']}"))
    assert stored["fields"]["paid"] is True and stored["fields"]["status"] == "paid"

    wrong = ok(admin.upload(step_model("mark_wrong", {"fields": "status=${colour}"})), 201)
    refused = sara.start(wrong["key"], {"colour": "purple"}, record={"entity": "invoice", "id": invoice["id"]})
    assert refused.status_code == 422
    assert refused.json["error"]["message"].startswith("record step 'Change it': field 'status' is a picklist")


def test_deploy_refuses_a_record_step_that_names_a_field_the_entity_lacks(admin):
    refused = admin.upload(step_model("bad_field", {"fields": "colour=red"}))
    assert refused.status_code == 422
    [problem] = refused.json["error"]["details"]["problems"]
    assert problem["element"] == "step"
    assert problem["message"] == "charkh-record-update: 'colour' is not a field of invoice"


def test_the_designers_validate_names_a_record_step_without_its_link_field(admin):
    bad = step_model("no_link", {"entity": "invoice", "fields": "mobile=${record.mobile}"},
                     connector="charkh-record-update-related")
    answer = ok(admin.client.post("/api/v1/validate", data=bad,
                                  headers={**admin.headers, "Content-Type": "application/xml"}))
    [problem] = [p for p in answer["problems"] if p["source"] == "engine"]
    assert problem["element"] == "step" and problem["severity"] == "error"
    assert problem["message"].startswith("charkh-record-update-related: link_field: name the reference field")
