"""Commands the scheduler and workers run: firing due timers and finishing outbox jobs.

Each is one transaction on one instance, like a user's command, so a crash at any point leaves
either the old state with the timer or job still due, or the new state with it done.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select, update

from ..errors import Conflict, NotFound
from ..runtime import Runtime
from .instances import DefinitionLoader, apply_step, entry, lock_instance, save_state
from .escalation import escalate
from .people import now
from .schema import history, instances, outbox_jobs, timers

# How long a job handed to the broker may stay unanswered before it is sent again.
JOB_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def _skip_locked(conn: Connection, query: Any) -> Any:
    """On PostgreSQL several schedulers never take the same rows; SQLite has one writer anyway."""
    if conn.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def due_timers(conn: Connection, at: datetime, limit: int = 100) -> list[int]:
    query = (select(timers.c.id).where(timers.c.status == "waiting", timers.c.due_at <= at)
             .order_by(timers.c.due_at).limit(limit))
    return list(conn.execute(_skip_locked(conn, query)).scalars())


def fire_timer(conn: Connection, runtime: Runtime, load: DefinitionLoader, timer_id: int) -> bool:
    timer = conn.execute(select(timers).where(timers.c.id == timer_id)).first()
    if timer is None or timer.status != "waiting":
        return False  # fired already: a timer fires once
    if timer.kind == "escalation":
        return escalate(conn, load, timer)
    instance = lock_instance(conn, timer.instance_id)
    definition = load(conn, instance.version_id)
    workflow = runtime.load(definition, instance.process_id, instance.state)
    result = runtime.fire_timers(definition, workflow)
    at = now()
    save_state(conn, runtime, instance, workflow, result, at)
    conn.execute(update(timers).where(timers.c.id == timer_id).values(status="fired"))
    apply_step(conn, definition, instance.id, result,
               [entry(instance.id, at, "timer_fired", element=timer.element,
                      name=definition.element_names.get(timer.element))], at, completed_task=None)
    return True


def claim_jobs(conn: Connection, at: datetime, limit: int = 100) -> list[int]:
    """Jobs due to be sent: new ones, retries whose backoff has passed, and sent ones whose lease
    ran out (the broker or worker died). Each is leased before it is handed to the broker."""
    query = (select(outbox_jobs.c.id)
             .where(or_(outbox_jobs.c.status == "pending", outbox_jobs.c.status == "sent"),
                    outbox_jobs.c.next_attempt_at <= at)
             .order_by(outbox_jobs.c.next_attempt_at).limit(limit))
    ids = list(conn.execute(_skip_locked(conn, query)).scalars())
    if ids:
        conn.execute(update(outbox_jobs).where(outbox_jobs.c.id.in_(ids))
                     .values(status="sent", next_attempt_at=at + JOB_LEASE))
    return ids


def job_json(conn: Connection, job_id: int) -> dict[str, Any]:
    row = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if row is None:
        raise NotFound(f"no job with id {job_id}")
    return {"id": str(row.id), "instance_id": str(row.instance_id), "element": row.element,
            "connector": row.connector, "status": row.status, "attempts": row.attempts,
            "inputs": row.payload.get("inputs", {}), "variables": row.payload.get("variables", {}),
            "last_error": row.last_error}


def finish_job(conn: Connection, runtime: Runtime, load: DefinitionLoader, job_id: int,
               output: dict[str, Any]) -> bool:
    """The connector did its work: complete the waiting task and run on. Idempotent."""
    job = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if job is None:
        raise NotFound(f"no job with id {job_id}")
    instance = lock_instance(conn, job.instance_id)
    job = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if job.status == "done":
        return False
    definition = load(conn, instance.version_id)
    workflow = runtime.load(definition, instance.process_id, instance.state)
    result = runtime.complete_connector_task(definition, workflow, job.task_id, output)
    at = now()
    save_state(conn, runtime, instance, workflow, result, at)
    conn.execute(update(outbox_jobs).where(outbox_jobs.c.id == job_id).values(status="done", last_error=None))
    apply_step(conn, definition, instance.id, result,
               [entry(instance.id, at, "job_done", element=job.element,
                      name=definition.element_names.get(job.element), data=output or None)],
               at, completed_task=None)
    return True


def fail_job(conn: Connection, job_id: int, error: str) -> str:
    """A failed attempt: retry with backoff, and after the last one raise an incident that the
    instance shows (status error) until someone retries it. Never silent."""
    job = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if job is None:
        raise NotFound(f"no job with id {job_id}")
    if job.status == "done":
        return "done"
    lock_instance(conn, job.instance_id)
    attempts = job.attempts + 1
    at = now()
    if attempts >= MAX_ATTEMPTS:
        conn.execute(update(outbox_jobs).where(outbox_jobs.c.id == job_id)
                     .values(status="failed", attempts=attempts, last_error=error[:2000]))
        conn.execute(update(instances).where(instances.c.id == job.instance_id).values(status="error", updated_at=at))
        conn.execute(history.insert().values(entry(job.instance_id, at, "incident", element=job.element,
                                                   data={"error": error[:2000], "attempts": attempts})))
        return "failed"
    conn.execute(update(outbox_jobs).where(outbox_jobs.c.id == job_id).values(
        status="pending", attempts=attempts, last_error=error[:2000],
        next_attempt_at=at + timedelta(seconds=2 ** attempts)))
    return "pending"


def retry_job(conn: Connection, job_id: int, user: str) -> None:
    """Someone fixed the cause of an incident: send the job again, with fresh attempts."""
    job = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if job is None:
        raise NotFound(f"no job with id {job_id}")
    if job.status != "failed":
        raise Conflict(f"job {job_id} is {job.status}; only a failed job can be retried")
    lock_instance(conn, job.instance_id)
    at = now()
    conn.execute(update(outbox_jobs).where(outbox_jobs.c.id == job_id)
                 .values(status="pending", attempts=0, next_attempt_at=at))
    others = conn.execute(select(outbox_jobs.c.id).where(outbox_jobs.c.instance_id == job.instance_id,
                                                         outbox_jobs.c.status == "failed",
                                                         outbox_jobs.c.id != job_id)).first()
    if others is None:
        conn.execute(update(instances).where(instances.c.id == job.instance_id, instances.c.status == "error")
                     .values(status="running", updated_at=at))
    conn.execute(history.insert().values(entry(job.instance_id, at, "incident_retried", element=job.element,
                                               user=user)))
