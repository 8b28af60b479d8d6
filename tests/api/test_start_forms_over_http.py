"""Starting a case through its start form over HTTP (issue 15): GET /definitions/{key}/start-form
answers the form whoever may start the process fills in, and POST /instances checks the variables
against it (422 naming the fields, nothing started)."""
from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def complaints(make_user, model):
    """olga deployed the complaint process (a start form) and the invoice cycle (none); sara starts
    cases, otto is of another team."""
    olga = make_user("olga", analyst=True)
    for name in ("complaint_start_form.bpmn", "invoice.bpmn"):
        assert olga.upload(model(name)).status_code == 201
    return {"olga": olga, "sara": make_user("sara", groups=["sales"]), "otto": make_user("otto", groups=["others"]),
            "sam": make_user("sam", groups=["support"])}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def test_the_start_form_endpoint_answers_the_start_events_form(complaints):
    found = ok(complaints["sara"].get("/definitions/complaint/start-form"))

    assert {k: found[k] for k in ("key", "version", "process", "element")} == {
        "key": "complaint", "version": 1, "process": "complaint", "element": "registered"}
    assert found["form"]["id"] == "complaint_start"
    required = [c["key"] for c in found["form"]["components"] if c.get("validate", {}).get("required")]
    assert required == ["customer"]


def test_a_process_without_a_start_form_answers_form_null(complaints):
    found = ok(complaints["sara"].get("/definitions/invoice/start-form"))

    assert found["form"] is None and found["process"] == "invoice"


def test_starting_without_the_start_forms_required_field_is_422_naming_it_and_starts_nothing(complaints):
    sara = complaints["sara"]

    response = sara.start("complaint", {"channel": "phone", "details": "no invoice"})

    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert "customer" in response.json["error"]["message"]
    assert response.json["error"]["details"]["fields"] == [{"field": "customer", "message": "is required"}]
    assert ok(sara.get("/instances")) == []
    assert complaints["sam"].cartable() == []


def test_a_filled_in_start_form_starts_the_case_with_its_values(complaints):
    started = ok(complaints["sara"].start("complaint", {"customer": "Pars Co", "channel": "email"}), 201)

    assert started["variables"] == {"customer": "Pars Co", "channel": "email"}
    [item] = complaints["sam"].cartable()
    assert item["title"] == "Complaint — Pars Co"


def test_a_process_without_a_start_form_still_takes_any_variables(complaints):
    ok(complaints["sara"].start("invoice", {"number": 1, "customer": "Kish", "anything": [1, 2]}), 201)


def test_who_may_not_start_a_process_never_gets_its_form(complaints, app):
    process_list = app.extensions["charkh_process_list"]
    olga = app.extensions["charkh"].caller_named("olga")
    process_list.update("complaint", olga, {"visibility": "private", "access": ["sara"]})

    refused = complaints["otto"].get("/definitions/complaint/start-form")
    assert refused.status_code == 403
    assert "form" not in refused.json and "components" not in refused.get_data(as_text=True)
    assert complaints["sara"].get("/definitions/complaint/start-form").status_code == 200
    assert complaints["sara"].get("/definitions/nothing/start-form").status_code == 404
    assert complaints["sara"].get("/definitions/complaint/start-form?process=other").status_code == 422
    process_list.update("complaint", olga, {"active": False})
    assert complaints["sara"].get("/definitions/complaint/start-form").status_code == 422


def test_the_start_form_needs_a_token(client, complaints):
    assert client.get("/api/v1/definitions/complaint/start-form").status_code == 401
