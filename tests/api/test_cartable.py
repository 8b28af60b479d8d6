"""The cartable's API (issue 15): every filter of GET /work-items, combined and paged; counts;
titles; release, forward and comments; required fields and "choose one of" on completion."""
from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

Params = dict[str, Any]


@pytest.fixture
def office(make_user, model, charkh):
    """Two processes deployed (the invoice cycle and a leave request), and the people of both."""
    charkh.add_role("clerk", superior="head")
    people = {
        "ana": make_user("ana", analyst=True),
        "sara": make_user("sara", groups=["sales"]),
        "mona": make_user("mona", groups=["sales-managers", "managers"]),
        "mia": make_user("mia", groups=["managers"]),
        "cleo": make_user("cleo", roles=["clerk"]),
        "hugo": make_user("hugo", roles=["head"]),  # the clerks' superior: a supervisor
        "sol": make_user("sol", groups=["supervisors"]),
        "root": make_user("root", admin=True),
    }
    for name in ("invoice.bpmn", "cartable_leave.bpmn"):
        assert people["ana"].upload(model(name)).status_code == 201
    return people


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def items(person: Any, **params: Any) -> list[dict[str, Any]]:
    return ok(person.get("/work-items", query_string=params))


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


def start_invoice(sara: Any, number: int, customer: str = "Pars Co") -> dict[str, Any]:
    return ok(sara.start("invoice", {"number": number, "customer": customer, "amount": 100}), 201)


def start_leave(user: Any, employee: str, days: int) -> dict[str, Any]:
    return ok(user.start("leave", {"employee": employee, "days": days}), 201)


# --- titles and the item's shape -----------------------------------------------------------------

def test_an_item_has_the_title_of_its_case_and_its_process(office):
    start_invoice(office["sara"], 7, "Pars Co")
    [item] = items(office["mona"], definition="invoice")
    assert item["title"] == "Invoice 7 — Pars Co"
    assert item["process"] == {"key": "invoice", "name": "Invoice cycle"}
    assert item["claimed_by"] is None and item["created_at"] and item["overdue"] is False


def test_a_missing_variable_leaves_its_place_in_the_title_empty(office):
    ok(office["sara"].start("invoice", {"number": 8}), 201)
    [item] = items(office["mona"], definition="invoice")
    assert item["title"] == "Invoice 8 —"


def test_actions_come_in_charkh_order_and_an_overdue_item_says_so(office):
    start_leave(office["sara"], "Sara", 3)
    [item] = items(office["mia"])
    assert [a["name"] for a in item["actions"]] == ["Refuse", "Approve"]
    assert item["overdue"] is True
    assert item["required_fields"] == {"f_refuse": ["reason"]}


def test_one_item_comes_with_its_case(office):
    start_invoice(office["sara"], 9)
    [item] = items(office["mona"])
    found = ok(office["mona"].get(f"/work-items/{item['id']}"))
    assert found["form"] is None
    assert found["variables"] == {"number": 9, "customer": "Pars Co", "amount": 100}
    assert [h["type"] for h in found["history"]][:1] == ["instance_started"]
    assert found["may"] == {"complete": True, "claim": True, "release": False, "forward": True}


# --- filters -------------------------------------------------------------------------------------

def test_definition_and_element_filters_narrow_the_cartable(office):
    mona = office["mona"]
    start_invoice(office["sara"], 1)
    start_leave(office["sara"], "Sara", 2)
    assert {i["process"]["key"] for i in items(mona)} == {"invoice", "leave"}
    assert [i["element"] for i in items(mona, definition="leave")] == ["review"]
    assert [i["element"] for i in items(mona, element="approve_invoice")] == ["approve_invoice"]
    assert items(mona, definition="leave", element="approve_invoice") == []


def test_status_filters_find_claimed_and_completed_items(office):
    mona = office["mona"]
    first, second = start_invoice(office["sara"], 1), start_invoice(office["sara"], 2)
    first_item, second_item = first["work_items"][0]["id"], second["work_items"][0]["id"]
    ok(mona.post(f"/work-items/{first_item}/claim"))
    assert ids(items(mona, status="claimed")) == [first_item]
    assert ids(items(mona, claimed_by_me="true")) == [first_item]
    ok(mona.complete(second_item, "Approve"))
    assert ids(items(mona, status="completed")) == [second_item]
    assert set(ids(items(mona, status="all", definition="invoice"))) == {first_item, second_item}
    assert ids(items(mona, status="open")) == [first_item]  # claimed ones are open


def test_the_action_filter_finds_items_completed_with_that_action_by_id_or_name(office):
    mona = office["mona"]
    approved, rejected = start_invoice(office["sara"], 1), start_invoice(office["sara"], 2)
    ok(mona.complete(approved["work_items"][0]["id"], "Approve"))
    ok(mona.complete(rejected["work_items"][0]["id"], "flow_reject"))
    assert ids(items(mona, status="completed", action="Reject")) == [rejected["work_items"][0]["id"]]
    assert ids(items(mona, status="completed", action="flow_approve")) == [approved["work_items"][0]["id"]]


def test_due_filters(office):
    mia, sara = office["mia"], office["sara"]
    overdue = start_leave(sara, "Sara", 2)["work_items"][0]["id"]
    assert ids(items(mia, due="overdue")) == [overdue]
    assert items(mia, due="week") == []
    ok(mia.complete(overdue, "Approve"))
    [record] = items(office["cleo"])
    assert record["due_at"] is not None and not record["overdue"]
    assert ids(items(office["cleo"], due="week")) == [record["id"]]
    due_day = datetime.fromisoformat(record["due_at"]).date()
    assert ids(items(office["cleo"], due="today")) == ([record["id"]] if due_day == datetime.now(UTC).date() else [])


def test_text_search_looks_in_title_process_and_task_name_ignoring_case(office):
    mona, sara = office["mona"], office["sara"]
    pars = start_invoice(sara, 11, "Pars Co")["work_items"][0]["id"]
    start_invoice(sara, 12, "Kish Ltd")
    leave = start_leave(sara, "Sara", 2)["work_items"][0]["id"]
    assert ids(items(mona, q="pars")) == [pars]
    assert ids(items(mona, q="LEAVE REQ")) == [leave]  # the process's name
    assert ids(items(mona, q="review lea")) == [leave]  # the task's name
    assert items(mona, q="100%") == []  # % and _ are plain characters


def test_sorting_and_paging_go_through_every_item_once_in_order(office):
    mona, sara = office["mona"], office["sara"]
    made = [start_invoice(sara, n)["work_items"][0]["id"] for n in range(5)]
    for sort, expected in (("-created_at", made[::-1]), ("created_at", made), ("title", made), ("-id", made[::-1])):
        seen: list[str] = []
        params: Params = {"sort": sort, "limit": 2, "definition": "invoice"}
        while True:
            response = mona.get("/work-items", query_string=params)
            seen += ids(ok(response))
            link = response.headers.get("Link")
            if not link:
                break
            params["after"] = link.split("after=")[1].split(">")[0].split("&")[0]
        assert seen == expected, sort


def test_items_without_a_due_date_come_last_in_either_direction(office):
    mona, sara = office["mona"], office["sara"]
    invoice = start_invoice(sara, 1)["work_items"][0]["id"]
    leave = start_leave(sara, "Sara", 2)["work_items"][0]["id"]
    assert ids(items(mona, sort="due_at")) == [leave, invoice]
    assert ids(items(mona, sort="-due_at")) == [leave, invoice]


@pytest.mark.parametrize("params, named", [
    ({"status": "done"}, "status"), ({"due": "soon"}, "due"), ({"sort": "amount"}, "sort"),
    ({"after": "zzz", "sort": "due_at"}, "after"), ({"after": "k!!", "sort": "title"}, "after"),
])
def test_a_bad_filter_is_a_422_that_names_it(office, params, named):
    response = office["mona"].get("/work-items", query_string=params)
    assert response.status_code == 422
    assert named in response.get_data(as_text=True)


# --- who may see whose work ----------------------------------------------------------------------

def test_a_plain_user_may_not_see_another_users_cartable_or_a_group_they_are_not_in(office):
    sara = office["sara"]
    start_invoice(sara, 1)
    assert office["sara"].get("/work-items", query_string={"user": "mona"}).status_code == 403
    assert office["sara"].get("/work-items", query_string={"group": "sales-managers"}).status_code == 403
    assert office["sara"].get("/work-items/counts", query_string={"role": "clerk"}).status_code == 403
    assert items(sara, user="sara") == []  # their own is fine
    assert items(office["mona"], group="sales-managers")[0]["element"] == "approve_invoice"


@pytest.mark.parametrize("supervisor", ["hugo", "sol", "root"])
def test_supervisors_and_administrators_see_anyones_cartable_and_all_open_work(office, supervisor):
    start_invoice(office["sara"], 1)
    start_leave(office["sara"], "Sara", 2)
    boss = office[supervisor]
    assert [i["element"] for i in items(boss, user="mia")] == ["review"]
    assert {i["element"] for i in items(boss, user="mona")} == {"approve_invoice", "review"}
    assert [i["element"] for i in items(boss, group="sales-managers")] == ["approve_invoice"]
    assert {i["element"] for i in items(boss, mine="false")} == {"approve_invoice", "review"}
    assert office[supervisor].get("/work-items", query_string={"user": "nobody"}).status_code == 422


def test_a_private_process_stays_hidden_from_a_supervisor_off_its_access_list(office, app):
    start_invoice(office["sara"], 1)
    process_list = app.extensions["charkh_process_list"]
    process_list.update("invoice", app.extensions["charkh"].caller_named("ana"),
                        {"visibility": "private", "access": ["sara", "mona"]})
    assert items(office["hugo"], mine="false") == []
    assert items(office["hugo"], user="mona") == []
    assert len(items(office["root"], mine="false")) == 1


# --- counts --------------------------------------------------------------------------------------

def test_counts_per_process_of_the_callers_cartable(office):
    for n in range(3):
        start_invoice(office["sara"], n)
    start_leave(office["sara"], "Sara", 2)
    counts = ok(office["mona"].get("/work-items/counts"))
    assert counts["total"] == 4
    assert counts["by_process"] == [{"key": "invoice", "name": "Invoice cycle", "count": 3},
                                    {"key": "leave", "name": "Leave request", "count": 1}]
    assert counts["by_status"] == {"open": 4}
    assert "by_person" not in counts  # who works on what: supervisors only


def test_supervisors_count_who_works_on_what(office):
    mona = office["mona"]
    first = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    start_invoice(office["sara"], 2)
    start_leave(office["sara"], "Sara", 2)
    ok(mona.post(f"/work-items/{first}/claim"))
    counts = ok(office["hugo"].get("/work-items/counts", query_string={"mine": "false"}))
    assert counts["total"] == 3
    assert counts["by_person"] == [{"user": None, "count": 2}, {"user": "mona", "count": 1}]
    assert counts["by_group"] == [{"name": "sales-managers", "count": 2}, {"name": "managers", "count": 1}]
    assert counts["by_status"] == {"open": 2, "claimed": 1}
    assert {(e["element"], e["count"]) for e in counts["by_element"]} == {("approve_invoice", 2), ("review", 1)}
    only_mona = ok(office["hugo"].get("/work-items/counts", query_string={"user": "mona", "status": "claimed"}))
    assert only_mona["total"] == 1


# --- release, forward, comments ------------------------------------------------------------------

def test_release_gives_a_claimed_item_back_to_its_group(office):
    mona, mia = office["mona"], office["mia"]
    item = start_leave(office["sara"], "Sara", 2)["work_items"][0]["id"]
    ok(mona.post(f"/work-items/{item}/claim"))
    assert items(mia) == []
    assert mia.post(f"/work-items/{item}/release").status_code == 403  # not hers
    released = ok(mona.post(f"/work-items/{item}/release"))
    assert released["status"] == "open" and released["claimed_by"] is None
    assert ids(items(mia)) == [item]
    assert mona.post(f"/work-items/{item}/release").status_code == 409  # no longer claimed
    history = ok(mona.get(f"/work-items/{item}"))["history"]
    assert [h["type"] for h in history if h["type"] == "work_item_released"] == ["work_item_released"]


def test_an_administrator_may_release_anyones_claim(office):
    item = start_leave(office["sara"], "Sara", 2)["work_items"][0]["id"]
    ok(office["mona"].post(f"/work-items/{item}/claim"))
    assert ok(office["root"].post(f"/work-items/{item}/release"))["claimed_by"] is None


def test_forward_to_a_colleague_makes_them_responsible_and_records_it(office):
    mona, mia = office["mona"], office["mia"]
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    ok(mona.post(f"/work-items/{item}/claim"))
    forwarded = ok(mona.post(f"/work-items/{item}/forward", json={"to": {"user": "mia"}, "note": "you know them"}))
    assert forwarded["assignee"] == "mia" and forwarded["groups"] == [] and forwarded["claimed_by"] is None
    assert ids(items(mia)) == [item]
    assert items(mona) == []
    [entry] = [h for h in ok(mia.get(f"/work-items/{item}"))["history"] if h["type"] == "work_item_forwarded"]
    assert entry["user"] == "mona"
    assert entry["data"]["to"] == {"user": "mia"} and entry["data"]["note"] == "you know them"
    assert entry["data"]["from"]["groups"] == ["sales-managers"] and entry["data"]["from"]["claimed_by"] == "mona"
    # an item older than mia's last look at her notifications: the forward itself tells her
    told = [n for n in ok(mia.get("/notifications")) if n["link"].get("work_item") == item]
    assert told and {n["kind"] for n in told} == {"assigned"}
    ok(mia.complete(item, "Approve"))


def test_forward_to_a_group_or_a_role(office):
    mona = office["mona"]
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    ok(mona.post(f"/work-items/{item}/forward", json={"to": {"role": "clerk"}}))
    assert ids(items(office["cleo"])) == [item]
    ok(office["cleo"].post(f"/work-items/{item}/forward", json={"to": {"group": "managers"}, "note": None}))
    assert ids(items(office["mia"])) == [item]
    assert item in [n["link"].get("work_item") for n in ok(office["mia"].get("/notifications"))]


@pytest.mark.parametrize("body, words", [
    ({"to": {"user": "nobody"}}, "no user named 'nobody'"),
    ({"to": {"group": "clerk"}}, "no group named 'clerk'"),  # clerk is a role
    ({"to": {"role": "nowhere"}}, "no role named 'nowhere'"),
    ({"to": {}}, "one party"),
    ({"to": {"user": "mia", "group": "managers"}}, "one party"),
])
def test_forward_to_an_unknown_party_is_refused_and_changes_nothing(office, body, words):
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    response = office["mona"].post(f"/work-items/{item}/forward", json=body)
    assert response.status_code == 422 and words in response.json["error"]["message"]
    assert ids(items(office["mona"])) == [item]


def test_forward_outside_a_private_processs_access_list_is_refused_with_a_clear_message(office, app):
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    app.extensions["charkh_process_list"].update("invoice", app.extensions["charkh"].caller_named("ana"),
                                                 {"visibility": "private", "access": ["sara", "mona"]})
    response = office["mona"].post(f"/work-items/{item}/forward", json={"to": {"user": "mia"}})
    assert response.status_code == 422
    assert "'mia' is not on the access list of the private process 'invoice'" in response.json["error"]["message"]
    assert ids(items(office["mona"])) == [item]


def test_only_whoever_may_act_or_supervise_forwards_and_never_a_done_item(office):
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    assert office["mia"].post(f"/work-items/{item}/forward", json={"to": {"user": "mia"}}).status_code == 403
    ok(office["hugo"].post(f"/work-items/{item}/forward", json={"to": {"user": "mia"}}))
    ok(office["mia"].complete(item, "Approve"))
    assert office["root"].post(f"/work-items/{item}/forward", json={"to": {"user": "mona"}}).status_code == 409


def candidates(person: Any, item: str, **params: Any) -> dict[str, list[str]]:
    found = ok(person.get(f"/work-items/{item}/forward-candidates", query_string=params))
    return {kind: [entry["name"] for entry in entries] for kind, entries in found.items()}


def test_forward_candidates_are_the_users_groups_and_roles_whose_name_holds_the_text(office, make_user):
    make_user("bot-mo", integration=True)  # machine callers work no cartable
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]

    assert candidates(office["mona"], item, q="MO") == {"users": ["mona"], "groups": [], "roles": []}
    # those that start with the text come first
    assert candidates(office["mona"], item, q="s") == {
        "users": ["sara", "sol"], "groups": ["sales", "sales-managers", "supervisors", "managers"], "roles": []}
    assert candidates(office["mona"], item, q="a", limit=2)["users"] == ["ana", "mia"]
    assert candidates(office["mona"], item, q="")["roles"] == ["clerk", "head"]
    assert candidates(office["mona"], item, q="%") == {"users": [], "groups": [], "roles": []}


def test_forward_candidates_of_a_private_process_are_users_on_its_access_list(office, app):
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    app.extensions["charkh_process_list"].update("invoice", app.extensions["charkh"].caller_named("ana"),
                                                 {"visibility": "private", "access": ["sara", "mona"]})

    assert candidates(office["mona"], item)["users"] == ["ana", "mona", "sara"]  # ana owns it


def test_forward_candidates_are_only_for_whoever_may_forward_the_item_now(office):
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]

    assert office["mia"].get(f"/work-items/{item}/forward-candidates").status_code == 403
    assert office["sara"].get(f"/work-items/{item}/forward-candidates").status_code == 403  # she started it
    assert office["mona"].get("/work-items/999999/forward-candidates").status_code == 404
    ok(office["mona"].complete(item, "Approve"))
    assert office["root"].get(f"/work-items/{item}/forward-candidates").status_code == 409


def test_comments_on_an_item_are_kept_in_order_and_in_the_history(office):
    mona, sara = office["mona"], office["sara"]
    item = start_invoice(sara, 1)["work_items"][0]["id"]
    ok(mona.post(f"/work-items/{item}/comments", json={"text": "Is the amount right?"}), 201)
    ok(sara.post(f"/work-items/{item}/comments", json={"text": "Yes"}), 201)  # she started it
    comments = ok(mona.get(f"/work-items/{item}/comments"))
    assert [(c["user"], c["text"]) for c in comments] == [("mona", "Is the amount right?"), ("sara", "Yes")]
    assert office["cleo"].get(f"/work-items/{item}/comments").status_code == 403
    assert office["cleo"].post(f"/work-items/{item}/comments", json={"text": "hi"}).status_code == 403
    assert mona.post(f"/work-items/{item}/comments", json={"text": ""}).status_code == 422
    assert mona.post(f"/work-items/{item}/comments", json={"text": "   "}).status_code == 422
    assert len(ok(mona.get(f"/work-items/{item}/comments"))) == 2


# --- completing ----------------------------------------------------------------------------------

def test_leaving_out_the_action_where_several_exist_asks_to_choose_one(office):
    item = start_invoice(office["sara"], 1)["work_items"][0]["id"]
    response = office["mona"].complete(item)
    assert response.status_code == 422
    assert response.json["error"]["message"] == "choose one of: Approve, Reject, Return for correction"
    assert ids(items(office["mona"])) == [item]


def test_leaving_out_an_unconditional_action_where_several_exist_asks_to_choose_one(office):
    item = start_leave(office["sara"], "Sara", 2)["work_items"][0]["id"]
    response = office["mia"].complete(item)
    assert response.status_code == 422 and response.json["error"]["message"] == "choose one of: Refuse, Approve"


def test_an_actions_required_fields_are_enforced_and_named(office):
    mia = office["mia"]
    item = start_leave(office["sara"], "Sara", 2)["work_items"][0]["id"]
    response = mia.complete(item, "Refuse", {"reason": "  "})
    assert response.status_code == 422
    assert "reason" in response.json["error"]["message"]
    assert response.json["error"]["details"]["fields"] == [
        {"field": "reason", "message": "is required to take this action"}]
    assert ids(items(mia)) == [item]
    ok(mia.complete(item, "Refuse", {"reason": "busy season"}))


def test_a_start_page_lists_the_processes_one_may_start(office, app):
    assert [p["key"] for p in ok(office["sara"].get("/startable"))] == ["invoice", "leave"]
    app.extensions["charkh_process_list"].update("leave", app.extensions["charkh"].caller_named("ana"),
                                                 {"active": False})
    assert [p["key"] for p in ok(office["sara"].get("/startable"))] == ["invoice"]


# --- the cartable index keeps finished items out of the open lists -------------------------------

CALL_BACK_OR_GIVE_UP = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:charkh="https://charkh.dev/schema/bpmn" id="defs_call_back" targetNamespace="t">
  <process id="call_back" name="Call back" isExecutable="true">
    <startEvent id="asked"/>
    <sequenceFlow id="f1" sourceRef="asked" targetRef="call"/>
    <userTask id="call" name="Call the customer back" charkh:groups="sales"/>
    <boundaryEvent id="too_late" attachedToRef="call" cancelActivity="true">
      <timerEventDefinition><timeDuration>PT1S</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <sequenceFlow id="f2" sourceRef="call" targetRef="called"/>
    <endEvent id="called"/>
    <sequenceFlow id="f3" sourceRef="too_late" targetRef="given_up"/>
    <endEvent id="given_up"/>
  </process>
</definitions>"""


def test_completed_and_cancelled_items_leave_the_open_cartable_and_stay_findable(office, charkh):
    from sqlalchemy import select

    from engine.store.schema import work_item_parties
    sara, mona = office["sara"], office["mona"]
    ok(office["ana"].upload(CALL_BACK_OR_GIVE_UP.encode()), 201)
    done = start_invoice(sara, 1)["work_items"][0]["id"]
    waiting = start_invoice(sara, 2)["work_items"][0]["id"]
    ok(mona.complete(done, "Approve"))
    expired = ok(sara.start("call_back"), 201)["work_items"][0]["id"]
    time.sleep(1.2)
    assert charkh.fire_due_timers() == 1
    assert ok(sara.get(f"/work-items/{expired}"))["status"] == "cancelled"

    with charkh.db.read() as conn:
        entries = dict(conn.execute(select(work_item_parties.c.work_item_id, work_item_parties.c.item_open)).all())
    assert entries[int(waiting)] is True and entries[int(done)] is False and entries[int(expired)] is False
    assert waiting in ids(items(mona)) and done not in ids(items(mona))
    assert expired not in ids(items(sara)) and ids(items(sara, status="cancelled")) == [expired]
    assert done in ids(items(mona, status="completed"))
    assert {waiting, done} <= set(ids(items(mona, status="all")))
