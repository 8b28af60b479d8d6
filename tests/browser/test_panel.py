"""Charkh's properties-panel groups in a real browser, used the way an analyst uses them: the
responsible party of a user task (and of a task drawn without a type), the workflow's trigger with
its condition builder, visibility, a connector activity from an element template with "Insert
field", and the standard timer, call-activity and script entries. Outcomes are read from what the
modeler saves, from the server's copy, and from the engine."""
from __future__ import annotations

import re

from tests.browser.canvas import (
    api_get,
    append_and_name,
    choose,
    click_element,
    click_empty_canvas,
    entry_input,
    fill_entry,
    only,
    open_modeler,
    options,
    panel_group,
    replace_with,
    saved_xml,
    wait_for_catalog,
    wait_for_xml,
)
from tests.browser.waiting import wait_until


def user_task_with_end(page):
    """start -> "Check invoice" (a user task) -> end, drawn with the context pad."""
    start = only(page, "bpmn:StartEvent")
    task = append_and_name(page, start, "append.append-task", "Check invoice")
    replace_with(page, task, "replace-with-user-task")
    append_and_name(page, task, "append.end-event", "Checked")
    return task


def element_xml(xml, tag, element_id):
    """The opening tag of one element in the saved XML."""
    match = re.search(rf'<bpmn:{tag} id="{element_id}"[^>]*>', xml)
    assert match, (tag, element_id, xml)
    return match.group(0)


def test_responsible_party_due_date_and_escalation(signed_in, make_user, shoot):
    page = signed_in
    sara = make_user("sara", groups=["finance"], roles=["accountant"])
    make_user("omid", groups=["finance", "audit"], roles=["chief-accountant"])
    open_modeler(page, "/designer/new")
    wait_for_catalog(page)
    task = user_task_with_end(page)

    click_element(page, task)
    group = panel_group(page, "charkh-responsible")
    # the pickers list what the server has: users, groups, roles
    users = options(page, "charkh-assignee")
    assert {"sara", "omid", "ana"} <= set(users) and users[""]
    groups = group.locator("input[name='charkh-candidateGroups']")
    assert sorted(groups.evaluate_all("(boxes) => boxes.map((b) => b.value)")) == ["audit", "finance"]
    roles = group.locator("input[name='charkh-roles']")
    assert sorted(roles.evaluate_all("(boxes) => boxes.map((b) => b.value)")) == ["accountant", "chief-accountant"]

    choose(page, "charkh-assignee", "sara")
    page.check("input[name='charkh-candidateGroups'][value='finance']")
    page.check("input[name='charkh-candidateGroups'][value='audit']")
    page.check("input[name='charkh-roles'][value='accountant']")

    # a due date that is not ISO 8601 is flagged in the panel and not written
    fill_entry(page, "charkh-dueDate", "two days")
    error = group.locator("[data-entry-id='charkh-dueDate'] .bio-properties-panel-error")
    error.wait_for()
    assert error.inner_text() == "Not an ISO 8601 duration or date"
    assert "camunda:dueDate" not in saved_xml(page)
    fill_entry(page, "charkh-dueDate", "P2D")
    fill_entry(page, "charkh-escalateAfter", "PT4H")
    escalate = options(page, "charkh-escalateTo")
    assert "superior" in escalate and "omid" in escalate and "finance" in escalate
    choose(page, "charkh-escalateTo", "omid")

    xml = wait_for_xml(page, 'camunda:dueDate="P2D"', 'charkh:escalateAfter="PT4H"', 'charkh:escalateTo="omid"')
    tag = element_xml(xml, "userTask", task)
    assert 'camunda:assignee="sara"' in tag
    assert 'camunda:candidateGroups="finance,audit"' in tag
    assert 'charkh:roles="accountant"' in tag
    shoot(page, "panel-responsible")

    # unticking a group writes the list without it
    page.uncheck("input[name='charkh-candidateGroups'][value='audit']")
    wait_for_xml(page, 'camunda:candidateGroups="finance"')

    # deployed and started, the task lands in Sara's cartable, due in two days
    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 1')")
    key = page.evaluate("window.charkh.state.key")
    server = api_get(page, f"/definitions/{key}/bpmn").text()
    assert 'camunda:assignee="sara"' in server and 'charkh:escalateTo="omid"' in server
    started = sara.start(key)
    assert started.status_code == 201, started.json
    [item] = sara.cartable()
    assert item["name"] == "Check invoice" and item["due_at"]
    assert page.errors == []


def test_a_task_drawn_without_a_type_has_a_responsible_party_and_waits_in_its_cartable(signed_in, make_user):
    page = signed_in
    sara = make_user("sara", groups=["archive"])
    open_modeler(page, "/designer/new")
    wait_for_catalog(page)
    start = only(page, "bpmn:StartEvent")
    task = append_and_name(page, start, "append.append-task", "File the papers")  # bpmn-js's default task
    append_and_name(page, task, "append.end-event", "Filed")

    click_element(page, task)
    panel_group(page, "charkh-responsible")
    choose(page, "charkh-assignee", "sara")

    xml = wait_for_xml(page, 'camunda:assignee="sara"')
    assert 'camunda:assignee="sara"' in element_xml(xml, "task", task)
    page.click("#deploy")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Deployed version 1')")
    started = sara.start(page.evaluate("window.charkh.state.key"))
    assert started.status_code == 201, started.json
    [item] = sara.cartable()
    assert (item["name"], item["assignee"]) == ("File the papers", "sara")
    assert page.errors == []


def test_trigger_entity_update_mode_and_condition_builder(signed_in, shoot):
    page = signed_in
    open_modeler(page, "/designer/new")
    wait_for_catalog(page)
    click_empty_canvas(page)  # the process itself

    panel_group(page, "charkh-trigger")
    entities = options(page, "charkh-trigger-entity")
    assert {"contact": "Contact", "invoice": "Invoice", "ticket": "Support ticket"}.items() <= entities.items()
    choose(page, "charkh-trigger-entity", "invoice")
    choose(page, "charkh-trigger-on", "update")
    # on update asks whether to run the first time only or every time
    entry_input(page, "charkh-trigger-mode").wait_for()
    assert set(options(page, "charkh-trigger-mode")) == {"first", "every"}
    choose(page, "charkh-trigger-mode", "every")

    conditions = panel_group(page, "charkh-conditions")
    conditions.locator(".bio-properties-panel-add-entry").click()
    entry_input(page, "charkh-condition-0-field").wait_for()
    fields = options(page, "charkh-condition-0-field")
    assert {"amount", "paid", "status", "customer", "issued_on"} <= set(fields)

    # a number field: comparisons and "between", no text operators
    choose(page, "charkh-condition-0-field", "amount")
    wait_until(page, "document.querySelector('#bio-properties-panel-charkh-condition-0-operator')"
                           "&& [...document.querySelector('#bio-properties-panel-charkh-condition-0-operator').options]"
                           ".some((o) => o.value === 'between')")
    number_ops = options(page, "charkh-condition-0-operator")
    assert {"eq", "lt", "ge", "between"} <= set(number_ops) and "contains" not in number_ops
    assert number_ops["between"] == "between"
    choose(page, "charkh-condition-0-operator", "between")
    fill_entry(page, "charkh-condition-0-value", "a lot")  # not "min,max": flagged, not written
    error = conditions.locator("[data-entry-id='charkh-condition-0-value'] .bio-properties-panel-error")
    error.wait_for()
    assert error.inner_text() == "Two numbers: min,max"
    assert "a lot" not in saved_xml(page)
    fill_entry(page, "charkh-condition-0-value", "1000,5000")

    # a checkbox field: checked / not checked only, and no value to type
    conditions.locator(".bio-properties-panel-add-entry").click()
    entry_input(page, "charkh-condition-1-field").wait_for()
    choose(page, "charkh-condition-1-field", "paid")
    wait_until(page, "[...document.querySelector('#bio-properties-panel-charkh-condition-1-operator').options]"
                           ".some((o) => o.value === 'checked')")
    checkbox_ops = options(page, "charkh-condition-1-operator")
    assert checkbox_ops == {"checked": "is checked", "not_checked": "not checked"}
    choose(page, "charkh-condition-1-operator", "not_checked")
    assert entry_input(page, "charkh-condition-1-value").count() == 0

    # a text field offers "contains"; a picklist's value is picked from its options
    conditions.locator(".bio-properties-panel-add-entry").click()
    entry_input(page, "charkh-condition-2-field").wait_for()
    choose(page, "charkh-condition-2-field", "status")
    wait_until(page, "[...document.querySelector('#bio-properties-panel-charkh-condition-2-operator').options]"
                           ".some((o) => o.value === 'is')")
    assert set(options(page, "charkh-condition-2-operator")) == {"is", "is_not", "one_of", "is_empty", "is_not_empty"}
    assert {"approved", "paid"} <= set(options(page, "charkh-condition-2-value"))
    choose(page, "charkh-condition-2-value", "approved")

    # any of them (OR)
    choose(page, "charkh-trigger-match", "any")
    xml = wait_for_xml(page, 'match="any"', 'value="approved"', 'operator="not_checked"', 'value="1000,5000"')
    trigger = re.search(r"<charkh:trigger [^>]*>", xml).group(0)
    assert 'entity="invoice"' in trigger and 'on="update"' in trigger and 'mode="every"' in trigger
    conds = re.findall(r"<charkh:condition ([^>]*)/>", xml)
    parsed = [dict(re.findall(r'(\w+)="([^"]*)"', c)) for c in conds]
    assert parsed == [
        {"field": "amount", "operator": "between", "value": "1000,5000"},
        {"field": "paid", "operator": "not_checked"},
        {"field": "status", "operator": "is", "value": "approved"},
    ]
    assert re.search(r'<charkh:conditions match="any">\s*<charkh:condition field="amount"', xml)
    shoot(page, "panel-trigger")

    # removing a condition removes it from the file
    item = conditions.locator("[data-entry-id='charkh-condition-1']")
    item.locator(".bio-properties-panel-collapsible-entry-header").hover()  # the bin shows on hover
    item.locator(".bio-properties-panel-remove-entry").click()
    wait_until(page, "window.charkh.modeler.saveXML().then((r) => !r.xml.includes('not_checked'))")
    assert len(re.findall(r"<charkh:condition ", saved_xml(page))) == 2

    # "on create" drops the mode
    choose(page, "charkh-trigger-on", "create")
    xml = wait_for_xml(page, 'on="create"')
    assert "mode=" not in re.search(r"<charkh:trigger [^>]*>", xml).group(0)
    assert entry_input(page, "charkh-trigger-mode").count() == 0
    assert page.errors == []


def test_visibility_private(signed_in):
    page = signed_in
    open_modeler(page, "/designer/new")
    click_empty_canvas(page)
    panel_group(page, "charkh-visibility")
    assert options(page, "charkh-visibility-select").keys() == {"public", "private"}
    assert entry_input(page, "charkh-visibility-select").input_value() == "public"
    choose(page, "charkh-visibility-select", "private")
    xml = wait_for_xml(page, 'charkh:visibility="private"')
    assert re.search(r'<bpmn:process id="[^"]+"[^>]* charkh:visibility="private"', xml)

    page.click("#save")
    page.wait_for_selector("#status.charkh-status-ok:has-text('Saved version 1')")
    key = page.evaluate("window.charkh.state.key")
    assert 'charkh:visibility="private"' in api_get(page, f"/definitions/{key}/bpmn").text()
    assert page.errors == []


def test_sms_connector_from_template_with_insert_field(signed_in, shoot):
    page = signed_in
    open_modeler(page, "/designer/new")
    wait_for_catalog(page)
    # the record fields "Insert field" offers are the trigger entity's
    click_empty_canvas(page)
    panel_group(page, "charkh-trigger")
    choose(page, "charkh-trigger-entity", "contact")
    wait_for_xml(page, 'entity="contact"')

    start = only(page, "bpmn:StartEvent")
    task = append_and_name(page, start, "append.append-task", "Greet the contact")
    replace_with(page, task, "replace-with-service-task")
    click_element(page, task)

    # the panel's template chooser: Select, then "Send SMS"
    page.click(".bio-properties-panel-select-template-button")
    page.wait_for_selector(".djs-popup [data-id='apply-template-charkh.sms']")
    page.click(".djs-popup [data-id='apply-template-charkh.sms']")
    wait_for_xml(page, 'camunda:modelerTemplate="charkh.sms"', "<camunda:connectorId>charkh-sms</camunda:connectorId>")

    # the template's fields, in its named groups: the text of the message is under "Message"
    template = panel_group(page, "ElementTemplates__CustomGroup-camunda-Connector-message")
    text = template.locator("[data-entry-id^='custom-entry-']").filter(
        has=page.locator("label", has_text=re.compile(r"^Text$"))).locator("textarea")
    text.wait_for()
    text.fill("Hello ")
    text.press("Tab")  # leaving the field trims it
    wait_for_xml(page, '<camunda:inputParameter name="text">Hello</camunda:inputParameter>')

    # "Insert field": into the text, the contact's first name
    group = panel_group(page, "charkh-insert-field")
    params = group.locator("#charkh-insert-param option").evaluate_all("(os) => os.map((o) => o.value)")
    assert {"to", "text"} <= set(params)
    record_fields = group.locator("#charkh-insert-record-field option").evaluate_all("(os) => os.map((o) => o.value)")
    assert {"first_name", "mobile", "do_not_contact"} <= set(record_fields)
    group.locator("#charkh-insert-param").select_option("text")
    group.locator("#charkh-insert-record-field").select_option("first_name")
    group.locator("#charkh-insert-button").click()
    xml = wait_for_xml(page, '<camunda:inputParameter name="text">Hello ${record.first_name}</camunda:inputParameter>')
    # the template's own field shows what was inserted, as a word of its own
    wait_until(page, "(t) => [...document.querySelectorAll('textarea')].some((a) => a.value === t)",
                           arg="Hello ${record.first_name}")
    # a second field goes after the first, apart from it; after punctuation it is put right there
    group.locator("#charkh-insert-record-field").select_option("last_name")
    group.locator("#charkh-insert-button").click()
    wait_for_xml(page, '<camunda:inputParameter name="text">Hello ${record.first_name} ${record.last_name}</')
    text.fill("Ref-")
    text.press("Tab")
    wait_for_xml(page, '<camunda:inputParameter name="text">Ref-</camunda:inputParameter>')
    group.locator("#charkh-insert-record-field").select_option("email")
    group.locator("#charkh-insert-button").click()
    xml = wait_for_xml(page, '<camunda:inputParameter name="text">Ref-${record.email}</camunda:inputParameter>')

    tag = element_xml(xml, "serviceTask", task)
    assert 'camunda:modelerTemplate="charkh.sms"' in tag
    connector = re.search(r"<camunda:connector>.*?</camunda:connector>", xml, re.S).group(0)
    assert "<camunda:connectorId>charkh-sms</camunda:connectorId>" in connector
    assert '<camunda:inputParameter name="to">${record.mobile}</camunda:inputParameter>' in connector
    shoot(page, "panel-sms-template")
    assert page.errors == []


def test_timer_call_activity_and_script_in_the_standard_groups(signed_in, shoot):
    page = signed_in
    open_modeler(page, "/designer/new")
    start = only(page, "bpmn:StartEvent")

    # a timer: an intermediate event made a timer catch event, waiting three days
    event = append_and_name(page, start, "append.intermediate-event", "Wait")
    event = replace_with(page, event, "replace-with-timer-intermediate-catch")
    click_element(page, event)
    panel_group(page, "timer")
    choose(page, "timerEventDefinitionType", "timeDuration")
    fill_entry(page, "timerEventDefinitionValue", "P3D")
    xml = wait_for_xml(page, "P3D")
    assert re.search(r'<bpmn:intermediateCatchEvent id="' + event + r'" name="Wait">.*?<bpmn:timerEventDefinition[^>]*>'
                     r'\s*<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>', xml, re.S)
    shoot(page, "panel-timer")

    # a call activity calling the invoice process
    call = append_and_name(page, event, "append.append-task", "Approve the invoice")
    call = replace_with(page, call, "replace-with-call-activity")
    click_element(page, call)
    panel_group(page, "CamundaPlatform__CallActivity")
    if entry_input(page, "calledElementType").count():
        choose(page, "calledElementType", "bpmn")
    fill_entry(page, "calledElement", "invoice")
    xml = wait_for_xml(page, 'calledElement="invoice"')
    assert 'calledElement="invoice"' in element_xml(xml, "callActivity", call)

    # a script task computing a total
    script = append_and_name(page, call, "append.append-task", "Compute total")
    script = replace_with(page, script, "replace-with-script-task")
    click_element(page, script)
    panel_group(page, "CamundaPlatform__Script")
    fill_entry(page, "scriptFormat", "python")
    if entry_input(page, "scriptType").count():
        choose(page, "scriptType", "script")
    fill_entry(page, "scriptValue", "total = amount * 2")
    xml = wait_for_xml(page, "total = amount * 2")
    tag = element_xml(xml, "scriptTask", script)
    assert 'scriptFormat="python"' in tag
    assert re.search(r'<bpmn:scriptTask id="' + script + r'"[^>]*>.*?<bpmn:script>total = amount \* 2</bpmn:script>',
                     xml, re.S)
    shoot(page, "panel-script")
    assert page.errors == []


def test_cartable_item_title_on_the_process(signed_in):
    page = signed_in
    open_modeler(page, "/designer/new")
    click_empty_canvas(page)
    panel_group(page, "charkh-title")
    fill_entry(page, "charkh-title-template", "Invoice ${number} — ${customer}")
    xml = wait_for_xml(page, "charkh:title=")
    assert re.search(r'<bpmn:process id="[^"]+"[^>]* charkh:title="Invoice \$\{number\} — \$\{customer\}"', xml)
    assert page.errors == []
