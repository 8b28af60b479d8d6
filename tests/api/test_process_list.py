"""The process list over HTTP (issue #3, MISSION F5): settings, versions, validation, delete rules,
private definitions, pickers, the instance viewer's positions and the heat view."""
from __future__ import annotations

from tests.conftest import MIWG

INVOICE_VARIABLES = {"customer": "ACME", "amount": 1250, "currency": "EUR"}


def test_detail_lists_versions_settings_and_instance_counts(admin, model):
    assert admin.upload(model("invoice.bpmn")).status_code == 201
    assert admin.upload(model("invoice.bpmn") + b"<!-- edited -->", deploy=False).status_code == 201
    assert admin.start("invoice", INVOICE_VARIABLES).status_code == 201

    detail = admin.get("/definitions/invoice").json
    assert detail["key"] == "invoice" and detail["name"] == "Invoice cycle"
    assert [(v["version"], v["deployed"]) for v in detail["versions"]] == [(1, True), (2, False)]
    assert detail["latest_version"] == 2 and detail["deployed_version"] == 1
    assert detail["active"] is True and detail["visibility"] == "public" and detail["access"] == []
    assert detail["owner"] == "admin" and detail["owners"] == ["admin"] and detail["instances"] == {"running": 1}


def test_rename_and_deactivate_rules(admin, make_user, model, client):
    admin.upload(model("invoice.bpmn"))
    renamed = client.patch("/api/v1/definitions/invoice", json={"name": "Invoices (2026)"}, headers=admin.headers)
    assert renamed.status_code == 200 and renamed.json["name"] == "Invoices (2026)"
    assert admin.get("/definitions").json[0]["name"] == "Invoices (2026)"

    started = admin.start("invoice", INVOICE_VARIABLES).json
    refused = client.patch("/api/v1/definitions/invoice", json={"active": False}, headers=admin.headers)
    assert refused.status_code == 409
    assert "1 instance(s) still running" in refused.json["error"]["message"]
    assert admin.get("/definitions/invoice").json["active"] is True

    worker = make_user("mina", groups=["sales-managers", "finance", "warehouse"])
    for action in ("flow_approve", None, None):
        item = next(i for i in worker.cartable() if i["instance_id"] == started["id"])
        assert worker.complete(item["id"], action).status_code == 200
    assert admin.get(f"/instances/{started['id']}").json["status"] == "completed"

    deactivated = client.patch("/api/v1/definitions/invoice", json={"active": False}, headers=admin.headers)
    assert deactivated.status_code == 200 and deactivated.json["active"] is False
    start = admin.start("invoice", INVOICE_VARIABLES)
    assert start.status_code == 422 and "deactivated" in start.json["error"]["message"]
    assert client.patch("/api/v1/definitions/invoice", json={"active": True},
                        headers=admin.headers).json["active"] is True
    assert admin.start("invoice", INVOICE_VARIABLES).status_code == 201


def test_delete_only_without_history(admin, model, client):
    admin.upload(model("invoice.bpmn"))
    admin.upload(model("assignment.bpmn"))
    admin.start("invoice", INVOICE_VARIABLES)

    kept = client.delete("/api/v1/definitions/invoice", headers=admin.headers)
    assert kept.status_code == 409 and "deactivate it instead" in kept.json["error"]["message"]
    assert admin.get("/definitions/invoice").status_code == 200

    gone = client.delete("/api/v1/definitions/assignment", headers=admin.headers)
    assert gone.status_code == 204
    assert admin.get("/definitions/assignment").status_code == 404
    assert [d["key"] for d in admin.get("/definitions").json] == ["invoice"]


def test_only_owner_or_admin_changes_settings(admin, make_user, model, client):
    owner = make_user("sara", analyst=True)
    other = make_user("omid", analyst=True)
    owner.upload(model("invoice.bpmn"))
    assert client.patch("/api/v1/definitions/invoice", json={"name": "x"}, headers=other.headers).status_code == 403
    assert client.delete("/api/v1/definitions/invoice", headers=other.headers).status_code == 403
    assert client.patch("/api/v1/definitions/invoice", json={"name": "Sara's"},
                        headers=owner.headers).status_code == 200
    assert client.patch("/api/v1/definitions/invoice", json={"name": "Admin's"},
                        headers=admin.headers).status_code == 200


def test_private_definition_is_seen_and_started_only_by_its_access_list(admin, make_user, model, client):
    make_user("ali")
    bita = make_user("bita")
    make_user("cyrus")
    outsider = make_user("dara")
    admin.upload(model("assignment.bpmn"))  # steps assigned to ali, and to bita or cyrus

    missing = client.patch("/api/v1/definitions/assignment",
                           json={"visibility": "private", "access": ["ali", "bita"]}, headers=admin.headers)
    assert missing.status_code == 422
    assert {p["element"] for p in missing.json["error"]["details"]["problems"]} == {"check_stock"}
    assert "'cyrus'" in missing.json["error"]["details"]["problems"][0]["message"]
    assert admin.get("/definitions/assignment").json["visibility"] == "public"  # nothing changed

    unknown = client.patch("/api/v1/definitions/assignment", json={"access": ["nobody"]}, headers=admin.headers)
    assert unknown.status_code == 422 and "nobody" in unknown.json["error"]["message"]

    made = client.patch("/api/v1/definitions/assignment",
                        json={"visibility": "private", "access": ["ali", "bita", "cyrus"]}, headers=admin.headers)
    assert made.status_code == 200 and made.json["access"] == ["ali", "bita", "cyrus"]

    assert [d["key"] for d in outsider.get("/definitions").json] == []
    assert outsider.get("/definitions/assignment").status_code == 403
    assert outsider.get("/definitions/assignment/bpmn").status_code == 403
    assert outsider.start("assignment").status_code == 403
    assert [d["key"] for d in bita.get("/definitions").json] == ["assignment"]
    assert bita.start("assignment").status_code == 201


def test_validate_names_each_problem_and_stores_nothing(admin, client, model):
    broken = b"""<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="broken" isExecutable="true">
    <startEvent id="begin"/>
    <sequenceFlow id="f1" sourceRef="begin" targetRef="gw"/>
    <eventBasedGateway id="gw"/>
    <sequenceFlow id="f2" sourceRef="gw" targetRef="nowhere_task"/>
    <scriptTask id="sneaky" name="Sneaky"><script>import os</script></scriptTask>
    <userTask id="nowhere_task" name="Orphan"/>
  </process>
</definitions>"""
    answer = client.post("/api/v1/validate", data=broken,
                         headers={**admin.headers, "Content-Type": "application/xml"})
    assert answer.status_code == 200
    found = {(p["source"], p["element"], p["severity"]) for p in answer.json["problems"]}
    assert ("engine", "sneaky", "error") in found  # the sandbox refuses the import
    assert ("lint", "gw", "error") in found  # an event-based gateway needs two ways out
    assert all(p["message"] for p in answer.json["problems"])
    assert admin.get("/definitions").json == []

    assert client.post("/api/v1/validate", data=model("invoice.bpmn"),
                       headers={**admin.headers, "Content-Type": "application/xml"}).json["problems"] == [
        p for p in client.post("/api/v1/validate", data=model("invoice.bpmn"),
                               headers={**admin.headers, "Content-Type": "application/xml"}).json["problems"]
        if p["severity"] == "warning"]

    dtd = client.post("/api/v1/validate", data=b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>',
                      headers={**admin.headers, "Content-Type": "application/xml"})
    assert dtd.status_code == 400


def test_deploy_refused_on_lint_errors_with_pinned_problems(admin):
    gateway_with_one_way = b"""<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="one_way" isExecutable="true">
    <startEvent id="begin"/>
    <sequenceFlow id="f1" sourceRef="begin" targetRef="gw"/>
    <eventBasedGateway id="gw"/>
    <sequenceFlow id="f2" sourceRef="gw" targetRef="later"/>
    <intermediateCatchEvent id="later"><timerEventDefinition><timeDuration>PT1H</timeDuration>
    </timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="later" targetRef="done"/>
    <endEvent id="done"/>
  </process>
</definitions>"""
    stored = admin.upload(gateway_with_one_way, deploy=False)
    assert stored.status_code == 201
    refused = admin.post("/definitions/one_way/deploy")
    assert refused.status_code == 422
    assert [(p["element"], p["rule"]) for p in refused.json["error"]["details"]["problems"]] == [
        ("gw", "event-based-gateway")]
    assert admin.upload(gateway_with_one_way).status_code == 422
    assert admin.get("/definitions/one_way").json["deployed_version"] is None


def test_principals_and_entities_feed_the_pickers(admin, make_user, charkh):
    make_user("bita", groups=["finance"], roles=["sales-manager"])
    charkh.add_role("sales-manager", superior="ceo")
    picked = admin.get("/principals").json
    assert [u["name"] for u in picked["users"]] == ["admin", "bita"]
    assert [g["name"] for g in picked["groups"]] == ["finance"]
    assert {r["name"]: r["superior"] for r in picked["roles"]} == {"ceo": None, "sales-manager": "ceo"}

    entities = admin.get("/entities").json
    invoice = next(e for e in entities if e["name"] == "invoice")
    types = {f["name"]: f["type"] for f in invoice["fields"]}
    assert types["amount"] == "number" and types["paid"] == "checkbox" and types["status"] == "picklist"


def test_instance_positions_and_heat(admin, make_user, model):
    manager = make_user("mina", groups=["sales-managers"])
    admin.upload(model("invoice.bpmn"))
    first = admin.start("invoice", INVOICE_VARIABLES).json
    admin.start("invoice", INVOICE_VARIABLES)
    item = next(i for i in manager.cartable() if i["instance_id"] == first["id"])
    assert manager.complete(item["id"], "flow_approve").status_code == 200

    view = admin.get(f"/instances/{first['id']}").json
    assert view["version"] == 1
    assert view["active_elements"] == ["collect_payment"]
    assert {"approve_invoice"} <= set(view["completed_elements"])
    assert view["completed_elements"][0] != "collect_payment"
    assert len(view["taken_flows"]) == 1

    heat = admin.get("/definitions/invoice/heat").json
    assert heat["running"] == 2
    assert heat["elements"] == {"approve_invoice": 1, "collect_payment": 1}
    assert admin.get("/definitions/invoice/heat?version=2").json["elements"] == {}


def test_miwg_models_import_and_validate_without_errors_from_the_engine(admin, client):
    # Any valid BPMN file is stored and can be validated; only lint speaks about modelling style.
    for path in sorted(MIWG.glob("*.bpmn"))[:5]:
        assert admin.upload(path.read_bytes(), deploy=False).status_code == 201, path.name
        answer = client.post("/api/v1/validate", data=path.read_bytes(),
                             headers={**admin.headers, "Content-Type": "application/xml"})
        assert answer.status_code == 200, path.name


def test_a_file_without_a_diagram_is_laid_out_for_the_designer_and_exported_as_stored(admin, model):
    plain = model("assignment.bpmn")
    assert b"BPMNShape" not in plain
    admin.upload(plain, deploy=False)
    assert admin.get("/definitions/assignment/bpmn").data == plain
    laid_out = admin.get("/definitions/assignment/bpmn?layout=auto").data
    assert laid_out.count(b"<bpmndi:BPMNShape") == 8 and b'id="sign_letter"' in laid_out
    assert laid_out.count(b"<bpmndi:BPMNEdge") == 10

    with_diagram = model("invoice.bpmn")
    admin.upload(with_diagram, deploy=False)
    assert admin.get("/definitions/invoice/bpmn?layout=auto").data == with_diagram


def _with_visibility(data: bytes, visibility: str | None) -> bytes:
    """The invoice model as the designer's panel saves it: charkh:visibility on the process."""
    if visibility is None:
        return data
    return data.replace(b'<bpmn:process id="invoice"',
                        f'<bpmn:process xmlns:charkh="https://charkh.dev/schema/bpmn" '
                        f'charkh:visibility="{visibility}" id="invoice"'.encode(), 1)


def test_visibility_set_in_the_designer_applies_when_the_file_is_saved(make_user, model):
    sara = make_user("sara", analyst=True)  # an analyst, not an administrator
    outsider = make_user("dara")
    private = _with_visibility(model("invoice.bpmn"), "private")
    assert b'charkh:visibility="private"' in private
    assert sara.upload(private).status_code == 201

    assert outsider.get("/definitions/invoice").status_code == 403
    assert [d["key"] for d in outsider.get("/definitions").json] == []
    assert outsider.start("invoice", INVOICE_VARIABLES).status_code == 403
    mine = sara.get("/definitions/invoice").json  # whoever made it private keeps it
    assert mine["visibility"] == "private" and mine["access"] == ["sara"]

    # A file that does not say its visibility keeps what was set; one that says public opens it.
    assert sara.upload(model("invoice.bpmn")).status_code == 201
    assert outsider.get("/definitions/invoice").status_code == 403
    assert sara.upload(_with_visibility(model("invoice.bpmn"), "public")).status_code == 201
    assert outsider.get("/definitions/invoice").json["visibility"] == "public"
    assert outsider.start("invoice", INVOICE_VARIABLES).status_code == 201
