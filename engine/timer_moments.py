"""Timers relative to a record's (or a variable's) date: a timer date written
``${record.due_on} - P3D``, ``${record.meeting_at} + PT2H`` or ``${record.due_on}`` (issue 16,
item 5). The text is read here, as data, never run as code: the name is a dotted path into the
instance's variables, the offset an ISO 8601 duration counted in calendar years, months and days
from that moment. A date without a time means the start of that day in the server's time zone
(CHARKH_TIMEZONE); a date and time without a zone is taken in that zone too."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import ScriptError
from .title import value_at

RELATIVE = re.compile(r"^\$\{\s*(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}"
                      r"\s*(?:(?P<sign>[+-])\s*(?P<offset>P[0-9YMWDTHS.,]+))?$")


def is_relative_moment(text: str) -> bool:
    return RELATIVE.match(text.strip()) is not None


def relative_moment(text: str, variables: dict[str, Any], zone: tzinfo | None) -> str | None:
    """The moment (ISO 8601, UTC) a relative timer date names, or None when ``text`` is not one."""
    found = RELATIVE.match(text.strip())
    if found is None:
        return None
    path = found["path"]
    value = value_at(variables, path)
    if value is None or value == "":
        raise ScriptError(f"timer: {path} has no date", {"variable": path})
    moment = _moment(value, path, zone or UTC)
    if found["offset"]:
        try:
            parsed = TimerEventDefinition.parse_iso_duration(found["offset"])
        except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
            raise ScriptError(f"timer: {found['offset']!r} is not an ISO 8601 duration") from None
        if any(isinstance(parsed.get(unit), float) for unit in ("years", "months")):
            raise ScriptError(f"timer: {found['offset']!r}: years and months are whole numbers")
        shift = relativedelta(**parsed)  # calendar months: one month before 31 March is 28 February
        moment = moment + shift if found["sign"] == "+" else moment - shift
    return moment.astimezone(UTC).isoformat()


def _moment(value: Any, path: str, zone: tzinfo) -> datetime:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            raise ScriptError(f"timer: {path} is {value!r}, not a date", {"variable": path}) from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    raise ScriptError(f"timer: {path} is {value!r}, not a date", {"variable": path})
