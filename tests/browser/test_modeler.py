"""The modeler in a real browser, as an analyst uses it: draw on an empty canvas with mouse and
keyboard, configure in the panel, validate, deploy, start, and follow the instance in the viewer."""
from __future__ import annotations

from typing import Any

ELEMENTS_OF_TYPE = "(type) => window.charkh.modeler.get('elementRegistry').filter((e) => e.type === type)" \
                   ".map((e) => e.id)"


def open_modeler(page: Any, path: str) -> None:
    page.goto(f"{page.base}{path}")
    page.wait_for_function("window.charkh && window.charkh.ready")
    page.evaluate("window.charkh.ready")


def only(page: Any, bpmn_type: str) -> str:
    ids = page.evaluate(ELEMENTS_OF_TYPE, bpmn_type)
    assert len(ids) == 1, (bpmn_type, ids)
    return ids[0]


def click_element(page: Any, element_id: str) -> None:
    box = page.locator(f".djs-element[data-element-id='{element_id}']").bounding_box()
    selected = page.evaluate("window.charkh.modeler.get('selection').get().map((e) => e.id)")
    if selected != [element_id]:  # a second click on the selected element would unselect it
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".djs-context-pad.open")


def context_pad(page: Any, action: str) -> None:
    page.click(f".djs-context-pad .entry[data-action='{action}']")


def append_and_name(page: Any, source: str, action: str, name: str) -> str:
    """Append from `source` through its context pad, type the new element's name, return its id."""
    before = set(page.evaluate("window.charkh.modeler.get('elementRegistry').getAll().map((e) => e.id)"))
    click_element(page, source)
    context_pad(page, action)
    page.wait_for_selector(".djs-direct-editing-parent", state="visible")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    after = page.evaluate("window.charkh.modeler.get('elementRegistry').getAll()"
                          ".filter((e) => !e.waypoints && !e.labelTarget).map((e) => e.id)")
    new = [element for element in after if element not in before]
    assert len(new) == 1, new
    return new[0]


def replace_with(page: Any, element_id: str, replacement: str) -> str:
    click_element(page, element_id)
    context_pad(page, "replace")
    page.click(f".djs-popup [data-id='{replacement}']")
    return element_id


def panel_group(page: Any, group: str) -> None:
    header = page.locator(f"[data-group-id='group-{group}'] .bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def test_draw_configure_deploy_start_and_view(signed_in, make_user, shoot):
    page = signed_in
    clerk = make_user("kian", groups=["sales"])
    open_modeler(page, "/designer/new")
    start = only(page, "bpmn:StartEvent")

    # Mouse and keyboard: append a task from the start event, name it, make it a user task.
    review = append_and_name(page, start, "append.append-task", "Review order")
    replace_with(page, review, "replace-with-user-task")
    assert page.evaluate(ELEMENTS_OF_TYPE, "bpmn:UserTask") == [review]

    # Two ways out of the review: straight to an end, or through a service task to another end.
    rejected = append_and_name(page, review, "append.end-event", "Rejected")
    notify = append_and_name(page, review, "append.append-task", "Notify customer")
    replace_with(page, notify, "replace-with-service-task")
    done = append_and_name(page, notify, "append.end-event", "Order done")
    assert page.evaluate(ELEMENTS_OF_TYPE, "bpmn:EndEvent") == [rejected, done] or \
        sorted(page.evaluate(ELEMENTS_OF_TYPE, "bpmn:EndEvent")) == sorted([rejected, done])

    # The panel: the review goes to the sales group; its two actions get labels.
    click_element(page, review)
    panel_group(page, "charkh-responsible")
    page.check("input[name='charkh-candidateGroups'][value='sales']")
    panel_group(page, "charkh-actions")
    flows = page.evaluate("(id) => window.charkh.modeler.get('elementRegistry').get(id).outgoing"
                          ".map((f) => [f.id, f.target.id])", review)
    labels = {rejected: "Reject", notify: "Accept"}
    for flow_id, target in flows:
        item = page.locator(f"[data-entry-id='charkh-action-{flow_id}'] .bio-properties-panel-collapsible-entry-header")
        item.click()
        field = page.locator(f"#bio-properties-panel-charkh-action-{flow_id}-name")
        field.fill(labels[target])
        field.press("Tab")
    page.wait_for_function("(ids) => ids.every((id) => window.charkh.modeler.get('elementRegistry').get(id)"
                           ".businessObject.name)", arg=[f for f, _ in flows])
    shoot(page, "modeler-drawn")

    # Validate shows nothing blocking; deploy saves and deploys; start opens an instance.
    page.click("#validate")
    page.wait_for_function("/error|Valid/.test(document.querySelector('#status').textContent)")
    assert [p for p in page.evaluate("window.charkh.problems()") if p.get("severity") == "error"] == []
    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 1')")
    key = page.evaluate("window.charkh.state.key")
    assert page.url == f"{page.base}/designer/{key}"
    detail = page.request.get(f"{page.base}/api/v1/definitions/{key}",
                              headers={"Authorization": f"Bearer {page.evaluate('window.charkh.config.token')}"})
    assert detail.json()["deployed_version"] == 1

    page.click("#start")
    link = page.wait_for_selector("#instance-link")
    instance_id = link.get_attribute("href").rsplit("/", 1)[1]

    # The clerk of the sales group sees the review with its two actions, by their labels.
    [item] = clerk.cartable()
    assert item["instance_id"] == instance_id and item["name"] == "Review order"
    assert sorted(a["name"] for a in item["actions"]) == ["Accept", "Reject"]

    # The viewer: the review is where the instance waits, the start event is behind it.
    link.click()
    page.wait_for_url(f"{page.base}/instances/{instance_id}")
    page.wait_for_function("window.charkh && window.charkh.ready")
    page.evaluate("window.charkh.ready")
    page.wait_for_selector(f".djs-element.charkh-active[data-element-id='{review}']")
    page.wait_for_selector(f".djs-element.charkh-completed[data-element-id='{start}']")
    assert page.locator("#history tbody tr").count() >= 2
    shoot(page, "viewer")
    assert page.errors == []
