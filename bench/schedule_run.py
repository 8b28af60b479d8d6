"""A scheduled trigger's run over many matching records, killed with SIGKILL midway and started
again (issue 16's target: 100,000 matching records in <= 60 s, 0 duplicates after a kill -9).

    .venv/bin/python bench/schedule_run.py [--records 100000] [--kill-at 0.4] [--database URL] [--no-record]

Fills its own schema of PostgreSQL (dropped afterwards) with the invoices, deploys a daily
reminder over the unpaid ones past due (a user task each), makes its schedule due and runs the
Scheduler of ``charkh scheduler`` in a process of its own (this script with --child), which it
kills once the given share of the starts is made and starts again at once. The time is from the
first scheduler's start to the last instance stored, the kill and the restart included. Then it
counts instances per record in the database. Appends to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.charkh import Charkh  # noqa: E402
from engine.settings import Settings, normalize_database_url  # noqa: E402
from engine.store.schema import instances, records, trigger_schedules, trigger_starts  # noqa: E402

MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:charkh="https://charkh.dev/schema/bpmn"
             id="defs_overdue" targetNamespace="bench">
  <process id="remind_overdue" name="Remind overdue invoices" isExecutable="true">
    <extensionElements>
      <charkh:trigger entity="invoice" on="schedule" schedule="0 9 * * *">
        <charkh:conditions match="all">
          <charkh:condition field="due_on" operator="before" value="today"/>
          <charkh:condition field="paid" operator="not_checked"/>
        </charkh:conditions>
      </charkh:trigger>
    </extensionElements>
    <startEvent id="o_start"/>
    <sequenceFlow id="o1" sourceRef="o_start" targetRef="o_remind"/>
    <userTask id="o_remind" name="Remind the customer to pay" charkh:groups="sales"/>
    <sequenceFlow id="o2" sourceRef="o_remind" targetRef="o_end"/>
    <endEvent id="o_end"/>
  </process>
</definitions>
"""
CHUNK = 5000


def child(data_dir: str) -> None:
    """The scheduler process (CHARKH_DATABASE_URL names the database)."""
    from connectors.broker import Dispatch, Scheduler

    charkh = Charkh(Settings.from_env(data_dir))
    Scheduler(charkh, Dispatch(charkh, None)).run()


def started(charkh: Charkh) -> int:
    with charkh.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(trigger_starts)
                                .where(trigger_starts.c.status == "started")).scalar_one())


def measure(url: str, count: int, kill_at: float) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp())
    charkh = Charkh(Settings(data_dir=data, database_url=url))
    try:
        charkh.add_user("sara", "secret", ["sales"], [], False, True, False)
        charkh.import_bpmn(MODEL, deploy=True)
        at = datetime.now(UTC)
        with charkh.db.write() as conn:
            for first in range(0, count, CHUNK):
                conn.execute(insert(records), [
                    {"entity": "invoice", "fields": {"number": f"INV-{n}", "due_on": "2020-01-01", "paid": False},
                     "owner": "sara", "version": 1, "created_by": "sara", "created_at": at, "updated_at": at}
                    for n in range(first, min(count, first + CHUNK))])
        charkh.records.run_schedules()  # notes the schedule
        with charkh.db.write() as conn:
            conn.execute(update(trigger_schedules).values(next_due_at=datetime.now(UTC) - timedelta(seconds=1)))
        env = {**os.environ, "CHARKH_DATABASE_URL": url}
        command = [sys.executable, __file__, "--child", str(data)]
        began = time.perf_counter()
        first_scheduler = subprocess.Popen(command, env=env)
        while started(charkh) < count * kill_at:
            time.sleep(0.1)
        first_scheduler.send_signal(signal.SIGKILL)
        first_scheduler.wait()
        killed_after, made_before_kill = time.perf_counter() - began, started(charkh)
        second = subprocess.Popen(command, env=env)
        try:
            while started(charkh) < count:
                time.sleep(0.1)
            finished = time.perf_counter() - began
            time.sleep(1.0)  # anything more it would start (a duplicate), it starts now
        finally:
            second.send_signal(signal.SIGKILL)
            second.wait()
        with charkh.db.read() as conn:
            per_record = select(instances.c.record_id, func.count().label("n")).where(
                instances.c.process_id == "remind_overdue").group_by(instances.c.record_id).subquery()
            duplicates = int(conn.execute(select(func.coalesce(func.sum(per_record.c.n - 1), 0))).scalar_one())
            distinct = int(conn.execute(select(func.count()).select_from(per_record)).scalar_one())
            running = conn.execute(select(trigger_schedules.c.running_due_at)).scalar()
    finally:
        charkh.close()
    return {"records": count, "seconds": finished, "killed_after_s": killed_after,
            "started_before_kill": made_before_kill, "duplicates": duplicates, "missing": count - distinct,
            "run_finished": running is None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of the starts made when it is killed")
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_database_url(options.database), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        load = os.getloadavg()
        result = measure(f"{normalize_database_url(options.database)}?options=-csearch_path%3D{schema}",
                         options.records, options.kill_at)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    met = result["seconds"] <= 60 and result["duplicates"] == 0 and result["missing"] == 0
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    lines = [f"## scheduled run over {result['records']:,} records, kill -9 midway — {when} UTC", "",
             f"- command: `.venv/bin/python bench/schedule_run.py --records {options.records} "
             f"--kill-at {options.kill_at}`",
             f"- PostgreSQL; machine: {os.cpu_count()} cores shared with other sessions, load average before "
             f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; a daily schedule (user task per record) due over "
             f"{result['records']:,} matching invoices; the Scheduler process SIGKILLed after "
             f"{result['started_before_kill']:,} starts ({result['killed_after_s']:.1f} s) and started again at once",
             f"- all started in **{result['seconds']:.1f} s** "
             f"({result['records'] / result['seconds']:.0f} instances/s, "
             "kill and restart included); duplicates **{duplicates}**, missing **{missing}**, run finished: "
             "{run_finished} — target <= 60 s, 0 duplicates: {verdict}".format(
                 **result, verdict="met" if met else "NOT met"), ""]
    report = "\n".join(lines)
    print(report)
    if not options.no_record:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write("\n" + report)


if __name__ == "__main__":
    main()
