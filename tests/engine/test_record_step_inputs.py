"""Reading a record step's inputs (engine/record_step_inputs.py): FIELD=VALUE lines, and values
filled in as raw text, field templates or expressions."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from engine.errors import Invalid
from engine.record_step_inputs import fill_template, parse_fields, read_inputs, values_of

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def no_expressions(text: str, variables: dict[str, Any]) -> Any:
    raise AssertionError(f"no expression expected, got {text!r}")


def test_fields_are_lines_of_field_equals_value_and_blank_lines_are_skipped():
    assert parse_fields("status=approved\n\n  note = a=b  \n") == (("status", "approved"), ("note", "a=b"))
    with pytest.raises(Invalid, match="line 2: write FIELD=VALUE"):
        parse_fields("status=approved\njust words")
    with pytest.raises(Invalid, match="'status' is set twice"):
        parse_fields("status=a\nstatus=b")


def test_a_template_that_is_one_placeholder_keeps_the_values_type_and_others_are_text():
    variables = {"record": {"amount": 12.0, "paid": True, "name": "Acme"}, "n": 3}
    assert fill_template("${record.amount}", variables) == 12.0
    assert fill_template("${ record.missing }", variables) is None
    assert fill_template("${record.name} #${n}: ${record.amount} ${record.paid}", variables) == "Acme #3: 12 true"


def test_values_by_mode():
    raw = read_inputs("charkh-record-update", {"mode": "raw", "fields": "note=${record.name}\nowner_note="})
    assert values_of(raw, {"record": {"name": "Acme"}}, no_expressions, AT) == {"note": "${record.name}",
                                                                                "owner_note": None}
    template = read_inputs("charkh-record-update", {"fields": "note=at ${now}\nempty=${nothing}"})
    assert values_of(template, {}, no_expressions, AT) == {"note": "at 2026-12-01T09:30:00Z", "empty": None}
    expression = read_inputs("charkh-record-update", {"mode": "expression", "fields": "amount=${record.amount * 2}"})
    assert values_of(expression, {"record": {"amount": 4}}, lambda text, v: (text, v["record"]), AT) == {
        "amount": ("record.amount * 2", {"amount": 4})}


def test_an_expression_the_sandbox_refuses_is_refused_when_read():
    with pytest.raises(Invalid, match="field 'x'"):
        read_inputs("charkh-record-update", {"mode": "expression", "fields": "x=__import__('os')"})
