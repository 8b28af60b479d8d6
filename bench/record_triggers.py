"""What triggers add to a record write (issue 16's target: 20 deployed triggers on the entity add
<= 5 ms p95 to a write).

    .venv/bin/python bench/record_triggers.py [--writes 300] [--database URL|sqlite] [--no-record]

Times ``Records.update`` (one field of one invoice, through the engine, as PATCH /records does)
with 20 deployed processes whose update triggers are checked at each write and whose conditions do
not hold, and with them deactivated (not checked), in turn (a start is an instance's cost, measured by
bench/run.py; this measures finding and checking the triggers). Appends to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.charkh import Charkh  # noqa: E402
from engine.settings import Settings, normalize_database_url  # noqa: E402
from engine.store.schema import definitions  # noqa: E402

TRIGGERS = 20
BLOCK = 10
PROCESS = """  <process id="watch_{n}" name="Watch {n}" isExecutable="true">
    <extensionElements>
      <charkh:trigger entity="invoice" on="update" mode="every">
        <charkh:conditions match="all">
          <charkh:condition field="amount" operator="gt" value="{limit}"/>
          <charkh:condition field="status" operator="one_of" value="approved,shipped"/>
        </charkh:conditions>
      </charkh:trigger>
    </extensionElements>
    <startEvent id="s_{n}"/>
    <sequenceFlow id="f_{n}" sourceRef="s_{n}" targetRef="e_{n}"/>
    <endEvent id="e_{n}"/>
  </process>
"""


def model(count: int) -> bytes:
    processes = "".join(PROCESS.format(n=n, limit=1_000_000 + n) for n in range(count))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
            ' xmlns:charkh="https://charkh.dev/schema/bpmn" id="watchers" targetNamespace="bench">\n'
            f"{processes}</definitions>").encode()


def timed_writes(charkh: Charkh, record_id: str, writes: int, active: bool) -> list[float]:
    writer = charkh.caller_named("bench")
    with charkh.db.write() as conn:  # a deactivated process's triggers are not checked
        conn.execute(update(definitions).values(active=active))
    times = []
    for n in range(writes):
        started = time.perf_counter()
        charkh.records.update("invoice", record_id, {"amount": n, "status": "draft"}, writer)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"p50": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1]}


def measure(url: str, writes: int) -> dict[str, dict[str, float]]:
    """Blocks of writes with the triggers' process active and deactivated, in turn, so both meet
    the same noise (this machine's varies by 2x from one minute to the next)."""
    charkh = Charkh(Settings(data_dir=Path(tempfile.mkdtemp()), database_url=url))
    try:
        charkh.add_user("bench", "secret", [], [], True, True, False)
        writer = charkh.caller_named("bench")
        record_id = charkh.records.create("invoice", {"number": "INV-1", "amount": 1}, writer)["id"]
        charkh.import_bpmn(model(TRIGGERS), deploy=True)
        timed_writes(charkh, record_id, 20, True)  # warm up
        without: list[float] = []
        with_triggers: list[float] = []
        for _ in range(max(1, writes // BLOCK)):
            without += timed_writes(charkh, record_id, BLOCK, False)
            with_triggers += timed_writes(charkh, record_id, BLOCK, True)
    finally:
        charkh.close()
    return {"no active process on the entity": summary(without),
            f"{TRIGGERS} update triggers checked": summary(with_triggers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL to make a schema in, or 'sqlite' for a file in a temporary folder")
    parser.add_argument("--no-record", action="store_true")
    options = parser.parse_args()
    if options.database == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
        results = measure(url, options.writes)
        where = "SQLite"
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(normalize_database_url(options.database), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            results = measure(f"{normalize_database_url(options.database)}?options=-csearch_path%3D{schema}",
                              options.writes)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        where = "PostgreSQL"
    added = results[f"{TRIGGERS} update triggers checked"]["p95"] - results["no active process on the entity"]["p95"]
    lines = [f"## record writes with triggers — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- command: `.venv/bin/python bench/record_triggers.py --writes {options.writes}"
             f"{' --database sqlite' if where == 'SQLite' else ''}`",
             f"- {where}; one invoice's amount and status written {options.writes} times through the engine "
             "(Records.update), in blocks of 10 with the 20 triggers' process active and deactivated in turn; their "
             "conditions do not hold (no start)",
             f"- added by {TRIGGERS} triggers at p95: **{added:.2f} ms** (target <= 5 ms)", "",
             "| writes | p50 ms | p95 ms |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {t['p50']:.2f} | {t['p95']:.2f} |" for name, t in results.items()]
    report = "\n".join(lines) + "\n"
    print(report)
    if not options.no_record:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write("\n" + report)


if __name__ == "__main__":
    main()
