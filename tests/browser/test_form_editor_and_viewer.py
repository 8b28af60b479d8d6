"""Forms in a real browser: an analyst designs a user task's form with the form-js editor from the
properties panel, saves and deploys; the work item then carries the form, which the viewer bundle
(static/dist/forms.js, window.CharkhForms) renders and validates, in en and in fa (right to left)."""
from __future__ import annotations

import html
import json
import re

import pytest

from tests import bpmn_compare
from tests.browser.canvas import (
    append_and_name,
    click_element,
    only,
    open_modeler,
    panel_group,
    replace_with,
    saved_xml,
    wait_for_catalog,
)
from tests.browser.waiting import wait_until

FORM_FIELDS = "[...document.querySelectorAll('#charkh-form-fields li')].map((li) => li.textContent)"


def add_field(page, field_type: str, label: str, key: str, required: bool = False) -> None:
    """Add a field from the form-js palette (Enter on its entry appends it to the form), then set
    its label, key and required box in the editor's properties panel."""
    palette_entry = page.locator(f"#charkh-form-dialog .fjs-palette-field[data-field-type='{field_type}']")
    palette_entry.focus()
    palette_entry.press("Enter")
    dialog = page.locator("#charkh-form-dialog")
    # clicking the new field (the last of its type) shows its properties on the right
    dialog.locator(f".fjs-form-container .fjs-element[data-field-type='{field_type}']").last.click()
    open_editor_group(dialog, "group-general")
    label_input = dialog.locator("#bio-properties-panel-label")
    label_input.fill(label)
    key_input = dialog.locator("#bio-properties-panel-key")
    key_input.fill(key)
    key_input.press("Tab")
    # the editor takes typed text after a pause: the field on the form shows its label then
    dialog.locator(".fjs-form-container .fjs-form-field-label", has_text=label).wait_for()
    if required:
        open_editor_group(dialog, "group-validation")
        dialog.locator("#bio-properties-panel-required").check()
        dialog.locator(".fjs-form-container .fjs-form-field-label", has_text=f"{label}*").wait_for()


def open_editor_group(dialog, group: str) -> None:
    """Open a group of the form editor's properties panel unless it is open."""
    header = dialog.locator(f"[data-group-id='{group}'] .bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def design_form(page, task: str, shoot, name: str) -> None:
    click_element(page, task)
    group = panel_group(page, "charkh-form")
    group.locator("#charkh-form-edit").click()
    page.locator("#charkh-form-dialog .fjs-palette-field[data-field-type='textfield']").wait_for()
    add_field(page, "textfield", "Note", "note")
    add_field(page, "number", "Amount", "amount", required=True)
    shoot(page, name)
    page.click("#charkh-form-save")
    page.locator("#charkh-form-dialog").wait_for(state="detached")


def test_an_analyst_designs_a_form_deploys_it_and_the_item_renders_and_validates_it(signed_in, make_user, shoot):
    page = signed_in
    sara = make_user("sara", groups=["finance"])
    open_modeler(page, "/designer/new")
    wait_for_catalog(page)
    start = only(page, "bpmn:StartEvent")
    task = append_and_name(page, start, "append.append-task", "Check invoice")
    replace_with(page, task, "replace-with-user-task")
    append_and_name(page, task, "append.end-event", "Checked")
    click_element(page, task)
    panel_group(page, "charkh-responsible")
    page.check("input[name='charkh-candidateGroups'][value='finance']")

    design_form(page, task, shoot, "form-editor")

    # the panel lists the form's fields; the file holds the form-js schema as charkh:form
    wait_until(page, f"{FORM_FIELDS}.length === 2")
    listed = page.evaluate(FORM_FIELDS)
    assert "Note" in listed[0] and "Amount" in listed[1] and "required" in listed[1]
    assert "<charkh:form>" in saved_xml(page)
    shoot(page, "form-group")

    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 1')")
    key = page.evaluate("window.charkh.state.key")
    assert sara.start(key).status_code == 201
    [listed_item] = sara.cartable()
    item = sara.get(f"/work-items/{listed_item['id']}").json
    fields = {c["key"]: c for c in item["form"]["components"] if "key" in c}
    assert fields["note"]["type"] == "textfield" and fields["amount"]["type"] == "number"
    assert fields["amount"]["validate"]["required"] is True

    # the server refuses the completion without the required amount
    refused = sara.complete(item["id"], data={"note": "ok"})
    assert refused.status_code == 422 and refused.json["error"]["details"]["fields"] == [
        {"field": "amount", "message": "is required"}]

    # the viewer bundle renders it on any page of the site (here the instance page), validates it
    # and hands back the data a completion takes
    page.goto(f"{page.base}/instances/{item['instance_id']}")
    render_form(page, item["form"], "en")
    assert validation_messages(page) == {"amount": ["This field is required"]}
    # an action's charkh:requiredFields are checked in the page too
    assert validation_messages(page, ("note",)) == {"amount": ["This field is required"],
                                                     "note": ["This field is required to take this action"]}
    fill_form_field(page, "Note", "looks right")
    fill_form_field(page, "Amount", "1200")
    assert validation_messages(page) == {}
    data = page.evaluate("window.formUnderTest.data()")
    assert data == {"note": "looks right", "amount": 1200}
    shoot(page, "form-viewer-en")
    done = sara.complete(item["id"], data=data)
    assert done.status_code == 200, done.json
    assert page.errors == []


def test_an_analyst_designs_a_start_form_on_the_start_event_and_starting_needs_it(signed_in, make_user, shoot):
    page = signed_in
    sara = make_user("sara", groups=["finance"])
    open_modeler(page, "/designer/new")
    wait_for_catalog(page)
    start = only(page, "bpmn:StartEvent")
    task = append_and_name(page, start, "append.append-task", "Check invoice")
    replace_with(page, task, "replace-with-user-task")
    append_and_name(page, task, "append.end-event", "Checked")
    click_element(page, task)
    panel_group(page, "charkh-responsible")
    page.check("input[name='charkh-candidateGroups'][value='finance']")

    click_element(page, start)
    group = panel_group(page, "charkh-form")
    assert group.locator(".bio-properties-panel-group-header-title").inner_text() == "Start form"
    assert "No form: whoever starts the process" in group.inner_text()
    design_form(page, start, shoot, "start-form-editor")
    wait_until(page, f"{FORM_FIELDS}.length === 2")
    assert "<charkh:form>" in saved_xml(page).split("<bpmn:startEvent")[1].split("</bpmn:startEvent>")[0]
    shoot(page, "start-form-group")

    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 1')")
    key = page.evaluate("window.charkh.state.key")
    found = sara.get(f"/definitions/{key}/start-form").json
    assert found["element"] == start
    assert [c["key"] for c in found["form"]["components"]] == ["note", "amount"]
    refused = sara.start(key, {"note": "no amount"})
    assert refused.status_code == 422 and refused.json["error"]["details"]["fields"] == [
        {"field": "amount", "message": "is required"}]
    assert sara.start(key, {"note": "fine", "amount": 5}).status_code == 201
    assert page.errors == []


def render_form(page, schema, locale: str) -> None:
    """Load forms.js and forms.css into the page as the cartable does, and render the form."""
    page.add_style_tag(url=f"{page.base}/static/dist/forms.css")
    page.add_script_tag(url=f"{page.base}/static/dist/forms.js")
    page.evaluate("""([schema, locale]) => {
        const box = document.createElement('div');
        box.id = 'form-under-test';
        box.style.maxWidth = '520px';
        document.body.prepend(box);
        window.formUnderTest = window.CharkhForms.render(box, schema, {}, { locale });
        return window.formUnderTest.ready;
    }""", [schema, locale])


def validation_messages(page, required_for_action: tuple[str, ...] = ()) -> dict[str, list[str]]:
    errors = page.evaluate("(required) => window.formUnderTest.validate(required)", list(required_for_action))
    return {e["field"]: e["messages"] for e in errors}


def fill_form_field(page, label: str, value: str) -> None:
    """Type into a field and leave it, as a person does (form-js takes a typed value on leaving)."""
    field = page.locator("#form-under-test").get_by_label(label)
    field.fill(value)
    field.press("Tab")


def test_the_form_viewer_speaks_persian_right_to_left(signed_in, model, shoot):
    page = signed_in
    schema = json.loads(model("expense_form.bpmn").decode().split("<charkh:form>")[1].split("</charkh:form>")[0])
    page.goto(f"{page.base}/designer?lang=fa")

    render_form(page, schema, "fa")

    assert page.get_attribute("#form-under-test", "dir") == "rtl"
    messages = validation_messages(page)
    assert messages["amount"] == ["پر کردن این فیلد الزامی است"]
    shoot(page, "form-viewer-fa")
    assert page.errors == []


def charkh_form_json(xml: str) -> dict:
    text = re.search(r"<charkh:form>(.*?)</charkh:form>", xml, re.S).group(1)
    return json.loads(html.unescape(text))


def test_a_stored_form_shows_in_the_panel_and_survives_a_save_from_the_designer(signed_in, admin, model):
    page = signed_in
    original = model("expense_form.bpmn")
    assert admin.upload(original, deploy=False).status_code == 201
    open_modeler(page, "/designer/expense_form")

    click_element(page, "fill")
    panel_group(page, "charkh-form")
    wait_until(page, f"{FORM_FIELDS}.length > 0")
    listed = page.evaluate(FORM_FIELDS)
    assert len(listed) == 7  # its inputs, the customer group's name among them
    assert any("Amount" in text and "required" in text for text in listed)
    # only Charkh's Form group: Camunda 7's form key and form fields are for files that use them
    assert page.locator("[data-group-id='group-CamundaPlatform__Form']").count() == 0

    page.evaluate("window.charkh.modeler.get('modeling').updateLabel("
                  "window.charkh.modeler.get('elementRegistry').get('fill'), 'Fill in the claim')")
    page.click("#save")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Saved version 2')")
    saved = admin.get("/definitions/expense_form/bpmn").data.decode()
    assert "Fill in the claim" in saved
    assert charkh_form_json(saved) == charkh_form_json(original.decode())
    assert page.errors == []


def test_camunda_7_form_fields_keep_their_own_group_and_survive_a_save(signed_in, admin, model):
    page = signed_in
    original = model("camunda7_form.bpmn")
    assert admin.upload(original, deploy=False).status_code == 201
    open_modeler(page, "/designer/camunda7_form")

    click_element(page, "ask")
    assert page.locator("[data-group-id='group-CamundaPlatform__Form']").count() == 1
    panel_group(page, "charkh-form")
    assert "No form" in page.locator("[data-group-id='group-charkh-form']").inner_text()

    page.evaluate("window.charkh.modeler.get('modeling').updateLabel("
                  "window.charkh.modeler.get('elementRegistry').get('ask'), 'Ask again')")
    page.click("#save")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Saved version 2')")
    saved = admin.get("/definitions/camunda7_form/bpmn").data
    lost = bpmn_compare.facts(original) - bpmn_compare.facts(saved)
    assert [fact for fact in lost if "form" in repr(fact).lower()] == []
    assert page.errors == []


def test_an_analyst_designs_a_form_in_persian(signed_in, shoot):
    page = signed_in
    open_modeler(page, "/designer/new?lang=fa")
    start = only(page, "bpmn:StartEvent")
    task = append_and_name(page, start, "append.append-task", "بررسی فاکتور")
    replace_with(page, task, "replace-with-user-task")
    click_element(page, task)
    assert "بدون فرم" in panel_group(page, "charkh-form").inner_text()

    page.locator("#charkh-form-edit").click()
    dialog = page.locator("#charkh-form-dialog")
    assert dialog.get_attribute("dir") == "rtl"
    assert dialog.locator("h2").inner_text() == "فرم «بررسی فاکتور»"
    page.locator("#charkh-form-dialog .fjs-palette-field[data-field-type='textfield']").wait_for()
    add_field(page, "textfield", "یادداشت", "note")
    add_field(page, "number", "مبلغ", "amount", required=True)
    shoot(page, "form-editor-fa")
    page.click("#charkh-form-save")
    dialog.wait_for(state="detached")

    wait_until(page, f"{FORM_FIELDS}.length === 2")
    listed = page.evaluate(FORM_FIELDS)
    assert "یادداشت" in listed[0] and "فیلد متنی" in listed[0]
    assert "مبلغ" in listed[1] and "عدد" in listed[1] and "الزامی" in listed[1]
    assert charkh_form_json(saved_xml(page))["components"][1]["label"] == "مبلغ"
    shoot(page, "form-group-fa")
    assert page.errors == []


SELECTS = {
    "type": "default", "id": "selects", "schemaVersion": 16,
    "components": [
        {"type": "select", "key": "region", "label": "Select", "id": "region",
         "values": [{"label": "North", "value": "n"}, {"label": "South", "value": "s"}]},
        {"type": "select", "key": "city", "label": "City", "id": "city", "searchable": True,
         "values": [{"label": "Tabriz", "value": "t"}]},
        {"type": "taglist", "key": "tags", "label": "Tags", "id": "tags",
         "values": [{"label": "Urgent", "value": "u"}]},
    ],
}


@pytest.mark.parametrize(("locale", "select", "search", "no_results"), [
    ("fa", "انتخاب", "جستجو", "چیزی پیدا نشد"),
    ("ro", "Alege", "Căutare", "Niciun rezultat"),
    ("en", "Select", "Search", "No results"),
])
def test_form_js_own_control_texts_speak_the_pages_language(signed_in, shoot, locale, select, search, no_results):
    page = signed_in
    page.goto(f"{page.base}/designer?lang={locale}")
    render_form(page, SELECTS, locale)
    form = page.locator("#form-under-test")
    assert form.locator(".fjs-select-display").first.inner_text() == select
    assert form.locator(".fjs-form-field-label").first.inner_text() == "Select"  # the analyst's label stays
    assert form.locator(".fjs-taglist-input").get_attribute("placeholder") == search
    form.locator(".fjs-taglist-input").fill("nothing like it")
    form.locator(".fjs-dropdownlist-empty").wait_for()
    assert form.locator(".fjs-dropdownlist-empty").inner_text() == no_results
    form.locator(".fjs-select-display").first.click()
    form.get_by_text("South").click()
    wait_until(page, "document.querySelector('#form-under-test .fjs-select-display').textContent === 'South'")
    assert page.evaluate("() => window.formUnderTest.data()")["region"] == "s"
    if locale == "fa":
        shoot(page, "form-viewer-controls-fa")
    assert page.errors == []
