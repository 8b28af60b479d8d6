"""What a record step's inputs say (MISSION F4.8-F4.10; engine/record_steps.py runs the steps),
read and checked without a database: the same reading at deploy and at run time.

A record step is a service or send task whose ``camunda:connector`` is one of RECORD_STEPS, with
these ``camunda:inputParameter``s (bpmn/templates/charkh-record-*.json give analysts a form):

- ``fields``: one ``FIELD=VALUE`` a line (the record's field on the left). Its values are, by
  ``mode``: ``raw`` text, taken as written (an empty value empties the field); a field
  ``template`` (the default), where ``${record.FIELD}`` and ``${variable}`` are the instance's
  values and ``${now}`` the moment the step runs (a value that is one placeholder keeps its type);
  or an ``expression``, run in the sandbox (engine/sandbox.py) over the instance's variables.
- ``entity`` and ``record`` (update): the record to change; empty, the instance's own record.
- ``entity`` (create, update related): the entity of the records created or changed.
- ``link_field``: create: the new record's reference field that is set to the instance's record;
  update related: the reference field by which the records to change point to the instance's.
- ``id_variable`` (create): the process variable that receives the new record's id.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import Invalid, ScriptError
from .sandbox import compile_expression, strip_expression
from .title import value_at

RECORD_UPDATE = "charkh-record-update"
RECORD_CREATE = "charkh-record-create"
RECORD_UPDATE_RELATED = "charkh-record-update-related"
RECORD_STEPS = frozenset({RECORD_UPDATE, RECORD_CREATE, RECORD_UPDATE_RELATED})
MODES = ("raw", "template", "expression")
DEFAULT_MODE = "template"
# The variable a field template reads the moment the step runs from (ISO 8601, UTC).
NOW = "now"
_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}")
_FIELD_NAME = re.compile(r"^[A-Za-z_][\w]*$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][\w]*$")

Evaluate = Callable[[str, dict[str, Any]], Any]


@dataclass(frozen=True)
class StepInputs:
    """One record step's inputs as written (values not yet filled in)."""

    connector: str
    mode: str
    fields: tuple[tuple[str, str], ...]
    entity: str | None = None
    record: str | None = None
    link_field: str | None = None
    id_variable: str | None = None


def is_record_step(connector: str | None) -> bool:
    return connector in RECORD_STEPS


def read_inputs(connector: str, inputs: Mapping[Any, str]) -> StepInputs:
    """The step's inputs; Invalid naming the first one that is wrong."""
    mode = (inputs.get("mode") or DEFAULT_MODE).strip()
    if mode not in MODES:
        raise Invalid(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    fields = parse_fields(inputs.get("fields") or "")
    step = StepInputs(connector=connector, mode=mode, fields=fields, entity=_given(inputs, "entity"),
                      record=_given(inputs, "record"), link_field=_given(inputs, "link_field"),
                      id_variable=_given(inputs, "id_variable"))
    if connector in (RECORD_CREATE, RECORD_UPDATE_RELATED) and not step.entity:
        raise Invalid("entity: name the entity of the records to " +
                      ("create" if connector == RECORD_CREATE else "change"))
    if connector == RECORD_UPDATE_RELATED and not step.link_field:
        raise Invalid("link_field: name the reference field by which the records point to this instance's record")
    if connector != RECORD_CREATE and not fields:
        raise Invalid("fields: give at least one FIELD=VALUE line")
    if step.id_variable is not None and not _VARIABLE_NAME.match(step.id_variable):
        raise Invalid(f"id_variable: {step.id_variable!r} is not a variable name (letters, digits and _)")
    if mode == "expression":
        for name, value in fields:
            try:
                compile_expression(strip_expression(value))
            except ScriptError as refused:
                raise Invalid(f"field {name!r}: {refused.message}") from None
    return step


def _given(inputs: Mapping[Any, str], name: str) -> str | None:
    return (inputs.get(name) or "").strip() or None


def parse_fields(text: str) -> tuple[tuple[str, str], ...]:
    """``FIELD=VALUE`` lines (blank lines skipped) as (field, value) pairs, in order."""
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or not _FIELD_NAME.match(name):
            raise Invalid(f"fields, line {number}: write FIELD=VALUE, not {line.strip()[:80]!r}")
        if any(name == known for known, _ in pairs):
            raise Invalid(f"fields: {name!r} is set twice")
        pairs.append((name, value.strip()))
    return tuple(pairs)


def is_static(text: str | None) -> bool:
    """Whether an input is plain text (no ``${...}`` to fill in), so deploy can check it."""
    return text is not None and "${" not in text and "#{" not in text


def fill_template(template: str, variables: Mapping[str, Any]) -> Any:
    """A field template filled in: a template that is one placeholder gives the value itself (a
    number stays a number, an empty value None); else each placeholder's value as text."""
    whole = _PLACEHOLDER.fullmatch(template.strip())
    if whole:
        return value_at(variables, whole.group(1))
    return _PLACEHOLDER.sub(lambda match: _as_text(value_at(variables, match.group(1))), template)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def values_of(step: StepInputs, variables: Mapping[str, Any], evaluate: Evaluate,
              at: datetime) -> dict[str, Any]:
    """The step's field values, filled in by its mode (not yet typed: engine/record_fields.py)."""
    scope = {**variables, NOW: at.isoformat().replace("+00:00", "Z")}
    values: dict[str, Any] = {}
    for name, text in step.fields:
        if step.mode == "raw":
            values[name] = text or None
        elif step.mode == "expression":
            values[name] = evaluate(strip_expression(text), dict(scope))
        else:
            filled = fill_template(text, scope)
            values[name] = None if filled == "" else filled
    return values
