"""Dramatiq wiring: Redis in production (CHARKH_REDIS_URL), the in-process stub broker embedded.

Retries are the outbox's (attempts, backoff, incidents in the database), so actors never retry.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from engine.charkh import Charkh

from .jobs import run_job

QUEUE = "charkh-jobs"
# How often a scheduler deletes long-ended tokens (engine: Charkh.purge_tokens).
PURGE_EVERY_SECONDS = 3600.0
# Timers fired per tick at most (one batch: engine.commands.fire_due_timers).
TIMERS_PER_TICK = 100
logger = logging.getLogger("charkh.scheduler")


class Dispatch:
    """A broker with the job actor declared on it, bound to one engine."""

    def __init__(self, charkh: Charkh, redis_url: str | None) -> None:
        self.charkh = charkh
        self.broker: Any = RedisBroker(url=redis_url) if redis_url else StubBroker()
        dramatiq.set_broker(self.broker)

        def perform_job(job_id: int) -> None:
            run_job(self.charkh, job_id)

        self.actor = dramatiq.actor(actor_name="charkh_perform_job", queue_name=QUEUE, broker=self.broker,
                                    max_retries=0)(perform_job)

    def send(self, job_id: int) -> None:
        self.actor.send(job_id)

    def worker(self, threads: int = 4) -> dramatiq.Worker:
        return dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=200)


class Scheduler:
    """Fires due timers, sends due reminders (as notifications) and hands due outbox jobs to the
    broker, every ``interval`` seconds."""

    def __init__(self, charkh: Charkh, dispatch: Dispatch, interval: float = 0.5) -> None:
        self.charkh = charkh
        self.dispatch = dispatch
        self.interval = interval
        self.stopped = threading.Event()
        self._purged_at = 0.0
        # True when the last tick stopped at a limit (timers, a schedule's batches): the next one
        # follows at once rather than after ``interval``, so a backlog is not worked off at a
        # limit's worth per interval.
        self.busy = False

    def tick(self) -> tuple[int, int]:
        fired = self.charkh.fire_due_timers(TIMERS_PER_TICK)
        self.charkh.notifications.send_due_reminders()
        self.charkh.records.run_pending()  # starts a record write owed and did not make (a crash)
        started = self.charkh.records.run_schedules()
        self.charkh.events.sweep()  # expired early messages go; kept ones reach instances that now wait
        self.busy = fired >= TIMERS_PER_TICK or started > 0
        jobs = self.charkh.claim_jobs()
        for job_id in jobs:
            self.dispatch.send(job_id)
        if not self._purged_at or time.monotonic() - self._purged_at >= PURGE_EVERY_SECONDS:
            self._purged_at = time.monotonic()
            self.charkh.purge_tokens()  # every sign-in makes a token; ended ones go after a while
        return fired, len(jobs)

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.tick()
            except Exception:  # a bad tick must not stop the scheduler; the next one retries
                logger.exception("scheduler tick failed")
                self.busy = False
            if not self.busy:
                self.stopped.wait(self.interval)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="charkh-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopped.set()
