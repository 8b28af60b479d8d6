"""Commands the scheduler and workers run: firing due timers and finishing outbox jobs.

Each is one transaction on one instance, like a user's command, so a crash at any point leaves
either the old state with the timer or job still due, or the new state with it done.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select, update

from ..compiler import CompiledDefinition
from ..errors import Conflict, NotFound, StaleState
from ..step import StepResult
from .escalation import escalate
from .instances import DefinitionLoader, apply_step, entry, lock_instance, save_state
from .people import now
from .schema import history, instances, outbox_jobs, timers
from .writes import writes_for

# How long a job handed to the broker may stay unanswered before it is sent again.
JOB_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def _skip_locked(conn: Connection, query: Any) -> Any:
    """Several schedulers never take the same rows."""
    return writes_for(conn).skipping_locked(query)


def due_timer_rows(conn: Connection, at: datetime, limit: int = 100) -> list[Any]:
    """The timers due at ``at``, soonest first, with what firing them reads."""
    query = (select(timers).where(timers.c.status == "waiting", timers.c.due_at <= at)
             .order_by(timers.c.due_at, timers.c.id).limit(limit))
    return list(conn.execute(query).all())


def running_instances(conn: Connection, instance_ids: set[int]) -> dict[int, Any]:
    """The instances among these that are running (a timer of one with an incident waits)."""
    if not instance_ids:
        return {}
    return {row.id: row for row in conn.execute(select(instances).where(
        instances.c.id.in_(sorted(instance_ids)), instances.c.status == "running"))}


@dataclass
class FiredTimer:
    """A timer whose step ran (outside the transaction), to be written."""

    timer: Any
    instance: Any
    definition: CompiledDefinition
    state: bytes
    result: StepResult


def write_fired_timers(conn: Connection, fired: list[FiredTimer]) -> list[FiredTimer]:
    """Write many fired timers' steps in one transaction, each as write_timer writes it, in a
    savepoint of its own: one whose instance changed meanwhile or that another scheduler fired
    first is left out (the next pass fires it again, or finds it fired). Returns those written."""
    written = []
    for one in fired:
        try:
            with conn.begin_nested():
                write_timer(conn, one.state, one.definition, one.instance, one.timer, one.result)
        except (StaleState, AlreadyHandled):
            continue
        written.append(one)
    return written


def read_waiting_timer(conn: Connection, timer_id: int) -> Any:
    """The timer, or None when it fired (or was closed) already."""
    timer = conn.execute(select(timers).where(timers.c.id == timer_id)).first()
    return timer if timer is not None and timer.status == "waiting" else None


def escalate_timer(conn: Connection, load: DefinitionLoader, timer_id: int) -> bool:
    """An escalation timer: its work item, if still open, goes to the superior."""
    timer = read_waiting_timer(conn, timer_id)
    return False if timer is None else escalate(conn, load, timer)


def _close_timer(conn: Connection, timer_id: int, status: str) -> bool:
    """Mark a waiting timer fired or failed; False when another scheduler got there first."""
    return conn.execute(update(timers).where(timers.c.id == timer_id, timers.c.status == "waiting")
                        .values(status=status)).rowcount == 1


class AlreadyHandled(Exception):
    """Another scheduler or worker handled this timer or job first: the command's transaction
    rolls back, and the caller answers False."""


def write_timer(conn: Connection, state: bytes, definition: CompiledDefinition, instance: Any, timer: Any,
                result: StepResult) -> bool:
    """Write a fired timer's step: StaleState, with nothing written, when the instance changed
    while it ran; AlreadyHandled when another scheduler fired or failed the timer meanwhile."""
    at = now()
    save_state(conn, state, instance, result, at)
    if not _close_timer(conn, timer.id, "fired"):
        raise AlreadyHandled(f"timer {timer.id}")
    apply_step(conn, definition, instance.id, result,
               [entry(instance.id, at, "timer_fired", element=timer.element,
                      name=definition.element_names.get(timer.element))], at, completed_task=None,
               starter=instance.started_by)
    return True


def timer_incident(conn: Connection, timer: Any, error: str) -> bool:
    """A timer whose step failed (a script, a condition, a limit): the instance shows an incident
    with the error, and the timer does not fire again, after a restart neither."""
    if not _close_timer(conn, timer.id, "failed"):
        return False
    _incident(conn, timer.instance_id, timer.element, {"error": error[:2000]})
    return True


def _incident(conn: Connection, instance_id: int, element: str | None, data: dict[str, Any]) -> None:
    at = now()
    conn.execute(update(instances).where(instances.c.id == instance_id).values(status="error", updated_at=at))
    conn.execute(history.insert().values(entry(instance_id, at, "incident", element=element, data=data)))


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


def read_job(conn: Connection, job_id: int) -> Any:
    job = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if job is None:
        raise NotFound(f"no job with id {job_id}")
    return job


def write_job_done(conn: Connection, state: bytes, definition: CompiledDefinition, instance: Any, job: Any,
                   result: StepResult, output: dict[str, Any]) -> bool:
    """Write the step after a connector's work: StaleState, with nothing written, when the
    instance changed while it ran; AlreadyHandled when the job was done already."""
    at = now()
    save_state(conn, state, instance, result, at)
    if conn.execute(update(outbox_jobs).where(outbox_jobs.c.id == job.id, outbox_jobs.c.status != "done")
                    .values(status="done", last_error=None)).rowcount != 1:
        raise AlreadyHandled(f"job {job.id}")
    apply_step(conn, definition, instance.id, result,
               [entry(instance.id, at, "job_done", element=job.element,
                      name=definition.element_names.get(job.element), data=output or None)],
               at, completed_task=None, starter=instance.started_by)
    return True


def fail_job(conn: Connection, job_id: int, error: str, final: bool = False) -> str:
    """A failed attempt: retry with backoff, and after the last one (or at once when ``final``:
    retrying alone would not help) raise an incident that the instance shows (status error)
    until someone retries it. Never silent."""
    job = conn.execute(select(outbox_jobs).where(outbox_jobs.c.id == job_id)).first()
    if job is None:
        raise NotFound(f"no job with id {job_id}")
    if job.status == "done":
        return "done"
    lock_instance(conn, job.instance_id)
    attempts = job.attempts + 1
    at = now()
    if attempts >= MAX_ATTEMPTS or final:
        conn.execute(update(outbox_jobs).where(outbox_jobs.c.id == job_id)
                     .values(status="failed", attempts=attempts, last_error=error[:2000]))
        _incident(conn, job.instance_id, job.element, {"error": error[:2000], "attempts": attempts})
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
