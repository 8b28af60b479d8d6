"""Conditions on a gateway's outgoing flow in a real browser (issue 16, item 4): the analyst opens
the flow, builds "amount greater than 1000" with the trigger's typed condition builder, and the
saved file carries charkh:conditions and the same standard FEEL conditionExpression the server
writes (engine/condition_expressions.py); the default flow takes no conditions; in fa the groups
are labelled in Persian."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from engine.condition_expressions import feel_expression
from engine.conditions import conditions_of
from engine.entities import field_types
from tests.browser.canvas import (
    api_get,
    choose,
    click_element,
    entry_input,
    fill_entry,
    open_modeler,
    options,
    panel_group,
    replace_with,
    saved_xml,
    wait_for_catalog,
    wait_for_xml,
)
from tests.browser.waiting import wait_until

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

FLOW_GROUPS = "[data-group-id^='group-charkh-flow'] .bio-properties-panel-group-header-title"


def flow_of(xml: str, flow_id: str) -> etree._Element:
    root = etree.fromstring(xml.encode())
    [flow] = [f for f in root.iter(f"{{{BPMN}}}sequenceFlow") if f.get("id") == flow_id]
    return flow


def flow_expression(xml: str, flow_id: str) -> str | None:
    """The text of a flow's conditionExpression in a saved file (None without one)."""
    expression = flow_of(xml, flow_id).find(f"{{{BPMN}}}conditionExpression")
    if expression is None:
        return None
    assert expression.get(f"{{{XSI}}}type") == "bpmn:tFormalExpression"
    return expression.text or ""


def server_expression(xml: str, flow_id: str, entity: str = "invoice") -> str | None:
    """What the server writes for the same flow's conditions (the entity's field types)."""
    return feel_expression(conditions_of(flow_of(xml, flow_id)), field_types(entity) or {})


def test_an_analyst_builds_amount_greater_than_1000_on_a_gateways_flow(signed_in, charkh, model, shoot):
    page = signed_in
    charkh.import_bpmn(model("flowcond_route.bpmn"))
    open_modeler(page, "/designer/flowcond_route")
    wait_for_catalog(page)

    # the default flow takes no conditions
    click_element(page, "f_small")
    page.wait_for_selector("[data-group-id='group-general']")
    assert page.locator("[data-group-id='group-charkh-flow-conditions']").count() == 0

    click_element(page, "f_large")
    conditions = panel_group(page, "charkh-flow-conditions")
    conditions.locator(".bio-properties-panel-add-entry").click()
    entry_input(page, "charkh-flow-condition-0-field").wait_for()
    assert {"amount", "status", "paid", "due_on"} <= set(options(page, "charkh-flow-condition-0-field"))
    choose(page, "charkh-flow-condition-0-field", "amount")
    wait_until(page, "[...document.querySelector('#bio-properties-panel-charkh-flow-condition-0-operator').options]"
                     ".some((o) => o.value === 'gt')")
    assert set(options(page, "charkh-flow-condition-0-operator")) == {
        "eq", "ne", "lt", "le", "gt", "ge", "between", "is_empty", "is_not_empty"}
    choose(page, "charkh-flow-condition-0-operator", "gt")
    fill_entry(page, "charkh-flow-condition-0-value", "1000")

    xml = wait_for_xml(page, 'operator="gt"', 'value="1000"', "<bpmn:conditionExpression")
    flow = re.search(r'<bpmn:sequenceFlow id="f_large".*?</bpmn:sequenceFlow>', xml, re.S).group(0)
    assert re.search(r'<charkh:conditions>\s*<charkh:condition field="amount" operator="gt" value="1000" />', flow)
    assert flow_expression(xml, "f_large") == "=record.amount != null and record.amount > 1000"
    assert flow_expression(xml, "f_large") == server_expression(xml, "f_large")
    assert "f_small" not in re.findall(r'<bpmn:sequenceFlow id="(\w+)"[^>]*>\s*<bpmn:conditionExpression', xml)
    # the panel shows the standard expression instead of Camunda's condition editor
    shown = page.locator("[data-entry-id='charkh-flow-expression'] .charkh-feel")
    wait_until(page, "(t) => document.querySelector(\"[data-entry-id='charkh-flow-expression'] .charkh-feel\")"
                     "?.textContent === t", arg="=record.amount != null and record.amount > 1000")
    assert shown.count() == 1
    assert page.locator("[data-group-id='group-CamundaPlatform__Condition']").count() == 0
    shoot(page, "panel-flow-conditions")

    # undo takes the condition's value and its expression back in one step
    page.evaluate("window.charkh.modeler.get('commandStack').undo()")
    wait_until(page, "window.charkh.modeler.saveXML().then((r) => !r.xml.includes('value=\"1000\"'))")
    assert flow_expression(saved_xml(page), "f_large") is None
    page.evaluate("window.charkh.modeler.get('commandStack').redo()")
    wait_for_xml(page, 'value="1000"', "record.amount &gt; 1000")

    # saved, the server's copy keeps both, as the designer wrote them
    page.click("#save")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Saved version 2')")
    stored = api_get(page, "/definitions/flowcond_route/bpmn").text()
    assert '<charkh:condition field="amount" operator="gt" value="1000" />' in stored
    assert flow_expression(stored, "f_large") == "=record.amount != null and record.amount > 1000"

    # made the default, the flow drops its conditions and expression; the former default takes them
    replace_with(page, "f_large", "replace-with-default-flow")
    wait_until(page, "window.charkh.modeler.saveXML().then((r) => !r.xml.includes('value=\"1000\"'))")
    xml = saved_xml(page)
    assert 'default="f_large"' in xml and flow_expression(xml, "f_large") is None
    assert len(flow_of(xml, "f_large")) == 0  # no extensionElements left either
    click_element(page, "f_small")
    panel_group(page, "charkh-flow-conditions")
    assert page.errors == []


@pytest.mark.parametrize("key,entity,count", [("flowcond_route", "invoice", 10), ("flowcond_ticket", "ticket", 11)])
def test_the_designer_writes_the_servers_expression_for_every_field_type(signed_in, charkh, model, key, entity, count):
    page = signed_in
    charkh.import_bpmn(model(f"{key}.bpmn"))
    open_modeler(page, f"/designer/{key}")
    wait_for_catalog(page)

    click_element(page, "f_mixed")
    panel_group(page, "charkh-flow-match")
    choose(page, "charkh-flow-match-select", "any")

    xml = wait_for_xml(page, 'match="any"', "<bpmn:conditionExpression")
    written = flow_expression(xml, "f_mixed")
    assert written is not None and written.count(" or (") == count - 1
    assert written == server_expression(xml, "f_mixed", entity)

    # removing every condition removes the expression written from them
    panel_group(page, "charkh-flow-conditions")
    for _ in range(count):
        item = page.locator("[data-entry-id='charkh-flow-condition-0']")
        item.locator(".bio-properties-panel-collapsible-entry-header").hover()
        item.locator(".bio-properties-panel-remove-entry").click()
    wait_until(page, "window.charkh.modeler.saveXML().then((r) => !r.xml.includes('charkh:conditions'))")
    assert flow_expression(saved_xml(page), "f_mixed") is None
    assert page.errors == []


def test_in_persian_the_flows_condition_groups_are_labelled_in_persian(signed_in, charkh, model):
    page = signed_in
    charkh.import_bpmn(model("flowcond_route.bpmn"))
    open_modeler(page, "/designer/flowcond_route?lang=fa")
    wait_for_catalog(page)

    click_element(page, "f_mixed")
    panel_group(page, "charkh-flow-match")

    titles = [t.strip() for t in page.locator(FLOW_GROUPS).all_inner_texts()]
    assert titles == ["شرایط", "تطابق"]
    label = page.locator("[data-entry-id='charkh-flow-expression'] .bio-properties-panel-label").inner_text()
    assert label == "شرط استاندارد (FEEL)، برای ابزارهای دیگر"
    assert options(page, "charkh-flow-match-select") == {"all": "همهٔ شرایط (و)", "any": "هر یک از شرایط (یا)"}
    assert page.errors == []


def test_a_conditional_flow_out_of_a_task_takes_conditions_and_stays_conditional_without_them(signed_in, charkh,
                                                                                             model):
    page = signed_in
    charkh.import_bpmn(model("flowcond_route.bpmn"))
    open_modeler(page, "/designer/flowcond_route")
    wait_for_catalog(page)

    click_element(page, "f_followup")
    conditions = panel_group(page, "charkh-flow-conditions")
    conditions.locator(".bio-properties-panel-add-entry").click()
    entry_input(page, "charkh-flow-condition-0-field").wait_for()
    choose(page, "charkh-flow-condition-0-field", "paid")
    wait_until(page, "[...document.querySelector('#bio-properties-panel-charkh-flow-condition-0-operator').options]"
                     ".some((o) => o.value === 'checked')")
    choose(page, "charkh-flow-condition-0-operator", "checked")
    xml = wait_for_xml(page, 'operator="checked"', "=record.paid = true")
    assert flow_expression(xml, "f_followup") == "=record.paid = true"

    item = conditions.locator("[data-entry-id='charkh-flow-condition-0']")
    item.locator(".bio-properties-panel-collapsible-entry-header").hover()
    item.locator(".bio-properties-panel-remove-entry").click()
    wait_until(page, "window.charkh.modeler.saveXML().then((r) => !r.xml.includes('record.paid'))")
    flow = re.search(r'<bpmn:sequenceFlow id="f_followup".*?</bpmn:sequenceFlow>', saved_xml(page), re.S).group(0)
    assert "extensionElements" not in flow
    # still a conditional flow, with the empty expression bpmn-js gives one
    assert re.search(r'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\s*'
                     r"</bpmn:conditionExpression>", flow)
    assert page.locator("[data-group-id='group-charkh-flow-conditions']").count() == 1

    # made a plain flow (the replace menu), it drops the conditions with the expression
    conditions.locator(".bio-properties-panel-add-entry").click()
    choose(page, "charkh-flow-condition-0-field", "paid")
    wait_for_xml(page, 'field="paid"')
    replace_with(page, "f_followup", "replace-with-sequence-flow")
    wait_until(page, "window.charkh.modeler.saveXML().then((r) => !r.xml.includes('field=\"paid\"'))")
    assert len(flow_of(saved_xml(page), "f_followup")) == 0
    click_element(page, "f_followup")
    assert page.locator("[data-group-id='group-charkh-flow-conditions']").count() == 0
    assert page.errors == []
