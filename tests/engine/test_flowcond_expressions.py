"""Typed conditions on gateways' flows (issue 16, item 4), seen through the engine's API: they route
on number and picklist fields of a stored (admin-defined) entity, the stored and exported file
carries each flow's conditions also as a standard FEEL conditionExpression (kept in sync with them,
byte-identical on re-import), and deploy refuses a picklist value the field does not offer."""
from __future__ import annotations

import re
from typing import Any

import pytest
from lxml import etree

from engine.charkh import Charkh
from engine.condition_expressions import feel_expression, with_condition_expressions
from engine.conditions import Condition, Conditions
from engine.entities import field_types
from engine.errors import Invalid

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

DEAL = {"label": "Deal", "fields": [
    {"name": "title", "label": "Title", "type": "text"},
    {"name": "amount", "label": "Amount", "type": "number"},
    {"name": "stage", "label": "Stage", "type": "picklist", "options": ["new", "won", "lost"]},
]}

ROUTE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:charkh="https://charkh.dev/schema/bpmn"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs_deal_route" targetNamespace="https://charkh.dev/tests">
  <bpmn:process id="deal_route" isExecutable="true">
    <bpmn:extensionElements>
      <charkh:trigger entity="deal"/>
    </bpmn:extensionElements>
    <bpmn:startEvent id="started"/>
    <bpmn:sequenceFlow id="f_started" sourceRef="started" targetRef="route"/>
    <bpmn:exclusiveGateway id="route" default="f_other"/>
    <bpmn:sequenceFlow id="f_big" sourceRef="route" targetRef="big">
      <bpmn:extensionElements>
        <charkh:conditions>
          <charkh:condition field="amount" operator="gt" value="1000"/>
        </charkh:conditions>
      </bpmn:extensionElements>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_won" sourceRef="route" targetRef="won">
      <bpmn:extensionElements>
        <charkh:conditions match="any">
          <charkh:condition field="stage" operator="STAGE_OPERATOR" value="STAGE_VALUE"/>
          <charkh:condition field="title" operator="starts_with" value="Won:"/>
        </charkh:conditions>
      </bpmn:extensionElements>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_other" sourceRef="route" targetRef="other">
      <bpmn:extensionElements>
        <charkh:conditions>
          <charkh:condition field="amount" operator="is_empty"/>
        </charkh:conditions>
      </bpmn:extensionElements>
    </bpmn:sequenceFlow>
    <bpmn:userTask id="big" camunda:candidateGroups="sales"/>
    <bpmn:userTask id="won" camunda:candidateGroups="sales"/>
    <bpmn:userTask id="other" camunda:candidateGroups="sales"/>
  </bpmn:process>
</bpmn:definitions>
"""


def route_model(stage_operator: str = "is", stage_value: str = "won") -> bytes:
    return ROUTE.replace("STAGE_OPERATOR", stage_operator).replace("STAGE_VALUE", stage_value).encode()


@pytest.fixture
def seller(charkh: Charkh) -> Any:
    charkh.add_user("root", None, [], [], admin=True)
    charkh.records.put_entity("deal", DEAL, charkh.caller_named("root"))
    charkh.add_user("omid", None, ["sales"], [])
    return charkh.caller_named("omid")


def expressions(data: bytes) -> dict[str, tuple[str | None, str]]:
    """Flow id → (xsi:type, text) of its conditionExpression."""
    root = etree.fromstring(data)
    return {flow.get("id"): (expression.get(f"{{{XSI}}}type"), expression.text or "")
            for flow in root.iter(f"{{{BPMN}}}sequenceFlow")
            if (expression := flow.find(f"{{{BPMN}}}conditionExpression")) is not None}


def opened(charkh: Charkh, caller: Any, record: dict[str, Any]) -> list[str]:
    instance = charkh.start("deal_route", caller, {"record": record})
    return sorted(i["element"] for i in charkh.instance(instance, caller)["work_items"])


# --- routing on a stored entity's number and picklist fields ---------------------------------

@pytest.mark.parametrize("record,elements", [
    ({"amount": 1500, "stage": "new"}, ["big"]),
    ({"amount": 1000, "stage": "won"}, ["won"]),
    ({"amount": 10, "stage": "new", "title": "won: the big one"}, ["won"]),  # text compares ignoring case
    ({"amount": 10, "stage": "lost"}, ["other"]),  # no conditional flow holds: the default
])
def test_an_exclusive_gateway_routes_on_number_and_picklist_fields(charkh, seller, record, elements):
    charkh.import_bpmn(route_model(), deploy=True)

    assert opened(charkh, seller, record) == elements


def test_the_default_flow_ignores_its_conditions_and_gets_no_expression(charkh, seller):
    charkh.import_bpmn(route_model(), deploy=True)

    assert opened(charkh, seller, {"amount": 5, "stage": "new"}) == ["other"]  # amount is not empty
    assert "f_other" not in expressions(charkh.bpmn("deal_route"))


def test_one_of_routes_on_any_of_its_options(charkh, seller):
    charkh.import_bpmn(route_model("one_of", "won, lost"), deploy=True)

    assert opened(charkh, seller, {"amount": 1, "stage": "lost"}) == ["won"]
    assert opened(charkh, seller, {"amount": 1, "stage": "new"}) == ["other"]


# --- the standard conditionExpression ----------------------------------------------------------

def test_the_exported_file_carries_both_the_conditions_and_their_feel_expression(charkh, seller):
    charkh.import_bpmn(route_model(), deploy=True)
    exported = charkh.bpmn("deal_route")

    assert expressions(exported) == {
        "f_big": ("bpmn:tFormalExpression", "=record.amount != null and record.amount > 1000"),
        "f_won": ("bpmn:tFormalExpression", '=(record.stage = "won") or (record.title != null and record.title != "" '
                                            'and starts with(lower case(record.title), "won:"))'),
    }
    assert exported.count(b"<charkh:conditions") == 3
    assert exported.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions')
    # written like its siblings: the expression follows the extension elements, indented as they are
    # (the file binds no prefix to XML Schema instances: the element declares it)
    assert re.search(rb'</bpmn:extensionElements>\n      <bpmn:conditionExpression xmlns:xsi="[^"]+" '
                     rb'xsi:type="bpmn:tFormalExpression">'
                     rb'=record.amount != null and record.amount &gt; 1000</bpmn:conditionExpression>\n'
                     rb'    </bpmn:sequenceFlow>', exported), exported.decode()


def test_reimporting_the_export_keeps_both_and_adds_no_version(charkh, seller):
    first = charkh.import_bpmn(route_model(), deploy=True)
    exported = charkh.bpmn("deal_route")

    again = charkh.import_bpmn(exported, deploy=True)
    original_again = charkh.import_bpmn(route_model(), deploy=True)

    assert again["version"] == first["version"] and again["unchanged"] is True
    assert original_again["unchanged"] is True
    assert charkh.bpmn("deal_route") == exported
    assert opened(charkh, seller, {"amount": 2000}) == ["big"]


def test_an_out_of_date_expression_is_replaced_and_charkh_routes_on_the_conditions(charkh, seller):
    stale = route_model().replace(
        b'<charkh:condition field="amount" operator="gt" value="1000"/>\n        </charkh:conditions>\n'
        b'      </bpmn:extensionElements>',
        b'<charkh:condition field="amount" operator="gt" value="1000"/>\n        </charkh:conditions>\n'
        b'      </bpmn:extensionElements>\n      <bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/'
        b'XMLSchema-instance" xsi:type="bpmn:tFormalExpression" language="python">amount &gt; 99'
        b'</bpmn:conditionExpression>')
    assert stale != route_model()

    charkh.import_bpmn(stale, deploy=True)

    assert expressions(charkh.bpmn("deal_route"))["f_big"] == (
        "bpmn:tFormalExpression", "=record.amount != null and record.amount > 1000")
    assert b'language="python"' not in charkh.bpmn("deal_route")
    assert opened(charkh, seller, {"amount": 500, "stage": "new"}) == ["other"]  # not "amount > 99"


def test_a_file_whose_expressions_are_in_sync_or_that_has_no_flow_conditions_is_stored_as_uploaded(charkh, model):
    plain = model("invoice.bpmn")
    charkh.import_bpmn(plain)
    synced = with_condition_expressions(model("record_routing.bpmn"), 10**6, field_types)

    assert charkh.bpmn("invoice") == plain
    assert with_condition_expressions(synced, 10**6, field_types) is synced


def test_a_rewritten_file_keeps_its_lines_but_for_the_roots_start_tag_and_the_new_expressions(model):
    original = model("flowcond_route.bpmn").decode()
    written = with_condition_expressions(model("flowcond_route.bpmn"), 10**6, field_types).decode()

    removed = [line for line in original.splitlines() if line not in written.splitlines()]
    added = [line for line in written.splitlines() if line not in original.splitlines()]
    assert removed and all(line.startswith(("<bpmn:definitions ", "    xmlns:")) for line in removed)  # one line now
    assert [line.strip().split(" ", 1)[0] for line in added] == ["<bpmn:definitions", "<bpmn:conditionExpression"]
    assert written.endswith("</bpmn:definitions>\n") and "-->\n<bpmn:definitions" in written


def test_the_shipped_routing_model_gets_expressions_on_every_conditional_flow(charkh, model):
    charkh.import_bpmn(model("record_routing.bpmn"), deploy=True)

    found = expressions(charkh.bpmn("record_routing"))

    assert found == {
        "f_urgent": ("bpmn:tFormalExpression",
                     '=(record.amount != null and record.amount >= 5000) or (record.due_on != null and '
                     'record.due_on != "" and date(record.due_on) < today())'),
        "f_status": ("bpmn:tFormalExpression", '=list contains(["approved", "shipped"], record.status)'),
        "f_paid": ("bpmn:tFormalExpression", "=record.paid = true"),
    }


def test_conditions_that_cannot_be_read_keep_their_expression_and_deploy_names_them(charkh, model):
    data = model("record_routing.bpmn").replace(b'field="amount" operator="ge"', b'field="amout" operator="ge"')

    charkh.import_bpmn(data)  # stored: unknown fields are deploy's to refuse
    stored = expressions(charkh.bpmn("record_routing"))

    assert stored["f_urgent"][1] == "=record.amount >= 5000 or record.due_on < today()"  # as written
    assert set(stored) == {"f_urgent", "f_status", "f_paid"}


INVOICE = field_types("invoice") or {}


@pytest.mark.parametrize("condition,feel", [
    (Condition("customer", "equals", " Ali "), '=lower case(record.customer) = "ali"'),
    (Condition("customer", "not_equals", 'say "hi"\\'),
     '=record.customer != null and record.customer != "" and lower case(record.customer) != "say \\"hi\\"\\\\"'),
    (Condition("email", "contains", "@Example.com"),
     '=record.email != null and record.email != "" and contains(lower case(record.email), "@example.com")'),
    (Condition("mobile", "equals", "۰۹۱۲ 345-6789"), '=record.mobile = "09123456789"'),
    (Condition("contact", "not_equals", "42"),
     '=record.contact != null and record.contact != "" and record.contact != "42"'),
    (Condition("amount", "eq", "0007.50"), "=record.amount = 7.50"),
    (Condition("amount", "between", "1,2000"),
     "=record.amount != null and record.amount >= 1 and record.amount <= 2000"),
    (Condition("amount", "is_empty", None), "=record.amount = null"),
    (Condition("due_on", "after", "today-3"),
     '=record.due_on != null and record.due_on != "" and date(record.due_on) > today() - duration("P3D")'),
    (Condition("due_on", "on", "2024-05-01"),
     '=record.due_on != null and record.due_on != "" and date(record.due_on) = date("2024-05-01")'),
    (Condition("due_on", "within_last_days", "7"),
     '=record.due_on != null and record.due_on != "" and date(record.due_on) >= today() - duration("P7D") '
     'and date(record.due_on) <= today()'),
    (Condition("status", "is_not", "paid"),
     '=record.status != null and record.status != "" and record.status != "paid"'),
    (Condition("status", "is_empty", None), '=record.status = null or record.status = ""'),
    (Condition("paid", "not_checked", None), "=record.paid != true"),
])
def test_each_operator_has_its_feel_equivalent(condition, feel):
    assert feel_expression(Conditions("all", (condition,)), INVOICE) == feel


def test_datetime_bounds_are_days_or_moments_and_feel_words_are_read_by_name():
    types = {"opened_at": "datetime", "between": "number"}

    def feel(*conditions: Condition) -> str | None:
        return feel_expression(Conditions("all", conditions), types)

    assert feel(Condition("opened_at", "before", "2024-05-01T09:00+03:30")) == (
        '=record.opened_at != null and record.opened_at != "" and date and time(record.opened_at) < '
        'date and time("2024-05-01T09:00+03:30")')
    assert feel(Condition("opened_at", "between", "today-1,today")) == (
        '=record.opened_at != null and record.opened_at != "" and date(date and time(record.opened_at)) >= '
        'today() - duration("P1D") and date(date and time(record.opened_at)) <= today()')
    assert feel(Condition("between", "gt", "1")) == (
        '=get value(record, "between") != null and get value(record, "between") > 1')
    assert feel() == "=true"
    assert feel(Condition("opened_at", "before", "soon")) is None


# --- picklist values at deploy ------------------------------------------------------------------

def test_deploy_refuses_a_picklist_value_the_field_does_not_offer_naming_flow_field_and_value(charkh, seller):
    with pytest.raises(Invalid) as refused:
        charkh.import_bpmn(route_model("one_of", "won,archived"), deploy=True)

    assert refused.value.details["problems"] == [{
        "element": "f_won",
        "message": "charkh:conditions on 'deal': field 'stage': 'archived' is not one of its options (new, won, lost)",
    }]


def test_deploy_refuses_a_trigger_condition_on_a_picklist_value_the_field_does_not_offer(charkh, model):
    data = model("invoice_triggers.bpmn").replace(b'operator="is" value="approved"', b'operator="is" value="aproved"')

    with pytest.raises(Invalid) as refused:
        charkh.import_bpmn(data, deploy=True)

    [problem] = refused.value.details["problems"]
    assert problem["element"] == "invoice_triggers"
    assert problem["message"] == ("charkh:trigger on schedule of 'invoice': field 'status': 'aproved' is not one of "
                                  "its options (draft, approved, paid, shipped, cancelled)")
