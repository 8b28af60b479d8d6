"""The properties panel in en, fa and ro: a connector template's fields in named groups, the
panel header laid out cleanly right to left, and the header's element type and the lint button
in the designer's language."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.canvas import (
    append_and_name,
    click_element,
    click_empty_canvas,
    only,
    open_modeler,
    replace_with,
)
from tests.browser.waiting import wait_until

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


def header_type(page):
    """The type as written (its text, not as CSS shows it: the panel upper-cases it)."""
    return page.text_content(f"{HEADER}-type").strip()


def boxes_overlap(a, b):
    return (a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5)


def text_box(page, selector):
    """The box of the text itself (a Range), not of its block: where the letters really are."""
    return page.evaluate("""(sel) => { const node = document.querySelector(sel); const range = document.createRange();
        range.selectNodeContents(node); const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height }; }""", selector)


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


def test_template_groups_header_and_lint_button_in_persian_and_romanian(signed_in, shoot):
    page = signed_in
    expected = {
        "fa": {"groups": ["گیرندگان", "پیام"], "type": "ارسال پیامک", "service": "وظیفهٔ سرویس (فعالیت)",
               "process": "فرایند", "lint_title": "نمایش/پنهان نتایج بررسی", "lint_words": ["خطا", "هشدار"],
               "direction": "rtl"},
        "ro": {"groups": ["Destinatari", "Mesaj"], "type": "Trimite SMS", "service": "Sarcină de serviciu",
               "process": "Proces", "lint_title": "Comută rezultatele validării",
               "lint_words": ["erori", "avertismente"], "direction": "ltr"},
    }
    for lang, want in expected.items():
        open_modeler(page, f"/designer/new?lang={lang}")
        click_empty_canvas(page)
        assert header_type(page) == want["process"]
        start = only(page, "bpmn:StartEvent")
        task = append_and_name(page, start, "append.append-task", "Notify")
        replace_with(page, task, "replace-with-service-task")
        click_element(page, task)
        assert header_type(page) == want["service"]
        page.click(".bio-properties-panel-select-template-button")
        page.click(".djs-popup [data-id='apply-template-charkh.sms']")
        page.wait_for_selector(".djs-popup", state="detached")
        wait_until(page, "(t) => document.querySelector('.bio-properties-panel-header-type')"
                               ".textContent.trim() === t", arg=want["type"])
        assert template_group_titles(page) == want["groups"]

        # the lint button: its tooltip, and its text once linting is on
        button = page.locator(".bjsl-button")
        assert button.get_attribute("title") == want["lint_title"]
        button.click()
        page.wait_for_selector(".bjsl-button:not(.bjsl-button-inactive)")
        text = button.inner_text().strip()  # e.g. "0 خطا، 3 هشدار": the new task is not connected onwards
        assert all(word in text for word in want["lint_words"]), text
        assert "Errors" not in text and "Warnings" not in text, text
        # Persian reads right to left on the button too, though the canvas under it is left to right
        assert page.evaluate("(el) => getComputedStyle(el).direction", button.element_handle()) == want["direction"]
        shoot(page, f"panel-languages-{lang}")
        assert page.errors == []


def test_persian_panel_header_does_not_overlap(signed_in, shoot):
    page = signed_in
    open_modeler(page, "/designer/new?lang=fa")
    task = connector_task(page, "charkh.sms", name="اطلاع‌رسانی به مشتری از طریق پیامک")
    click_element(page, task)
    header = page.locator(HEADER)
    assert page.evaluate("(el) => getComputedStyle(el).direction", header.element_handle()) == "rtl"
    shoot(page, "panel-header-fa")
    panel = page.locator(".bio-properties-panel").bounding_box()
    icon = page.locator(f"{HEADER}-icon").bounding_box()
    type_line = page.locator(f"{HEADER}-type").bounding_box()
    name_line = page.locator(f"{HEADER}-label").bounding_box()
    # where the letters are drawn: right to left, the texts end left of the icon, with a gap
    type_text = text_box(page, f"{HEADER}-type")
    name_text = text_box(page, f"{HEADER}-label")
    for name, box in {"icon": icon, "type": type_text, "name": name_text}.items():
        assert box["width"] > 0, name
        inside = panel["x"] - 0.5 <= box["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"] + 0.5
        assert inside, (name, box, panel)
    for name, box in {"type": type_text, "name": name_text}.items():
        assert box["x"] + box["width"] <= icon["x"] - 6, (name, box, icon)
    # the name's line starts below the type's line, and both lie inside the header
    assert type_line["y"] + type_line["height"] <= name_line["y"] + 0.5, (type_line, name_line)
    assert not boxes_overlap(type_line, name_line), (type_line, name_line)
    head = header.bounding_box()
    assert name_line["y"] + name_line["height"] <= head["y"] + head["height"] + 0.5, (name_line, head)
    # the texts are not clipped at the top or bottom: the header shows them whole
    assert page.evaluate("(el) => el.scrollHeight <= el.clientHeight", header.element_handle())
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
