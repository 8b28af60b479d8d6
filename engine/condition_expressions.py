"""A flow's charkh:conditions written also as a standard ``conditionExpression``, so that other
tools route the same way (issue 16, item 4). Charkh itself always evaluates the typed conditions
(engine/conditions.py); the expression is only for readers that do not know charkh:conditions.

The expression is FEEL (the OMG's expression language of DMN, which BPMN tools that read
expressions share) in Camunda 8's form: the text starts with ``=`` and reads the instance's
variable ``record`` (the same variable Charkh gives a record's fields: ``record.amount``). Camunda
8 (Zeebe) evaluates it as written; Camunda 7 and others show it. It mirrors each operator as near
as FEEL allows: text compares lower-cased; an empty field ("" or null) fails every test but
is_empty, as in Charkh; a date field is read with ``date()``, a datetime with ``date and time()``.
Charkh's finer points (trimming, mobile numbers' digits in any script) stay Charkh's own.

The designer writes the same text (designer/frontend/src/charkh/feel.js); the server writes it
again when it stores a file (``with_condition_expressions``), so the stored file always carries
the expression of its conditions.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime

from lxml import etree

from .bpmn_xml import BPMN_NS, parse_xml
from .conditions import Condition, Conditions, conditions_of, problems_of
from .field_values import Day, day_literal, mobile_of, moment_literal, number_literal
from .process_records import process_of, record_types
from .triggers import EntityTypes

FEEL_PREFIX = "="
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_EXPRESSION_TAG = f"{{{BPMN_NS}}}conditionExpression"
# FEEL's words, which a path (record.NAME) cannot use as a name.
_FEEL_WORDS = frozenset({"and", "or", "not", "true", "false", "null", "in", "between", "instance", "of", "for",
                         "return", "if", "then", "else", "some", "every", "satisfies", "function", "external"})
# A moment written so FEEL's date and time() reads it as it stands.
_PLAIN_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?", re.ASCII)
# Field types whose values records keep as text: "" is empty too.
_TEXT_KEPT = frozenset({"text", "email", "mobile", "user", "reference", "picklist", "date", "datetime"})


def feel_expression(conditions: Conditions, types: Mapping[str, str]) -> str | None:
    """The FEEL conditionExpression text of ``conditions`` on fields of ``types``; None when they
    have problems (``problems_of``), which deploy reports."""
    if problems_of(conditions, types):
        return None
    parts = [_test(condition, types[condition.field]) for condition in conditions.items]
    if not parts:
        return f"{FEEL_PREFIX}true"
    if len(parts) == 1:
        return FEEL_PREFIX + parts[0]
    joiner = " and " if conditions.match == "all" else " or "
    return FEEL_PREFIX + joiner.join(f"({part})" for part in parts)


# --- literals ---------------------------------------------------------------------------------

def _string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def _number(text: str) -> str:
    number = number_literal(text)
    assert number is not None  # problems_of read it
    return format(number, "f")


def _day(text: str) -> str:
    day = day_literal(text)
    assert day is not None
    return _day_of(day)


def _day_of(day: Day) -> str:
    if day.fixed is not None:
        return f'date("{day.fixed.isoformat()}")'
    if day.offset == 0:
        return "today()"
    return f'today() {"+" if day.offset > 0 else "-"} duration("P{abs(day.offset)}D")'


def _moment_text(text: str, moment: datetime) -> str:
    stripped = text.strip()
    return stripped if _PLAIN_MOMENT.fullmatch(stripped) else moment.isoformat()


def _pair(value: str) -> tuple[str, str]:
    low, high = value.split(",")
    return low, high


# --- the tests, by field type and operator ------------------------------------------------------

# (the field as FEEL reads it, the field's type, the condition's value) → a FEEL boolean
_Writer = Callable[[str, str, str], str]


def _present(field: str, type_name: str) -> str:
    return f'{field} != null and {field} != ""' if type_name in _TEXT_KEPT else f"{field} != null"


def _empty(field: str, type_name: str) -> str:
    return f'{field} = null or {field} = ""' if type_name in _TEXT_KEPT else f"{field} = null"


def _guarded(test: Callable[[str, str], str]) -> _Writer:
    """A test that holds only for a field that is not empty (as in Charkh)."""
    return lambda field, type_name, value: f"{_present(field, type_name)} and {test(field, value)}"


def _lowered(text: str) -> str:
    return _string(text.strip().lower())


def _dialled(text: str) -> str:
    digits = mobile_of(text)
    return _string(digits if isinstance(digits, str) else text.strip())


def _texts(literal: Callable[[str], str], lower: bool) -> dict[str, _Writer]:
    def read(field: str) -> str:
        return f"lower case({field})" if lower else field
    return {
        "equals": lambda f, _t, v: f"{read(f)} = {literal(v)}",
        "not_equals": _guarded(lambda f, v: f"{read(f)} != {literal(v)}"),
        "contains": _guarded(lambda f, v: f"contains({read(f)}, {literal(v)})"),
        "starts_with": _guarded(lambda f, v: f"starts with({read(f)}, {literal(v)})"),
    }


def _compare(symbol: str) -> _Writer:
    return _guarded(lambda f, v: f"{f} {symbol} {_number(v)}")


def _number_between(field: str, type_name: str, value: str) -> str:
    low, high = _pair(value)
    return f"{_present(field, type_name)} and {field} >= {_number(low)} and {field} <= {_number(high)}"


def _dated(read: Callable[[str], str], bound: Callable[[str], str]) -> dict[str, _Writer]:
    """Tests on a day: a date field's (read with date()) or a datetime field's, against days or
    moments written by ``bound``."""
    def between(f: str, t: str, v: str) -> str:
        low, high = _pair(v)
        return f"{_present(f, t)} and {read(f)} >= {bound(low)} and {read(f)} <= {bound(high)}"

    def within_last(f: str, t: str, v: str) -> str:
        days = int(v.strip())
        since = "today()" if days == 0 else f'today() - duration("P{days}D")'
        return f"{_present(f, t)} and {read(f)} >= {since} and {read(f)} <= today()"
    return {
        "before": _guarded(lambda f, v: f"{read(f)} < {bound(v)}"),
        "after": _guarded(lambda f, v: f"{read(f)} > {bound(v)}"),
        "on": _guarded(lambda f, v: f"{read(f)} = {bound(v)}"),
        "between": between,
        "within_last_days": within_last,
    }


def _date_field(field: str) -> str:
    return f"date({field})"


def _datetime_field(field: str) -> str:
    return f"date and time({field})"


def _datetime_day(field: str) -> str:
    return f"date(date and time({field}))"


def _moment_test(field: str, compare: str, value: str) -> str:
    """A datetime field against a day (the field's day) or a moment (the moment itself)."""
    day = day_literal(value)
    if day is not None:
        return f"{_datetime_day(field)} {compare} {_day_of(day)}"
    moment = moment_literal(value)
    assert moment is not None
    if compare == "=":  # on a moment: the same calendar day
        return f'{_datetime_day(field)} = date("{moment.date().isoformat()}")'
    return f'{_datetime_field(field)} {compare} date and time("{_moment_text(value, moment)}")'


def _moment_writer(compare: str) -> _Writer:
    return _guarded(lambda f, v: _moment_test(f, compare, v))


def _datetime_between(field: str, type_name: str, value: str) -> str:
    low, high = _pair(value)
    return f"{_present(field, type_name)} and {_moment_test(field, '>=', low)} and {_moment_test(field, '<=', high)}"


def _one_of(field: str, _type_name: str, value: str) -> str:
    options = list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    return f"list contains([{', '.join(_string(o) for o in options)}], {field})"


def _plain(text: str) -> str:
    return _string(text.strip())


_WRITERS: dict[str, dict[str, _Writer]] = {
    "text": _texts(_lowered, lower=True),
    "email": _texts(_lowered, lower=True),
    "mobile": _texts(_dialled, lower=False),
    "user": {key: w for key, w in _texts(_plain, lower=False).items() if key in ("equals", "not_equals")},
    "reference": {key: w for key, w in _texts(_plain, lower=False).items() if key in ("equals", "not_equals")},
    "number": {
        "eq": lambda f, _t, v: f"{f} = {_number(v)}",
        "ne": _compare("!="), "lt": _compare("<"), "le": _compare("<="), "gt": _compare(">"), "ge": _compare(">="),
        "between": _number_between,
    },
    "date": _dated(_date_field, _day),
    "datetime": {
        "before": _moment_writer("<"), "after": _moment_writer(">"), "on": _moment_writer("="),
        "between": _datetime_between,
        "within_last_days": _dated(_datetime_day, _day)["within_last_days"],
    },
    "picklist": {
        "is": lambda f, _t, v: f"{f} = {_plain(v)}",
        "is_not": _guarded(lambda f, v: f"{f} != {_plain(v)}"),
        "one_of": _one_of,
    },
    "checkbox": {
        "checked": lambda f, _t, _v: f"{f} = true",
        "not_checked": lambda f, _t, _v: f"{f} != true",
    },
}


def _path(field: str) -> str:
    return f'get value(record, "{field}")' if field in _FEEL_WORDS else f"record.{field}"


def _test(condition: Condition, type_name: str) -> str:
    field = _path(condition.field)
    if condition.operator == "is_empty":
        return _empty(field, type_name)
    if condition.operator == "is_not_empty":
        return _present(field, type_name)
    return _WRITERS[type_name][condition.operator](field, type_name, condition.value or "")


# --- in a file ------------------------------------------------------------------------------------

def set_condition_expressions(root: etree._Element, entity_types: EntityTypes) -> bool:
    """Give each sequence flow that has charkh:conditions (and is not its source's default) the
    FEEL conditionExpression of its conditions, replacing the one it had; whether any changed.
    Conditions with problems (unknown entity or field) are left as they are: deploy names them."""
    defaults = {element.get("default") for element in root.iter(etree.Element) if element.get("default")}
    types_by_process = None
    changed = False
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        conditions = conditions_of(flow)
        if conditions is None or flow.get("id") in defaults:
            continue
        if types_by_process is None:
            types_by_process = record_types(root, entity_types)
        text = feel_expression(conditions, types_by_process.get(process_of(flow) or "", {}))
        if text is not None and _write_expression(flow, text):
            changed = True
    return changed


def with_condition_expressions(data: bytes, max_bytes: int, entity_types: EntityTypes) -> bytes:
    """``data`` whose flows with charkh:conditions carry their conditionExpression: the same bytes
    when they all do already, else the file written again with them."""
    if b"conditions" not in data:
        return data
    root = parse_xml(data, max_bytes)
    if not set_condition_expressions(root, entity_types):
        return data
    return _written(root, declared=data.lstrip().startswith(b"<?xml"), newline_at_end=data[-1:] == b"\n")


def _written(root: etree._Element, declared: bool, newline_at_end: bool) -> bytes:
    """The document of ``root`` in UTF-8, its comments and processing instructions around the root
    each on a line of its own (lxml writes them glued to the root)."""
    nodes = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
    head = [b'<?xml version="1.0" encoding="UTF-8"?>'] if declared else []
    body = b"\n".join(head + [etree.tostring(node, encoding="UTF-8", with_tail=False) for node in nodes])
    return body + (b"\n" if newline_at_end else b"")


def _write_expression(flow: etree._Element, text: str) -> bool:
    expression = flow.find(_EXPRESSION_TAG)
    xsi_type = f"{_prefix_of(flow, BPMN_NS)}tFormalExpression"
    if (expression is not None and (expression.text or "").strip() == text and len(expression) == 0
            and expression.get("language") is None and expression.get(f"{{{XSI_NS}}}type") == xsi_type):
        return False
    if expression is None:
        expression = etree.SubElement(flow, _EXPRESSION_TAG)
        _indent_last_child(flow)
    for child in list(expression):
        expression.remove(child)
    if "language" in expression.attrib:
        del expression.attrib["language"]
    expression.set(f"{{{XSI_NS}}}type", xsi_type)
    expression.text = text
    return True


def _prefix_of(element: etree._Element, namespace: str) -> str:
    """'bpmn:' (the prefix the file binds to ``namespace``), or '' for the default namespace."""
    for prefix, uri in element.nsmap.items():
        if uri == namespace and prefix:
            return f"{prefix}:"
    return ""


def _indent_last_child(parent: etree._Element) -> None:
    """Indent a child just appended like its siblings (or one step inside its parent)."""
    child = parent[-1]
    if len(parent) > 1:
        previous = parent[-2]
        child.tail = previous.tail
        previous.tail = parent.text
        return
    outer = parent.tail or "\n"
    step = outer + "  " if outer.startswith("\n") else outer
    parent.text, child.tail = step, outer
