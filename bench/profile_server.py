"""Where the server's time goes under the invoice traffic of bench/run.py.

    .venv/bin/python bench/profile_server.py pyspy [--instances 1000]    # sample the real gunicorn workers
    .venv/bin/python bench/profile_server.py inprocess [--instances 300] # cProfile, Flask test client, no HTTP server

pyspy: the same setup as `bench/run.py invoice` (fresh PostgreSQL database, `charkh web` with 2
workers, the same client processes); py-spy (``PY_SPY`` or py-spy on PATH; `pip install --target
DIR py-spy` is enough) samples every worker while the clients drive the instances, keeping only
samples that hold the GIL (Python CPU; a thread waiting for PostgreSQL or a socket releases it).
Prints self time by function and by layer, and inclusive time of the main entry points.
multi: cProfile of completing items of the 1,000-item multi-instance user task (engine facade).
inprocess: the same calls through Flask's test client in this process under cProfile timed by
thread CPU time (so waiting for PostgreSQL does not count), which separates the application
(Flask, marshmallow, engine, SQLAlchemy, psycopg) from the HTTP server.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py)

LAYERS = [  # (layer, substrings of a frame's file), first match wins
    ("SpiffWorkflow", ["SpiffWorkflow/"]),
    ("engine: runtime/compiler/sandbox", ["engine/runtime.py", "engine/compiler.py", "engine/sandbox.py"]),
    ("engine: store + facade", ["engine/store/", "engine/charkh.py"]),
    ("designer (views)", ["designer/"]),
    ("SQLAlchemy", ["sqlalchemy/"]),
    ("psycopg", ["psycopg/", "psycopg_binary/", "psycopg_pool/"]),
    ("apiflask/marshmallow/webargs", ["apiflask/", "marshmallow/", "webargs/", "apispec/"]),
    ("Flask/Werkzeug", ["flask/", "werkzeug/", "jinja2/", "itsdangerous/", "blinker/"]),
    ("gunicorn", ["gunicorn/"]),
    ("orjson/json", ["orjson", "json/"]),
    ("stdlib", ["/lib/python3"]),
]


def layer_of(frame: str) -> str:
    for layer, needles in LAYERS:
        if any(n in frame for n in needles):
            return layer
    return "other"


def find_pyspy() -> str:
    found = os.environ.get("PY_SPY") or shutil.which("py-spy")
    for candidate in ("/tmp/pyspy/bin/py-spy",):
        if not found and Path(candidate).exists():
            found = candidate
    if not found:
        raise SystemExit("py-spy not found: pip install --target /tmp/pyspy py-spy, or set PY_SPY")
    return found


def summarize_collapsed(paths: list[Path], top: int, ms_per_instance: float | None = None) -> list[str]:
    """Self and inclusive on-CPU samples from py-spy's raw (collapsed) output."""
    self_counts: collections.Counter[str] = collections.Counter()
    incl_counts: collections.Counter[str] = collections.Counter()
    layer_counts: collections.Counter[str] = collections.Counter()
    total = 0
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack:
                continue
            n = int(count)
            frames = stack.split(";")
            frames = [f for f in frames if not f.startswith("process ") and not f.startswith("thread ")]
            if not frames:
                continue
            frames = [re.sub(r":\d+\)$", ")", f) for f in frames]  # per function, not per line
            total += n
            self_counts[frames[-1]] += n
            layer_counts[layer_of(frames[-1])] += n
            for frame in set(frames):
                incl_counts[frame] += n
    out = [f"{total} samples holding the GIL", "", "self time by layer:"]
    for layer, n in layer_counts.most_common():
        ms = f"  ~{ms_per_instance * n / total:5.2f} ms/instance" if ms_per_instance else ""
        out.append(f"  {100 * n / total:5.1f}%{ms}  {layer}")
    out += ["", f"top {top} functions by self time:"]
    for frame, n in self_counts.most_common(top):
        out.append(f"  {100 * n / total:5.1f}%  {frame}")
    out += ["", f"top {top} functions by inclusive time:"]
    for frame, n in incl_counts.most_common(top):
        out.append(f"  {100 * n / total:5.1f}%  {frame}")
    return out


def profile_pyspy(args: argparse.Namespace) -> None:
    import httpx

    pyspy = find_pyspy()
    with bench.bench_server(args, bench.INVOICE_USERS) as (server, tokens, _db_url):
        with httpx.Client(base_url=server.url, timeout=60) as client:
            bench.deploy(client, tokens["clerk"], bench.INVOICE)
        bench.drive_invoices(server, tokens, 60, args.client_procs, args.client_threads, args.cartable, None,
                             "stdlib")
        workers = bench.proc_children(server.process.pid)
        out_dir = Path(tempfile.mkdtemp(prefix="charkh-pyspy-"))
        samplers = []
        for pid in workers:
            out = out_dir / f"worker-{pid}.txt"
            samplers.append((out, subprocess.Popen(
                [pyspy, "record", "--pid", str(pid), "--rate", str(args.rate), "--format", "raw",
                 "--nonblocking", "--gil",
                 "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        time.sleep(1.0)
        meter = bench.CpuMeter({"server": server.pids, "postgres": lambda: bench.pg_backends(_db_url)})
        run = bench.drive_invoices(server, tokens, args.instances, args.client_procs, args.client_threads,
                                   args.cartable, meter, "stdlib")
        for _out, sampler in samplers:
            sampler.send_signal(2)  # SIGINT: py-spy writes its output and exits
        for _out, sampler in samplers:
            sampler.wait(timeout=60)
    server_ms = meter.result["server"] / args.instances * 1000
    lines = [
        f"{args.instances} invoice instances in {run['wall']:.2f} s ({args.instances / run['wall']:.1f}/s) while "
        f"sampled (py-spy at {args.rate} Hz per worker, its own load included); errors {len(run['errors'])}",
        f"server CPU {server_ms:.2f} ms/instance, its PostgreSQL backends "
        f"{meter.result['postgres'] / args.instances * 1000:.2f} ms/instance, clients "
        f"{run['client_cpu'] / args.instances * 1000:.2f} ms/instance; "
        "ms per layer = share of GIL samples x server CPU",
        *summarize_collapsed([out for out, _ in samplers], args.top, server_ms),
    ]
    print("\n".join(lines))
    print(f"\ncollapsed stacks kept in {out_dir} (flamegraph.pl or speedscope can draw them)")
    if args.record:
        body = ["- command: `.venv/bin/python bench/profile_server.py " + " ".join(sys.argv[1:]) + "`",
                f"- machine: {bench.machine_note()}", "", "```", *lines, "```"]
        bench.append_section("profile of the server under the invoice drive (py-spy, GIL-holding samples)", body)


def profile_inprocess(args: argparse.Namespace) -> None:
    from designer.app import create_app
    from engine.settings import Settings, normalize_database_url

    with tempfile.TemporaryDirectory(prefix="charkh-prof-") as tmp, bench.fresh_database(args.postgres) as db_url:
        tokens = bench.make_users(db_url, bench.INVOICE_USERS, Path(tmp))
        app = create_app(Settings(data_dir=Path(tmp), database_url=normalize_database_url(db_url)))
        client = app.test_client()
        headers = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        response = client.post("/api/v1/definitions?deploy=true", data=bench.INVOICE.read_bytes(),
                               headers={**headers["clerk"], "Content-Type": "application/xml"})
        assert response.status_code == 201, response.get_data(as_text=True)

        def drive(n: int) -> None:
            for _ in range(n):
                body = client.post("/api/v1/instances", json={"definition": "invoice",
                                                               "variables": bench.INVOICE_VARIABLES},
                                   headers=headers["clerk"]).get_json()
                items = body["work_items"]
                while items:
                    user, action, data = bench.INVOICE_STEPS[items[0]["element"]]
                    if args.cartable:
                        client.get("/api/v1/work-items?mine=true&status=open", headers=headers[user])
                    reply = client.post(f"/api/v1/work-items/{items[0]['id']}/complete",
                                        json={"action": action, "data": data}, headers=headers[user])
                    assert reply.status_code == 200, reply.get_data(as_text=True)
                    items = reply.get_json()["instance"]["work_items"]

        drive(30)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        drive(args.instances)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        print(f"unprofiled, one thread, Flask test client: {wall / args.instances * 1000:.2f} ms wall, "
              f"{cpu / args.instances * 1000:.2f} ms CPU per instance (app side only; PostgreSQL not included)")
        if args.measure_only:
            app.extensions["charkh"].close()
            return
        # CPU time, not wall time: waiting for PostgreSQL is not the application's cost.
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        drive(args.instances)
        profiler.disable()
        app.extensions["charkh"].close()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    by_layer: collections.Counter[str] = collections.Counter()
    for (filename, _line, _name), value in stats.stats.items():  # type: ignore[attr-defined]
        by_layer[layer_of(filename)] += value[2]
    print(f"\ncProfile (thread CPU time): {total:.2f} s of self time over {args.instances} instances "
          f"({total / args.instances * 1000:.2f} ms/instance with profiling overhead)\nself time by layer:")
    for layer, seconds in by_layer.most_common():
        print(f"  {100 * seconds / total:5.1f}%  {layer}")
    print()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


def profile_multi_instance(args: argparse.Namespace) -> None:
    """cProfile (thread CPU time) of completing work items of the 1,000-item multi-instance user
    task (bench/models/multi_user.bpmn), through the engine facade on PostgreSQL."""
    from engine.charkh import Charkh
    from engine.settings import Settings, normalize_database_url

    with tempfile.TemporaryDirectory(prefix="charkh-prof-") as tmp, bench.fresh_database(args.postgres) as db_url:
        bench.make_users(db_url, {"reviewer": ["reviewers"]}, Path(tmp))
        charkh = Charkh(Settings(data_dir=Path(tmp), database_url=normalize_database_url(db_url)))
        charkh.import_bpmn((bench.MODELS / "multi_user.bpmn").read_bytes(), deploy=True)
        who = charkh.caller_named("reviewer")
        started = time.perf_counter()
        items = charkh.start_and_read("bench_multi_user", who, {"items": list(range(args.mi_items))})["work_items"]
        print(f"start with {args.mi_items} items: {(time.perf_counter() - started) * 1000:.0f} ms")
        for item in items[:5]:
            charkh.complete(item["id"], who)
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        for item in items[5:25]:
            charkh.complete(item["id"], who)
        print(f"unprofiled: {(time.perf_counter() - wall0) / 20 * 1000:.1f} ms wall, "
              f"{(time.thread_time() - cpu0) / 20 * 1000:.1f} ms CPU per completion")
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        for item in items[25:25 + args.instances]:
            charkh.complete(item["id"], who)
        profiler.disable()
        charkh.close()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["pyspy", "inprocess", "multi"])
    parser.add_argument("--mi-items", type=int, default=1000)
    parser.add_argument("--instances", type=int, default=None)
    parser.add_argument("--cartable", action="store_true")
    parser.add_argument("--client-procs", type=int, default=1)
    parser.add_argument("--client-threads", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=2)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--record", action="store_true", help="pyspy: append the summary to bench/RESULTS.md")
    parser.add_argument("--measure-only", action="store_true", help="inprocess: print the unprofiled cost only")
    parser.add_argument("--postgres", default=bench.DEFAULT_PG)
    args = parser.parse_args()
    if args.mode == "pyspy":
        args.instances = args.instances or 1000
        profile_pyspy(args)
    elif args.mode == "multi":
        args.instances = args.instances or 20
        profile_multi_instance(args)
    else:
        args.instances = args.instances or 300
        profile_inprocess(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
