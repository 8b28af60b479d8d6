"""Bench scenario `hostile` (issue 13): ordinary work while runaway analyst code runs.

    .venv/bin/python bench/hostile.py [--seconds 20] [--runaways 10] [--clients 4]

A fresh PostgreSQL database and `charkh web` (gunicorn, 2 workers x --server-threads threads)
with CHARKH_SCRIPT_WORKERS=10, so each of the 10 runaways gets a child process of its own whichever
worker its connection lands on (gunicorn does not spread them evenly). For
``--seconds``, ``--runaways`` threads each complete, again and again, a work item whose next step
is hostile (a loop that catches the limit's exception, pow(3, 3*10**7) in a script and in a
condition, a 200 MB string, a 100,000-way multi-instance, a loop of automatic steps that never
waits); beside them ``--clients`` threads drive invoices the way people do (start, then for each
step open the cartable and complete the item). Reported: the ordinary calls' p50/p99 latency, the
invoices started and not completed (lost), and how long each runaway took to end against its
limit (CHARKH_SCRIPT_SECONDS, 1 s by default). Appended to bench/RESULTS.md unless --no-record.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from run import (  # noqa: E402 - the bench's shared helpers
    DEFAULT_PG,
    INVOICE,
    INVOICE_STEPS,
    INVOICE_VARIABLES,
    Server,
    fresh_database,
    machine_note,
    percentile,
    record,
)

LIMIT = 1.0
HOSTILE_STEPS = {
    "loop catching the limit": '<scriptTask id="hostile" scriptFormat="python"><script>try:\n    while True:\n'
                               '        pass\nexcept Exception:\n    pass</script></scriptTask>',
    "pow in a script": '<scriptTask id="hostile" scriptFormat="python"><script>x = pow(3, 3 * 10 ** 7)</script>'
                       '</scriptTask>',
    "200 MB string": '<scriptTask id="hostile" scriptFormat="python"><script>x = "x".ljust(2 * 10 ** 8)</script>'
                     '</scriptTask>',
    "100,000-way multi-instance": '<userTask id="hostile" camunda:candidateGroups="sales">'
                                  '<multiInstanceLoopCharacteristics><loopCardinality>100000</loopCardinality>'
                                  '</multiInstanceLoopCharacteristics></userTask>',
    "loop without a wait": '<scriptTask id="hostile" scriptFormat="python"><script>n = 1</script></scriptTask>'
                           '<exclusiveGateway id="again" default="f_back"/>'
                           '<sequenceFlow id="f_back" sourceRef="again" targetRef="hostile"/>',
    "pow in a condition": '<exclusiveGateway id="hostile" default="f_other"/><sequenceFlow id="f_pow" '
                          'sourceRef="hostile" targetRef="after"><conditionExpression>pow(3, 3 * 10 ** 7) &gt; 1'
                          '</conditionExpression></sequenceFlow><sequenceFlow id="f_other" sourceRef="hostile" '
                          'targetRef="after"/>',
}


def hostile_model(key: str, step: str) -> bytes:
    out = '<sequenceFlow id="f_3" sourceRef="hostile" targetRef="after"/>'
    if 'id="again"' in step:
        out = '<sequenceFlow id="f_3" sourceRef="hostile" targetRef="again"/>'
    if 'id="f_other"' in step:
        out = ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="defs_{key}" targetNamespace="https://charkh.dev/bench">
  <process id="{key}" isExecutable="true">
    <startEvent id="begin"/><sequenceFlow id="f_1" sourceRef="begin" targetRef="prepare"/>
    <userTask id="prepare" camunda:candidateGroups="sales"/>
    <sequenceFlow id="f_2" sourceRef="prepare" targetRef="hostile"/>
    {step}{out}
    <userTask id="after" camunda:candidateGroups="sales"/><sequenceFlow id="f_4" sourceRef="after" targetRef="finish"/>
    <endEvent id="finish"/>
  </process>
</definitions>""".encode()


def make_people(database_url: str, data_dir: Path) -> dict[str, str]:
    from engine.charkh import Charkh
    from engine.settings import Settings, normalize_database_url

    charkh = Charkh(Settings(data_dir=data_dir, database_url=normalize_database_url(database_url)))
    try:
        people = {"admin": [], "clerk": ["sales"], "manager": ["sales-managers"], "cashier": ["finance"],
                  "storekeeper": ["warehouse"], "attacker": ["sales"]}
        tokens = {}
        for name, groups in people.items():
            charkh.add_user(name, groups=groups, admin=name == "admin")
            tokens[name] = charkh.issue_token(name)
        return tokens
    finally:
        charkh.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runaways", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--server-threads", type=int, default=16,
                        help="gunicorn threads per worker (default 16, as `charkh web`); a runaway holds one "
                             "thread while its child runs")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    note = machine_note()
    with tempfile.TemporaryDirectory(prefix="charkh-bench-") as tmp, fresh_database(args.postgres) as db_url:
        tokens = make_people(db_url, Path(tmp))
        server = Server(db_url, Path(tmp), workers=2, threads=args.server_threads)
        server.env["CHARKH_SCRIPT_WORKERS"] = "10"
        server.env["CHARKH_SCRIPT_SECONDS"] = str(LIMIT)
        server.start()
        try:
            figures = drive(server.url, tokens, args)
        finally:
            server.stop()
    lines = report(figures, args)
    print("\n".join(lines))
    if not args.no_record:
        record("hostile", args, lines, figures, note)
    return 0


def drive(base: str, tokens: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    auth = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as http:
        for data in [INVOICE.read_bytes(), *(hostile_model(f"hostile_{i}", step)
                                            for i, step in enumerate(HOSTILE_STEPS.values()))]:
            response = http.post("/definitions?deploy=true", content=data,
                                 headers={**auth["admin"], "Content-Type": "application/xml"})
            assert response.status_code == 201, response.text
    stop = time.monotonic() + args.seconds
    ordinary: list[float] = []
    hostile: dict[str, list[float]] = {name: [] for name in HOSTILE_STEPS}
    outcomes: dict[str, int] = {"started": 0, "completed": 0, "errors": 0}
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def timed(call: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        response = call(*args, **kwargs)
        with lock:
            ordinary.append((time.perf_counter() - began) * 1000)
        return response

    def person() -> None:
        with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as http:
            while time.monotonic() < stop:
                try:
                    started = timed(http.post, "/instances",
                                    json={"definition": "invoice", "variables": INVOICE_VARIABLES},
                                    headers=auth["clerk"])
                    assert started.status_code == 201, started.text
                    with lock:
                        outcomes["started"] += 1
                    instance = started.json()
                    while instance["work_items"]:
                        element = instance["work_items"][0]["element"]
                        who, action, data = INVOICE_STEPS[element]
                        listing = timed(http.get, "/work-items", params={"mine": "true"}, headers=auth[who])
                        [item] = [i for i in listing.json() if i["instance_id"] == instance["id"]]
                        done = timed(http.post, f"/work-items/{item['id']}/complete",
                                     json={"action": action, "data": data}, headers=auth[who])
                        assert done.status_code == 200, done.text
                        instance = done.json()["instance"]
                    with lock:
                        outcomes["completed" if instance["status"] == "completed" else "errors"] += 1
                except Exception:  # noqa: BLE001 - counted: a lost invoice
                    with lock:
                        outcomes["errors"] += 1

    def attacker(index: int) -> None:
        name = list(HOSTILE_STEPS)[index % len(HOSTILE_STEPS)]
        key = f"hostile_{list(HOSTILE_STEPS).index(name)}"
        with httpx.Client(base_url=f"{base}/api/v1", timeout=60, headers=auth["attacker"]) as http:
            while time.monotonic() < stop:
                started = http.post("/instances", json={"definition": key})
                [item] = started.json()["work_items"]
                began = time.perf_counter()
                response = http.post(f"/work-items/{item['id']}/complete", json={})
                with lock:
                    hostile[name].append(time.perf_counter() - began)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(args.runaways)]
    threads += [threading.Thread(target=person) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"ordinary_ms": {"n": len(ordinary), "p50": statistics.median(ordinary),
                            "p99": percentile(ordinary, 99), "max": max(ordinary)},
            "invoices": outcomes, "hostile_statuses": statuses,
            "hostile_s": {name: {"n": len(t), "median": statistics.median(t), "max": max(t)}
                          for name, t in hostile.items() if t}}


def report(f: dict[str, Any], args: argparse.Namespace) -> list[str]:
    o, inv = f["ordinary_ms"], f["invoices"]
    lines = [f"- {args.runaways} runaways for {args.seconds:g} s beside {args.clients} people driving invoices "
             f"(each opens the cartable before acting); script limit {LIMIT:g} s; server 2 workers x "
             f"{args.server_threads} threads",
             f"- ordinary calls: {o['n']}, p50 {o['p50']:.1f} ms, p99 {o['p99']:.1f} ms, max {o['max']:.1f} ms "
             f"(target p99 <= 100 ms)",
             f"- invoices started {inv['started']}, completed {inv['completed']}, lost {inv['errors']} (target 0)",
             f"- runaway answers by status: {f['hostile_statuses']}"]
    for name, t in f["hostile_s"].items():
        lines.append(f"- {name}: {t['n']} runs, ended in median {t['median']:.2f} s, max {t['max']:.2f} s "
                     f"(target <= limit + 1 s = {LIMIT + 1:g} s)")
    return lines


if __name__ == "__main__":
    sys.exit(main())
