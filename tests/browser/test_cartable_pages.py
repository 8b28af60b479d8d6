"""The people's pages in a real browser (issue 15): the invoice cycle walked by four people, each
opening /cartable and clicking their action, in fa and en; forward, claim, filters, new items
without a reload, the instance page in words, and a phone's width."""
from __future__ import annotations

import re
from typing import Any

import pytest

PEOPLE = {"sara": ["sales"], "mona": ["sales-managers"], "fati": ["finance"], "wali": ["warehouse"]}


@pytest.fixture
def invoice_office(make_user, model):
    make_user("ana", analyst=True)
    users = {name: make_user(name, groups=groups) for name, groups in PEOPLE.items()}
    make_user("mia", groups=["sales-managers"])
    assert make_user("olga", analyst=True).upload(model("invoice.bpmn")).status_code == 201
    return users


def sign_in(page: Any, base: str, name: str, lang: str = "en") -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "secret")
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/cartable$"))


def row_titled(page: Any, title: str) -> Any:
    row = page.locator("#items tbody tr", has=page.locator("a.open", has_text=title))
    row.wait_for()
    return row


def no_console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_four_people_walk_the_invoice_cycle_each_from_their_cartable(page, live_server, invoice_office, shoot,
                                                                       charkh, lang):
    errors = no_console_errors(page)
    sign_in(page, live_server, "sara", lang)
    page.click("#nav-start")
    page.select_option("#start-process", "invoice")
    fields = page.locator("#start-fields .field-row")
    for index, (field, value) in enumerate((("number", "42"), ("customer", "Pars Co"), ("amount", "1200"))):
        fields.nth(index).locator("input").nth(0).fill(field)
        fields.nth(index).locator("input").nth(1).fill(value)
    shoot(page, f"cartable-start-{lang}")
    page.click("#start-button")
    page.wait_for_url(re.compile(r".*/instances/\d+$"))
    instance_id = page.url.rsplit("/", 1)[1]

    for person, action, task in (("mona", "Approve", "approve_invoice"), ("fati", None, "collect_payment"),
                                 ("wali", None, "ship_goods")):
        sign_in(page, live_server, person, lang)
        row = row_titled(page, "Invoice 42 — Pars Co")
        assert row.get_attribute("data-element") == task
        shoot(page, f"cartable-{person}-{lang}")
        # the manager chooses among three; finance and the warehouse have one way out each
        buttons = row.locator("button.action")
        (buttons.filter(has_text=action) if action else buttons).first.click()
        page.locator("#empty").wait_for()  # the item left the cartable

    view = charkh.instance(instance_id, charkh.caller_named("sara"))
    assert view["status"] == "completed"
    assert [(e["user"], (e["action"] or {}).get("name")) for e in view["history"]
            if e["type"] == "work_item_completed"] == [("mona", "Approve"), ("fati", "Payment confirmed"),
                                                       ("wali", "Shipped")]

    sign_in(page, live_server, "sara", lang)
    page.goto(f"{live_server}/instances/{instance_id}")
    page.locator("#history tbody tr[data-type=work_item_completed]").first.wait_for()
    words = page.locator("#history tbody tr[data-type=work_item_completed] td").nth(1).inner_text()
    assert words == {"fa": "mona «Approve invoice» را انجام داد: Approve",
                     "en": "mona did “Approve invoice”: Approve"}[lang]
    assert "work_item" not in page.locator("#history").inner_text()  # words, not codes
    shoot(page, f"instance-in-words-{lang}")
    assert errors == []


def test_an_item_is_claimed_released_and_forwarded_with_a_note(page, live_server, invoice_office, shoot):
    invoice_office["sara"].start("invoice", {"number": 7, "customer": "Kish"})
    sign_in(page, live_server, "mona")
    row_titled(page, "Invoice 7 — Kish").locator("a.open").click()
    page.locator("#claim").wait_for()
    page.click("#claim")
    page.locator("#release").wait_for()
    assert page.locator("#item-waits").inner_text() == "mona"
    page.click("#release")
    page.locator("#claim").wait_for()

    page.locator("#forward-box summary").click()
    page.select_option("#forward-kind", "user")
    page.fill("#forward-name", "mia")
    page.fill("#forward-note", "You know this customer")
    shoot(page, "item-forward")
    page.click("#forward-send")
    page.wait_for_url(re.compile(r".*/cartable$"))
    page.locator("#empty").wait_for()

    sign_in(page, live_server, "mia")
    row_titled(page, "Invoice 7 — Kish").locator("a.open").click()
    entry = page.locator("#item-history li[data-type=work_item_forwarded]")
    entry.wait_for()
    assert entry.inner_text().endswith("mona forwarded “Approve invoice” to mia — You know this customer")


def test_forwarding_to_nobody_known_says_so_on_the_page(page, live_server, invoice_office):
    invoice_office["sara"].start("invoice", {"number": 8, "customer": "Kish"})
    sign_in(page, live_server, "mona")
    row_titled(page, "Invoice 8 — Kish").locator("a.open").click()
    page.locator("#forward-box summary").click()
    page.fill("#forward-name", "ghost")
    page.click("#forward-send")
    page.locator("#status.error").wait_for()
    assert "no user named 'ghost'" in page.locator("#status").inner_text()


def test_filters_search_and_counts_per_process(page, live_server, invoice_office, shoot):
    sara = invoice_office["sara"]
    for number, customer in ((1, "Pars Co"), (2, "Kish Ltd"), (3, "Pars Co")):
        sara.start("invoice", {"number": number, "customer": customer})
    sign_in(page, live_server, "mona")
    page.locator("#items tbody tr").nth(2).wait_for()
    assert page.locator("#process-counts button[data-process=invoice] .count").inner_text() == "3"
    page.fill("#q", "kish")
    page.locator("#items tbody tr").first.wait_for()
    row_titled(page, "Invoice 2 — Kish Ltd")
    page.locator("#items tbody tr >> nth=1").wait_for(state="detached")
    shoot(page, "cartable-search")
    page.fill("#q", "")
    page.select_option("#sort", "title")
    page.locator("#items tbody tr").nth(2).wait_for()
    first = page.locator("#items tbody tr a.open").first
    first.wait_for()
    assert first.inner_text() == "Invoice 1 — Pars Co"
    assert page.errors == []


def test_new_items_appear_without_a_reload(page, live_server, invoice_office):
    sign_in(page, live_server, "mona")
    page.locator("#empty").wait_for()
    invoice_office["sara"].start("invoice", {"number": 99, "customer": "Late Co"})
    page.locator("#items tbody tr a.open", has_text="Invoice 99 — Late Co").wait_for(timeout=5000)


def test_a_phone_works_the_cartable_and_an_item_at_390_pixels(chromium, live_server, invoice_office, shoot):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = no_console_errors(page)
    invoice_office["sara"].start("invoice", {"number": 5, "customer": "Pars Co"})
    sign_in(page, live_server, "mona", "fa")
    row = row_titled(page, "Invoice 5 — Pars Co")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the screen
    shoot(page, "cartable-phone-fa")
    row.locator("a.open").click()
    page.locator("#actions button.action").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "item-phone-fa")
    page.locator("#actions button.action", has_text="Reject").click()
    page.wait_for_url(re.compile(r".*/cartable$"))
    page.locator("#empty").wait_for()
    assert errors == []
    context.close()


def test_the_instance_page_answers_404_and_keeps_the_language_through_sign_in(page, live_server, invoice_office,
                                                                            shoot):
    errors = no_console_errors(page)
    page.goto(f"{live_server}/instances/999?lang=fa")
    page.wait_for_url(re.compile(r".*/login\?.*"))
    page.fill("input[name=username]", "sara")
    page.fill("input[name=password]", "secret")
    response_codes: list[int] = []
    page.on("response", lambda response: response_codes.append(response.status)
            if "/instances/999" in response.url else None)
    page.click("#sign-in")
    page.locator("#error-message").wait_for()
    assert page.locator("html").get_attribute("lang") == "fa"
    assert response_codes[-1] == 404  # after the sign-in's redirect to it
    assert "999" in page.locator("#error-message").inner_text()
    shoot(page, "instance-404-fa")
    favicon = page.request.get(f"{live_server}/favicon.ico")
    assert favicon.status == 200
    assert [e for e in errors if "404" not in e] == []


def test_a_supervisor_sees_who_works_on_what_and_filters_it(page, live_server, invoice_office, make_user, shoot):
    make_user("sol", groups=["supervisors"])
    sara, mona = invoice_office["sara"], invoice_office["mona"]
    first = sara.start("invoice", {"number": 1, "customer": "Pars Co"}).json["work_items"][0]["id"]
    sara.start("invoice", {"number": 2, "customer": "Kish"})
    assert mona.post(f"/work-items/{first}/claim").status_code == 200
    sign_in(page, live_server, "sol")
    page.click("#nav-work")
    page.locator("#by-person tbody tr[data-name=mona] td.count").wait_for()
    assert page.locator("#by-person tbody tr[data-name=mona] td.count").inner_text() == "1"
    assert page.locator("#by-group tbody tr[data-name=sales-managers] td.count").inner_text() == "2"
    page.fill("#filter-user", "mona")
    page.select_option("#filter-status", "claimed")
    page.locator("#items tbody tr").nth(1).wait_for(state="detached")
    assert page.locator("#items tbody tr").count() == 1
    shoot(page, "who-works-on-what")
    assert page.errors == []
