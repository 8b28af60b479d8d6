"""Forwarding an item by picking whom from suggestions (issue 15), in a real browser: the item
page's picker suggests people, groups and roles as one types (people first, never machine
callers), picks by click or keyboard and sets the kind; a name typed in full is still taken, an
unknown one refused by the server; in en and fa, and at a phone's width."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_cartable_pages import no_console_errors, row_titled, sign_in
from tests.browser.waiting import wait_until


@pytest.fixture
def office(make_user, model):
    """The invoice cycle deployed; sara registers, mona and mia manage sales, sam is of support,
    fred of finance, mi-bot a machine caller."""
    assert make_user("olga", analyst=True).upload(model("invoice.bpmn")).status_code == 201
    return {"sara": make_user("sara", groups=["sales"]), "sam": make_user("sam", groups=["support"]),
            "mona": make_user("mona", groups=["sales-managers"]), "mia": make_user("mia", groups=["sales-managers"]),
            "fred": make_user("fred", groups=["finance"]), "bot": make_user("mi-bot", integration=True)}


def open_forward(page: Any, live_server: str, office: dict[str, Any], person: str = "mona",
                 lang: str = "en") -> None:
    office["sara"].start("invoice", {"number": 7, "customer": "Kish"})
    sign_in(page, live_server, person, lang)
    row_titled(page, "Invoice 7 — Kish").locator("a.open").click()
    page.locator("#forward-box summary").click()


SUGGESTIONS = ("[...document.querySelectorAll('#forward-options:not([hidden]) [role=option]')]"
               ".map((o) => o.dataset.kind + ':' + o.dataset.name).join(' ')")


def wait_for_suggestions(page: Any, expected: str) -> None:
    """Until the open list shows ``expected`` ("user:mia group:sales"), in that order."""
    wait_until(page, f"{SUGGESTIONS} === {expected!r}", timeout=5000)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_an_item_is_forwarded_to_a_colleague_picked_from_the_suggestions(page, live_server, office, shoot, lang):
    errors = no_console_errors(page)
    open_forward(page, live_server, office, lang=lang)
    name = page.locator("#forward-name")
    name.fill("m")
    # people first (names that start with it before the others), then groups; never machine callers (mi-bot)
    wait_for_suggestions(page, "user:mia user:mona user:sam group:sales-managers")
    assert name.get_attribute("aria-expanded") == "true"
    kind_word = {"en": "Group", "fa": "گروه"}[lang]
    assert page.locator("#forward-options [data-name=sales-managers] .picker-kind").inner_text() == kind_word
    shoot(page, f"forward-picker-{lang}")

    # keyboard: down to the group, Enter picks it and sets the kind
    for _ in range(4):
        name.press("ArrowDown")
    assert name.get_attribute("aria-activedescendant") == "forward-options-3"
    name.press("Enter")
    assert name.input_value() == "sales-managers"
    assert page.locator("#forward-kind").input_value() == "group"
    assert page.locator("#forward-options").is_hidden()

    # a click picks a colleague
    name.fill("mi")
    wait_for_suggestions(page, "user:mia")
    page.locator("#forward-options [data-name=mia]").click()
    assert name.input_value() == "mia" and page.locator("#forward-kind").input_value() == "user"
    page.fill("#forward-note", "You know this customer")
    page.click("#forward-send")
    page.wait_for_url(re.compile(r".*/cartable$"))
    assert [i["title"] for i in office["mia"].cartable()] == ["Invoice 7 — Kish"]
    assert errors == []


def test_a_name_typed_in_full_is_still_taken_and_an_unknown_one_refused(page, live_server, office):
    open_forward(page, live_server, office)
    page.fill("#forward-name", "finance")
    # the one kind that has the name typed: the kind follows it before the person sends it
    wait_until(page, "document.getElementById('forward-kind').value === 'group'")
    page.fill("#forward-name", "ghost")
    page.select_option("#forward-kind", "user")
    page.locator("#forward-options").wait_for(state="hidden")
    page.click("#forward-send")
    page.locator("#status.error").wait_for()
    assert "no user named 'ghost'" in page.locator("#status").inner_text()
    assert page.errors == []


def test_a_phone_picks_whom_to_forward_to(chromium, live_server, office, shoot):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = no_console_errors(page)
    open_forward(page, live_server, office, "mona", "fa")
    page.locator("#forward-name").fill("m")
    wait_for_suggestions(page, "user:mia user:mona user:sam group:sales-managers")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#forward-options").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shoot(page, "forward-picker-phone-fa")
    page.locator("#forward-options [data-name=mia]").tap()
    assert page.locator("#forward-name").input_value() == "mia"
    assert errors == []
    context.close()
