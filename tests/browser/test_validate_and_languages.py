"""Validation with the Validate button and a fix by connecting the forgotten task (the deleting fix
is in test_validation_and_heat.py), and a Persian label typed by direct editing on a stored model."""
from __future__ import annotations

from tests.browser.canvas import (
    SELECTED,
    api_get,
    click_element,
    context_pad,
    element_center,
    open_modeler,
    panel_group,
    saved_xml,
    token_headers,
)
from tests.browser.test_validation_and_heat import DISCONNECTED, LIBRARY
from tests.browser.waiting import wait_until


def connect(page, source, target):
    """The context pad's connect tool: from `source`, click on `target`."""
    click_element(page, source)
    context_pad(page, "connect")
    x, y = element_center(page, target)
    page.mouse.move(x, y, steps=4)
    page.mouse.click(x, y)
    wait_until(page, "([s, t]) => window.charkh.modeler.get('elementRegistry')"
                     ".filter((e) => e.source && e.source.id === s && e.target.id === t).length", arg=[source, target])
    page.wait_for_timeout(450)  # diagram-js swallows a click within 400 ms of the end of a drag


def test_validate_lists_and_pins_problems_and_connecting_the_task_fixes_them(signed_in, shoot):
    page = signed_in
    page.goto(f"{page.base}/designer")
    stored = page.request.post(f"{page.base}/api/v1/definitions", data=DISCONNECTED,
                               headers={**token_headers(page), "Content-Type": "application/xml"})
    assert stored.status == 201, stored.text()
    open_modeler(page, "/designer/lonely")

    page.click("#validate")
    page.wait_for_selector("#status.charkh-status-error")
    problem = page.locator("#problems li.charkh-problem-error", has_text="Forgotten (forgotten)").first
    problem.wait_for()
    assert "disconnected" in problem.inner_text().lower()
    pinned = page.locator(".djs-element.charkh-problem[data-element-id='forgotten']")
    pinned.wait_for()
    assert "charkh-problem-error" in pinned.get_attribute("class")
    assert page.locator("[data-container-id='forgotten'] .charkh-problem-pin").inner_text().strip() != ""

    problem.click()  # the list leads to the element
    assert page.evaluate(SELECTED) == ["forgotten"]

    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-error:has-text('Deploy refused')")
    assert api_get(page, "/definitions/lonely").json()["deployed_version"] is None

    # Fix it on the canvas: begin -> forgotten -> finish, and the direct flow removed.
    connect(page, "begin", "forgotten")
    connect(page, "forgotten", "finish")
    click_element(page, "f1")
    page.keyboard.press("Delete")
    wait_until(page, "!window.charkh.modeler.get('elementRegistry').get('f1')")
    flows = page.evaluate("window.charkh.modeler.get('elementRegistry').filter((e) => e.type === 'bpmn:SequenceFlow')"
                          ".map((e) => [e.source.id, e.target.id])")
    assert sorted(flows) == [["begin", "forgotten"], ["forgotten", "finish"]]

    page.click("#validate")
    wait_until(page, "!/error/.test(document.querySelector('#status').className) && "
                           "!/Validating/.test(document.querySelector('#status').textContent)")
    assert [p for p in page.evaluate("window.charkh.problems()") if p["severity"] == "error"] == []
    # the red outline went with the error (every problem marker of the task is gone)
    assert page.locator(".djs-element.charkh-problem-error").count() == 0
    assert [p for p in page.evaluate("window.charkh.problems()") if p["element"] == "forgotten"] == []
    assert page.locator("[data-element-id='forgotten'][class*='charkh-problem']").count() == 0
    assert page.locator("[data-container-id='forgotten'] .charkh-problem-pin").count() == 0

    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 2')")
    assert api_get(page, "/definitions/lonely").json()["deployed_version"] == 2
    server = api_get(page, "/definitions/lonely/bpmn").text()
    assert 'sourceRef="forgotten" targetRef="finish"' in server
    shoot(page, "validation-fixed")
    assert page.errors == []


def test_persian_label_typed_on_a_stored_model(signed_in, shoot):
    page = signed_in
    page.goto(f"{page.base}/designer")
    invoice = (LIBRARY / "invoice.bpmn").read_bytes()
    stored = page.request.post(f"{page.base}/api/v1/definitions", data=invoice,
                               headers={**token_headers(page), "Content-Type": "application/xml"})
    assert stored.status == 201, stored.text()

    open_modeler(page, "/designer/invoice?lang=fa")
    assert page.locator("#charkh-app").get_attribute("dir") == "rtl"
    assert page.inner_text("#validate").strip() == "بررسی"
    assert page.inner_text("#heat").strip() == "نقشهٔ حرارتی"

    # double-click the approval, type its Persian name, Enter
    page.mouse.dblclick(*element_center(page, "approve_invoice"))
    page.wait_for_selector(".djs-direct-editing-parent", state="visible")
    page.keyboard.press("Control+A")
    page.keyboard.type("تأیید فاکتور")
    page.keyboard.press("Enter")
    label = page.locator("[data-element-id='approve_invoice'] text", has_text="تأیید فاکتور")
    label.first.wait_for()
    assert 'name="تأیید فاکتور"' in saved_xml(page)

    # the panel speaks Persian too: the Responsible group of the selected task
    click_element(page, "approve_invoice")
    group = panel_group(page, "charkh-responsible")
    assert group.locator(".bio-properties-panel-group-header-title").inner_text().strip() == "مسئول"
    assert "sales-managers" in group.inner_text()
    page.mouse.click(*element_center(page, "approve_invoice"))  # unselect: a clean canvas in the picture
    shoot(page, "modeler-fa-invoice")
    assert page.errors == []


def test_romanian_modeler_smoke(signed_in):
    page = signed_in
    open_modeler(page, "/designer/new?lang=ro")
    assert page.locator("#charkh-app").get_attribute("dir") == "ltr"
    assert page.inner_text("#validate").strip() != "Validate"
    click_element(page, page.evaluate("window.charkh.modeler.get('elementRegistry')"
                                      ".filter((e) => e.type === 'bpmn:StartEvent')[0].id"))
    context_pad(page, "append.append-task")
    page.wait_for_selector(".djs-direct-editing-parent", state="visible")
    page.keyboard.type("Aprobă factura")
    page.keyboard.press("Enter")
    page.locator(".djs-element text", has_text="Aprobă factura").first.wait_for()
    assert page.errors == []
