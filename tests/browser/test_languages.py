"""The designer's own texts in fa (right to left), en and ro; Persian labels on the canvas."""
from __future__ import annotations

from tests.browser.waiting import wait_until


def open_new(page, lang):
    page.goto(f"{page.base}/designer/new?lang={lang}")
    wait_until(page, "window.charkh && window.charkh.ready")
    page.evaluate("window.charkh.ready")


def test_persian_designer_is_right_to_left_and_draws_persian_labels(signed_in, shoot):
    page = signed_in
    open_new(page, "fa")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#charkh-app [dir=rtl], #charkh-app[dir=rtl]").count() >= 1
    assert page.inner_text("#save").strip() == "ذخیره"
    assert page.inner_text("#deploy").strip() == "استقرار"

    start = page.evaluate("window.charkh.modeler.get('elementRegistry')"
                          ".filter((e) => e.type === 'bpmn:StartEvent')[0].id")
    page.evaluate("(id) => window.charkh.modeler.get('selection').select("
                  "window.charkh.modeler.get('elementRegistry').get(id))", start)
    page.click(".djs-context-pad .entry[data-action='append.append-task']")
    page.wait_for_selector(".djs-direct-editing-parent", state="visible")
    page.keyboard.type("تأیید فاکتور")
    page.keyboard.press("Enter")
    label = page.locator(".djs-element.djs-shape text", has_text="تأیید فاکتور")
    label.first.wait_for()
    xml = page.evaluate("window.charkh.modeler.saveXML().then((r) => r.xml)")
    assert 'name="تأیید فاکتور"' in xml
    shoot(page, "modeler-fa")
    assert page.errors == []


def test_romanian_and_english_toolbars(signed_in):
    page = signed_in
    open_new(page, "ro")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.inner_text("#save").strip() == "Salvează"
    open_new(page, "en")
    assert page.inner_text("#save").strip() == "Save"
