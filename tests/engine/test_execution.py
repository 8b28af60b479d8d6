"""How processes run: each test deploys a small model from tests/models and checks what a user
of the engine sees — the work items opened and their actions, the instance's status, its
history and its variables. They run on SQLite, and on PostgreSQL with CHARKH_TEST_DATABASE_URL."""
from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from engine.charkh import Charkh
from engine.errors import Forbidden, Invalid, ScriptError
from engine.settings import Settings

# --- helpers -----------------------------------------------------------------------------------

@pytest.fixture
def person(charkh: Charkh):
    """person(name, groups=[], roles=[]) -> the Caller for a new user."""

    def add(name: str, groups: list[str] = (), roles: list[str] = ()):
        charkh.add_user(name, None, list(groups), list(roles))
        return charkh.caller_named(name)

    return add


@pytest.fixture
def deploy(charkh: Charkh, model):
    """deploy(model file name) -> the import summary of a deployed version."""

    def run(name: str) -> dict[str, Any]:
        return charkh.import_bpmn(model(name), deploy=True)

    return run


def items(charkh: Charkh, caller: Any, instance_id: str | None = None) -> list[dict[str, Any]]:
    """The caller's open work items (of one instance, when given)."""
    found = charkh.work_items(caller)
    return [i for i in found if instance_id is None or i["instance_id"] == instance_id]


def the_item(charkh: Charkh, caller: Any, instance_id: str) -> dict[str, Any]:
    [item] = items(charkh, caller, instance_id)
    return item


def completed_elements(instance: dict[str, Any]) -> list[str]:
    """Elements the history says were passed (events, gateways, scripts, sub-processes)."""
    return [e["element"] for e in instance["history"] if e["type"] == "element_completed"]


def worked_elements(instance: dict[str, Any]) -> list[str]:
    return [e["element"] for e in instance["history"] if e["type"] == "work_item_completed"]


def open_elements(instance: dict[str, Any]) -> list[str]:
    return sorted(i["element"] for i in instance["work_items"] if i["status"] in ("open", "claimed"))


# --- 1. exclusive gateway with conditions and a default flow -------------------------------------

def test_exclusive_gateway_routes_by_conditions_and_takes_the_default_otherwise(charkh, deploy, person):
    deploy("amount_routing.bpmn")
    manager = person("mina", groups=["managers"])
    clerk = person("kian", groups=["clerks"])

    large = charkh.start("amount_routing", manager, {"amount": 5000})
    medium = charkh.start("amount_routing", manager, {"amount": 500})
    small = charkh.start("amount_routing", manager, {"amount": 50})

    assert the_item(charkh, manager, large)["element"] == "manager_approval"
    assert items(charkh, clerk, large) == []
    assert the_item(charkh, clerk, medium)["name"] == "Clerk check"
    assert items(charkh, manager, medium) == []

    small_view = charkh.instance(small, manager)
    assert small_view["status"] == "completed"
    assert small_view["work_items"] == []
    assert small_view["variables"]["approved_by"] == "system"
    assert completed_elements(small_view) == ["request_received", "how_much", "auto_approve", "approved"]
    assert small_view["history"][-1]["type"] == "instance_completed"

    charkh.complete(the_item(charkh, manager, large)["id"], manager)
    large_view = charkh.instance(large, manager)
    assert large_view["status"] == "completed"
    assert worked_elements(large_view) == ["manager_approval"]
    assert "auto_approve" not in completed_elements(large_view)
    assert charkh.instance(medium, manager)["status"] == "running"


# --- 2. a user task's actions through the gateway right after it ---------------------------------

def test_actions_through_the_gateway_after_a_user_task_route_by_id_or_name(charkh, deploy, person):
    deploy("review_actions.bpmn")
    reviewer = person("reza", groups=["reviewers"])

    first = charkh.start("review_actions", reviewer)
    item = the_item(charkh, reviewer, first)
    assert item["name"] == "Review the document"
    assert item["actions"] == [
        {"id": "approve", "name": "Approve"},
        {"id": "reject", "name": "Reject"},
        {"id": "f_changes", "name": "Ask for changes"},  # an unnamed flow takes its target's name
    ]

    charkh.complete(item["id"], reviewer, action="f_changes")  # by flow id
    changes = the_item(charkh, reviewer, first)
    assert changes["element"] == "ask_for_changes"
    assert changes["actions"] == [{"id": "f_changes_done", "name": "Review the document"}]
    charkh.complete(changes["id"], reviewer)  # a single way out: the action may be left out

    again = the_item(charkh, reviewer, first)
    assert again["element"] == "review"
    charkh.complete(again["id"], reviewer, action="Reject")  # by name
    view = charkh.instance(first, reviewer)
    assert view["status"] == "completed"
    assert completed_elements(view)[-1] == "rejected"
    assert "accepted" not in completed_elements(view)
    chosen = [e["action"] for e in view["history"] if e["type"] == "work_item_completed"]
    assert chosen == [{"id": "f_changes", "name": "Ask for changes"},
                      {"id": "f_changes_done", "name": "Review the document"},
                      {"id": "reject", "name": "Reject"}]

    second = charkh.start("review_actions", reviewer)
    charkh.complete(the_item(charkh, reviewer, second)["id"], reviewer, action="approve")
    assert completed_elements(charkh.instance(second, reviewer))[-1] == "accepted"


def test_an_unknown_or_missing_action_is_refused_and_the_item_stays_open(charkh, deploy, person):
    deploy("review_actions.bpmn")
    reviewer = person("reza", groups=["reviewers"])
    instance_id = charkh.start("review_actions", reviewer)
    item = the_item(charkh, reviewer, instance_id)

    with pytest.raises(Invalid) as unknown:
        charkh.complete(item["id"], reviewer, action="Publish")
    assert {"id": "approve", "name": "Approve"} in unknown.value.details["actions"]
    with pytest.raises(Invalid) as missing:
        charkh.complete(item["id"], reviewer)
    assert len(missing.value.details["actions"]) == 3

    view = charkh.instance(instance_id, reviewer)
    assert view["status"] == "running"
    assert open_elements(view) == ["review"]
    assert worked_elements(view) == []


def test_several_flows_straight_out_of_a_user_task_are_its_actions(charkh, deploy, person):
    deploy("direct_actions.bpmn")
    reviewer = person("reza", groups=["reviewers"])
    instance_id = charkh.start("direct_actions", reviewer)
    item = the_item(charkh, reviewer, instance_id)
    assert item["actions"] == [{"id": "to_sales", "name": "Sales"}, {"id": "to_support", "name": "Support"}]

    charkh.complete(item["id"], reviewer, action="Support")

    view = charkh.instance(instance_id, reviewer)
    assert view["status"] == "completed"
    assert completed_elements(view) == ["start_here", "support_done"]  # the engine's own split gateway is not shown


# --- 3. parallel split and join ------------------------------------------------------------------

def test_parallel_join_fires_once_after_both_branches(charkh, deploy, person):
    deploy("parallel_review.bpmn")
    lawyer = person("lale", groups=["legal"])
    accountant = person("farhad", groups=["finance"])
    instance_id = charkh.start("parallel_review", lawyer)

    assert open_elements(charkh.instance(instance_id, lawyer)) == ["finance_review", "legal_review"]
    charkh.complete(the_item(charkh, lawyer, instance_id)["id"], lawyer)

    halfway = charkh.instance(instance_id, lawyer)
    assert halfway["status"] == "running"
    assert open_elements(halfway) == ["finance_review"]
    assert "join" not in completed_elements(halfway)

    charkh.complete(the_item(charkh, accountant, instance_id)["id"], accountant)
    done = charkh.instance(instance_id, lawyer)
    assert done["status"] == "completed"
    passed = completed_elements(done)
    assert passed.count("join") == 1
    assert passed.count("sign") == 1
    assert passed.count("contract_signed") == 1
    assert done["variables"]["signed"] is True
    assert [e["type"] for e in done["history"]].count("instance_completed") == 1


# --- 4. inclusive gateway ------------------------------------------------------------------------

def test_inclusive_gateway_takes_every_true_branch_and_its_join_waits_for_them(charkh, deploy, person):
    deploy("inclusive_checks.bpmn")
    checker = person("chista", groups=["checkers"])
    instance_id = charkh.start("inclusive_checks", checker, {"amount": 5000, "foreign": True, "rush": False})

    assert open_elements(charkh.instance(instance_id, checker)) == ["customs_check", "finance_check"]

    finance = next(i for i in items(charkh, checker, instance_id) if i["element"] == "finance_check")
    charkh.complete(finance["id"], checker)
    halfway = charkh.instance(instance_id, checker)
    assert open_elements(halfway) == ["customs_check"]
    assert "checks_done" not in completed_elements(halfway)

    charkh.complete(the_item(charkh, checker, instance_id)["id"], checker)
    joined = charkh.instance(instance_id, checker)
    assert open_elements(joined) == ["ship"]
    assert completed_elements(joined).count("checks_done") == 1

    charkh.complete(the_item(charkh, checker, instance_id)["id"], checker)
    done = charkh.instance(instance_id, checker)
    assert done["status"] == "completed"
    assert "express_check" not in [i["element"] for i in done["work_items"]]


def test_inclusive_gateway_with_a_single_true_branch_does_not_wait_for_the_others(charkh, deploy, person):
    deploy("inclusive_checks.bpmn")
    checker = person("chista", groups=["checkers"])
    instance_id = charkh.start("inclusive_checks", checker, {"amount": 10, "foreign": False, "rush": True})

    charkh.complete(the_item(charkh, checker, instance_id)["id"], checker)  # the express check

    assert open_elements(charkh.instance(instance_id, checker)) == ["ship"]


# --- 5. event-based gateway ----------------------------------------------------------------------

def test_event_based_gateway_waits_and_its_timer_branch_fires(charkh, deploy, person):
    """Supported: the instance waits at an event-based gateway, a timer after it is armed as a
    timer row and fires through fire_due_timers (the scheduler), which cancels the other events.
    The message branch is taken by delivering the message (tests/api/test_contract.py)."""
    deploy("event_gateway.bpmn")
    clerk = person("farhad", groups=["finance"])
    started = time.monotonic()
    instance_id = charkh.start("event_gateway", clerk)

    waiting = charkh.instance(instance_id, clerk)
    assert waiting["status"] == "running"
    assert waiting["work_items"] == []
    if time.monotonic() - started < 0.15:  # the timer waits 0.2 s; a loaded machine may be slower
        assert charkh.fire_due_timers() == 0  # not due yet

    fired_now = 0
    for _ in range(50):
        time.sleep(0.1)
        fired_now = charkh.fire_due_timers()
        if fired_now:
            break
    assert fired_now == 1

    item = the_item(charkh, clerk, instance_id)
    assert item["element"] == "send_reminder"
    charkh.complete(item["id"], clerk)
    done = charkh.instance(instance_id, clerk)
    assert done["status"] == "completed"
    fired = [e for e in done["history"] if e["type"] == "timer_fired"]
    assert [(e["element"], e["name"]) for e in fired] == [("deadline_passed", "Deadline passed")]
    assert "deadline_passed" in completed_elements(done)
    assert "payment_received" not in completed_elements(done)
    assert completed_elements(done)[-1] == "reminded"


# --- 6. embedded sub-process and call activity ---------------------------------------------------

def test_embedded_subprocess_and_call_activity_run_their_user_tasks(charkh, deploy, person):
    summary = deploy("subprocess_and_call.bpmn")
    assert summary["key"] == "defs_subprocess_and_call"  # two executable processes: the definitions id
    hr = person("hana", groups=["hr"])
    it = person("iman", groups=["it"])
    instance_id = charkh.start(summary["key"], hr, {"employee": "Sara"}, process="onboarding")

    contract = the_item(charkh, hr, instance_id)
    assert (contract["element"], contract["name"]) == ("sign_contract", "Sign the contract")
    assert items(charkh, it, instance_id) == []
    charkh.complete(contract["id"], hr, data={"contract_signed": True})

    laptop = the_item(charkh, it, instance_id)
    assert (laptop["element"], laptop["name"]) == ("hand_over_laptop", "Hand over a laptop")
    assert charkh.instance(instance_id, hr)["status"] == "running"
    charkh.complete(laptop["id"], it, data={"laptop": "TP-42"})

    done = charkh.instance(instance_id, hr)
    assert done["status"] == "completed"
    assert worked_elements(done) == ["sign_contract", "hand_over_laptop"]
    passed = completed_elements(done)
    assert passed.index("paperwork") < passed.index("equip") < passed.index("onboarded")
    assert done["variables"]["employee"] == "Sara"
    assert done["variables"]["contract_signed"] is True
    assert done["variables"]["laptop"] == "TP-42"


# --- 7. script tasks -----------------------------------------------------------------------------

def test_script_task_computes_variables_the_instance_shows(charkh, deploy, person):
    deploy("price_total.bpmn")
    seller = person("sara", groups=["sales"])
    instance_id = charkh.start("price_total", seller, {"price": 12.5, "qty": 4})

    view = charkh.instance(instance_id, seller)
    assert view["variables"]["total"] == 50
    assert view["variables"]["label"] == "4 x 12.5 = 50.0"
    assert open_elements(view) == ["confirm_total"]
    assert "compute_total" in completed_elements(view)


def test_a_script_that_imports_is_refused_at_deploy_naming_the_element(charkh, model):
    with pytest.raises(Invalid) as refused:
        charkh.import_bpmn(model("script_imports_os.bpmn"), deploy=True)

    [problem] = refused.value.details["problems"]
    assert problem["element"] == "sneaky_script"
    assert "import" in problem["message"]


@pytest.fixture
def quick_scripts(settings: Settings):
    """An engine whose scripts may use only 0.3 s of CPU."""
    engine = Charkh(dataclasses.replace(settings, script_seconds=0.3))
    yield engine
    engine.close()


def test_a_script_that_never_ends_fails_the_command_and_leaves_the_instance_where_it_was(quick_scripts, model):
    charkh = quick_scripts
    charkh.add_user("sara", None, ["sales"])
    seller = charkh.caller_named("sara")
    charkh.import_bpmn(model("script_forever.bpmn"), deploy=True)
    instance_id = charkh.start("script_forever", seller)
    item = the_item(charkh, seller, instance_id)

    began = time.monotonic()
    with pytest.raises(ScriptError) as failed:
        charkh.complete(item["id"], seller, data={"note": "go"})
    assert time.monotonic() - began < 5
    assert "longer than 0.3 s" in failed.value.message

    view = charkh.instance(instance_id, seller)
    assert view["status"] == "running"
    assert open_elements(view) == ["prepare"]
    assert worked_elements(view) == []
    assert "note" not in view["variables"]
    assert the_item(charkh, seller, instance_id)["id"] == item["id"]  # it can be tried again


# --- 8. several end events -----------------------------------------------------------------------

@pytest.mark.parametrize("decision, end", [
    ("pay", "claim_paid"),
    ("refuse", "claim_refused"),
    ("unsure", "claim_escalated"),
])
def test_the_end_event_reached_is_the_one_recorded(charkh, deploy, person, decision, end):
    deploy("several_ends.bpmn")
    assessor = person("arash", groups=["assessors"])
    instance_id = charkh.start("several_ends", assessor)

    charkh.complete(the_item(charkh, assessor, instance_id)["id"], assessor, data={"decision": decision})

    view = charkh.instance(instance_id, assessor)
    assert view["status"] == "completed"
    ends = [e for e in view["history"] if e["type"] == "element_completed" and e["kind"] == "endEvent"]
    assert [(e["element"], e["name"]) for e in ends] == [(end, {"claim_paid": "Claim paid",
                                                                "claim_refused": "Claim refused",
                                                                "claim_escalated": "Claim escalated"}[end])]


# --- 9. ids that collide with SpiffWorkflow's own ------------------------------------------------

def test_elements_named_start_end_and_root_run_and_keep_their_ids(charkh, deploy, person):
    deploy("reserved_ids.bpmn")
    seller = person("sara", groups=["sales"])
    instance_id = charkh.start("reserved_ids", seller)

    item = the_item(charkh, seller, instance_id)
    assert (item["element"], item["name"]) == ("Root", "Root task")
    charkh.complete(item["id"], seller)

    view = charkh.instance(instance_id, seller)
    assert view["status"] == "completed"
    assert completed_elements(view) == ["Start", "End"]
    assert worked_elements(view) == ["Root"]
    assert not [e for e in view["history"] if e["element"] and "__" in e["element"]]


def test_a_process_and_an_action_flow_named_root_and_end_keep_working(charkh, deploy, person):
    assert deploy("reserved_ids_elsewhere.bpmn")["key"] == "Root"
    seller = person("sara", groups=["sales"])
    instance_id = charkh.start("Root", seller)

    item = the_item(charkh, seller, instance_id)
    assert item["actions"] == [{"id": "End", "name": "Stop"}, {"id": "again", "name": "Again"}]
    charkh.complete(item["id"], seller, action="again")
    charkh.complete(the_item(charkh, seller, instance_id)["id"], seller, action="End")

    view = charkh.instance(instance_id, seller)
    assert view["status"] == "completed"
    assert completed_elements(view) == ["Start", "next_step", "next_step", "stopped"]


# --- 10. a long loop -----------------------------------------------------------------------------

def test_a_loop_through_a_user_task_runs_a_thousand_turns(charkh, deploy, person):
    """SpiffWorkflow's tree search stops at depth 1,000; the engine keeps the tree flat."""
    deploy("counter_loop.bpmn")
    looper = person("lida", groups=["loopers"])
    instance_id = charkh.start("counter_loop", looper)

    for turn in range(1, 1001):
        brief = charkh.instance_brief(instance_id)
        assert brief["status"] == "running", f"the instance stopped before turn {turn}"
        [item] = brief["work_items"]
        assert item["element"] == "do_a_turn"
        assert brief["variables"]["counter"] == turn - 1
        charkh.complete(item["id"], looper)

    view = charkh.instance(instance_id, looper)
    assert view["status"] == "completed"
    assert view["variables"]["counter"] == 1000
    assert [e["type"] for e in view["history"]].count("work_item_created") == 1000
    assert worked_elements(view).count("do_a_turn") == 1000
    assert completed_elements(view)[-1] == "looped"
    assert items(charkh, looper, instance_id) == []


# --- 11. versions --------------------------------------------------------------------------------

def test_instances_stay_on_the_version_they_started_on(charkh, deploy, person):
    writer = person("vida", groups=["writers"])
    assert deploy("versioned_v1.bpmn")["version"] == 1
    old = charkh.start("versioned", writer)
    assert deploy("versioned_v2.bpmn")["version"] == 2
    new = charkh.start("versioned", writer)

    old_item = the_item(charkh, writer, old)
    assert (old_item["element"], old_item["name"]) == ("first_draft", "First draft (v1)")
    assert the_item(charkh, writer, new)["name"] == "Outline (v2)"

    charkh.complete(old_item["id"], writer)
    old_view = charkh.instance(old, writer)
    assert old_view["status"] == "completed"
    assert old_view["variables"]["finished_on"] == 1
    assert completed_elements(old_view)[-1] == "done_v1"

    charkh.complete(the_item(charkh, writer, new)["id"], writer)
    draft = the_item(charkh, writer, new)
    assert draft["name"] == "First draft (v2)"
    charkh.complete(draft["id"], writer)
    new_view = charkh.instance(new, writer)
    assert new_view["variables"]["finished_on"] == 2
    assert completed_elements(new_view)[-1] == "done_v2"
    assert old_view["version_id"] != new_view["version_id"]


# --- 12. assignment ------------------------------------------------------------------------------

def test_each_item_reaches_exactly_the_people_it_names(charkh, deploy, person):
    deploy("assignment.bpmn")
    ali = person("ali")                                   # camunda:assignee
    bita = person("bita")                                 # camunda:candidateUsers
    cyrus = person("cyrus")                               # camunda:candidateUsers
    dina = person("dina", roles=["accountant"])           # candidateGroups names a role
    ehsan = person("ehsan", groups=["Warehouse"])         # the lane's name acts as a group
    office = person("omid", groups=["Office"])            # a lane whose tasks name their people
    farid = person("farid", groups=["sales"])             # nobody's
    instance_id = charkh.start("assignment", farid)

    def sees(caller: Any) -> list[str]:
        return sorted(i["element"] for i in items(charkh, caller, instance_id))

    assert sees(ali) == ["sign_letter"]
    assert sees(bita) == ["check_stock"]
    assert sees(cyrus) == ["check_stock"]
    assert sees(dina) == ["book_payment"]
    assert sees(ehsan) == ["pack_goods"]
    assert sees(office) == []
    assert sees(farid) == []

    letter = the_item(charkh, ali, instance_id)
    for outsider in (farid, bita, dina, office):
        with pytest.raises(Forbidden):
            charkh.complete(letter["id"], outsider)
    assert charkh.instance(instance_id, ali)["work_items"][0]["status"] == "open"

    charkh.claim(the_item(charkh, bita, instance_id)["id"], bita)
    assert sees(cyrus) == []  # claimed by another candidate: it leaves cyrus's list
    assert sees(bita) == ["check_stock"]

    charkh.complete(letter["id"], ali)
    charkh.complete(the_item(charkh, bita, instance_id)["id"], bita)
    charkh.complete(the_item(charkh, dina, instance_id)["id"], dina)
    charkh.complete(the_item(charkh, ehsan, instance_id)["id"], ehsan)
    view = charkh.instance(instance_id, farid)
    assert view["status"] == "completed"
    who = {e["element"]: e["user"] for e in view["history"] if e["type"] == "work_item_completed"}
    assert who == {"sign_letter": "ali", "check_stock": "bita", "book_payment": "dina", "pack_goods": "ehsan"}
