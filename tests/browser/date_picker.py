"""Choosing a day in the pages' date picker (designer/static/pages/common/date-picker.js) as a
person does: open it, page through the months to the day, click it, type the time."""
from __future__ import annotations

from typing import Any

# Months a test may page through before it gives up.
MAX_MONTHS = 240


def pick_date(page: Any, field_id: str, day: str, time: str | None = None) -> None:
    """Choose ``day`` (YYYY-MM-DD, Gregorian, whatever calendar the page shows) for the input
    ``#field_id``, then type ``time`` (HH:MM or HH:MM:SS) into its time field."""
    page.click(f"#{field_id}-date")
    popup = page.locator(f"#{field_id}-date ~ .date-popup")
    popup.wait_for(state="visible")
    for _ in range(MAX_MONTHS):
        cell = popup.locator(f".date-day:not(.outside)[data-date='{day}']")
        if cell.count():
            cell.click()
            break
        month_start = popup.locator(".date-grid").get_attribute("data-month-start")
        popup.locator(".date-next" if day > month_start else ".date-previous").click()
    else:
        raise AssertionError(f"{day} is not within {MAX_MONTHS} months of the picker's month")
    popup.wait_for(state="hidden")
    if time is not None:
        page.fill(f"#{field_id}-time", time)
