"""Issue 13's attacks, each by an ordinary signed-in user, each refused; and what the roles may do."""
from __future__ import annotations

import pytest

INVOICE = {"customer": "Pars Co", "amount": 1200}


def _private(data: bytes) -> bytes:
    """The invoice model as the designer's panel saves it private."""
    return data.replace(b'<bpmn:process id="invoice"',
                        b'<bpmn:process xmlns:charkh="https://charkh.dev/schema/bpmn" '
                        b'charkh:visibility="private" id="invoice"', 1)


def _public(data: bytes) -> bytes:
    return data.replace(b'<bpmn:process id="invoice"',
                        b'<bpmn:process xmlns:charkh="https://charkh.dev/schema/bpmn" '
                        b'charkh:visibility="public" id="invoice"', 1)


@pytest.fixture
def invoice_run(make_user, model):
    """Sara (an analyst) owns the invoice cycle; Mona approves; an instance waits for Mona."""
    sara = make_user("sara", groups=["sales"], analyst=True)
    mona = make_user("mona", groups=["sales-managers"])
    assert sara.upload(model("invoice.bpmn")).status_code == 201
    started = sara.start("invoice", INVOICE).json
    return sara, mona, started


def test_a_stranger_cannot_read_someone_elses_instance_or_item(invoice_run, make_user):
    sara, mona, started = invoice_run
    eve = make_user("eve", groups=["sales"])
    item_id = started["work_items"][0]["id"]

    assert eve.get(f"/instances/{started['id']}").status_code == 403
    assert eve.get(f"/work-items/{item_id}").status_code == 403
    assert "customer" not in eve.get(f"/instances/{started['id']}").get_data(as_text=True)
    assert mona.get(f"/instances/{started['id']}").json["variables"] == INVOICE  # she has an item on it
    assert mona.get(f"/work-items/{item_id}").status_code == 200


def test_those_who_had_an_item_keep_seeing_the_instance(invoice_run, make_user):
    sara, mona, started = invoice_run
    item_id = started["work_items"][0]["id"]
    assert mona.complete(item_id, "Approve").status_code == 200
    assert mona.cartable() == []

    assert mona.get(f"/instances/{started['id']}").status_code == 200
    assert mona.get(f"/work-items/{item_id}").json["status"] == "completed"


def test_lists_show_only_visible_instances_and_items(invoice_run, make_user, admin):
    sara, mona, started = invoice_run
    eve = make_user("eve", groups=["warehouse"])
    mine = eve.start("invoice", INVOICE).json

    assert [i["id"] for i in eve.get("/instances").json] == [mine["id"]]
    assert [i["id"] for i in mona.get("/instances").json] == [started["id"], mine["id"]]
    assert [i["instance_id"] for i in eve.get("/work-items?mine=false&status=all").json] == [mine["id"]]
    assert len(admin.get("/work-items?mine=false&status=all").json) == 2
    assert len(admin.get("/instances").json) == 2


def test_a_private_definitions_instances_are_hidden_even_from_its_group(make_user, model, client):
    sara = make_user("sara", analyst=True)
    mona = make_user("mona", groups=["sales-managers"])
    omid = make_user("omid", groups=["sales-managers"])
    assert sara.upload(_private(model("invoice.bpmn"))).status_code == 201
    assert client.patch("/api/v1/definitions/invoice", json={"access": ["sara", "mona"]},
                        headers=sara.headers).status_code == 200
    started = sara.start("invoice", INVOICE).json
    item_id = started["work_items"][0]["id"]

    assert omid.get("/instances?definition=invoice").json == []
    assert omid.cartable() == []
    assert omid.get(f"/instances/{started['id']}").status_code == 403
    assert omid.post(f"/work-items/{item_id}/claim").status_code == 403
    assert omid.complete(item_id, "Approve").status_code == 403
    assert [i["id"] for i in mona.cartable()] == [item_id]
    assert mona.complete(item_id, "Approve").status_code == 200


WAIT_FOR_PAYMENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <message id="payment_message" name="payment_received"/>
  <process id="wait_for_payment" isExecutable="true">
    <startEvent id="begin"/>
    <sequenceFlow id="f1" sourceRef="begin" targetRef="paid"/>
    <intermediateCatchEvent id="paid"><messageEventDefinition messageRef="payment_message"/>
    </intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="paid" targetRef="done"/>
    <endEvent id="done"/>
  </process>
</definitions>"""


def test_posting_a_message_needs_a_part_in_the_instance_or_an_integration_user(admin, make_user):
    assert admin.upload(WAIT_FOR_PAYMENT).status_code == 201
    starter = make_user("sara")
    stranger = make_user("eve")
    gateway = make_user("bank", integration=True)
    first = starter.start("wait_for_payment").json["id"]
    second = starter.start("wait_for_payment").json["id"]

    refused = stranger.post(f"/instances/{first}/messages", json={"name": "payment_received"})
    assert refused.status_code == 403 and "integration" in refused.json["error"]["message"]
    assert stranger.get(f"/instances/{first}").json["error"]["code"] == "forbidden"
    assert starter.post(f"/instances/{first}/messages", json={"name": "payment_received"}).status_code == 200
    assert gateway.post(f"/instances/{second}/messages", json={"name": "payment_received"}).status_code == 200
    assert starter.post("/instances/999/messages", json={"name": "payment_received"}).status_code == 404


def test_plain_users_upload_and_deploy_nothing(make_user, model):
    plain = make_user("eve")

    refused = plain.upload(model("invoice.bpmn"))
    assert refused.status_code == 403 and "analysts" in refused.json["error"]["message"]
    assert plain.upload(model("invoice.bpmn"), deploy=False).status_code == 403
    assert plain.get("/definitions").json == []


def test_a_plain_user_cannot_deploy_someone_elses_definition(make_user, model):
    sara = make_user("sara", analyst=True)
    eve = make_user("eve")
    assert sara.upload(model("invoice.bpmn"), deploy=False).status_code == 201

    assert eve.post("/definitions/invoice/deploy").status_code == 403
    assert sara.get("/definitions/invoice").json["deployed"] is False
    assert eve.post("/definitions/nothing/deploy").status_code == 404  # 404 comes before 403


def test_another_analyst_cannot_add_a_version_or_reach_a_private_definition(make_user, model, client):
    sara = make_user("sara", analyst=True)
    omid = make_user("omid", analyst=True)
    assert sara.upload(_private(model("invoice.bpmn"))).status_code == 201

    hijack = omid.upload(_public(model("invoice.bpmn")))
    assert hijack.status_code == 403 and "owners: sara" in hijack.json["error"]["message"]
    widen = client.patch("/api/v1/definitions/invoice", json={"visibility": "public", "access": ["omid"]},
                         headers=omid.headers)
    assert widen.status_code == 403

    detail = sara.get("/definitions/invoice").json
    assert [v["version"] for v in detail["versions"]] == [1]  # nothing stored
    assert detail["visibility"] == "private" and detail["access"] == ["sara"]
    assert omid.get("/definitions/invoice").status_code == 403


def test_an_owner_shares_editing_with_another_analyst(make_user, model, client):
    sara = make_user("sara", analyst=True)
    omid = make_user("omid", analyst=True)
    eve = make_user("eve")
    assert sara.upload(model("invoice.bpmn")).status_code == 201

    not_analyst = client.patch("/api/v1/definitions/invoice", json={"owners": ["sara", "eve"]},
                               headers=sara.headers)
    assert not_analyst.status_code == 422 and "eve" in not_analyst.json["error"]["message"]
    shared = client.patch("/api/v1/definitions/invoice", json={"owners": ["sara", "omid"]}, headers=sara.headers)
    assert shared.status_code == 200 and shared.json["owners"] == ["omid", "sara"]
    assert omid.upload(model("invoice.bpmn") + b"<!-- omid's edit -->").json["version"] == 2
    assert omid.get("/definitions").json[0]["editable"] is True
    assert eve.get("/definitions").json[0]["editable"] is False


def test_administrators_make_analysts_and_integration_users(admin, make_user, client, charkh):
    eve = make_user("eve")
    assert client.patch("/api/v1/users/eve", json={"analyst": True}, headers=eve.headers).status_code == 403

    granted = client.patch("/api/v1/users/eve", json={"analyst": True, "integration": True},
                           headers=admin.headers)
    assert granted.status_code == 200
    assert granted.json == {"name": "eve", "admin": False, "analyst": True, "integration": True, "groups": []}
    assert client.patch("/api/v1/users/nobody", json={"analyst": True}, headers=admin.headers).status_code == 404
    assert {u["name"]: u["analyst"] for u in admin.get("/users").json} == {"admin": False, "eve": True}
    assert charkh.caller_named("eve").is_analyst


def test_administrators_keep_their_own_administrator_role(admin, client):
    refused = client.patch("/api/v1/users/admin", json={"admin": False}, headers=admin.headers)
    assert refused.status_code == 422
