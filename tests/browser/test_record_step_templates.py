"""The record steps in the designer (MISSION F4.8-F4.10): the template chooser offers updating the
record, creating a related record and updating related records; each shows its fields in named
groups, in the designer's language, and writes the connector the engine runs."""
from __future__ import annotations

import re

from tests.browser.canvas import open_modeler, panel_group, wait_for_xml
from tests.browser.test_panel import element_xml
from tests.browser.test_panel_languages import connector_task, template_group_titles
from tests.browser.waiting import wait_until

RECORD_TEMPLATES = {"charkh.record-update": "Update record", "charkh.record-create": "Create related record",
                    "charkh.record-update-related": "Update related records"}


def field(page, group, label):
    """The input (or text area) of the template's field with this label, in its group (opened)."""
    opened = panel_group(page, f"ElementTemplates__CustomGroup-camunda-Connector-{group}")
    entry = opened.locator("[data-entry-id^='custom-entry-']").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")))
    return entry.locator("input, textarea, select").first


def test_the_template_chooser_offers_the_three_record_steps(signed_in):
    page = signed_in
    open_modeler(page, "/designer/new")
    connector_task(page, "charkh.record-update")
    offered = page.evaluate("window.charkh.modeler.get('elementTemplates').getAll().map((t) => [t.id, t.name])")
    assert {template: name for template, name in offered if template in RECORD_TEMPLATES} == RECORD_TEMPLATES
    assert all("F4" not in t["description"] for t in page.evaluate(
        "window.charkh.modeler.get('elementTemplates').getAll().filter((t) => t.id.startsWith('charkh.record'))"))
    assert page.errors == []


def test_update_related_records_shows_its_fields_and_writes_its_connector(signed_in, shoot):
    page = signed_in
    open_modeler(page, "/designer/new")
    task = connector_task(page, "charkh.record-update-related", name="Copy the mobile")
    assert template_group_titles(page) == ["Related records", "Field mapping"]
    for group, label, value in (("record", "Entity", "invoice"), ("record", "Link field", "contact"),
                                ("changes", "Fields", "mobile=${record.mobile}")):
        box = field(page, group, label)
        box.fill(value)
        box.press("Tab")
    xml = wait_for_xml(page, '<camunda:inputParameter name="fields">mobile=${record.mobile}</camunda:inputParameter>')
    tag = element_xml(xml, "serviceTask", task)
    assert 'camunda:modelerTemplate="charkh.record-update-related"' in tag
    connector = re.search(r"<camunda:connector>.*?</camunda:connector>", xml, re.S).group(0)
    assert "<camunda:connectorId>charkh-record-update-related</camunda:connectorId>" in connector
    assert '<camunda:inputParameter name="entity">invoice</camunda:inputParameter>' in connector
    assert '<camunda:inputParameter name="link_field">contact</camunda:inputParameter>' in connector
    assert '<camunda:inputParameter name="mode">template</camunda:inputParameter>' in connector
    shoot(page, "panel-record-update-related")
    assert page.errors == []


def test_create_related_record_has_its_result_variable_and_reads_in_persian(signed_in):
    page = signed_in
    open_modeler(page, "/designer/new")
    connector_task(page, "charkh.record-create", name="Open a follow-up")
    assert template_group_titles(page) == ["Record", "Fields", "Result"]
    box = field(page, "result", "Record id variable")
    box.fill("follow_up_id")
    box.press("Tab")
    wait_for_xml(page, '<camunda:inputParameter name="id_variable">follow_up_id</camunda:inputParameter>')

    open_modeler(page, "/designer/new?lang=fa")
    connector_task(page, "charkh.record-create", name="Open a follow-up")
    wait_until(page, "(t) => document.querySelector('.bio-properties-panel-header-type').textContent.trim() === t",
               arg="ساخت رکورد مرتبط")
    assert template_group_titles(page) == ["رکورد", "فیلدها", "نتیجه"]
    assert page.errors == []
