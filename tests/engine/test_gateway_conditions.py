"""Gateways that route on the instance's record with typed conditions (charkh:conditions on their
flows, engine/task_specs.py's RecordConditions): tests/models/record_routing.bpmn, whose
exclusive gateway follows a user task and whose sub-process holds an inclusive gateway. An
instance started for a record has its fields in the variable ``record``."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from engine.charkh import Charkh
from engine.compiler import compile_definition
from engine.entities import field_types
from engine.errors import ScriptError

TODAY = date.today()


@pytest.fixture
def staff(charkh: Charkh, model):
    charkh.import_bpmn(model("record_routing.bpmn"), deploy=True)
    charkh.add_user("sara", None, ["clerks", "managers"], [])
    return charkh.caller_named("sara")


def start(charkh: Charkh, caller: Any, record: dict[str, Any] | None) -> str:
    return charkh.start("record_routing", caller, {"record": record} if record is not None else {})


def open_elements(charkh: Charkh, caller: Any, instance_id: str) -> list[str]:
    return sorted(i["element"] for i in charkh.instance(instance_id, caller)["work_items"]
                  if i["status"] in ("open", "claimed"))


def review(charkh: Charkh, caller: Any, instance_id: str, action: str | None = None) -> list[str]:
    """Complete the review without choosing (the conditions choose); the elements then open."""
    [item] = [i for i in charkh.work_items(caller) if i["instance_id"] == instance_id]
    charkh.complete(item["id"], caller, action)
    return open_elements(charkh, caller, instance_id)


def test_flows_with_typed_conditions_are_conditional_actions_of_the_review(model):
    actions = compile_definition(model("record_routing.bpmn"), 10**6).cartables["review"].actions
    assert [(a.id, a.conditional) for a in actions] == [("f_urgent", True), ("f_normal", True)]


@pytest.mark.parametrize("record", [
    {"amount": 5000},
    {"amount": 6000.5, "due_on": (TODAY + timedelta(days=9)).isoformat()},
    {"amount": 10, "due_on": (TODAY - timedelta(days=1)).isoformat()},  # overdue: before today
])
def test_an_urgent_record_goes_to_the_manager(charkh, staff, record):
    instance = start(charkh, staff, record)
    assert review(charkh, staff, instance) == ["manager_call"]


@pytest.mark.parametrize("record", [
    {"amount": 4999.99, "due_on": TODAY.isoformat()},
    {"amount": None, "due_on": None},
    {"amount": "", "due_on": ""},
    {},
])
def test_a_normal_record_goes_on_to_notify(charkh, staff, record):
    instance = start(charkh, staff, record)
    assert review(charkh, staff, instance) == ["nothing_to_send"]


def test_the_inclusive_gateway_takes_every_flow_whose_conditions_hold(charkh, staff):
    both = start(charkh, staff, {"amount": 10, "status": "approved", "paid": True})
    status_only = start(charkh, staff, {"amount": 10, "status": "shipped", "paid": False})
    receipt_only = start(charkh, staff, {"amount": 10, "status": "draft", "paid": "true"})

    assert review(charkh, staff, both) == ["receipt", "status_letter"]
    assert review(charkh, staff, status_only) == ["status_letter"]
    assert review(charkh, staff, receipt_only) == ["receipt"]


def test_an_instance_without_a_record_has_every_field_empty(charkh, staff):
    instance = start(charkh, staff, None)
    assert review(charkh, staff, instance) == ["nothing_to_send"]


def test_an_action_the_person_chooses_still_wins_over_the_conditions(charkh, staff):
    instance = start(charkh, staff, {"amount": 10})
    assert review(charkh, staff, instance, action="f_urgent") == ["manager_call"]


def test_an_instance_loaded_from_storage_routes_the_same(charkh, staff, settings):
    instance = start(charkh, staff, {"amount": 7000})
    other = Charkh(settings)  # another process: no live workflow, no compiled definition
    try:
        assert review(other, other.caller_named("sara"), instance) == ["manager_call"]
    finally:
        other.close()


def test_conditions_on_a_field_the_entity_lost_after_deploy_fail_the_step_naming_the_flow(charkh, staff, settings):
    untested = start(charkh, staff, {"amount": 7000})
    chosen = start(charkh, staff, {"amount": 7000})

    def without_amount(entity: str):
        types = field_types(entity)
        return {k: v for k, v in types.items() if k != "amount"} if types is not None else None

    other = Charkh(settings, entity_types=without_amount)  # the deployed version still loads
    try:
        caller = other.caller_named("sara")
        with pytest.raises(ScriptError) as refused:
            review(other, caller, untested)
        after_choice = review(other, caller, chosen, action="f_normal")  # a chosen action tests nothing
        still_open = open_elements(other, caller, untested)
    finally:
        other.close()

    assert refused.value.message.startswith("the conditions of flow 'f_urgent' cannot be tested: field 'amount' "
                                            "is unknown")
    assert still_open == ["review"]
    assert after_choice == ["nothing_to_send"]


@pytest.mark.parametrize("total,opened", [(20000, ["thank", "vip_call"]), (5, ["thank"])])
def test_conditional_flows_out_of_an_activity_take_each_flow_whose_conditions_hold(charkh, model, total, opened):
    charkh.import_bpmn(model("record_fork.bpmn"), deploy=True)
    charkh.add_user("omid", None, ["sales"], [])
    seller = charkh.caller_named("omid")

    instance = charkh.start("record_fork", seller, {"record": {"total": total}})

    assert open_elements(charkh, seller, instance) == opened
