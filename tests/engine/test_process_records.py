"""What compiling a file makes of its records side (engine/process_records.py through
compile_definition): the triggers of its executable processes, and the deploy problems of
triggers and of typed conditions on flows, checked against the entity catalog it is given."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.compiler import compile_definition
from engine.entities import field_types
from engine.errors import Invalid
from engine.process_records import record_entities

MAX = 10**6


def refusal(data: bytes, **kwargs) -> list[dict]:
    with pytest.raises(Invalid) as refused:
        compile_definition(data, MAX, **kwargs)
    return refused.value.details["problems"]


def test_the_compiled_definition_carries_its_triggers(model):
    compiled = compile_definition(model("invoice_triggers.bpmn"), MAX)
    assert [(t.process, t.key, t.on, t.entity) for t in compiled.triggers] == [
        ("invoice_triggers", "0", "update", "invoice"),
        ("invoice_triggers", "1", "schedule", "invoice"),
        ("invoice_triggers", "remind-button", "macro", "invoice"),
    ]


def test_a_process_without_triggers_compiles_with_none(model):
    assert compile_definition(model("amount_routing.bpmn"), MAX).triggers == ()


def test_a_manual_trigger_is_no_trigger_of_the_definition(model):
    assert compile_definition(model("record_routing.bpmn"), MAX).triggers == ()


def test_triggers_of_a_process_that_is_not_executable_are_neither_read_nor_checked(model):
    data = model("invoice_triggers.bpmn").replace(
        b"</bpmn:definitions>",
        b'<bpmn:process id="sketch" isExecutable="false"><bpmn:extensionElements>'
        b'<charkh:trigger entity="nothing" on="create"/></bpmn:extensionElements></bpmn:process>'
        b"</bpmn:definitions>")
    assert {t.process for t in compile_definition(data, MAX).triggers} == {"invoice_triggers"}


def test_every_trigger_problem_is_named_on_its_process(model):
    data = (model("invoice_triggers.bpmn")
            .replace(b'operator="gt" value="1000"', b'operator="gt" value="a lot"')
            .replace(b'schedule="0 9 * * 1-5"', b'schedule="at nine"')
            .replace(b'field="status" operator="is"', b'field="status" operator="equals"'))
    problems = refusal(data)
    assert {p["element"] for p in problems} == {"invoice_triggers"}
    messages = [p["message"] for p in problems]
    assert messages == [
        "charkh:trigger on update of 'invoice': field 'amount': 'a lot' is not a number",
        "charkh:trigger on schedule of 'invoice': schedule 'at nine' is neither hourly, daily, weekly, monthly, "
        "yearly nor a cron text of five fields (minute hour day month weekday, e.g. 0 9 * * 1-5)",
        "charkh:trigger on schedule of 'invoice': operator 'equals' does not fit field 'status' (picklist): "
        "use one of is, is_not, one_of, is_empty, is_not_empty",
    ]


def test_two_triggers_with_one_id(model):
    data = model("invoice_triggers.bpmn").replace(b'<charkh:trigger entity="invoice" on="update"',
                                                  b'<charkh:trigger id="remind-button" entity="invoice" on="update"')
    assert refusal(data) == [{"element": "invoice_triggers",
                              "message": "several charkh:trigger elements have the id 'remind-button'"}]


def test_typed_conditions_on_a_flow_are_checked_against_the_process_entity(model):
    data = (model("record_routing.bpmn")
            .replace(b'field="amount" operator="ge"', b'field="amount" operator="after"')
            .replace(b'field="paid" operator="checked"', b'field="payed" operator="checked"'))
    problems = refusal(data)
    assert [p["element"] for p in problems] == ["f_urgent", "f_paid"]
    assert problems[0]["message"].startswith("charkh:conditions on 'invoice': operator 'after' does not fit field "
                                             "'amount' (number): use one of eq, ne")
    assert problems[1]["message"].startswith("charkh:conditions on 'invoice': field 'payed' is unknown")


def test_typed_conditions_in_a_process_that_names_no_entity(model):
    data = model("record_routing.bpmn").replace(b'<charkh:trigger entity="invoice"/>', b"")
    problems = refusal(data)
    assert {p["element"] for p in problems} == {"f_urgent", "f_status", "f_paid"}
    assert problems[0]["message"] == ("charkh:conditions test the fields of the instance's record, but process "
                                      "'record_routing' names no entity (charkh:trigger entity=)")


def test_typed_conditions_of_an_unknown_entity(model):
    data = model("record_routing.bpmn").replace(b'<charkh:trigger entity="invoice"/>',
                                                b'<charkh:trigger entity="receipt"/>')
    problems = refusal(data)
    assert problems[0] == {"element": "record_routing", "message": "charkh:trigger of 'receipt': entity 'receipt' "
                                                                   "is unknown"}
    assert problems[1] == {"element": "f_urgent", "message": "charkh:conditions test the fields of entity "
                                                             "'receipt', which is unknown"}


def test_an_expression_beside_typed_conditions_is_left_to_other_tools(model):
    # f_urgent's conditionExpression is FEEL ("=record.amount >= 5000 ..."), which the sandbox refuses
    data = model("record_routing.bpmn")
    assert b"=record.amount" in data
    compile_definition(data, MAX)
    without_typed = data.replace(b'<charkh:conditions match="any">', b'<charkh:ignored match="any">').replace(
        b"</charkh:conditions>\n      </bpmn:extensionElements>\n      <bpmn:conditionExpression",
        b"</charkh:ignored>\n      </bpmn:extensionElements>\n      <bpmn:conditionExpression")
    assert [p["element"] for p in refusal(without_typed)] == ["f_urgent"]


def test_the_entity_catalog_is_the_one_given(model):
    def with_receipts(entity: str):
        return {"total": "number"} if entity == "receipt" else field_types(entity)

    data = model("record_fork.bpmn").replace(b'entity="order"', b'entity="receipt"')
    compiled = compile_definition(data, MAX, entity_types=with_receipts)
    assert [t.entity for t in compiled.triggers] == ["receipt"]
    assert refusal(data)[0] == {"element": "record_fork",
                                "message": "charkh:trigger on create of 'receipt': entity 'receipt' is unknown"}


def test_a_version_deployed_before_loads_after_its_entity_changed(model):
    compiled = compile_definition(model("invoice_triggers.bpmn"), MAX, entity_types=lambda entity: None,
                                  check_entities=False)
    assert len(compiled.triggers) == 3


def test_a_process_without_a_trigger_takes_the_entity_of_the_file():
    root = etree.fromstring(
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        b'xmlns:charkh="https://charkh.dev/schema/bpmn">'
        b'<process id="main"><extensionElements><charkh:trigger entity="ticket" on="create"/>'
        b'</extensionElements></process><process id="called"/></definitions>')
    assert record_entities(root) == {"main": "ticket", "called": "ticket"}


def test_a_file_of_two_entities_leaves_a_process_without_a_trigger_without_one():
    root = etree.fromstring(
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        b'xmlns:charkh="https://charkh.dev/schema/bpmn">'
        b'<process id="a"><extensionElements><charkh:trigger entity="ticket" on="create"/></extensionElements>'
        b'</process><process id="b"><extensionElements><charkh:trigger entity="order" on="create"/>'
        b'</extensionElements></process><process id="called"/></definitions>')
    assert record_entities(root) == {"a": "ticket", "b": "order", "called": None}
