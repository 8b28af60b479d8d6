"""The properties panel in en, fa and ro: a connector template's fields in named groups, the
panel header laid out cleanly right to left, and the header's element type and the lint button
in the designer's language."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.canvas import (
    append_and_name, click_element, click_empty_canvas, only, open_modeler, replace_with,
)

HEADER = ".bio-properties-panel-header"
GROUP_TITLES = ("[data-group-id^='group-ElementTemplates__Custom'] .bio-properties-panel-group-header-title")


def connector_task(page, template, name="Notify"):
    """start -> a service task with the element template `template` (e.g. "charkh.sms") applied."""
    task = append_and_name(page, only(page, "bpmn:StartEvent"), "append.append-task", name)
    replace_with(page, task, "replace-with-service-task")
    click_element(page, task)
    page.click(".bio-properties-panel-select-template-button")
    page.click(f".djs-popup [data-id='apply-template-{template}']")
    page.wait_for_selector(".djs-popup", state="detached")
    page.wait_for_selector(f"{HEADER}-type:not(:has-text('Service Task'))")
    return task


def template_group_titles(page):
    return [title.strip() for title in page.locator(GROUP_TITLES).all_inner_texts()]


@pytest.mark.parametrize("template, groups", [
    ("charkh.sms", ["Recipients", "Message"]),
    ("charkh.email", ["Addresses", "Message"]),
])
def test_connector_template_fields_are_in_named_groups(signed_in, shoot, template, groups):
    page = signed_in
    open_modeler(page, "/designer/new")
    connector_task(page, template)
    titles = template_group_titles(page)
    assert titles == groups, titles
    assert not any("Custom properties" in title or "<" in title for title in titles)
    page.locator(".bio-properties-panel-group-header", has_text=groups[-1]).first.click()  # open one
    shoot(page, f"panel-template-groups-{template}")
    assert page.errors == []


def test_every_template_field_is_in_one_of_its_named_groups():
    """Every connector template names its groups, and every field it shows belongs to one of them."""
    files = sorted((Path(__file__).resolve().parents[2] / "bpmn" / "templates").glob("charkh-*.json"))
    assert files
    for path in files:
        template = json.loads(path.read_text(encoding="utf-8"))
        groups = {group["id"]: group["label"] for group in template.get("groups", [])}
        assert groups and all(label.strip() for label in groups.values()), path.name
        fields = [p for scope in template.get("scopes", []) for p in scope["properties"] if p.get("type") != "Hidden"]
        fields += [p for p in template.get("properties", []) if p.get("type") != "Hidden"]
        assert all(field.get("group") in groups for field in fields), path.name
        assert {field["group"] for field in fields} == set(groups), path.name  # no empty group
