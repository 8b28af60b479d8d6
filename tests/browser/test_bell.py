"""The notification bell on every signed-in page (issue 15, items 5 and 8): the unread count, the
list that marks what it opens read, and a reminder that pops up with a sound and a desktop
notification wherever the person is working, not only on /calendar; never on the sign-in page."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from connectors.broker import Dispatch, Scheduler
from engine.clock import system_clock
from tests.browser.waiting import wait_until


@pytest.fixture
def scheduler(charkh) -> Iterator[Scheduler]:
    """The scheduler `charkh serve` runs beside the pages, turning due reminders into notifications."""
    running = Scheduler(charkh, Dispatch(charkh, None), interval=0.3)
    running.start_thread()
    yield running
    running.stop()


def sign_in(page: Any, base: str, name: str, lang: str = "en") -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "secret")
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/(cartable|designer)$"))


def test_a_reminder_pops_up_on_the_cartable_page_with_a_sound_and_a_desktop_notification(
        page, live_server, make_user, charkh, scheduler, shoot):
    make_user("sara", groups=["sales"])
    page.context.grant_permissions(["notifications"], origin=live_server)
    sign_in(page, live_server, "sara")
    assert page.url.endswith("/cartable")
    wait_until(page, "window.charkh && window.charkh.bell && window.charkh.bell.polls > 0")
    assert page.locator("#unread-count").is_hidden()

    soon = (system_clock() + timedelta(seconds=2)).isoformat()
    charkh.calendar.create_task({"title": "Call Pars Co about the invoice", "remind_at": soon},
                                charkh.caller_named("sara"))

    popup = page.locator("#reminder-popup")
    popup.wait_for(state="visible", timeout=30_000)
    assert page.locator("#reminder-title").inner_text() == "Call Pars Co about the invoice"
    probe = page.evaluate("() => window.charkh.bell")
    assert probe["beeps"] == 1 and probe["desktop"] == 1
    assert page.locator("#unread-count").inner_text() == "1"
    shoot(page, "bell-reminder-on-cartable")

    page.click("#dismiss-reminder")
    popup.wait_for(state="hidden")
    wait_until(page, "document.getElementById('unread-count').hidden")
    assert [n["read"] for n in charkh.notifications.list(charkh.caller_named("sara"))] == [True]
    assert page.errors == []


def test_the_bell_lists_notifications_and_a_click_marks_one_read_in_persian(
        page, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    make_user("mona", groups=["sales"])
    for title in ("ارسال پیش‌فاکتور", "پیگیری قرارداد", "تماس با مشتری"):
        charkh.calendar.create_task({"title": title, "owner": "mona"}, charkh.caller_named("sara"))
    sign_in(page, live_server, "mona", lang="fa")

    wait_until(page, "!document.getElementById('unread-count').hidden")
    assert page.locator("#unread-count").inner_text() == "۳"  # Persian digits
    page.click("#bell")
    assert page.locator("#bell").get_attribute("aria-expanded") == "true"
    rows = page.locator("#notification-list li")
    assert rows.count() == 3 and page.locator("#notification-list li.unread").count() == 3
    assert "کار جدید برای شما" in rows.first.inner_text()
    shoot(page, "bell-list-fa")

    rows.nth(2).locator("strong").click()
    wait_until(page, "document.querySelectorAll('#notification-list li.unread').length === 2")
    assert page.locator("#unread-count").inner_text() == "۲"
    rows.first.locator("a").click()  # a task's notification leads to its day in the calendar
    page.wait_for_url(re.compile(r".*/calendar\?view=day&date=\d{4}-\d\d-\d\d$"))
    wait_until(page, "window.charkh.bell && window.charkh.bell.polls > 0")
    assert page.locator("#unread-count").inner_text() == "۱"
    page.click("#bell")
    page.click("#mark-all-read")
    wait_until(page, "document.getElementById('unread-count').hidden")
    page.keyboard.press("Escape")
    assert page.locator("#notifications").is_hidden()
    assert page.errors == []


def test_every_signed_in_page_has_one_bell_and_the_sign_in_page_none(page, live_server, make_user, charkh):
    make_user("ana", admin=True)
    page.goto(f"{live_server}/login")
    assert page.locator("#bell").count() == 0 and page.locator("#charkh-bell").count() == 0
    sign_in(page, live_server, "ana")

    for path in ("/cartable", "/start", "/work", "/calendar", "/designer", "/designer/new", "/users",
                 "/instances/404"):
        page.goto(live_server + path)
        assert page.locator("#bell").count() == 1, path
        assert page.locator("script[src*='pages/common/bell.js?v=']").count() == 1, path
        wait_until(page, "window.charkh && window.charkh.bell && window.charkh.bell.polls > 0")
    assert page.errors == []
