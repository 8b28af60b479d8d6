"""A record's field values, checked against their entity's types (issue 16).

Values are stored as JSON: number an int or float, checkbox a bool, date ``YYYY-MM-DD``, datetime
ISO 8601 in UTC, the others text; None (or a missing field) is empty. What an outside system or a
CSV file sends is accepted in its usual spellings ("12.5", "true", "1403" is not a date) and stored
in the one form, so conditions compare like with like. Users and referenced records are checked to
exist by the store, which knows them (engine/store/records.py).
"""
from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from .errors import Invalid

MAX_TEXT = 10_000
_MOBILE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,30}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def typed_values(fields: list[dict[str, Any]], values: Any) -> dict[str, Any]:
    """The values checked and stored in their one form; 422 naming the first field that is not
    of the entity or not of its type. Only the fields given are returned (a PATCH changes those)."""
    if not isinstance(values, dict):
        raise Invalid("fields must be a JSON object of field name to value")
    by_name = {field["name"]: field for field in fields}
    typed: dict[str, Any] = {}
    for name, value in values.items():
        field = by_name.get(name)
        if field is None:
            raise Invalid(f"{name!r} is not a field of this entity", {"field": name, "fields": sorted(by_name)})
        typed[name] = None if value is None else _typed(field, value)
    return typed


def _typed(field: dict[str, Any], value: Any) -> Any:
    name, type_ = field["name"], field["type"]
    try:
        return _CONVERT[type_](field, value)
    except (ValueError, TypeError, OverflowError):
        raise Invalid(f"field {name!r} is a {type_}; {_shown(value)} is not one"
                      + (f" (one of: {', '.join(field['options'])})" if type_ == "picklist" else ""),
                      {"field": name, "type": type_}) from None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _text(_field: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ValueError
    return text


def _number(_field: dict[str, Any], value: Any) -> int | float:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        number: int | float = int(value) if re.fullmatch(r"[+-]?\d+", value) else float(value)
    elif isinstance(value, int | float):
        number = value
    else:
        raise TypeError
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError
    return number


def _mobile(_field: dict[str, Any], value: Any) -> str:
    text = _text(_field, value).strip()
    if not _MOBILE.match(text):
        raise ValueError
    return text


def _email(_field: dict[str, Any], value: Any) -> str:
    text = _text(_field, value).strip()
    if not _EMAIL.match(text):
        raise ValueError
    return text


def _date(_field: dict[str, Any], value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return date.fromisoformat(value.strip()[:10] if "T" in value else value.strip()).isoformat()


def _datetime(_field: dict[str, Any], value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError  # a time without its zone means different moments to different people
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _picklist(field: dict[str, Any], value: Any) -> str:
    if value not in field["options"]:
        raise ValueError
    return str(value)


def _checkbox(_field: dict[str, Any], value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError


def _name(_field: dict[str, Any], value: Any) -> str:
    text = _text(_field, value).strip()
    if not text or len(text) > 255:
        raise ValueError
    return text


_CONVERT = {"text": _text, "number": _number, "mobile": _mobile, "email": _email, "date": _date,
            "datetime": _datetime, "picklist": _picklist, "checkbox": _checkbox, "user": _name,
            "reference": _name}


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for each field whose value differs (what the record's history shows)."""
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}
