"""Starting a case through its start form (issue 15), in a real browser: /start renders the
process's start form with form-js and starts the case with what it holds, in en and fa; the
cartable and the item lead to /start pre-set to their process; a phone's width."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_cartable_pages import no_console_errors, row_titled, sign_in
from tests.browser.waiting import wait_until


@pytest.fixture
def office(make_user, model, charkh):
    """olga deployed the complaint process (a start form) and the invoice cycle (none); sara
    registers, sam of support answers, mona and mia manage sales."""
    olga = make_user("olga", analyst=True)
    for name in ("complaint_start_form.bpmn", "invoice.bpmn"):
        assert olga.upload(model(name)).status_code == 201
    return {"sara": make_user("sara", groups=["sales"]), "sam": make_user("sam", groups=["support"]),
            "mona": make_user("mona", groups=["sales-managers"]), "mia": make_user("mia", groups=["sales-managers"]),
            "fred": make_user("fred", groups=["finance"]), "bot": make_user("mi-bot", integration=True)}


def form_field(page: Any, label: str) -> Any:
    return page.locator("#start-form-area").get_by_label(label)  # a required one's label ends in *


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_case_starts_through_its_start_form(page, live_server, office, charkh, shoot, lang):
    errors = no_console_errors(page)
    sign_in(page, live_server, "sara", lang)
    page.goto(f"{live_server}/start?process=complaint")
    form_field(page, "Customer").wait_for()
    assert page.locator("#start-fields").is_hidden()
    assert page.locator("#start-form-area").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")

    # form-js keeps the required customer in the page: nothing starts
    page.click("#start-button")
    page.locator("#status.error").wait_for()
    required = {"en": "This field is required", "fa": "پر کردن این فیلد الزامی است"}[lang]
    assert page.locator("#status").inner_text() == f"Customer: {required}"
    assert page.locator("#start-form-area .fjs-form-field-error", has_text=required).count() == 1
    shoot(page, f"start-form-required-{lang}")
    assert charkh.instances(charkh.caller_named("sara")) == []

    # a process without a start form keeps the field and value rows; back again, the form
    page.select_option("#start-process", "invoice")
    page.locator("#start-fields").wait_for()
    assert page.locator("#start-form-area").is_hidden()
    page.select_option("#start-process", "complaint")
    form_field(page, "Customer").wait_for()

    form_field(page, "Customer").fill("Pars Co")
    form_field(page, "Customer").press("Tab")
    form_field(page, "What happened").fill("The goods came late")
    form_field(page, "What happened").press("Tab")
    page.locator("#start-form-area .fjs-form-field-select .fjs-select-display").click()
    page.locator("#start-form-area .fjs-dropdownlist-item", has_text="Email").click()
    shoot(page, f"start-form-filled-{lang}")
    page.click("#start-button")
    page.wait_for_url(re.compile(r".*/instances/\d+$"))  # the first step is support's, not sara's

    [started] = charkh.instances(charkh.caller_named("sara"))
    view = charkh.instance(started["id"], charkh.caller_named("sara"))
    assert view["variables"] == {"customer": "Pars Co", "channel": "email", "details": "The goods came late"}
    assert [i["title"] for i in office["sam"].cartable()] == ["Complaint — Pars Co"]
    assert errors == []


def test_the_cartable_and_an_item_lead_to_a_new_case_of_their_process(page, live_server, office):
    office["sara"].start("invoice", {"number": 3, "customer": "Kish"})
    sign_in(page, live_server, "mona")
    row_titled(page, "Invoice 3 — Kish")
    assert page.get_attribute("#start-new", "href") == "/start"
    page.click("#process-counts button[data-process=invoice]")
    wait_until(page, "document.getElementById('start-new').getAttribute('href') === '/start?process=invoice'")

    row_titled(page, "Invoice 3 — Kish").locator("a.open").click()
    wait_until(page, "document.getElementById('start-like').getAttribute('href') === '/start?process=invoice'")
    page.click("#start-like")
    page.wait_for_url(re.compile(r".*/start\?process=invoice$"))
    page.locator("#start-fields").wait_for()
    assert page.locator("#start-process").input_value() == "invoice"
    assert page.errors == []


def test_a_phone_starts_a_case_by_its_form(chromium, live_server, office, shoot):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = no_console_errors(page)
    sign_in(page, live_server, "sara", "fa")
    page.goto(f"{live_server}/start?process=complaint")
    form_field(page, "Customer").wait_for()
    form_field(page, "Customer").fill("Pars Co")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "start-form-phone-fa")
    assert errors == []
    context.close()
