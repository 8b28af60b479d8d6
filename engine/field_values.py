"""A record field's value as its type reads it, and the literals conditions compare it with.

Records keep their fields as JSON, so a value arrives as the records layer wrote it (a number as
int or float, a date as 'YYYY-MM-DD' or a ``date``, a datetime as ISO text or a ``datetime``, a
checkbox as bool) or as an integration sent it. Each reader turns one value of its type into
something comparable, ``None`` for an empty value (missing, None, blank text), or ``UNREADABLE``
for a value its type cannot read (text in a number field): such a value is not empty, and no
comparison holds for it. Pure: no I/O, no clock (the caller passes today and the time zone).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, Final


class _Unreadable:
    """The one value a reader gives for a value its type cannot read."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE: Final = _Unreadable()

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# today, today+3, today - 7: a day relative to the day a condition is evaluated on
_RELATIVE_DAY = re.compile(r"today\s*(?:([+-])\s*(\d{1,6}))?", re.ASCII | re.IGNORECASE)
# What people type between the digits of a phone number.
_PHONE_PUNCTUATION = re.compile(r"[\s\-().\u200c\u200e\u200f]")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


# --- text, identities, picklists ---------------------------------------------------------------

def text_of(value: Any) -> str | None | _Unreadable:
    """Text as text conditions compare it: NFC-normalized, trimmed, case-folded."""
    plain = plain_of(value)
    return unicodedata.normalize("NFC", plain).casefold() if isinstance(plain, str) else plain


def plain_of(value: Any) -> str | None | _Unreadable:
    """A user name, a reference's id or a picklist option: trimmed, compared exactly. A number
    reads as its text (a reference by numeric id); a list, object or bool is no text."""
    if value is None:
        return None
    if isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool):
        return str(value).strip() or None
    return UNREADABLE


def mobile_of(value: Any) -> str | None | _Unreadable:
    """A phone number as digits (any script's digits, as ASCII) with its leading '+', without the
    spaces, dashes, dots and brackets people type; UNREADABLE when anything else is left."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return UNREADABLE
    text = _PHONE_PUNCTUATION.sub("", str(value))
    if not text:
        return None
    sign, digits = ("+", text[1:]) if text.startswith("+") else ("", text)
    try:
        return sign + "".join(str(unicodedata.decimal(ch)) for ch in digits)
    except (TypeError, ValueError):
        return UNREADABLE


# --- numbers ---------------------------------------------------------------------------------

def number_literal(text: str) -> Decimal | None:
    """A number an analyst wrote ('1500', '-2.5', Persian digits too); None when it is none."""
    if "_" in text:  # Decimal reads '1_000'; a condition's number is written plainly
        return None
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def number_of(value: Any) -> Decimal | None | _Unreadable:
    """A number field's value; a float is read as its shortest repr, so 0.1 equals '0.1'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return UNREADABLE
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else UNREADABLE
    if isinstance(value, Decimal):
        return value if value.is_finite() else UNREADABLE
    if isinstance(value, str):
        number = number_literal(value)
        return UNREADABLE if number is None else number
    return UNREADABLE


# --- days and moments ------------------------------------------------------------------------

@dataclass(frozen=True)
class Day:
    """A calendar day a condition names: a fixed date, or ``today`` plus or minus some days."""

    fixed: date | None = None
    offset: int = 0

    def on(self, today: date) -> date:
        if self.fixed is not None:
            return self.fixed
        return shift(today, self.offset)


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held to the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def date_literal(text: str) -> date | None:
    """'YYYY-MM-DD' and nothing else (date.fromisoformat takes week dates and more)."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def day_literal(text: str) -> Day | None:
    """A day a date condition names: YYYY-MM-DD, or today, today+N, today-N."""
    fixed = date_literal(text)
    if fixed is not None:
        return Day(fixed)
    relative = _RELATIVE_DAY.fullmatch(text.strip())
    if relative is None:
        return None
    sign, days = relative.groups()
    return Day(offset=(-1 if sign == "-" else 1) * int(days or 0))


def moment_literal(text: str) -> datetime | None:
    """An ISO date and time ('2024-05-01T09:30', '...Z', '...+03:30'); a bare date is none.
    Without a zone it stays naive: ``aware`` places it when the time zone is known."""
    text = text.strip()
    if _DATE.fullmatch(text) or not _DATE.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def date_of(value: Any, tz: tzinfo | None = None) -> date | None | _Unreadable:
    """A date field's value ('YYYY-MM-DD' or a date); a datetime gives its day (in ``tz``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return day_of(aware(value, tz), tz)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        day = date_literal(value)
        if day is not None:
            return day
        moment = moment_literal(value)
        return UNREADABLE if moment is None else day_of(aware(moment, tz), tz)
    return UNREADABLE


def moment_of(value: Any, tz: tzinfo | None = None) -> datetime | None | _Unreadable:
    """A datetime field's value (ISO text or a datetime; a bare date is its midnight), aware."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return aware(value, tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz or UTC)
    if isinstance(value, str):
        day = date_literal(value)
        if day is not None:
            return datetime(day.year, day.month, day.day, tzinfo=tz or UTC)
        moment = moment_literal(value)
        return UNREADABLE if moment is None else aware(moment, tz)
    return UNREADABLE


def day_of(moment: datetime, tz: tzinfo | None) -> date:
    """The calendar day of a moment: in ``tz`` when given, else on its own clock."""
    return (moment.astimezone(tz) if tz is not None else moment).date()


def aware(moment: datetime, tz: tzinfo | None) -> datetime:
    """A moment with a zone: one without is taken in ``tz`` (UTC when none is given)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz or UTC)


# --- checkboxes ------------------------------------------------------------------------------

def checkbox_of(value: Any) -> bool | _Unreadable:
    """A checkbox is checked or not: an unset one is not checked."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE or word in _FALSE or not word:
            return word in _TRUE
    return UNREADABLE
