"""The modeler in a real browser, as an analyst uses it: draw on an empty canvas with mouse and
keyboard, configure in the panel, validate, deploy, start, and follow the instance in the viewer."""
from __future__ import annotations

from tests.browser.canvas import (
    ELEMENTS_OF_TYPE,
    append_and_name,
    click_element,
    only,
    open_modeler,
    panel_group,
    replace_with,
)
from tests.browser.waiting import wait_until


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
    wait_until(page, "(ids) => ids.every((id) => window.charkh.modeler.get('elementRegistry').get(id)"
                           ".businessObject.name)", arg=[f for f, _ in flows])
    shoot(page, "modeler-drawn")

    # Validate shows nothing blocking; deploy saves and deploys; start opens an instance.
    page.click("#validate")
    wait_until(page, "/error|Valid/.test(document.querySelector('#status').textContent)")
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
    wait_until(page, "window.charkh && window.charkh.ready")
    page.evaluate("window.charkh.ready")
    page.wait_for_selector(f".djs-element.charkh-active[data-element-id='{review}']")
    page.wait_for_selector(f".djs-element.charkh-completed[data-element-id='{start}']")
    assert page.locator("#history tbody tr").count() >= 2
    shoot(page, "viewer")
    assert page.errors == []
