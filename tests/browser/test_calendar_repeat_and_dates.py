"""Booking a recurring event on the /calendar page and the page's date picker (issue 15, items 5
and 8): a weekly meeting shows on its days week after week, one occurrence is cancelled alone;
in fa the picker is Jalali with Persian digits and the API receives the Gregorian day."""
from __future__ import annotations

import re
from typing import Any

from tests.browser.date_picker import pick_date
from tests.browser.waiting import wait_until


def open_calendar(page: Any, base: str, name: str, query: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "secret")
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/(cartable|designer)$"))
    page.goto(f"{base}/calendar{query}")
    wait_until(page, "window.charkh && window.charkh.calendar && window.charkh.calendar.ready")


def chips(page: Any) -> list[tuple[str, str]]:
    """(day, title) of each event chip in the grid."""
    return [(chip.get_attribute("data-date"), title)
            for chip in page.locator("#grid .day").all()
            for title in chip.locator(".chip.event .chip-title").all_inner_texts()]


def test_a_weekly_event_booked_on_the_page_shows_on_its_days_each_week_and_one_is_cancelled(
        page, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    open_calendar(page, live_server, "sara", "?lang=en&view=week&date=2026-12-07")

    page.click("#new-event")
    page.fill("#event-title", "Sales weekly")
    pick_date(page, "event-start", "2026-12-07", "10:00")
    pick_date(page, "event-end", "2026-12-07", "11:00")
    page.select_option("#event-repeat", "WEEKLY")
    assert page.locator("#repeat-mo").is_checked()  # the start's weekday
    page.check("#repeat-we")
    page.select_option("#event-ends", "count")
    page.fill("#event-count", "4")
    shoot(page, "calendar-new-weekly-event-en")
    page.click("#save-event")
    page.locator("#event-dialog").wait_for(state="hidden")

    [event] = charkh.calendar.events(charkh.caller_named("sara"), "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")[:1]
    assert event["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"
    wait_until(page, "document.querySelectorAll('#grid .chip.event').length === 2")
    assert chips(page) == [("2026-12-07", "↻ Sales weekly"), ("2026-12-09", "↻ Sales weekly")]
    shoot(page, "calendar-weekly-event-week-en")
    page.click("#next")
    wait_until(page, "document.querySelector('#grid .day').dataset.date === '2026-12-13'")
    wait_until(page, "document.querySelectorAll('#grid .chip.event').length === 2")
    assert chips(page) == [("2026-12-14", "↻ Sales weekly"), ("2026-12-16", "↻ Sales weekly")]

    page.locator(".day[data-date='2026-12-16'] .chip.event .chip-title").click()
    assert "Repeats weekly · Mon and Wed · 4 times" == page.locator("#event-details-repeat").inner_text()
    assert page.locator("#cancel-event").is_hidden() and page.locator("#cancel-series").is_visible()
    shoot(page, "calendar-weekly-event-details-en")
    page.click("#cancel-occurrence")
    page.locator("#event-details").wait_for(state="hidden")
    wait_until(page, "document.querySelectorAll('#grid .chip.event').length === 1")
    assert chips(page) == [("2026-12-14", "↻ Sales weekly")]
    page.click("#view-month")
    wait_until(page, "document.querySelectorAll('#grid .chip.event').length === 3")
    assert page.errors == []


def test_the_jalali_picker_in_persian_picks_a_day_the_api_receives_as_its_gregorian_date(
        chromium, live_server, make_user, charkh, shoot):
    make_user("sara", groups=["sales"])
    # A person in Tehran: 17:00 there on 10 Dey 1405 (31 December 2026) is 13:30 UTC.
    context = chromium.new_context(viewport={"width": 1200, "height": 900}, timezone_id="Asia/Tehran")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_calendar(page, live_server, "sara", "?lang=fa&view=month&date=2026-12-07")
        page.click("#new-task")
        page.fill("#task-title", "پیگیری پرداخت")
        page.click("#task-due-date")
        popup = page.locator("#task-due-date ~ .date-popup")
        assert set(popup.locator(".date-month").inner_text().split()) == {"آذر", "۱۴۰۵"}
        assert popup.locator(".date-weekday").first.inner_text() == "ش"  # weeks start on Saturday
        assert popup.locator(".date-day:not(.outside)").first.inner_text() == "۱"
        assert popup.locator(".date-day:not(.outside)").count() == 30
        shoot(page, "date-picker-jalali-fa")

        popup.locator(".date-next").click()  # right to left: on the left, pointing left
        assert set(popup.locator(".date-month").inner_text().split()) == {"دی", "۱۴۰۵"}
        popup.locator(".date-day:not(.outside)", has_text=re.compile("^۱۰$")).click()
        page.fill("#task-due-time", "17:00")
        assert page.locator("#task-due-date").inner_text() == "۱۰ دی ۱۴۰۵"
        shoot(page, "date-picker-jalali-fa-chosen")
        page.click("#save-task")
        page.locator("#task-dialog").wait_for(state="hidden")

        [task] = charkh.calendar.tasks(charkh.caller_named("sara"), _owned())
        assert task["due"] == "2026-12-31T13:30:00Z"

        # the keyboard: in right-to-left the left arrow is the next day
        page.click("#new-task")
        pick_date(page, "task-due", "2026-12-31", "09:00")
        page.click("#task-due-date")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("() => document.activeElement.dataset.date") == "2027-01-01"
        page.keyboard.press("Enter")
        assert page.locator("#task-due").input_value() == "2027-01-01T09:00"
        page.locator("#task-dialog button.cancel").click()

        page.click("#new-event")
        page.select_option("#event-repeat", "WEEKLY")
        weekdays = page.locator("#repeat-weekdays label").all_inner_texts()
        assert [day.strip() for day in weekdays][:2] == ["شنبه", "یکشنبه"]
        assert page.locator("#interval-unit").inner_text() == "هفته"
        shoot(page, "calendar-new-weekly-event-fa")
        assert errors == []
    finally:
        context.close()


def _owned():
    from engine.calendar import TaskQuery

    return TaskQuery(which="owned")
