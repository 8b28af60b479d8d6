"""Validation before deploy (problems listed, pinned on the canvas, deploy refused until fixed) and
the heat view, in a real browser."""
from __future__ import annotations

from pathlib import Path

from tests.browser.waiting import wait_until

LIBRARY = Path(__file__).resolve().parents[2] / "bpmn" / "library"

# A task nobody reaches: bpmnlint's no-disconnected is an error, so deploy must be refused.
DISCONNECTED = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs_lonely" targetNamespace="t">
  <process id="lonely" name="Lonely task" isExecutable="true">
    <startEvent id="begin" name="Begin"><outgoing>f1</outgoing></startEvent>
    <sequenceFlow id="f1" sourceRef="begin" targetRef="finish"/>
    <endEvent id="finish" name="Finish"><incoming>f1</incoming></endEvent>
    <userTask id="forgotten" name="Forgotten"/>
  </process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="lonely">
    <bpmndi:BPMNShape id="s1" bpmnElement="begin">
      <dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s2" bpmnElement="finish">
      <dc:Bounds x="300" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s3" bpmnElement="forgotten">
      <dc:Bounds x="170" y="220" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e1" bpmnElement="f1">
      <di:waypoint x="136" y="118"/><di:waypoint x="300" y="118"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"""


def token_headers(page):
    token = page.evaluate("JSON.parse(document.getElementById('charkh-config').textContent).token")
    return {"Authorization": f"Bearer {token}"}


def open_designer(page, key):
    page.goto(f"{page.base}/designer/{key}")
    wait_until(page, "window.charkh && window.charkh.ready")
    page.evaluate("window.charkh.ready")


def test_problems_are_listed_pinned_and_block_deploy_until_fixed(signed_in, tmp_path, shoot):
    page = signed_in
    path = tmp_path / "lonely.bpmn"
    path.write_text(DISCONNECTED)
    page.set_input_files("#import-file", str(path))  # the process list's import
    page.wait_for_selector("#definitions tr[data-key=lonely]")
    open_designer(page, "lonely")

    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-error")
    assert "Deploy refused" in page.inner_text("#status")
    problem = page.locator("#problems li", has_text="forgotten").first
    problem.wait_for()
    page.wait_for_selector(".djs-element.charkh-problem[data-element-id='forgotten']")
    shoot(page, "validation-pinned")
    detail = page.request.get(f"{page.base}/api/v1/definitions/lonely", headers=token_headers(page)).json()
    assert detail["deployed_version"] is None

    problem.click()  # the list leads to the element
    assert page.evaluate("window.charkh.modeler.get('selection').get().map((e) => e.id)") == ["forgotten"]

    # Fix it: remove the forgotten task with the keyboard, then deploy goes through.
    page.focus(".djs-container svg[tabindex]")  # keys go to the canvas when it has the focus
    page.keyboard.press("Delete")
    wait_until(page, "!window.charkh.modeler.get('elementRegistry').get('forgotten')")
    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 2')")
    detail = page.request.get(f"{page.base}/api/v1/definitions/lonely", headers=token_headers(page)).json()
    assert detail["deployed_version"] == 2
    assert page.locator(".djs-element.charkh-problem").count() == 0


def test_heat_view_counts_running_instances_per_element(signed_in, shoot):
    page = signed_in
    page.goto(f"{page.base}/designer")
    headers = {**token_headers(page), "Content-Type": "application/xml"}
    stored = page.request.post(f"{page.base}/api/v1/definitions?deploy=true", headers=headers,
                               data=(LIBRARY / "invoice.bpmn").read_bytes())
    assert stored.status == 201
    for _ in range(2):
        started = page.request.post(f"{page.base}/api/v1/instances", headers=token_headers(page),
                                    data={"definition": "invoice", "variables": {"amount": 10}})
        assert started.status == 201

    open_designer(page, "invoice")
    page.click("#heat")
    badge = page.locator(".djs-overlay-charkh-heat", has_text="2")
    badge.first.wait_for()
    assert page.locator("[data-container-id='approve_invoice'] .djs-overlay-charkh-heat").inner_text().strip() == "2"
    shoot(page, "heat")


def test_the_designer_warns_that_a_task_has_no_type_as_the_server_does(signed_in, tmp_path):
    page = signed_in
    untyped = DISCONNECTED.replace("userTask", "task")  # the forgotten task drawn without a type
    path = tmp_path / "lonely.bpmn"
    path.write_text(untyped)
    page.set_input_files("#import-file", str(path))
    page.wait_for_selector("#definitions tr[data-key=lonely]")
    open_designer(page, "lonely")

    local = page.evaluate("window.charkh.modeler.get('linting').lint()"
                          ".then((r) => (r['charkh/task-type-required'] || []).map((f) => [f.id, f.message]))")
    server = page.request.post(f"{page.base}/api/v1/validate", data=untyped,
                               headers={**token_headers(page), "Content-Type": "application/xml"}).json()

    assert local == [["forgotten", "this task has no type; it will wait in a cartable like a user task"]]
    assert [[p["element"], p["message"]] for p in server["problems"]
            if p.get("rule") == "charkh/task-type-required"] == local
