"""The records pages in a real browser (issue 16, item 2): an administrator defines an entity; a
plain user creates a record from its list, meets a refusal next to the field, edits the record in
place and reads the change in its history; the list filters, searches and pages; the record page
in Persian on a phone's width."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.date_picker import pick_date
from tests.browser.test_cartable_pages import no_console_errors
from tests.browser.waiting import wait_until


def sign_in(page: Any, base: str, name: str, lang: str = "en") -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "secret")
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/(cartable|designer)$"))


@pytest.fixture
def sara(make_user):
    return make_user("sara", groups=["sales"])


def create(user: Any, entity: str, **fields: Any) -> dict[str, Any]:
    response = user.post(f"/records/{entity}", json={"fields": fields})
    assert response.status_code == 201, response.json
    return response.json


def test_an_admin_defines_an_entity_with_a_picklist_and_a_reference(page, live_server, make_user, sara, charkh,
                                                                    shoot):
    errors = no_console_errors(page)
    make_user("ada", admin=True)
    sign_in(page, live_server, "ada")
    page.click("#nav-records")
    page.click("#define-entities")
    page.wait_for_url(f"{live_server}/admin/entities")
    page.locator("#entities tbody tr[data-entity=invoice]").wait_for()
    page.click("#new-entity")
    page.fill("#entity-name", "vehicle")
    page.fill("#entity-label-en", "Vehicle")
    page.fill("#entity-label-fa", "خودرو")
    page.fill("#entity-label-ro", "Vehicul")
    rows = page.locator("#field-rows > li")
    rows.nth(0).locator(".f-name").fill("plate")
    rows.nth(0).locator(".f-label-en").fill("Plate")
    page.click("#add-field")
    rows.nth(1).locator(".f-name").fill("kind")
    rows.nth(1).locator(".f-type").select_option("picklist")
    rows.nth(1).locator(".f-label-en").fill("Kind")
    rows.nth(1).locator(".f-label-fa").fill("نوع")
    rows.nth(1).locator(".f-options").fill("car\nvan\ntruck")
    page.click("#add-field")
    rows.nth(2).locator(".f-name").fill("driver")
    rows.nth(2).locator(".f-type").select_option("reference")
    rows.nth(2).locator(".f-label-en").fill("Driver")
    rows.nth(2).locator(".f-entity").select_option("contact")
    shoot(page, "entities-define")
    page.click("#save-entity")
    page.locator("#entities tbody tr[data-entity=vehicle]").wait_for()
    assert page.locator("#status").inner_text() == "Entity vehicle defined."

    defined = charkh.records.entity("vehicle")
    assert defined["labels"] == {"en": "Vehicle", "fa": "خودرو", "ro": "Vehicul"}
    assert [(f["name"], f["type"], f.get("options"), f.get("entity")) for f in defined["fields"]] == [
        ("plate", "text", None, None), ("kind", "picklist", ["car", "van", "truck"], None),
        ("driver", "reference", None, "contact")]

    # a refusal names the field: a picklist without options
    page.locator("#entities tbody tr[data-entity=vehicle] button.edit-entity").click()
    page.click("#add-field")
    rows.nth(3).locator(".f-name").fill("colour")
    rows.nth(3).locator(".f-type").select_option("picklist")
    page.click("#save-entity")
    rows.nth(3).locator(".field-error:not(:empty)").wait_for()
    assert "picklist" in rows.nth(3).locator(".field-error").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/admin/entities?lang=fa")
    page.locator("#entities tbody tr[data-entity=vehicle] button.edit-entity").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "entities-phone-fa")
    assert refused_only(errors) == []

    sign_in(page, live_server, "sara")
    assert page.locator("#define-entities").count() == 0 or not page.locator("#define-entities").is_visible()
    response = page.goto(f"{live_server}/admin/entities")
    assert response.status == 403 and "Only administrators" in page.locator("#error-message").inner_text()


def test_a_plain_user_creates_a_record_meets_a_422_edits_it_and_reads_the_change(page, live_server, sara, make_user,
                                                                              shoot):
    errors = no_console_errors(page)
    make_user("mona", groups=["sales"])
    ana = create(sara, "contact", first_name="Ana", last_name="Pop")
    sign_in(page, live_server, "sara")
    page.click("#nav-records")
    page.click("#entities li[data-entity=invoice] a")
    page.wait_for_url(f"{live_server}/records/invoice")
    page.click("#new-record")
    page.fill("#input-number", "INV-7")
    page.fill("#input-customer", "Pars Co")
    page.fill("#input-email", "not an address")
    page.fill("#input-amount", "100")
    page.select_option("#input-status", "draft")
    page.fill("#input-contact", "Ana")
    page.locator(f"datalist option[value='{ana['id']}']").wait_for(state="attached")
    page.fill("#input-contact", ana["id"])
    page.dispatch_event("#input-contact", "change")
    page.locator("[data-field=contact] .hint", has_text="Ana Pop").wait_for()
    page.fill("#input-owner", "mo")
    page.locator("#new-fields datalist option[value=mona]").wait_for(state="attached")
    page.fill("#input-owner", "mona")
    page.click("#create-record")

    error = page.locator("[data-field=email] .field-error")
    error.wait_for()
    wait_until(page, "document.querySelector('[data-field=email] .field-error').textContent !== ''")
    assert error.inner_text() == "This is not an email address."
    assert page.locator("#input-email").get_attribute("aria-invalid") == "true"
    assert page.locator("#new-status").inner_text() == "Check the field “Customer email”."
    shoot(page, "record-new-422")
    page.fill("#input-email", "ap@pars.ir")
    page.click("#create-record")
    page.wait_for_url(re.compile(r".*/records/invoice/\d+$"))
    record_id = page.url.rsplit("/", 1)[1]

    page.locator("#fields [data-field=amount] dd", has_text="100").wait_for()
    assert page.locator("#record-title").inner_text() == "INV-7 Pars Co"
    assert page.locator("#record-owner").inner_text() == "mona"
    assert page.locator("#fields [data-field=contact] dd a").inner_text() == "Ana Pop"
    page.click("#edit")
    page.fill("#input-amount", "150")
    page.check("#input-paid")
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request) if request.method == "PATCH" else None)
    page.click("#save")
    page.locator("#fields [data-field=amount] dd", has_text="150").wait_for()
    assert requests[0].post_data_json == {"fields": {"amount": "150", "paid": True}}  # only what changed
    entry = page.locator("#history li[data-type=record_changed]")
    entry.wait_for()
    assert entry.inner_text().endswith("Amount: 100 → 150; Paid: (empty) → Yes by sara")
    page.select_option("#history-kind", "processes")
    page.locator("#no-history").wait_for()
    page.select_option("#history-kind", "")
    page.fill("#history-q", "150")
    assert page.locator("#history li:visible").count() == 1
    shoot(page, "record-edited")

    page.goto(f"{live_server}/records/contact/{ana['id']}")
    related = page.locator("#related .related-group[data-entity=invoice][data-field=contact]")
    related.wait_for()
    assert related.locator("tbody a").inner_text() == "INV-7"
    assert related.locator("tbody a").get_attribute("href") == f"/records/invoice/{record_id}"
    assert refused_only(errors) == []


def test_the_list_filters_searches_and_pages(page, live_server, sara, shoot):
    for n in range(30):
        create(sara, "invoice", number=f"INV-{n:02}", customer="Kish Ltd" if n == 7 else "Pars Co",
               status="approved" if n % 3 == 0 else "draft", paid=n % 2 == 0)
    sign_in(page, live_server, "sara")
    page.goto(f"{live_server}/records/invoice")
    rows = page.locator("#records tbody tr")
    rows.nth(24).wait_for()
    assert rows.count() == 25 and page.locator("#more").is_visible()
    page.click("#more")
    rows.nth(29).wait_for()
    assert page.locator("#more").is_hidden()

    page.select_option("#filters select[name=status]", "approved")
    wait_until(page, "document.querySelectorAll('#records tbody tr').length === 10")
    page.select_option("#filters select[name=paid]", "false")
    wait_until(page, "document.querySelectorAll('#records tbody tr').length === 5")
    assert "status=approved" in page.url and "paid=false" in page.url
    shoot(page, "records-filtered")
    page.reload()  # the filters are in the address
    wait_until(page, "document.querySelectorAll('#records tbody tr').length === 5")
    assert page.locator("#filters select[name=status]").input_value() == "approved"

    page.goto(f"{live_server}/records/invoice")
    page.fill("#q", "kish")
    wait_until(page, "document.querySelectorAll('#records tbody tr').length === 1")
    assert rows.first.locator("a.open").inner_text() == "INV-07"
    page.fill("#q", "nothing like it")
    page.locator("#empty").wait_for()
    assert page.errors == []


def test_the_record_page_in_persian_on_a_phone(chromium, live_server, admin, sara, model, shoot):
    assert admin.upload(model("invoice.bpmn")).status_code == 201
    ana = create(sara, "contact", first_name="Ana", last_name="Pop", mobile="09120000000")
    invoice = create(sara, "invoice", number="INV-9", customer="Pars Co", contact=ana["id"], amount=1250000,
                     issued_on="2026-03-21", status="draft")
    assert sara.client.patch(f"/api/v1/records/invoice/{invoice['id']}", headers=sara.headers,
                             json={"fields": {"amount": 1300000}}).status_code == 200
    started = sara.start("invoice", {"number": "INV-9", "customer": "Pars Co"},
                         record={"entity": "invoice", "id": invoice["id"]}).json
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = no_console_errors(page)
    sign_in(page, live_server, "sara", "fa")
    page.goto(f"{live_server}/records/invoice/{invoice['id']}")
    page.locator("#history li[data-type=instance_started]").wait_for()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#fields [data-field=amount] dt").inner_text() == "مبلغ"
    assert page.locator("#fields [data-field=amount] dd").inner_text() == "۱٬۳۰۰٬۰۰۰"
    assert page.locator("#fields [data-field=issued_on] dd").inner_text() == "۱ فروردین ۱۴۰۵"
    changed = page.locator("#history li[data-type=record_changed]").inner_text()
    assert "مبلغ: ۱٬۲۵۰٬۰۰۰ ← ۱٬۳۰۰٬۰۰۰ به دست sara" in changed
    started_entry = page.locator("#history li[data-type=instance_started]")
    assert "sara پرونده را آغاز کرد" in started_entry.inner_text()  # the instance page's words
    assert started_entry.locator("a.instance-link").get_attribute("href") == f"/instances/{started['id']}"
    assert page.locator(f"#instances li[data-id='{started['id']}'] a").inner_text() == f"نمونهٔ {digits(started['id'])}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "record-phone-fa")
    page.click("#edit")
    page.locator("#input-amount").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "record-phone-fa-edit")
    page.goto(f"{live_server}/records/invoice")
    page.locator("#records tbody tr").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "records-phone-fa")
    assert errors == []
    context.close()


def refused_only(errors: list[str]) -> list[str]:
    """The console's errors but the browser's note of the 422 the test asked for."""
    return [e for e in errors if "status of 422" not in e]


def digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_a_persian_user_picks_a_records_date_in_the_jalali_calendar(page, live_server, sara, shoot):
    errors = no_console_errors(page)
    invoice = create(sara, "invoice", number="INV-9", customer="Kish Co", due_on="2026-12-31")
    sign_in(page, live_server, "sara", lang="fa")
    page.goto(f"{live_server}/records/invoice/{invoice['id']}")
    page.locator("#fields [data-field=due_on] dd", has_text="۱۴۰۵").wait_for()
    page.click("#edit")
    assert page.locator("#input-due_on-date").inner_text() == "۱۰ دی ۱۴۰۵"  # 31 December 2026
    pick_date(page, "input-due_on", "2027-01-05")
    assert page.locator("#input-due_on-date").inner_text() == "۱۵ دی ۱۴۰۵"
    shoot(page, "record-date-jalali-fa")
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request) if request.method == "PATCH" else None)
    page.click("#save")
    page.locator("#fields [data-field=due_on] dd", has_text="۱۵").wait_for()
    assert requests[0].post_data_json == {"fields": {"due_on": "2027-01-05"}}
    assert sara.get(f"/records/invoice/{invoice['id']}").json["fields"]["due_on"] == "2027-01-05"
    assert errors == []
