"""Service tasks run in the background through the outbox; timers fire from their rows. Both
through Dramatiq: the in-process broker (embedded mode) and the real Redis (distributed)."""
from __future__ import annotations

import time
import uuid

import pytest

from connectors.broker import Dispatch, Scheduler
from connectors.registry import PROVIDERS

SENT: list[tuple[dict, str]] = []


@pytest.fixture
def sms_provider():
    SENT.clear()

    def send(inputs, variables, key):
        SENT.append((inputs, key))
        return {"sms_status": "sent"}

    PROVIDERS["test-sms"] = send
    yield SENT
    PROVIDERS.pop("test-sms", None)


def wait_until(condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def run_notify_customer(charkh, make_user, model, dispatch):
    sara = make_user("sara", groups=["sales"], analyst=True)
    sara.upload(model("notify_customer.bpmn"))
    instance_id = sara.start("notify_customer", {"phone": "+98 912 000 0000"}).json["id"]
    scheduler = Scheduler(charkh, dispatch)
    worker = dispatch.worker(threads=2)
    worker.start()
    try:
        waiting = sara.get(f"/instances/{instance_id}").json
        assert waiting["status"] == "running"
        assert [e["type"] for e in waiting["history"]][-1] == "job_queued"

        def reached_cartable():
            scheduler.tick()
            return sara.cartable()

        [item] = wait_until(reached_cartable)
    finally:
        worker.stop()
    assert item["element"] == "call_back"
    instance = sara.get(f"/instances/{instance_id}").json
    types = [e["type"] for e in instance["history"]]
    assert types.index("job_done") < types.index("timer_fired") < types.index("work_item_created")
    assert instance["variables"]["sms_status"] == "sent"
    return instance_id


def test_service_task_and_timer_run_through_the_in_process_broker(charkh, make_user, model, sms_provider):
    run_notify_customer(charkh, make_user, model, Dispatch(charkh, None))

    [(inputs, key)] = sms_provider
    assert inputs["text"] == "Your invoice is ready"
    assert key.startswith("charkh-job-")


def test_service_task_runs_through_redis(charkh, make_user, model, sms_provider):
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    client.ping()  # the real Redis; .ci/run starts it
    dispatch = Dispatch(charkh, "redis://127.0.0.1:6379/0")
    dispatch.actor.queue_name = f"charkh-test-{uuid.uuid4().hex[:8]}"
    dispatch.broker.declare_queue(dispatch.actor.queue_name)

    run_notify_customer(charkh, make_user, model, dispatch)

    assert len(sms_provider) == 1


def test_a_job_that_keeps_failing_becomes_an_incident(charkh, make_user, model):
    def broken(inputs, variables, key):
        raise ConnectionError("SMS gateway unreachable")

    PROVIDERS["test-sms"] = broken
    try:
        from connectors.jobs import run_job

        sara = make_user("sara", groups=["sales"], analyst=True)
        sara.upload(model("notify_customer.bpmn"))
        instance_id = sara.start("notify_customer", {"phone": "1"}).json["id"]
        [job_id] = charkh.claim_jobs()
        statuses = [run_job(charkh, job_id) for _ in range(5)]
    finally:
        PROVIDERS.pop("test-sms", None)

    assert statuses == ["pending"] * 4 + ["failed"]
    instance = sara.get(f"/instances/{instance_id}").json
    assert instance["status"] == "error"
    incident = instance["history"][-1]
    assert incident["type"] == "incident"
    assert incident["element"] == "send_sms"
    assert "SMS gateway unreachable" in incident["data"]["error"]


def test_a_connector_that_is_not_installed_fails_the_job_not_the_worker(charkh, make_user, model):
    from connectors.jobs import run_job

    sara = make_user("sara", groups=["sales"], analyst=True)
    sara.upload(model("notify_customer.bpmn"))
    sara.start("notify_customer", {"phone": "1"})
    [job_id] = charkh.claim_jobs()

    assert run_job(charkh, job_id) == "pending"
    assert "no connector named 'test-sms'" in charkh.job(job_id)["last_error"]


def test_finishing_a_job_twice_completes_the_task_once(charkh, make_user, model):
    sara = make_user("sara", groups=["sales"], analyst=True)
    sara.upload(model("notify_customer.bpmn"))
    instance_id = sara.start("notify_customer", {"phone": "1"}).json["id"]
    [job_id] = charkh.claim_jobs()

    assert charkh.finish_job(job_id, {"sms_status": "sent"}) is True
    assert charkh.finish_job(job_id, {"sms_status": "sent"}) is False
    history = sara.get(f"/instances/{instance_id}").json["history"]
    assert [e["type"] for e in history].count("job_done") == 1


def test_an_administrator_retries_an_incident_over_the_api(charkh, make_user, admin, model, sms_provider):
    from connectors.jobs import run_job

    sara = make_user("sara", groups=["sales"], analyst=True)
    sara.upload(model("notify_customer.bpmn"))
    instance_id = sara.start("notify_customer", {"phone": "1"}).json["id"]
    [job_id] = charkh.claim_jobs()

    def unreachable(inputs, variables, key):
        raise TimeoutError("no answer")

    PROVIDERS["test-sms"] = unreachable
    for _ in range(5):
        run_job(charkh, job_id)
    assert sara.get(f"/instances/{instance_id}").json["status"] == "error"

    assert sara.post(f"/jobs/{job_id}/retry").status_code == 403
    retried = admin.post(f"/jobs/{job_id}/retry")
    assert retried.status_code == 200
    assert admin.post(f"/jobs/{job_id}/retry").status_code == 409

    PROVIDERS["test-sms"] = lambda inputs, variables, key: {"sms_status": "sent"}
    [again] = charkh.claim_jobs()
    assert run_job(charkh, again) == "done"
    instance = sara.get(f"/instances/{instance_id}").json
    assert instance["status"] == "running"
    assert [e["type"] for e in instance["history"]].count("incident_retried") == 1
