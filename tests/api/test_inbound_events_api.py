"""POST /api/v1/inbound-events and POST /api/v1/instances/{id}/restart over HTTP (issue 16, items
6 and 8): what an integration or a person posting an event, or restarting a drip, sees."""
from __future__ import annotations

import pytest


@pytest.fixture
def crm(make_user, model):
    olga = make_user("olga", analyst=True)
    for name in ("inbound_call.bpmn", "invoice_payment.bpmn", "drip_sequence.bpmn"):
        assert olga.upload(model(name)).status_code == 201
    sam = make_user("sam", groups=["sales"])
    gate = make_user("gate", integration=True)
    contact = sam.post("/records/contact", json={"fields": {"first_name": "Ana"}}).json
    return {"olga": olga, "sam": sam, "gate": gate, "record": {"entity": "contact", "id": contact["id"]}}


def test_an_event_starts_delivers_or_keeps_and_says_which(crm):
    gate, sam, record = crm["gate"], crm["sam"], crm["record"]

    started = gate.post("/inbound-events", json={"name": "phone_call", "record": record})
    assert started.status_code == 200
    assert len(started.json["started"]) == 1 and started.json["delivered"] == [] and started.json["kept"] is None
    assert [i["name"] for i in sam.cartable()] == ["Call back"]

    invoice = sam.start("invoice_payment", record=record).json
    kept = gate.post("/inbound-events", json={"name": "payment_received", "record": record, "data": {"paid": 5}})
    assert kept.json["kept"]["id"] and kept.json["delivered"] == []

    approve = next(i for i in sam.cartable() if i["instance_id"] == invoice["id"])
    answer = sam.complete(approve["id"]).json
    assert [i["name"] for i in answer["instance"]["work_items"]] == ["Ship"]  # the kept payment, taken at once

    second = sam.start("invoice_payment", record=record).json
    second_item = next(i for i in sam.cartable() if i["instance_id"] == second["id"])
    sam.complete(second_item["id"])
    delivered = gate.post("/inbound-events", json={"name": "payment_received", "record": record})
    assert delivered.json == {"started": [], "delivered": [second["id"]], "kept": None, "failed": []}


def test_an_idempotency_key_makes_a_retried_event_do_nothing_twice(crm):
    gate, record = crm["gate"], crm["record"]
    headers = {**gate.headers, "Idempotency-Key": "call-42"}
    body = {"name": "phone_call", "record": record}

    first = gate.client.post("/api/v1/inbound-events", json=body, headers=headers)
    again = gate.client.post("/api/v1/inbound-events", json=body, headers=headers)

    assert first.json == again.json and len(first.json["started"]) == 1
    assert len(crm["olga"].get("/instances", query_string={"definition": "inbound_call"}).json) == 1
    other = gate.client.post("/api/v1/inbound-events", json={**body, "data": {"x": 1}}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["error"]["message"]


def test_a_private_process_is_not_touched_for_an_outsider(crm, make_user, app):
    olga = app.extensions["charkh"].caller_named("olga")
    app.extensions["charkh_process_list"].update("inbound_call", olga, {"visibility": "private", "access": ["sam"]})
    otto = make_user("otto")

    answer = otto.post("/inbound-events", json={"name": "phone_call", "record": crm["record"]})

    assert answer.status_code == 200 and answer.json["started"] == []
    assert crm["olga"].get("/instances", query_string={"definition": "inbound_call"}).json == []
    assert len(crm["sam"].post("/inbound-events", json={"name": "phone_call",
                                                          "record": crm["record"]}).json["started"]) == 1


@pytest.mark.parametrize("body, status", [
    ({"data": {}}, 422),
    ({"name": "x" * 256}, 422),
    ({"name": "x", "record": {"entity": "contact", "id": "1"}, "correlation": {"a": 1}}, 422),
    ({"name": "x", "correlation": {"a": 1, "b": 2}}, 422),
    ({"name": "x", "correlation": {"a": 1}, "ttl": -5}, 422),
    ({"name": "phone_call", "record": {"entity": "contact", "id": "999999"}}, 404),
    ({"name": "phone_call", "record": {"entity": "no_such_entity", "id": "1"}}, 404),
])
def test_a_bad_event_is_a_4xx_and_changes_nothing(crm, body, status):
    answer = crm["gate"].post("/inbound-events", json=body)
    assert answer.status_code == status, answer.json
    assert "error" in answer.json
    assert crm["olga"].get("/instances").json == []


def test_an_event_needs_a_token(client):
    assert client.post("/api/v1/inbound-events", json={"name": "x"}).status_code == 401


def test_the_openapi_document_shows_both_operations(client):
    paths = client.get("/openapi.json").json["paths"]
    assert "post" in paths["/api/v1/inbound-events"]
    assert "post" in paths["/api/v1/instances/{instance_id}/restart"]


def test_a_finished_instance_restarts_over_http(crm, make_user):
    sam = crm["sam"]
    first = sam.start("drip_sequence", {"campaign": "welcome"}, record=crm["record"]).json
    assert first["status"] == "completed"

    again = sam.post(f"/instances/{first['id']}/restart")

    assert again.status_code == 201
    assert again.json["id"] != first["id"] and again.json["record"] == crm["record"]
    assert again.json["variables"]["campaign"] == "welcome"
    history = sam.get(f"/instances/{again.json['id']}").json["history"]
    assert {"type": "instance_restarted", "data": {"instance": first["id"]}}.items() <= \
        next(h for h in history if h["type"] == "instance_restarted").items()
    running = sam.start("invoice_payment").json
    assert sam.post(f"/instances/{running['id']}/restart").status_code == 409
    assert make_user("otto").post(f"/instances/{first['id']}/restart").status_code == 403
    assert sam.post("/instances/999999/restart").status_code == 404
