"""Running one outbox job: call its provider, then report back through an engine command."""
from __future__ import annotations

from engine.charkh import Charkh

from .registry import PROVIDERS


def run_job(charkh: Charkh, job_id: int) -> str:
    """Returns the job's new status: done, pending (will retry) or failed (an incident)."""
    job = charkh.job(job_id)
    if job["status"] in ("done", "failed"):
        return job["status"]
    run = PROVIDERS.get(job["connector"] or "")
    if run is None:
        return charkh.fail_job(job_id, f"no connector named {job['connector']!r} is installed")
    try:
        # The job id is the idempotency key: a provider that is called twice sends once.
        output = run(job["inputs"], job["variables"], f"charkh-job-{job_id}")
    except Exception as exc:  # a provider's failure is the job's, never the worker's
        return charkh.fail_job(job_id, f"{type(exc).__name__}: {exc}")
    if charkh.finish_job(job_id, output or {}):
        return "done"
    return charkh.job(job_id)["status"]  # done by another attempt, or failed in the step after it
