"""Typed conditions on a record's fields (MISSION F2): the one evaluator that triggers, macros and
gateways use. A ``charkh:conditions`` element holds ``all`` (AND) or ``any`` (OR) of
``charkh:condition field= operator= value=`` (bpmn/schema/charkh.xsd); nothing here is evaluated
as code, and nothing does I/O: the caller passes today's date (and the time zone).

Operators by field type (``OPERATORS``):

- text, email: equals, not_equals, contains, starts_with, is_empty, is_not_empty. Compared
  trimmed, NFC-normalized and case-insensitively (an email address is not case-sensitive).
- mobile: the same, on the number's digits: '0912 345-6789' equals '09123456789', and Persian
  or Arabic digits read as the same digits. A leading '+' is kept: '+98912...' is not '0912...'.
- number: eq, ne, lt, le, gt, ge, between ('min,max', both ends included), is_empty, is_not_empty.
  A float field reads as its shortest form, so 0.1 eq '0.1'.
- date: before, after, on, between ('first,last', both days included), within_last_days (N: the
  day is one of the last N days or today; 0 is today only), is_empty, is_not_empty. A day is
  written YYYY-MM-DD, or relative to the day of evaluation: today, today+N, today-N (so a
  schedule can find "due_on before today" every morning).
- datetime: as date. A bound written as a day compares the field's calendar day (before
  2024-05-01: on an earlier day); a bound written with a time ('2024-05-01T09:00', with or
  without a zone) compares the moment. Calendar days are taken in the time zone given to
  ``holds`` (else the value's own clock); a moment written without a zone is in that time zone
  (else UTC). ``on`` with a moment means the same calendar day.
- picklist: is, is_not, one_of (comma-separated options), is_empty, is_not_empty; options
  compared exactly (trimmed).
- checkbox: checked, not_checked. A checkbox has no empty state: an unset one is not checked.
- user, reference: equals, not_equals, is_empty, is_not_empty; user names and record ids
  compared exactly (trimmed).

Empty values. A field that is missing, None or blank text is empty. An empty field satisfies
is_empty and no other operator: not lt, not between, not before, and not the negative ones
either (not_equals, ne, is_not), as SQL's comparisons with NULL, so a condition means the same
whether it is evaluated here or pushed into a query. A value the field's type cannot read (text
in a number field) is not empty, and no comparison holds for it either.

A condition that ``problems_of`` would report (unknown field, operator that does not fit the
type, value that does not parse) never holds; deploy refuses such conditions, so this happens only
when an entity changed after a deploy. No conditions at all hold.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from lxml import etree

from .bpmn_xml import BPMN_NS, CHARKH_NS
from .field_values import (
    UNREADABLE,
    Day,
    aware,
    checkbox_of,
    date_of,
    day_literal,
    day_of,
    mobile_of,
    moment_literal,
    moment_of,
    number_literal,
    number_of,
    plain_of,
    shift,
    text_of,
)

MATCHES = ("all", "any")
CONDITIONS_TAG = f"{{{CHARKH_NS}}}conditions"
CONDITION_TAG = f"{{{CHARKH_NS}}}condition"
# Fields listed in the problem that names an unknown one.
_LISTED_FIELDS = 20


@dataclass(frozen=True)
class Condition:
    """One test on one field of a record."""

    field: str
    operator: str
    value: str | None


@dataclass(frozen=True)
class Conditions:
    """All (AND) or any (OR) of some conditions."""

    match: str
    items: tuple[Condition, ...]

    def holds(self, fields: Mapping[str, Any], types: Mapping[str, str], today: date,
              tz: tzinfo | None = None) -> bool:
        """Whether a record's ``fields`` (typed values; missing or None is empty) satisfy these
        conditions. ``types``: field name → type. ``today`` and ``tz`` place relative days,
        within_last_days and datetimes (see the module's docstring)."""
        if not self.items:
            return True
        context = _Context(today, tz)
        results = (_holds(condition, fields, types, context) for condition in self.items)
        if self.match == "all":
            return all(results)
        if self.match == "any":
            return any(results)
        return False


NO_CONDITIONS = Conditions("all", ())


class FieldTypes(dict[str, str]):
    """An entity's field name → type, with the options of its picklist fields (``options``):
    what deploy checks conditions against (``option_problems``)."""

    def __init__(self, types: Mapping[str, str], options: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(types)
        self.options: dict[str, tuple[str, ...]] = {name: tuple(o) for name, o in (options or {}).items()}


def problems_of(conditions: Conditions, types: Mapping[str, str]) -> list[str]:
    """What keeps these conditions from testing records with fields of ``types``, one sentence
    per problem, each naming its field."""
    problems = []
    if conditions.match not in MATCHES:
        problems.append(f"match must be 'all' or 'any', not {conditions.match!r}")
    for condition in conditions.items:
        problem = _problem(condition, types)
        if problem is not None:
            problems.append(problem)
    return problems


def option_problems(conditions: Conditions, types: Mapping[str, str]) -> list[str]:
    """Deploy's check beyond ``problems_of``: a condition on a picklist names options the field
    has (when ``types`` are FieldTypes that know them), one sentence per value, naming the field.
    Evaluation does not refuse them: records written before an option was removed still hold it."""
    options = getattr(types, "options", None) or {}
    problems = []
    for condition in conditions.items:
        known = options.get(condition.field)
        if known is None or types.get(condition.field) != "picklist" or condition.value is None:
            continue
        if condition.operator in ("is", "is_not"):
            values = [condition.value.strip()]
        elif condition.operator == "one_of":
            values = [part.strip() for part in condition.value.split(",") if part.strip()]
        else:
            continue
        stripped = {option.strip() for option in known}
        listed = ", ".join(known[:_LISTED_FIELDS]) + (", ..." if len(known) > _LISTED_FIELDS else "")
        problems += [f"field {condition.field!r}: {value!r} is not one of its options ({listed})"
                     for value in dict.fromkeys(values) if value and value not in stripped]
    return problems


def conditions_from_xml(element: etree._Element | None) -> Conditions | None:
    """The conditions a ``charkh:conditions`` element holds, as written (``problems_of`` says what
    is wrong with them); None for no element. A missing match is "all"."""
    if element is None:
        return None
    items = tuple(
        Condition((child.get("field") or "").strip(), (child.get("operator") or "").strip(), child.get("value"))
        for child in element.iterfind(CONDITION_TAG)
    )
    return Conditions((element.get("match") or "all").strip(), items)


def conditions_of(owner: etree._Element) -> Conditions | None:
    """The ``charkh:conditions`` of a trigger (its child) or of a sequence flow (in its
    extensionElements), or None when it has none."""
    element = owner.find(CONDITIONS_TAG)
    if element is None:
        element = owner.find(f"{{{BPMN_NS}}}extensionElements/{CONDITIONS_TAG}")
    return conditions_from_xml(element)


# --- the operators ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Context:
    today: date
    tz: tzinfo | None


class _BadValue(ValueError):
    """A condition's value that its operator cannot read; the message says what it expects."""


# (the field's value as its type reads it, the condition's value as its operator reads it, context)
_Test = Callable[[Any, Any, _Context], bool]


@dataclass(frozen=True)
class _Operator:
    test: _Test
    # Reads the condition's value (raises _BadValue); None: the operator takes no value.
    parse: Callable[[str], Any] | None = None
    # Whether the test sees empty and unreadable values (is_empty); other tests never hold for them.
    on_empty: bool = False


@dataclass(frozen=True)
class _FieldType:
    read: Callable[[Any, tzinfo | None], Any]
    operators: Mapping[str, _Operator]


def _reading(reader: Callable[[Any], Any], what: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = reader(text)
        if value is None or value is UNREADABLE:
            raise _BadValue(f"{text!r} is not {what}")
        return value
    return parse


def _pair(parse: Callable[[str], Any], what: str) -> Callable[[str], tuple[Any, Any]]:
    """'min,max' read by ``parse``; a fixed minimum above the maximum is refused."""
    def parse_pair(text: str) -> tuple[Any, Any]:
        parts = text.split(",")
        if len(parts) != 2:
            raise _BadValue(f"{text!r} is not 'min,max' (two {what} separated by a comma)")
        low, high = parse(parts[0]), parse(parts[1])
        if _fixed(low) is not None and _fixed(high) is not None and _fixed(low) > _fixed(high):
            raise _BadValue(f"{text!r} has its minimum above its maximum")
        return low, high
    return parse_pair


def _fixed(bound: Any) -> Any:
    """A bound comparable before evaluation (a number, a fixed day), or None (today+N)."""
    if isinstance(bound, Day):
        return bound.fixed
    if isinstance(bound, datetime):
        return None  # a moment may be naive until the time zone is known
    return bound


def _whole_days(text: str) -> int:
    stripped = text.strip()
    if not stripped.isdecimal() or len(stripped) > 6:
        raise _BadValue(f"{text!r} is not a whole number of days")
    return int(stripped)


def _options(text: str) -> frozenset[str]:
    options = frozenset(part.strip() for part in text.split(",") if part.strip())
    if not options:
        raise _BadValue("one_of needs at least one option (comma-separated)")
    return options


def _bound(text: str) -> Day | datetime:
    """A datetime condition's bound: a day (YYYY-MM-DD, today±N) or a moment."""
    day = day_literal(text)
    if day is not None:
        return day
    moment = moment_literal(text)
    if moment is None:
        raise _BadValue(f"{text!r} is not a date (YYYY-MM-DD, today, today+N, today-N) "
                        "or a date and time (YYYY-MM-DDTHH:MM)")
    return moment


def _after(moment: datetime, bound: Day | datetime, context: _Context) -> int:
    """-1, 0 or 1 as ``moment`` is before, within or after ``bound`` (a day, or an instant)."""
    if isinstance(bound, Day):
        day, limit = day_of(moment, context.tz), bound.on(context.today)
        return (day > limit) - (day < limit)
    limit_moment = aware(bound, context.tz)
    return (moment > limit_moment) - (moment < limit_moment)


def _same_day(moment: datetime, bound: Day | datetime, context: _Context) -> bool:
    day = day_of(moment, context.tz)
    if isinstance(bound, Day):
        return day == bound.on(context.today)
    return day == day_of(aware(bound, context.tz), context.tz)


def _within_last(day: date, days: int, context: _Context) -> bool:
    return shift(context.today, -days) <= day <= context.today


_EMPTINESS = {
    "is_empty": _Operator(lambda v, _o, _c: v is None, on_empty=True),
    "is_not_empty": _Operator(lambda v, _o, _c: v is not None, on_empty=True),
}


def _text_like(read: Callable[[Any], Any], what: str, *names: str) -> _FieldType:
    parse = _reading(read, what)
    every = {
        "equals": _Operator(lambda v, o, _c: bool(v == o), parse),
        "not_equals": _Operator(lambda v, o, _c: bool(v != o), parse),
        "contains": _Operator(lambda v, o, _c: o in v, parse),
        "starts_with": _Operator(lambda v, o, _c: v.startswith(o), parse),
    }
    return _FieldType(lambda value, _tz: read(value), {**{n: every[n] for n in names}, **_EMPTINESS})


_number = _reading(number_literal, "a number")
_day = _reading(day_literal, "a date (YYYY-MM-DD, today, today+N, today-N)")


def _between(v: Any, o: tuple[Any, Any], _c: _Context) -> bool:
    return bool(o[0] <= v <= o[1])


_TYPES: dict[str, _FieldType] = {
    "text": _text_like(text_of, "text", "equals", "not_equals", "contains", "starts_with"),
    "email": _text_like(text_of, "text", "equals", "not_equals", "contains", "starts_with"),
    "mobile": _text_like(mobile_of, "a phone number", "equals", "not_equals", "contains", "starts_with"),
    "user": _text_like(plain_of, "a user name", "equals", "not_equals"),
    "reference": _text_like(plain_of, "a record id", "equals", "not_equals"),
    "number": _FieldType(lambda value, _tz: number_of(value), {
        "eq": _Operator(lambda v, o, _c: bool(v == o), _number),
        "ne": _Operator(lambda v, o, _c: bool(v != o), _number),
        "lt": _Operator(lambda v, o, _c: bool(v < o), _number),
        "le": _Operator(lambda v, o, _c: bool(v <= o), _number),
        "gt": _Operator(lambda v, o, _c: bool(v > o), _number),
        "ge": _Operator(lambda v, o, _c: bool(v >= o), _number),
        "between": _Operator(_between, _pair(_number, "numbers")),
        **_EMPTINESS,
    }),
    "date": _FieldType(date_of, {
        "before": _Operator(lambda v, o, c: bool(v < o.on(c.today)), _day),
        "after": _Operator(lambda v, o, c: bool(v > o.on(c.today)), _day),
        "on": _Operator(lambda v, o, c: bool(v == o.on(c.today)), _day),
        "between": _Operator(lambda v, o, c: bool(o[0].on(c.today) <= v <= o[1].on(c.today)),
                             _pair(_day, "dates")),
        "within_last_days": _Operator(lambda v, o, c: _within_last(v, o, c), _whole_days),
        **_EMPTINESS,
    }),
    "datetime": _FieldType(moment_of, {
        "before": _Operator(lambda v, o, c: _after(v, o, c) < 0, _bound),
        "after": _Operator(lambda v, o, c: _after(v, o, c) > 0, _bound),
        "on": _Operator(lambda v, o, c: _same_day(v, o, c), _bound),
        "between": _Operator(lambda v, o, c: _after(v, o[0], c) >= 0 and _after(v, o[1], c) <= 0,
                             _pair(_bound, "dates or dates and times")),
        "within_last_days": _Operator(lambda v, o, c: _within_last(day_of(v, c.tz), o, c), _whole_days),
        **_EMPTINESS,
    }),
    "picklist": _FieldType(lambda value, _tz: plain_of(value), {
        "is": _Operator(lambda v, o, _c: bool(v == o), _reading(plain_of, "an option")),
        "is_not": _Operator(lambda v, o, _c: bool(v != o), _reading(plain_of, "an option")),
        "one_of": _Operator(lambda v, o, _c: v in o, _options),
        **_EMPTINESS,
    }),
    "checkbox": _FieldType(lambda value, _tz: checkbox_of(value), {
        "checked": _Operator(lambda v, _o, _c: v is True),
        "not_checked": _Operator(lambda v, _o, _c: v is False),
    }),
}

FIELD_TYPES = tuple(_TYPES)
# Field type → the operators that fit it, as the designer offers them.
OPERATORS: Mapping[str, tuple[str, ...]] = {name: tuple(kind.operators) for name, kind in _TYPES.items()}


@lru_cache(maxsize=4096)
def _operand(type_name: str, operator: str, value: str | None) -> Any:
    """The condition's value as its operator reads it, or the _BadValue saying why it cannot:
    read once per distinct condition, not at every record."""
    parse = _TYPES[type_name].operators[operator].parse
    if parse is None:
        return None
    if value is None or not value.strip():
        return _BadValue(f"operator {operator!r} needs a value")
    try:
        return parse(value)
    except _BadValue as bad:
        return bad


def _holds(condition: Condition, fields: Mapping[str, Any], types: Mapping[str, str], context: _Context) -> bool:
    kind = _TYPES.get(types.get(condition.field, ""))
    operator = kind.operators.get(condition.operator) if kind is not None else None
    if kind is None or operator is None:
        return False
    operand = _operand(types[condition.field], condition.operator, condition.value)
    if isinstance(operand, _BadValue):
        return False
    value = kind.read(fields.get(condition.field), context.tz)
    if not operator.on_empty and (value is None or value is UNREADABLE):
        return False
    return operator.test(value, operand, context)


def _problem(condition: Condition, types: Mapping[str, str]) -> str | None:
    name = condition.field
    if not name:
        return "a condition names no field"
    if name not in types:
        known = sorted(types)
        listed = ", ".join(known[:_LISTED_FIELDS]) + (", ..." if len(known) > _LISTED_FIELDS else "")
        return f"field {name!r} is unknown (the entity's fields: {listed or 'none'})"
    type_name = types[name]
    kind = _TYPES.get(type_name)
    if kind is None:
        return f"field {name!r} has type {type_name!r}, which conditions cannot test"
    if condition.operator not in kind.operators:
        return (f"operator {condition.operator!r} does not fit field {name!r} ({type_name}): "
                f"use one of {', '.join(kind.operators)}")
    operand = _operand(type_name, condition.operator, condition.value)
    if isinstance(operand, _BadValue):
        return f"field {name!r}: {operand}"
    return None

