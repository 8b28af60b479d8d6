"""What SpiffWorkflow runs, Charkh runs (issue 14, item 4): each case below once stranded an
instance, refused a valid model or answered 500. Each test deploys its own small model from
tests/models and checks what a user of the API sees: the work items, the status, the history,
the error or the incident."""
from __future__ import annotations

import time

import pytest

from engine.settings import Settings


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    # A low step limit, so a runaway ends after a few hundred steps rather than after 10,000.
    return Settings(data_dir=tmp_path, database_url=database_url, max_step_tasks=300, max_multi_instance=5)


@pytest.fixture
def analyst(make_user):
    return make_user("ana", analyst=True)


def deployed(analyst, model, name: str) -> None:
    response = analyst.upload(model(name))
    assert response.status_code == 201, response.json


def history_types(user, instance_id: str) -> list[tuple[str, str | None]]:
    return [(e["type"], e["element"]) for e in user.get(f"/instances/{instance_id}").json["history"]]


# --- plain and manual tasks ------------------------------------------------------------------

def test_a_plain_task_waits_in_the_cartable_of_its_lane(analyst, make_user, model):
    deployed(analyst, model, "untyped_tasks.bpmn")
    starter = make_user("sara")
    archivist = make_user("arash", groups=["archive"])

    started = starter.start("untyped_tasks")

    assert started.status_code == 201
    [item] = archivist.cartable()
    assert (item["element"], item["groups"]) == ("file_papers", ["archive"])
    assert item["actions"] == [{"id": "f_filed", "name": "Sign the form"}]
    assert starter.cartable() == []


def test_a_manual_task_that_names_nobody_goes_to_the_starter_with_its_actions(analyst, make_user, model):
    deployed(analyst, model, "untyped_tasks.bpmn")
    starter = make_user("sara")
    archivist = make_user("arash", groups=["archive"])
    instance_id = starter.start("untyped_tasks").json["id"]
    assert archivist.complete(archivist.cartable()[0]["id"]).status_code == 200

    [item] = starter.cartable()

    assert (item["element"], item["assignee"]) == ("sign_form", "sara")
    assert [a["name"] for a in item["actions"]] == ["Signed", "Refused"]
    assert starter.complete(item["id"], "Refused").status_code == 200
    assert starter.get(f"/instances/{instance_id}").json["status"] == "completed"


def test_a_plain_task_goes_to_the_party_named_on_it(analyst, make_user, model):
    deployed(analyst, model, "untyped_tasks.bpmn")
    starter = make_user("sara")
    archivist = make_user("arash", groups=["archive"])
    mina = make_user("mina")
    instance_id = starter.start("untyped_tasks").json["id"]
    archivist.complete(archivist.cartable()[0]["id"])
    starter.complete(starter.cartable()[0]["id"], "Signed")

    [item] = mina.cartable()
    done = mina.complete(item["id"])

    assert item["element"] == "check_stamp"
    assert done.status_code == 200
    assert done.json["instance"]["status"] == "completed"
    assert ("work_item_completed", "check_stamp") in history_types(mina, instance_id)


# --- send tasks and message throw events -----------------------------------------------------

def test_send_tasks_and_message_throws_deploy_and_a_message_to_the_instance_is_caught(analyst, make_user, model):
    deployed(analyst, model, "message_throws.bpmn")
    clerk = make_user("kian", groups=["clerks"])
    instance_id = clerk.start("message_throws").json["id"]
    [prepare] = clerk.cartable()

    after = clerk.complete(prepare["id"]).json["instance"]

    assert [i["element"] for i in after["work_items"]] == ["proceed"]
    history = history_types(clerk, instance_id)
    assert ("message_thrown", "notify_office") in history  # no receiver: recorded, and on it went
    assert ("element_completed", "wait_ready") in history  # the other branch caught "ready"
    assert ("message_thrown", "say_ready") not in history


def test_a_message_end_event_with_no_receiver_completes_the_instance(analyst, make_user, model):
    deployed(analyst, model, "message_throws.bpmn")
    clerk = make_user("kian", groups=["clerks"])
    instance_id = clerk.start("message_throws").json["id"]
    clerk.complete(clerk.cartable()[0]["id"])

    done = clerk.complete(clerk.cartable()[0]["id"])

    assert done.json["instance"]["status"] == "completed"
    assert ("message_thrown", "closed") in history_types(clerk, instance_id)


def test_a_receive_task_takes_a_message_sent_to_the_instance(analyst, make_user, model):
    deployed(analyst, model, "receive_payment.bpmn")
    bank = make_user("bank", integration=True)
    instance_id = bank.start("receive_payment").json["id"]

    delivered = bank.post(f"/instances/{instance_id}/messages", json={"name": "paid", "data": {"amount": 5}})

    assert delivered.status_code == 200
    assert [i["element"] for i in delivered.json["work_items"]] == ["ship"]
    assert delivered.json["variables"]["amount"] == 5


# --- engine errors are a 422 or an incident, never a 500 -------------------------------------

def test_an_escalation_nobody_catches_is_recorded_and_the_instance_goes_on(analyst, make_user, model):
    deployed(analyst, model, "uncaught_escalation.bpmn")
    clerk = make_user("kian", groups=["clerks"])

    started = clerk.start("uncaught_escalation")

    assert started.status_code == 201
    assert [i["element"] for i in started.json["work_items"]] == ["follow_up"]
    assert ("escalation_thrown", "too_late") in history_types(clerk, started.json["id"])


def test_a_type_error_inside_spiffworkflow_on_start_is_a_422(analyst, make_user, model):
    deployed(analyst, model, "missing_collection.bpmn")
    clerk = make_user("kian", groups=["clerks"])

    started = clerk.start("missing_collection")

    assert started.status_code == 422
    assert started.json["error"]["code"] == "step_failed"
    assert "TypeError" in started.json["error"]["message"]
    assert clerk.get("/instances").json == []


def test_a_call_activity_that_calls_its_own_process_is_stopped_as_a_422(analyst, make_user, model):
    deployed(analyst, model, "calls_itself.bpmn")
    starter = make_user("sara")

    started = starter.start("calls_itself")

    assert started.status_code == 422
    # the step limit ends it; on a machine loaded enough, the time limit may come first
    assert "automatic steps" in started.json["error"]["message"]


def test_a_timer_that_fires_into_runaway_recursion_becomes_an_incident(analyst, make_user, model, charkh):
    deployed(analyst, model, "timer_into_recursion.bpmn")
    starter = make_user("sara")
    instance_id = starter.start("runaway_timer", process="timer_into_recursion").json["id"]
    time.sleep(1.2)  # the timer waits 1 s

    assert charkh.fire_due_timers() == 1

    instance = starter.get(f"/instances/{instance_id}").json
    assert instance["status"] == "error"
    incident = instance["history"][-1]
    assert incident["type"] == "incident"
    # the step limit ends it; on a machine loaded enough, the time limit may come first
    assert "automatic steps" in incident["data"]["error"]


# --- standard multi-instance -----------------------------------------------------------------

def test_a_standard_multi_instance_makes_one_item_per_input(analyst, make_user, model):
    deployed(analyst, model, "standard_multi_instance.bpmn")
    clerk = make_user("kian", groups=["clerks"])

    started = clerk.start("standard_multi_instance", {"reviewers": ["mina", "arash", "sara"]})

    assert started.status_code == 201
    assert [i["element"] for i in started.json["work_items"]] == ["review"] * 3
    for item in clerk.cartable():
        assert clerk.complete(item["id"]).status_code == 200
    assert clerk.get(f"/instances/{started.json['id']}").json["status"] == "completed"


def test_a_standard_multi_instance_over_the_cap_is_refused(analyst, make_user, model):
    deployed(analyst, model, "standard_multi_instance.bpmn")
    clerk = make_user("kian", groups=["clerks"])

    started = clerk.start("standard_multi_instance", {"reviewers": list(range(6))})

    assert started.status_code == 422
    assert "6 instances" in started.json["error"]["message"]
    assert clerk.cartable() == []
