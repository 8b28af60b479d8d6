"""The v1 contract of ../shared/API.md, as an outside client meets it, on the invoice model."""
from __future__ import annotations

import pytest

HISTORY_FIELDS = {"at", "type", "element", "name", "user", "work_item", "action", "data"}
CARTABLE_FIELDS = {"id", "instance_id", "name", "element", "actions", "assignee", "groups", "roles", "due_at"}


@pytest.fixture
def people(make_user, admin, model):
    """The invoice cycle's staff, with the invoice model deployed."""
    staff = {
        "sara": make_user("sara", groups=["sales"]),
        "mona": make_user("mona", groups=["sales-managers"]),
        "omid": make_user("omid", groups=["sales-managers"]),
        "fati": make_user("fati", groups=["finance"]),
        "wali": make_user("wali", groups=["warehouse"]),
        "admin": admin,
    }
    response = admin.upload(model("invoice.bpmn"), deploy=True)
    assert response.status_code == 201, response.json
    return staff


def test_upload_answers_key_version_processes_and_problems(admin, model):
    response = admin.upload(model("invoice.bpmn"), deploy=True)

    assert response.status_code == 201
    body = response.json
    assert body["key"] == "invoice"
    assert body["version"] == 1
    assert body["executable"] is True
    assert body["problems"] == []
    assert [p["id"] for p in body["processes"]] == ["invoice"]


def test_uploading_the_same_key_adds_a_version_and_lists_it(admin, model):
    admin.upload(model("invoice.bpmn"), deploy=False)
    second = admin.upload(model("invoice.bpmn") + b"\n<!-- edited -->\n", deploy=True)

    assert second.json["version"] == 2
    listed = admin.get("/definitions").json
    assert listed == [{"key": "invoice", "name": "Invoice cycle", "latest_version": 2, "deployed_version": 2,
                       "deployed": True, "active": True, "visibility": "public", "editable": True}]


def test_uploading_the_same_bytes_again_adds_no_version_and_deploy_deploys_the_stored_one(admin, model):
    admin.upload(model("invoice.bpmn"), deploy=False)

    again = admin.upload(model("invoice.bpmn"), deploy=True)

    assert again.status_code == 201, again.json
    assert (again.json["version"], again.json["unchanged"], again.json["deployed"]) == (1, True, True)
    [listed] = admin.get("/definitions").json
    assert (listed["latest_version"], listed["deployed_version"]) == (1, 1)


def test_the_invoice_cycle_runs_through_every_cartable(people):
    sara, mona, fati, wali = people["sara"], people["mona"], people["fati"], people["wali"]

    started = sara.start("invoice", {"customer": "Pars Co", "amount": 1200})
    assert started.status_code == 201
    instance_id = started.json["id"]
    assert started.json["status"] == "running"

    [approval] = mona.cartable()
    assert CARTABLE_FIELDS <= approval.keys()
    assert approval["instance_id"] == instance_id
    assert approval["element"] == "approve_invoice"
    assert approval["groups"] == ["sales-managers"]
    assert approval["actions"] == [{"id": "flow_approve", "name": "Approve"},
                                   {"id": "flow_reject", "name": "Reject"},
                                   {"id": "flow_return", "name": "Return for correction"}]
    assert sara.cartable() == []

    assert mona.complete(approval["id"], "Approve", {"approved_amount": 1200}).status_code == 200
    [payment] = fati.cartable()  # read your writes: visible to the very next request
    assert payment["element"] == "collect_payment"
    assert fati.complete(payment["id"]).status_code == 200  # one way out: action may be left out
    [shipping] = wali.cartable()
    assert wali.complete(shipping["id"], "flow_shipped").status_code == 200

    instance = sara.get(f"/instances/{instance_id}").json
    assert instance["status"] == "completed"
    assert instance["variables"]["approved_amount"] == 1200
    assert [i["status"] for i in instance["work_items"]] == ["completed"] * 3
    for entry in instance["history"]:
        assert HISTORY_FIELDS <= entry.keys()
    completed = [e for e in instance["history"] if e["type"] == "work_item_completed"]
    assert [(e["element"], e["user"], e["action"]) for e in completed] == [
        ("approve_invoice", "mona", {"id": "flow_approve", "name": "Approve"}),
        ("collect_payment", "fati", {"id": "flow_paid", "name": "Payment confirmed"}),
        ("ship_goods", "wali", {"id": "flow_shipped", "name": "Shipped"}),
    ]
    assert completed[0]["data"] == {"approved_amount": 1200}
    assert instance["history"][0]["type"] == "instance_started"
    assert instance["history"][-1]["type"] == "instance_completed"


def test_return_for_correction_loops_back_through_the_sales_expert(people):
    sara, mona = people["sara"], people["mona"]
    sara.start("invoice", {"amount": 10})

    [approval] = mona.cartable()
    mona.complete(approval["id"], "flow_return")
    [correction] = sara.cartable()
    assert correction["element"] == "correct_invoice"
    sara.complete(correction["id"])
    [again] = mona.cartable()
    assert again["element"] == "approve_invoice"
    assert again["id"] != approval["id"]


def test_reject_ends_the_instance(people):
    sara, mona = people["sara"], people["mona"]
    instance_id = sara.start("invoice").json["id"]

    [approval] = mona.cartable()
    response = mona.complete(approval["id"], "Reject")

    assert response.json["instance"]["status"] == "completed"
    history = sara.get(f"/instances/{instance_id}").json["history"]
    assert "invoice_rejected" in [e["element"] for e in history]


def test_claimed_item_leaves_the_others_lists_and_they_get_409(people):
    mona, omid = people["mona"], people["omid"]
    people["sara"].start("invoice")
    [item] = mona.cartable()
    assert [i["id"] for i in omid.cartable()] == [item["id"]]

    claimed = mona.post(f"/work-items/{item['id']}/claim")

    assert claimed.status_code == 200
    assert claimed.json["assignee"] == "mona"
    assert omid.cartable() == []
    assert [i["id"] for i in mona.cartable()] == [item["id"]]  # status=open includes claimed ones
    assert omid.post(f"/work-items/{item['id']}/claim").status_code == 409
    assert omid.complete(item["id"], "Approve").status_code == 409
    assert mona.post(f"/work-items/{item['id']}/claim").status_code == 200  # claiming again is fine


def test_error_order_is_404_then_403_then_409_then_422(people):
    sara, mona = people["sara"], people["mona"]
    sara.start("invoice")
    [item] = mona.cartable()

    missing = mona.complete("999999", "nope")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "not_found"

    not_theirs = sara.complete(item["id"], "nope")
    assert not_theirs.status_code == 403
    assert not_theirs.json["error"]["code"] == "forbidden"

    unknown_action = mona.complete(item["id"], "nope")
    assert unknown_action.status_code == 422
    assert {"id": "flow_approve", "name": "Approve"} in unknown_action.json["error"]["details"]["actions"]

    assert mona.complete(item["id"], "Approve").status_code == 200
    done = mona.complete(item["id"], "nope")
    assert done.status_code == 409
    assert done.json["error"]["code"] == "conflict"


def test_several_actions_need_a_choice(people):
    people["sara"].start("invoice")
    mona = people["mona"]
    [item] = mona.cartable()

    response = mona.complete(item["id"])

    assert response.status_code == 422
    assert mona.cartable()[0]["id"] == item["id"]  # nothing changed


def test_starting_needs_a_deployed_definition(admin, model):
    assert admin.start("no-such-process").status_code == 404
    admin.upload(model("invoice.bpmn"), deploy=False)

    response = admin.start("invoice")

    assert response.status_code == 422
    assert "deploy" in response.json["error"]["message"]


@pytest.mark.parametrize("body", [
    {}, {"definition": 5}, {"definition": "invoice", "variables": [1, 2]}, {"definition": "invoice", "record": 7},
])
def test_bad_start_bodies_are_422_with_the_error_shape(people, body):
    response = people["admin"].post("/instances", json=body)

    assert response.status_code == 422
    assert set(response.json["error"]) == {"code", "message", "details"}


def test_record_is_kept_on_the_instance(people):
    response = people["sara"].start("invoice", record={"entity": "invoice", "id": 42})

    assert response.json["record"] == {"entity": "invoice", "id": "42"}


def test_lists_page_with_a_link_header(people):
    sara, mona = people["sara"], people["mona"]
    for _ in range(5):
        sara.start("invoice")

    first = mona.get("/work-items", query_string={"mine": "true", "status": "open", "limit": 2})
    assert len(first.json) == 2
    link = first.headers["Link"]
    assert link.endswith('rel="next"')
    seen = [i["id"] for i in first.json]
    url = link[1:link.index(">")]
    while url:
        page = mona.client.get(url, headers=mona.headers)
        seen += [i["id"] for i in page.json]
        link = page.headers.get("Link")
        url = link[1:link.index(">")] if link else None
    assert len(seen) == len(set(seen)) == 5

    instances = sara.get("/instances", query_string={"limit": 3})
    assert len(instances.json) == 3 and "Link" in instances.headers
    assert "Link" not in sara.get("/instances").headers


def test_export_returns_the_stored_file_byte_for_byte(admin, model):
    admin.upload(model("invoice.bpmn"))

    response = admin.get("/definitions/invoice/bpmn")

    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.data == model("invoice.bpmn")
    assert admin.get("/definitions/nope/bpmn").status_code == 404


def test_openapi_document_needs_no_token(client):
    for path in ("/openapi.json", "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json["openapi"].startswith("3.")
        assert "/api/v1/work-items/{item_id}/complete" in response.json["paths"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc"])
def test_api_needs_a_valid_bearer_token(client, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/work-items", headers=headers)

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_unknown_instance_is_404(admin):
    for instance_id in ("12345", "abc", "-1", "2147483648", "9" * 40):
        response = admin.get(f"/instances/{instance_id}")
        assert response.status_code == 404, instance_id
        assert response.json["error"]["code"] == "not_found"


def test_a_stored_version_is_deployed_later(admin, model):
    admin.upload(model("invoice.bpmn"), deploy=False)
    assert admin.start("invoice").status_code == 422

    deployed = admin.post("/definitions/invoice/deploy")

    assert deployed.status_code == 200
    assert deployed.json == {"key": "invoice", "version": 1, "deployed": True}
    assert admin.start("invoice").status_code == 201
    assert admin.post("/definitions/nope/deploy").status_code == 404


def test_one_work_item_is_readable_by_id(people):
    people["sara"].start("invoice")
    [item] = people["mona"].cartable()

    assert people["mona"].get(f"/work-items/{item['id']}").json["element"] == "approve_invoice"
    assert people["mona"].get("/work-items/424242").status_code == 404


def test_a_message_decides_an_event_based_gateway(admin, model):
    # the deadline an hour away: on a loaded machine the model's 0.2 s passed before the message came
    admin.upload(model("event_gateway.bpmn").replace(b"PT0.2S", b"PT1H"))
    instance_id = admin.start("event_gateway").json["id"]

    wrong = admin.post(f"/instances/{instance_id}/messages", json={"name": "no_such_message"})
    assert wrong.status_code == 409
    delivered = admin.post(f"/instances/{instance_id}/messages",
                           json={"name": "payment_received", "data": {"paid_amount": 1200}})

    assert delivered.status_code == 200
    assert delivered.json["status"] == "completed"
    assert delivered.json["variables"]["paid_amount"] == 1200
    history = admin.get(f"/instances/{instance_id}").json["history"]
    assert [e["element"] for e in history if e["type"] == "element_completed"][-2:] == ["payment_received", "paid"]
    assert admin.post(f"/instances/{instance_id}/messages", json={"name": "payment_received"}).status_code == 409
    assert admin.post("/instances/999/messages", json={"name": "payment_received"}).status_code == 404


@pytest.mark.parametrize("after", ["abc", "-5", "2147483648", "9" * 30])
def test_a_bad_cursor_is_422(admin, after):
    for path in ("/work-items", "/instances"):
        response = admin.get(path, query_string={"after": after})
        assert response.status_code == 422, (path, after)
        assert "after" in response.json["error"]["message"]
