"""Trigger starts and timers are exactly once across a real crash and two schedulers at once
(issue 16 item 9): schedulers run in processes of their own (tests/engine/scheduler_process.py),
are killed with SIGKILL in the middle of their work and started again, and the database is counted
afterwards: each matching record has one instance, each timer fired once, none missing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from engine.charkh import Charkh
from engine.store.schema import history, instances, records, timers, trigger_schedules, trigger_starts, work_items
from tests.conftest import read_model

SCHEDULER = Path(__file__).with_name("scheduler_process.py")
ROOT = Path(__file__).resolve().parents[2]
RECORDS = 2000  # three in four match: 1500 starts
TIMERS = 300


class Schedulers:
    """Scheduler processes on the test's database; any left running are killed at the end."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.env = {**os.environ, "CHARKH_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        self.data_dir = data_dir
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, str(SCHEDULER), str(self.data_dir)], env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.running.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()

    def kill_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def schedulers(database_url: str, tmp_path: Path) -> Iterator[Schedulers]:
    running = Schedulers(database_url, tmp_path)
    yield running
    running.kill_all()


def count(charkh: Charkh, query: Any) -> int:
    with charkh.db.read() as conn:
        return int(conn.execute(query).scalar_one())


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time")
        time.sleep(0.02)


# --- a schedule over thousands of records ---------------------------------------------------------

def due_schedule(charkh: Charkh) -> set[int]:
    """RECORDS invoices, three in four unpaid and past due, and the overdue reminder's daily
    schedule due a minute ago; returns the ids of the invoices it must start a reminder for."""
    charkh.add_user("sara", "secret", ["sales"], [], False, True, False)
    charkh.import_bpmn(read_model("overdue_invoices.bpmn"), deploy=True)
    at = datetime.now(UTC)
    rows = [{"entity": "invoice", "fields": {"number": f"INV-{n}", "due_on": "2020-01-01", "paid": n % 4 == 0},
             "owner": "sara", "version": 1, "created_by": "sara", "created_at": at, "updated_at": at}
            for n in range(RECORDS)]
    with charkh.db.write() as conn:
        conn.execute(insert(records), rows)
    charkh.records.run_schedules()  # notes the schedule: due at the next 09:00
    with charkh.db.write() as conn:
        conn.execute(update(trigger_schedules).values(next_due_at=at - timedelta(minutes=1)))
        numbers = conn.execute(select(records.c.id, records.c.fields).order_by(records.c.id)).all()
    return {row.id for row in numbers if not row.fields["paid"]}


def reminders_per_record(charkh: Charkh) -> dict[int, int]:
    with charkh.db.read() as conn:
        return {int(record): n for record, n in conn.execute(
            select(instances.c.record_id, func.count()).where(instances.c.process_id == "remind_overdue")
            .group_by(instances.c.record_id))}


def started(charkh: Charkh) -> int:
    return count(charkh, select(func.count()).select_from(trigger_starts)
                 .where(trigger_starts.c.status == "started"))


def assert_one_reminder_each(charkh: Charkh, matching: set[int]) -> None:
    per_record = reminders_per_record(charkh)
    assert {n for n in per_record.values()} == {1}  # no record has two
    assert set(per_record) == matching  # and none is missing
    assert count(charkh, select(func.count()).select_from(trigger_starts)
                 .where(trigger_starts.c.status != "started")) == 0
    with charkh.db.read() as conn:
        assert conn.execute(select(trigger_schedules.c.running_due_at)).scalar() is None  # the run finished


def test_a_schedule_run_killed_midway_and_restarted_starts_each_matching_record_once(charkh, schedulers):
    matching = due_schedule(charkh)
    first = schedulers.start()
    wait_for(lambda: started(charkh) >= len(matching) // 3)
    schedulers.kill(first)
    assert started(charkh) < len(matching)  # killed in the middle of the run
    schedulers.start()
    wait_for(lambda: started(charkh) == len(matching))
    time.sleep(0.3)  # anything more the restarted scheduler would start, it starts now
    assert_one_reminder_each(charkh, matching)


def test_two_schedulers_at_once_start_each_matching_record_once(charkh, schedulers):
    matching = due_schedule(charkh)
    schedulers.start(), schedulers.start()
    wait_for(lambda: started(charkh) == len(matching))
    time.sleep(0.3)
    assert_one_reminder_each(charkh, matching)


# --- timers -----------------------------------------------------------------------------------------

def fired(charkh: Charkh) -> int:
    return count(charkh, select(func.count()).select_from(timers).where(timers.c.status == "fired"))


def test_timers_fire_once_each_when_the_scheduler_is_killed_midway_and_restarted(charkh, schedulers):
    charkh.add_user("sara", "secret", ["sales"], [], False, True, False)
    charkh.import_bpmn(read_model("reliable_timer.bpmn"), deploy=True)
    sara = charkh.caller_named("sara")
    started_ids = {int(charkh.start("call_later", sara)) for _ in range(TIMERS)}
    with charkh.db.write() as conn:  # all due: the workflows' own clocks agree once a second has passed
        conn.execute(update(timers).values(due_at=datetime.now(UTC)))
    time.sleep(1.0)
    first = schedulers.start()
    wait_for(lambda: fired(charkh) >= TIMERS // 3)
    schedulers.kill(first)
    assert fired(charkh) < TIMERS  # killed in the middle
    schedulers.start(), schedulers.start()  # and two at once after the restart
    wait_for(lambda: fired(charkh) == TIMERS)
    time.sleep(0.3)
    with charkh.db.read() as conn:
        fired_per_instance = dict(conn.execute(
            select(history.c.instance_id, func.count()).where(history.c.type == "timer_fired")
            .group_by(history.c.instance_id)).all())
        items_per_instance = dict(conn.execute(
            select(work_items.c.instance_id, func.count()).group_by(work_items.c.instance_id)).all())
        states = set(conn.execute(select(timers.c.status)).scalars())
    assert set(fired_per_instance) == started_ids and set(fired_per_instance.values()) == {1}
    assert set(items_per_instance) == started_ids and set(items_per_instance.values()) == {1}
    assert states == {"fired"}
