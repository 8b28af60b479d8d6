"""The /calendar page in a real browser (issue 15, item 5): a reminder set a few seconds ahead
pops up with a sound and a desktop notification; the month view is Jalali with Persian digits in
fa and Gregorian in en; tasks and events are made from the page; it works 390 px wide."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.broker import Dispatch, Scheduler
from tests.browser.date_picker import pick_date
from tests.browser.waiting import wait_until

IN_A_FEW_SECONDS = """(seconds) => {
  const moment = new Date(Date.now() + seconds * 1000);
  return new Date(moment.getTime() - moment.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
}"""


@pytest.fixture
def scheduler(charkh) -> Iterator[Scheduler]:
    """The scheduler `charkh serve` runs beside the pages, turning due reminders into notifications."""
    running = Scheduler(charkh, Dispatch(charkh, None), interval=0.3)
    running.start_thread()
    yield running
    running.stop()


def open_calendar(page: Any, base: str, name: str, query: str = "") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "secret")
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/(cartable|designer)$"))  # plain users land on their cartable
    page.goto(f"{base}/calendar{query}")
    wait_until(page, "window.charkh && window.charkh.calendar.ready")


def test_a_reminder_a_few_seconds_ahead_pops_up_with_a_sound_and_a_desktop_notification(
        page, live_server, make_user, scheduler, charkh, shoot):
    make_user("sara", groups=["sales"])
    page.context.grant_permissions(["notifications"], origin=live_server)
    open_calendar(page, live_server, "sara")

    page.click("#new-task")
    page.fill("#task-title", "Call Pars Co about the invoice")
    remind = page.evaluate(IN_A_FEW_SECONDS, 3)
    pick_date(page, "task-remind", remind[:10], remind[11:19])
    due = page.evaluate(IN_A_FEW_SECONDS, 3600)
    pick_date(page, "task-due", due[:10], due[11:16])  # the due field takes minutes
    page.click("#save-task")

    popup = page.locator("#reminder-popup")
    popup.wait_for(state="visible", timeout=30_000)
    assert page.locator("#reminder-title").inner_text() == "Call Pars Co about the invoice"
    probe = page.evaluate("() => window.charkh.bell")
    assert probe["beeps"] == 1 and probe["desktop"] == 1
    assert page.locator(".chip.task .chip-title", has_text="Call Pars Co").count() == 1
    shoot(page, "calendar-reminder-popup")

    page.click("#dismiss-reminder")
    popup.wait_for(state="hidden")
    sara = charkh.caller_named("sara")
    assert [n["read"] for n in charkh.notifications.list(sara) if n["kind"] == "reminder"] == [True]
    assert page.errors == []


def test_the_month_view_in_persian_is_jalali_with_persian_digits_right_to_left(
        page, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    charkh.calendar.create_task({"title": "پیگیری فاکتور", "due": "2026-12-07T10:00:00Z"}, charkh.caller_named("sara"))
    open_calendar(page, live_server, "sara", "?lang=fa&view=month&date=2026-12-07")

    assert page.locator("html").get_attribute("dir") == "rtl"
    period = page.locator("#period").inner_text()
    assert "آذر" in period and "۱۴۰۵" in period
    assert page.locator(".day[data-date='2026-12-07'] .day-number").inner_text() == "۱۶"
    in_month = page.locator(".calendar-grid.month .day:not(.outside)")
    assert in_month.first.get_attribute("data-date") == "2026-11-22"  # 1 Azar 1405
    assert in_month.count() == 30
    assert page.locator(".day[data-date='2026-12-07'] .chip.task").inner_text().endswith("پیگیری فاکتور")
    assert page.locator(".weekday").first.inner_text() == "شنبه"  # weeks start on Saturday
    shoot(page, "calendar-month-fa")
    assert page.locator("#task-list li .task-title").all_inner_texts() == ["پیگیری فاکتور"]
    assert page.errors == []


def test_the_month_view_in_english_is_gregorian(page, live_server, make_user, shoot):
    make_user("sara", groups=["sales"])
    open_calendar(page, live_server, "sara", "?lang=en&view=month&date=2026-12-07")

    assert page.locator("#period").inner_text() == "December 2026"
    assert page.locator(".day[data-date='2026-12-07'] .day-number").inner_text() == "7"
    in_month = page.locator(".calendar-grid.month .day:not(.outside)")
    assert in_month.first.get_attribute("data-date") == "2026-12-01" and in_month.count() == 31
    assert page.locator(".weekday").first.inner_text() == "Sun"
    shoot(page, "calendar-month-en")

    page.click("#view-week")
    wait_until(page, "document.querySelectorAll('.calendar-grid.week .day').length === 7")
    page.click("#next")
    wait_until(page, "document.querySelector('.calendar-grid.week .day').dataset.date === '2026-12-13'")
    page.click("#view-day")
    wait_until(page, "document.querySelectorAll('.calendar-grid.day .day').length === 1")
    assert "view=day" in page.url
    assert page.errors == []


def test_an_event_is_booked_from_the_page_and_a_clashing_one_is_refused_with_the_reason(
        page, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    make_user("mona", groups=["sales"])
    charkh.calendar.add_room({"name": "Blue room"}, _admin(charkh))
    open_calendar(page, live_server, "sara", "?lang=ro&view=week&date=2026-12-07")

    for title in ("Ședință vânzări", "Alta"):
        page.click("#new-event")
        page.fill("#event-title", title)
        pick_date(page, "event-start", "2026-12-08", "10:00")
        pick_date(page, "event-end", "2026-12-08", "11:00")
        page.select_option("#event-room", label="Blue room")
        page.fill("#event-invitees", "mona")
        page.click("#save-event")
    error = page.locator("#event-error")
    error.wait_for(state="visible")
    assert "Blue room" in error.inner_text() and "booked" in error.inner_text()
    shoot(page, "calendar-event-clash-ro")
    page.locator("#event-dialog button.cancel").click()

    mona = charkh.caller_named("mona")
    assert [n["kind"] for n in charkh.notifications.list(mona)] == ["invitation"]

    page.locator(".chip.event .chip-title", has_text="Ședință vânzări").click()
    assert page.locator("#event-details-room").inner_text() == "Blue room"
    assert page.locator("#event-details-invitees").inner_text() == "mona (fără răspuns încă)"
    assert page.locator("#accept-event").is_hidden()  # sara owns it: nothing to answer
    shoot(page, "calendar-event-details-ro")
    page.click("#cancel-event")
    page.locator("#event-details").wait_for(state="hidden")
    # cancelled: off the calendar, the room free again
    wait_until(page, "document.querySelectorAll('#grid .chip.event').length === 0")
    assert charkh.calendar.room_availability("1", "2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z")["busy"] == []
    assert page.errors == []


def test_an_invitee_accepts_an_invitation_from_the_page(page, live_server, make_user, charkh):
    make_user("sara", groups=["sales"])
    make_user("mona", groups=["sales"])
    event = charkh.calendar.create_event({"title": "Demo", "start": "2026-12-08T10:00:00Z",
                                          "end": "2026-12-08T11:00:00Z", "invitees": ["mona"]},
                                         charkh.caller_named("sara"))
    open_calendar(page, live_server, "mona", "?lang=en&view=week&date=2026-12-07")

    page.locator("#grid .chip.event .chip-title", has_text="Demo").click()
    assert page.locator("#cancel-event").is_hidden()
    page.click("#accept-event")
    page.locator("#event-details").wait_for(state="hidden")

    assert charkh.calendar.event(event["id"], charkh.caller_named("sara"))["responses"] == {"mona": "accepted"}
    assert page.errors == []


def _admin(charkh):
    charkh.add_user("ada", admin=True)
    return charkh.caller_named("ada")


def test_the_calendar_and_its_bell_work_on_a_phone(chromium, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    sara = charkh.caller_named("sara")
    charkh.calendar.create_task({"title": "Zi de plată", "due": "2026-12-07T10:00:00Z", "owner": "sara"}, sara)
    charkh.calendar.create_task({"title": "Pentru Sara", "owner": "sara"}, _admin(charkh))
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_calendar(page, live_server, "sara", "?lang=fa&view=month&date=2026-12-07")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        shoot(page, "calendar-phone-month-fa")

        page.locator("#unread-count").wait_for(state="visible")
        assert page.locator("#unread-count").inner_text() == "۱"
        page.click("#bell")
        page.locator("#notification-list li.unread strong").click()
        page.locator("#notification-list li.read").wait_for()
        assert page.locator("#unread-count").is_hidden()
        shoot(page, "calendar-phone-bell-fa")
        page.click("#close-notifications")
        assert page.locator("#notifications").is_hidden()

        page.click("#view-week")
        wait_until(page, "document.querySelectorAll('.calendar-grid.week .day').length === 7")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.click("#new-task")
        assert page.locator("#task-dialog").is_visible()
        shoot(page, "calendar-phone-new-task-fa")
    finally:
        context.close()


def test_an_undated_task_is_forwarded_from_the_task_list_and_becomes_a_follow_up(
        page, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    make_user("mona", groups=["sales"])
    charkh.calendar.create_task({"title": "Send the price list"}, charkh.caller_named("sara"))
    open_calendar(page, live_server, "sara", "?lang=en")

    page.locator("#task-list .task-title", has_text="Send the price list").click()
    page.fill("#forward-user", "mona")
    page.fill("#forward-note", "you met them")
    page.click("#forward-task")

    page.locator("#follow-up-list .task-title", has_text="Send the price list").wait_for()
    assert page.locator("#task-list li.empty").is_visible()
    shoot(page, "calendar-task-lists-en")
    mona = charkh.caller_named("mona")
    [task] = charkh.calendar.tasks(mona, _owned())
    assert task["owner"] == "mona"
    assert charkh.calendar.task(task["id"], mona)["history"][-1]["data"]["note"] == "you met them"
    assert page.errors == []


def _owned():
    from engine.calendar import TaskQuery

    return TaskQuery(which="owned")
