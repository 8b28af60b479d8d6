"""Which work items a cartable list or count asks for (issue 15): the filters of ``GET /work-items``
as one value, checked once. Pure: engine/store/cartable.py turns it into SQL.

Filters combine (AND). ``user`` lists that person's cartable, ``group`` and ``role`` the items
waiting for that party, instead of the caller's own (``mine``). ``status=open`` means not
completed and not cancelled, claimed ones included (API.md). ``due``: ``overdue`` (due before now
and still open), ``today`` (due this UTC day), ``week`` (due from the start of this UTC day to
seven days on). ``q`` searches the title, the task's name and the process's key and name,
ignoring case. ``sort`` is a field, descending with a leading ``-``; items without a due date (or
title) come last either way, and ties go by id.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from .errors import Invalid

STATUSES = ("open", "claimed", "completed", "cancelled", "all")
DUE = ("overdue", "today", "week")
SORT_FIELDS = ("id", "due_at", "created_at", "title", "name")
DATETIME_FIELDS = frozenset({"due_at", "created_at"})
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class WorkFilter:
    """One list's filters; None (or False) leaves a filter out."""

    mine: bool = True
    status: str = "open"
    user: str | None = None
    group: str | None = None
    role: str | None = None
    definition: str | None = None
    element: str | None = None
    action: str | None = None
    claimed_by_me: bool = False
    due: str | None = None
    q: str | None = None
    sort: str = "id"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise Invalid(f"status must be one of {', '.join(STATUSES)}; not {self.status!r}")
        if self.due is not None and self.due not in DUE:
            raise Invalid(f"due must be one of {', '.join(DUE)}; not {self.due!r}")
        if self.sort_field not in SORT_FIELDS:
            choices = ", ".join(f"{f}, -{f}" for f in SORT_FIELDS)
            raise Invalid(f"sort must be one of {choices}; not {self.sort!r}")

    @property
    def sort_field(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def statuses(self) -> tuple[str, ...] | None:
        if self.status == "all":
            return None
        return ("open", "claimed") if self.status == "open" else (self.status,)

    @property
    def parties(self) -> list[str]:
        """The group and role names the list is narrowed to."""
        return [name for name in (self.group, self.role) if name]

    @property
    def search(self) -> str | None:
        text = (self.q or "").strip()
        return text or None


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after this item, in the list's order."""

    item_id: int
    value: Any = None  # the sort field's value of that item (a datetime for dates)


def cursor_text(work_filter: WorkFilter, item: dict[str, Any]) -> str:
    """The opaque ``after`` of the page that follows ``item`` (an item as the API shows it)."""
    if work_filter.sort_field == "id":
        return str(item["id"])
    raw = orjson.dumps([item[work_filter.sort_field], int(item["id"])])
    return "k" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(work_filter: WorkFilter, text: str) -> Cursor:
    """``after`` back into a cursor; a 422 for anything not made by cursor_text."""
    problem = Invalid(f"after must be a cursor from a Link header, not {text!r}")
    if work_filter.sort_field == "id" or not text.startswith("k"):
        if not text.isdigit() or work_filter.sort_field != "id":
            raise problem
        number = int(text)
        if number > MAX_ID:
            raise problem
        return Cursor(number)
    try:
        encoded = text[1:]
        value, item_id = orjson.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise problem from None
    if not isinstance(item_id, int) or not 0 <= item_id <= MAX_ID or not (value is None or isinstance(value, str)):
        raise problem
    if value is not None and work_filter.sort_field in DATETIME_FIELDS:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise problem from None
    return Cursor(item_id, value)
