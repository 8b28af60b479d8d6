"""Pages show each person only what they may do (issue 13): a plain user's process list and
modeler have no New, Import, Deploy, Access or Delete; an analyst's have them on their own
definitions; administrators manage roles on the users page."""
from __future__ import annotations

import re
from pathlib import Path

from tests.browser.waiting import wait_until

LIBRARY = Path(__file__).resolve().parents[2] / "bpmn" / "library"
EDITING_BUTTONS = (".rename", ".deploy", ".toggle", ".share", ".delete")


def sign_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "secret")
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/(cartable|designer)$"))  # plain users land in their cartable
    page.goto(f"{base}/designer")


def test_a_plain_user_sees_no_new_deploy_access_or_delete_while_an_analyst_does(
        page, live_server, make_user, model, shoot):
    analyst = make_user("ana", analyst=True)
    make_user("pia", groups=["sales"])
    assert analyst.upload(model("invoice.bpmn")).status_code == 201

    sign_in(page, live_server, "pia")
    row = page.locator("#definitions tr[data-key=invoice]")
    row.wait_for()
    shoot(page, "process-list-plain-user")
    assert page.locator("#new-process").count() == 0 and page.locator("#import-file").count() == 0
    assert all(row.locator(button).count() == 0 for button in EDITING_BUTTONS)

    page.goto(f"{live_server}/designer/invoice")
    wait_until(page, "window.charkh && window.charkh.state.version === 1")
    shoot(page, "modeler-plain-user")
    assert [page.locator(f"#{button}").count() for button in ("save", "validate", "deploy", "import-file")] == [0] * 4
    assert page.locator("#start").is_visible()
    assert page.errors == []

    page.context.clear_cookies()
    sign_in(page, live_server, "ana")
    row.wait_for()
    shoot(page, "process-list-analyst")
    assert page.locator("#new-process").is_visible()
    assert all(row.locator(button).is_visible() for button in EDITING_BUTTONS)
    assert page.locator("#users-link").count() == 0  # administrators only

    page.goto(f"{live_server}/designer/invoice")
    wait_until(page, "window.charkh && window.charkh.state.version === 1")
    assert page.locator("#deploy").is_visible() and page.locator("#save").is_visible()
    assert page.errors == []


def test_an_administrator_makes_a_user_an_analyst_on_the_users_page(signed_in, make_user, charkh, shoot):
    page = signed_in
    make_user("pia", groups=["sales"])
    page.click("#users-link")
    box = page.locator("#users tr[data-name=pia] input.analyst")
    box.wait_for()
    assert not box.is_checked()

    box.check()
    page.wait_for_selector("#status.ok")
    shoot(page, "users-page")
    assert charkh.caller_named("pia").is_analyst
    assert page.errors == []
