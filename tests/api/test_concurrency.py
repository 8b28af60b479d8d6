"""Commands on one instance queue behind its lock: no lost update, no optimistic-locking error
reaches a user. Real HTTP through the production server, sixteen clients at once, on the real
PostgreSQL and on the embedded SQLite."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
import pytest

BRANCHES = 16


def parallel_model(branches: int) -> bytes:
    tasks = "".join(
        f'<userTask id="review_{i}" name="Review {i}" camunda:candidateGroups="reviewers"/>'
        f'<sequenceFlow id="in_{i}" sourceRef="split" targetRef="review_{i}"/>'
        f'<sequenceFlow id="out_{i}" sourceRef="review_{i}" targetRef="join"/>'
        for i in range(branches)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_parallel" targetNamespace="test">
  <process id="parallel_review" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="to_split" sourceRef="start" targetRef="split"/>
    <parallelGateway id="split"/>
    {tasks}
    <parallelGateway id="join"/>
    <sequenceFlow id="to_summary" sourceRef="join" targetRef="summary"/>
    <userTask id="summary" name="Summarize" camunda:candidateGroups="reviewers"/>
    <sequenceFlow id="to_end" sourceRef="summary" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>""".encode()


def _all_at_once(calls):
    """Run the calls in threads released together, so they really race."""
    barrier = Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _concurrent_completions_of_one_item(live_server, make_user, model) -> None:
    managers = [make_user(f"manager{i}", groups=["sales-managers"]) for i in range(BRANCHES)]
    sara = make_user("sara", groups=["sales"], analyst=True)
    assert sara.upload(model("invoice.bpmn")).status_code == 201
    instance_id = sara.start("invoice").json["id"]
    [item] = managers[0].cartable()

    def complete(user):
        return lambda: httpx.post(f"{live_server}/api/v1/work-items/{item['id']}/complete",
                                  json={"action": "Approve"}, headers=user.headers, timeout=60)

    statuses = sorted(r.status_code for r in _all_at_once([complete(u) for u in managers]))

    assert statuses == [200] + [409] * (BRANCHES - 1)
    instance = sara.get(f"/instances/{instance_id}").json
    assert [i["element"] for i in instance["work_items"] if i["status"] == "open"] == ["collect_payment"]
    assert len([e for e in instance["history"] if e["type"] == "work_item_completed"]) == 1


def _concurrent_completions_of_parallel_items(live_server, make_user) -> None:
    reviewers = [make_user(f"reviewer{i}", groups=["reviewers"], analyst=i == 0) for i in range(BRANCHES)]
    assert reviewers[0].upload(parallel_model(BRANCHES)).status_code == 201
    instance_id = reviewers[0].start("parallel_review").json["id"]
    items = reviewers[0].cartable()
    assert len(items) == BRANCHES

    def complete(user, item):
        return lambda: httpx.post(f"{live_server}/api/v1/work-items/{item['id']}/complete",
                                  json={"data": {f"verdict_{item['element']}": "ok"}},
                                  headers=user.headers, timeout=60)

    responses = _all_at_once([complete(u, i) for u, i in zip(reviewers, items, strict=True)])

    assert [r.status_code for r in responses] == [200] * BRANCHES
    instance = reviewers[0].get(f"/instances/{instance_id}").json
    open_items = [i["element"] for i in instance["work_items"] if i["status"] == "open"]
    assert open_items == ["summary"]  # the join fired exactly once
    joins = [e for e in instance["history"] if e["element"] == "join"]
    assert len(joins) == 1
    assert all(instance["variables"].get(f"verdict_review_{i}") == "ok" for i in range(BRANCHES))


@pytest.mark.postgres
def test_sixteen_completions_of_one_item_on_postgres(live_server, make_user, model):
    _concurrent_completions_of_one_item(live_server, make_user, model)


@pytest.mark.postgres
def test_sixteen_completions_of_parallel_items_on_postgres(live_server, make_user):
    _concurrent_completions_of_parallel_items(live_server, make_user)


def test_sixteen_completions_of_one_item(live_server, make_user, model):
    _concurrent_completions_of_one_item(live_server, make_user, model)


def test_sixteen_completions_of_parallel_items(live_server, make_user):
    _concurrent_completions_of_parallel_items(live_server, make_user)
