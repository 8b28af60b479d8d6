"""The fields of a form-js form, and the check of a completion's data against them.

The cartable page validates in the browser with form-js itself; this is the server's half, for
every caller: required fields, the type each field writes (number, checkbox, date, ...), a select's
options, number bounds and text lengths. What the server cannot decide without running analyst
text is left to the page: a FEEL condition that hides a field (such a field is never required
here), a regular expression pattern (no analyst regex runs on the server), and the value of an
expression field (FEEL computed in the page: the server takes it as it comes).

Data a form does not ask for is refused: with a form, the form is what a person may write into
the instance, so a caller cannot set a variable no field offers (an amount that routes a later
gateway). Read-only and disabled fields may be sent only unchanged (form-js sends them back).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import FormRefused, Invalid

# form-js components that write a value under their key.
_INPUT_TYPES = frozenset({"textfield", "textarea", "number", "checkbox", "checklist", "radio", "select",
                          "taglist", "datetime", "expression", "filepicker"})
# Components that hold others: a group (its path, when set, nests their data), a dynamic list
# (its path holds a list of records, one per row).
_GROUP_TYPES = frozenset({"group", "dynamiclist"})
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True)
class FormField:
    """One input of a form, as the check reads it."""

    type: str
    required: bool
    read_only: bool
    options: tuple[Any, ...] | None  # a select's, radio's, checklist's or tag list's fixed values
    options_key: str | None  # or the variable that holds them (form-js valuesKey)
    minimum: float | None
    maximum: float | None
    min_length: int | None
    max_length: int | None
    subtype: str | None  # datetime: date, time or datetime
    as_text: bool  # a number kept as a string (form-js serializeToString)
    email: bool


@dataclass
class FormLevel:
    """The fields of one object of a submission: the top, a group with a path, a list's row."""

    entries: dict[str, FormField | FormLevel | FormList] = field(default_factory=dict)


@dataclass
class FormList:
    """A dynamic list: its path holds a list of rows, each checked as ``row``."""

    row: FormLevel


FormFields = FormLevel


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _options(component: dict[str, Any]) -> tuple[Any, ...] | None:
    values = component.get("values")
    if not isinstance(values, list) or component.get("valuesKey") or component.get("valuesExpression"):
        return None
    return tuple(v.get("value") for v in values if isinstance(v, dict))


def _field(component: dict[str, Any]) -> FormField:
    given = component.get("validate")
    validate: dict[str, Any] = given if isinstance(given, dict) else {}
    conditional = component.get("conditional")
    hidden_sometimes = isinstance(conditional, dict) and bool(conditional.get("hide"))
    options_key = component.get("valuesKey")
    return FormField(
        type=str(component["type"]),
        required=validate.get("required") is True and not hidden_sometimes,
        read_only=component.get("readonly") is True or component.get("disabled") is True,
        options=_options(component),
        options_key=options_key if isinstance(options_key, str) and options_key else None,
        minimum=_number(validate.get("min")),
        maximum=_number(validate.get("max")),
        min_length=_count(validate.get("minLength")),
        max_length=_count(validate.get("maxLength")),
        subtype=component.get("subtype") if isinstance(component.get("subtype"), str) else None,
        as_text=component.get("serializeToString") is True,
        email=validate.get("validationType") == "email",
    )


def _level_at(level: FormLevel, path: list[str], where: str) -> FormLevel:
    """The nested level a dotted path leads to, made on the way."""
    for name in path:
        entry = level.entries.setdefault(name, FormLevel())
        if not isinstance(entry, FormLevel):
            raise FormRefused(f"the form uses {name!r} both as a field and as a group ({where})")
        level = entry
    return level


def _split_path(text: Any) -> list[str]:
    return [part for part in text.split(".") if part] if isinstance(text, str) else []


def fields_of(schema: dict[str, Any], max_components: int) -> FormFields:
    """A form's fields as a tree of levels; FormRefused for a form that cannot be checked."""
    top = FormLevel()
    stack: list[tuple[list[Any], FormLevel, str]] = [(schema.get("components") or [], top, "")]
    count = 0
    while stack:
        components, level, prefix = stack.pop()
        for component in components:
            count += 1
            if count > max_components:
                raise FormRefused(f"the form has more than {max_components} components")
            if not isinstance(component, dict) or not isinstance(component.get("type"), str):
                raise FormRefused("every component of the form needs a type")
            kind = component["type"]
            if kind in _GROUP_TYPES:
                children = component.get("components")
                path = _split_path(component.get("path"))
                if kind == "dynamiclist" and path:
                    parent = _level_at(level, path[:-1], kind)
                    row = FormLevel()
                    if path[-1] in parent.entries:
                        raise FormRefused(f"two components of the form write {prefix + '.'.join(path)!r}")
                    parent.entries[path[-1]] = FormList(row)
                    stack.append((children if isinstance(children, list) else [], row,
                                  f"{prefix}{'.'.join(path)}[]."))
                else:
                    inner = _level_at(level, path, kind)
                    stack.append((children if isinstance(children, list) else [], inner,
                                  prefix + "".join(p + "." for p in path)))
            elif kind in _INPUT_TYPES:
                path = _split_path(component.get("key"))
                if not path:
                    raise FormRefused(f"a {kind} field of the form has no key")
                parent = _level_at(level, path[:-1], kind)
                key = prefix + ".".join(path)
                if path[-1] in parent.entries:
                    raise FormRefused(f"two fields of the form write {key!r}")
                parent.entries[path[-1]] = _field(component)
    return top


# --- checking a completion --------------------------------------------------------------------

def _empty(form_field: FormField, value: Any) -> bool:
    """form-js's own rule for a required field: unset, empty text, an empty list, an unticked box."""
    return value is None or value == "" or value == [] or (form_field.type == "checkbox" and value is False)


def _unset(values: dict[str, Any], path: str) -> bool:
    """Whether a dotted path of the variables has no value (missing, null, "" or an empty list)."""
    value: Any = values
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value is None or value == "" or value == []


def _is_date(text: str, subtype: str | None) -> bool:
    try:
        if subtype == "date":
            dt.date.fromisoformat(text)
        elif subtype == "time":
            return _TIME.fullmatch(text) is not None
        else:
            dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_email(text: str) -> bool:
    name, at, domain = text.partition("@")
    return bool(name and at and "." in domain.strip(".")) and not any(c.isspace() or c == "@" for c in domain) \
        and not any(c.isspace() for c in name)


def _allowed(form_field: FormField, value: Any, current: dict[str, Any]) -> tuple[Any, ...] | None:
    if form_field.options is not None:
        return form_field.options
    if form_field.options_key is not None and isinstance(current.get(form_field.options_key), list):
        return tuple(v.get("value") if isinstance(v, dict) else v for v in current[form_field.options_key])
    return None


def _value_problem(form_field: FormField, value: Any, variables: dict[str, Any]) -> str | None:
    """What is wrong with one submitted value, or None."""
    kind = form_field.type
    if value is None or value == "" or kind in ("expression", "filepicker"):
        return None
    if kind in ("textfield", "textarea"):
        if not isinstance(value, str):
            return "must be text"
        if form_field.min_length is not None and 0 < len(value) < form_field.min_length:
            return f"must have at least {form_field.min_length} characters"
        if form_field.max_length is not None and len(value) > form_field.max_length:
            return f"must have at most {form_field.max_length} characters"
        if form_field.email and value and not _is_email(value):
            return "must be an email address"
        return None
    if kind == "number":
        number = _number(value)
        if number is None and form_field.as_text and isinstance(value, str):
            try:
                number = float(Decimal(value))
            except InvalidOperation:
                number = None
        if number is None:
            return "must be a number"
        if form_field.minimum is not None and number < form_field.minimum:
            return f"must be at least {form_field.minimum:g}"
        if form_field.maximum is not None and number > form_field.maximum:
            return f"must be at most {form_field.maximum:g}"
        return None
    if kind == "checkbox":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "datetime":
        if not isinstance(value, str) or (value and not _is_date(value, form_field.subtype)):
            return {"date": "must be a date (YYYY-MM-DD)", "time": "must be a time (HH:MM)"}.get(
                form_field.subtype or "", "must be a date and time (YYYY-MM-DDTHH:MM)")
        return None
    allowed = _allowed(form_field, value, variables)
    if kind in ("checklist", "taglist"):
        if not isinstance(value, list):
            return "must be a list of options"
        stray = [v for v in value if allowed is not None and v not in allowed]
        return f"has values that are not among its options: {stray}" if stray else None
    if allowed is not None and value not in allowed:  # radio, select
        return f"must be one of its options: {list(allowed)}"
    return None


@dataclass
class _Check:
    problems: list[dict[str, str]] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.problems.append({"field": key, "message": message})

    def submitted(self, level: FormLevel, data: dict[str, Any], current: dict[str, Any], prefix: str) -> None:
        """Each submitted value: on the form, of its field's type, read-only ones unchanged."""
        for name, value in data.items():
            entry = level.entries.get(name)
            if entry is None:
                self.add(prefix + name, "is not a field of the form")
            elif isinstance(entry, FormField):
                if entry.read_only and value != current.get(name) and not (
                        _empty(entry, value) and _empty(entry, current.get(name))):
                    self.add(prefix + name, "is read-only")
                elif (problem := _value_problem(entry, value, current)) is not None:
                    self.add(prefix + name, problem)
            elif isinstance(entry, FormLevel):
                if not isinstance(value, dict | None):
                    self.add(prefix + name, "must be an object")
                elif value is not None:
                    inner = current.get(name)
                    self.submitted(entry, value, inner if isinstance(inner, dict) else {}, f"{prefix}{name}.")
            elif not isinstance(value, list | None) or not all(isinstance(row, dict) for row in value or []):
                self.add(prefix + name, "must be a list of rows")
            else:
                for number, row in enumerate(value or []):
                    self.submitted(entry.row, row, {}, f"{prefix}{name}[{number}].")
                    self.required(entry.row, row, f"{prefix}{name}[{number}].")

    def required(self, level: FormLevel, values: dict[str, Any], prefix: str) -> None:
        """Each required field has a value in what the task will hold after the completion."""
        for name, entry in level.entries.items():
            value = values.get(name)
            if isinstance(entry, FormField):
                if entry.required and _empty(entry, value):
                    self.add(prefix + name, "is required")
            elif isinstance(entry, FormLevel):
                self.required(entry, value if isinstance(value, dict) else {}, f"{prefix}{name}.")


def check_submission(fields: FormFields | None, data: dict[str, Any], current: dict[str, Any],
                     required_for_action: tuple[str, ...] = ()) -> None:
    """Raise Invalid (422) naming every field of ``data`` the form does not accept, and every
    field the chosen action requires (charkh:requiredFields, a dotted path for a nested one) that
    has no value. ``current``: the task's variables before the completion; data is merged into
    them, so a required field already set (a case returned for correction) need not be sent again.
    No form (``fields`` None): any data is taken, only the action's fields are checked."""
    check = _Check()
    merged = {**current, **data}
    if fields is not None:
        check.submitted(fields, data, current, "")
        check.required(fields, merged, "")
    for path in required_for_action:
        if _unset(merged, path) and path not in {p["field"] for p in check.problems}:
            check.add(path, "is required to take this action")
    if check.problems:
        names = ", ".join(dict.fromkeys(p["field"] for p in check.problems))
        raise Invalid(f"the form's fields are not filled in right: {names}",
                      {"fields": check.problems})
