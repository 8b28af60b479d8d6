"""Restarting a finished drip from its record's page in a real browser (issue 16, item 8;
MISSION F5): the record lists the drip that ran to its end with a Restart button; a click starts
it again for the record, and the list shows the new instance beside the old one."""
from __future__ import annotations

import re

from tests.browser.test_cartable_pages import no_console_errors
from tests.browser.test_record_pages import sign_in
from tests.browser.waiting import wait_until


def test_a_click_on_restart_begins_a_finished_drip_again_for_the_record(page, live_server, make_user, model,
                                                                        charkh):
    errors = no_console_errors(page)
    olga = make_user("olga", analyst=True)
    assert olga.upload(model("drip_sequence.bpmn")).status_code == 201
    assert olga.upload(model("invoice_payment.bpmn")).status_code == 201
    sara = make_user("sara", groups=["sales"])
    contact = sara.post("/records/contact", json={"fields": {"first_name": "Ana"}}).json
    record = {"entity": "contact", "id": contact["id"]}
    finished = sara.start("drip_sequence", {"campaign": "welcome"}, record=record).json
    running = sara.start("invoice_payment", record=record).json
    assert finished["status"] == "completed"

    sign_in(page, live_server, "sara")
    page.goto(f"{live_server}/records/contact/{contact['id']}")
    done_row = page.locator(f"#instances li[data-id='{finished['id']}']")
    done_row.wait_for()
    assert page.locator(f"#instances li[data-id='{running['id']}'] button.restart").count() == 0
    done_row.locator("button.restart").click()

    wait_until(page, "document.querySelectorAll('#instances li').length === 3")
    restarted = [i for i in charkh.instances(charkh.caller_named("sara"), definition="drip_sequence")
                 if i["id"] != finished["id"]]
    assert len(restarted) == 1 and restarted[0]["record"] == record
    assert restarted[0]["variables"]["campaign"] == "welcome"
    assert page.locator("#status").inner_text() == f"Restarted as instance {restarted[0]['id']}."
    page.locator(f"#instances li[data-id='{restarted[0]['id']}']").wait_for()
    assert errors == []


def test_the_instance_page_of_a_finished_drip_restarts_it_and_opens_the_new_one(page, live_server, make_user,
                                                                               model):
    errors = no_console_errors(page)
    olga = make_user("olga", analyst=True)
    assert olga.upload(model("drip_sequence.bpmn")).status_code == 201
    assert olga.upload(model("invoice_payment.bpmn")).status_code == 201
    sara = make_user("sara", groups=["sales"])
    finished = sara.start("drip_sequence", {"campaign": "welcome"}).json
    running = sara.start("invoice_payment").json

    sign_in(page, live_server, "sara")
    page.goto(f"{live_server}/instances/{running['id']}")
    page.locator("#history tbody tr").first.wait_for()
    assert page.locator("#restart").is_hidden()
    page.goto(f"{live_server}/instances/{finished['id']}")
    page.locator("#restart").click()

    page.wait_for_url(re.compile(r".*/instances/(?!" + finished["id"] + r"$)\d+$"))
    page.locator("#history tbody tr[data-type=instance_restarted]").wait_for()
    assert page.locator("#history tbody tr[data-type=instance_restarted]").inner_text().count(
        f"sara started it again from case {finished['id']}") == 1
    assert errors == []
