"""The cartable at scale (issue 15, "Targets"): "my items" with a million work items on PostgreSQL.

    .venv/bin/python bench/cartable_scale.py [--items 1000000] [--open 100000] [--users 10000]
                                             [--groups 200] [--roles 50] [--samples 300] [--no-record]

Fills a fresh PostgreSQL database with SQL (generate_series; the engine's own writes would take
hours): users in groups and roles, invoice instances, work items, 10% of them open, each for a
group, a role or a user, and one user ("heavy") with 2,000 open items of their own. Then
`charkh web` serves it and the bench measures what people do: each sampled user opens the first
page of their cartable (GET /api/v1/work-items?mine=true&status=open), and "heavy" pages through
all 2,000 items by the Link header. Targets: first page <= 10 ms p95 at the API; paging does not
slow down (the last page costs what the first does). The page (/cartable drawn <= 300 ms) is
measured by --page with Debian's Chromium.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py)

HEAVY = "heavy"
HEAVY_ITEMS = 2000


def fill(db_url: str, args: argparse.Namespace, version_id: int) -> None:
    """Everything by SQL, in one transaction per table, then ANALYZE."""
    import psycopg

    items, open_every = args.items, max(1, args.items // args.open)
    per_instance = 4
    instances = (items + per_instance - 1) // per_instance
    party = (f"CASE WHEN i % 3 = 0 THEN 'g:g' || (i % {args.groups}) WHEN i % 3 = 1 THEN 'g:r' || (i % {args.roles}) "
             f"ELSE 'u:u' || (i % {args.users}) END")
    statements = [
        f"INSERT INTO groups (name, kind) SELECT 'g' || i, 'group' FROM generate_series(0, {args.groups - 1}) i",
        f"INSERT INTO groups (name, kind) SELECT 'r' || i, 'role' FROM generate_series(0, {args.roles - 1}) i",
        f"INSERT INTO users (name, is_admin, is_analyst, is_integration, created_at) "
        f"SELECT 'u' || i, false, false, false, now() FROM generate_series(0, {args.users - 1}) i",
        # each user in one group and one role
        "INSERT INTO memberships (user_id, group_id) SELECT u.id, g.id FROM users u JOIN groups g "
        f"ON g.name = 'g' || (substr(u.name, 2)::int % {args.groups}) WHERE u.name ~ '^u[0-9]+$'",
        "INSERT INTO memberships (user_id, group_id) SELECT u.id, g.id FROM users u JOIN groups g "
        f"ON g.name = 'r' || (substr(u.name, 2)::int % {args.roles}) WHERE u.name ~ '^u[0-9]+$'",
        "INSERT INTO instances (version_id, definition_key, process_id, status, revision, state, variables, "
        "started_by, created_at, updated_at) "
        f"SELECT {version_id}, 'invoice', 'invoice', 'running', 1, '\\x7b7d'::bytea, "
        "json_build_object('customer', 'Customer ' || i, 'amount', i % 5000), "
        f"'u' || (i % {args.users}), now(), now() FROM generate_series(1, {instances + HEAVY_ITEMS}) i",
        # items 1..N: instance (i-1)/4+1; every open_every-th one open, the rest completed
        "INSERT INTO work_items (instance_id, task_id, element, name, status, users, groups, roles, actions, "
        "due_at, created_at, completed_at, completed_by{extra_columns}) "
        f"SELECT (i - 1) / {per_instance} + 1, md5(i::text), 'approve_invoice', 'Approve the invoice', "
        f"CASE WHEN i % {open_every} = 0 THEN 'open' ELSE 'completed' END, "
        f"CASE WHEN i % 3 = 2 THEN json_build_array('u' || (i % {args.users})) ELSE '[]'::json END, "
        f"CASE WHEN i % 3 = 0 THEN json_build_array('g' || (i % {args.groups})) ELSE '[]'::json END, "
        f"CASE WHEN i % 3 = 1 THEN json_build_array('r' || (i % {args.roles})) ELSE '[]'::json END, "
        "'[{\"id\": \"flow_approve\", \"name\": \"Approve\"}, {\"id\": \"flow_reject\", \"name\": \"Reject\"}]'::json, "
        "now() + ((i % 30) - 10) * interval '1 day', now() - (i % 1000) * interval '1 minute', "
        f"CASE WHEN i % {open_every} = 0 THEN NULL ELSE now() END, "
        f"CASE WHEN i % {open_every} = 0 THEN NULL ELSE 'u' || (i % {args.users}) END{{extra_values}} "
        f"FROM generate_series(1, {items}) i",
        f"INSERT INTO work_item_parties (work_item_id, principal) SELECT i, {party} FROM generate_series(1, {items}) i",
        # the heavy user: 2,000 open items of their own, one per instance after the others
        f"INSERT INTO users (name, is_admin, is_analyst, is_integration, created_at) "
        f"VALUES ('{HEAVY}', false, false, false, now())",
        "INSERT INTO work_items (instance_id, task_id, element, name, status, users, groups, roles, actions, "
        "due_at, created_at{extra_columns}) "
        f"SELECT {instances} + i, md5('h' || i), 'approve_invoice', 'Approve the invoice', 'open', "
        f"json_build_array('{HEAVY}'), '[]'::json, '[]'::json, "
        "'[{\"id\": \"flow_approve\", \"name\": \"Approve\"}]'::json, now() + (i % 30) * interval '1 day', "
        f"now(){{extra_values}} FROM generate_series(1, {HEAVY_ITEMS}) i",
        f"INSERT INTO work_item_parties (work_item_id, principal) SELECT id, 'u:{HEAVY}' FROM work_items "
        f"WHERE id > {items}",
    ]
    with psycopg.connect(bench._psycopg_url(db_url), autocommit=True) as conn:
        columns = {row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'work_items'")}
        # columns newer than this bench (issue 15's title and definition) are filled when present
        extra = [("definition_key", "'invoice'"), ("title", "'Invoice ' || i || ' - Customer ' || i")]
        extra = [(c, v) for c, v in extra if c in columns]
        extra_columns = "".join(f", {c}" for c, _ in extra)
        extra_values = "".join(f", {v}" for _, v in extra)
        for statement in statements:
            started = time.perf_counter()
            conn.execute(statement.replace("{extra_columns}", extra_columns).replace("{extra_values}", extra_values))
            print(f"  {time.perf_counter() - started:6.1f} s  {statement[:90]}...", flush=True)
        conn.execute("SELECT setval(pg_get_serial_sequence('work_items', 'id'), (SELECT max(id) FROM work_items))")
        conn.execute("SELECT setval(pg_get_serial_sequence('instances', 'id'), (SELECT max(id) FROM instances))")
        conn.execute("VACUUM ANALYZE")


def timed_get(client: Any, path: str, token: str) -> tuple[float, Any]:
    started = time.perf_counter()
    reply = client.get(path, headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - started) * 1000.0
    if reply.status_code != 200:
        raise RuntimeError(f"GET {path}: {reply.status_code} {reply.text[:300]}")
    return elapsed, reply


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from engine.charkh import Charkh
    from engine.settings import Settings, normalize_database_url

    with tempfile.TemporaryDirectory(prefix="charkh-scale-") as tmp, bench.fresh_database(args.postgres) as db_url:
        charkh = Charkh(Settings(data_dir=Path(tmp), database_url=normalize_database_url(db_url)))
        try:
            summary = charkh.import_bpmn(bench.INVOICE.read_bytes(), deploy=True)
            print(f"filling {args.items} work items ({args.open} open) for {args.users} users ...", flush=True)
            fill(db_url, args, int(summary["version_id"]))
            rng = random.Random(7)
            sampled = sorted({f"u{rng.randrange(args.users)}" for _ in range(args.samples)})
            tokens = {name: charkh.issue_token(name) for name in [*sampled, HEAVY]}
        finally:
            charkh.close()
        server = bench.Server(db_url, Path(tmp), args.workers, args.server_threads)
        server.start()
        try:
            with bench.StdlibClient(server.url) as client:
                first_page = f"/api/v1/work-items?mine=true&status=open&limit={args.limit}"
                for name in sampled[:20]:  # warm the workers' caches and PostgreSQL's
                    timed_get(client, first_page, tokens[name])
                meter = bench.CpuMeter({"server": server.pids})
                meter.start()
                latencies, listed = [], []
                for name in sampled:
                    elapsed, reply = timed_get(client, first_page, tokens[name])
                    latencies.append(elapsed)
                    listed.append(len(reply.json()))
                cpu = meter.stop()
                pages = []
                path: str | None = f"/api/v1/work-items?mine=true&status=open&limit={args.heavy_limit}"
                seen = 0
                while path:
                    elapsed, reply = timed_get(client, path, tokens[HEAVY])
                    pages.append(elapsed)
                    seen += len(reply.json())
                    path = _next_link(reply, server.url)
        finally:
            server.stop()
    return {
        "items": args.items, "open": args.open, "users": args.users, "groups": args.groups, "roles": args.roles,
        "first_page": {"n": len(latencies), "p50": statistics.median(latencies),
                       "p95": bench.percentile(latencies, 95), "p99": bench.percentile(latencies, 99),
                       "items_listed_avg": statistics.mean(listed), "limit": args.limit,
                       "server_cpu_ms": cpu["server"] / len(latencies) * 1000.0},
        "heavy": {"items": seen, "pages": len(pages), "limit": args.heavy_limit,
                  "first_page_ms": pages[0], "last_page_ms": pages[-1],
                  "median_page_ms": statistics.median(pages), "max_page_ms": max(pages)},
    }


def _next_link(reply: Any, base: str) -> str | None:
    link = reply.headers.get("Link")
    if not link or 'rel="next"' not in link:
        return None
    target = link.split(";", 1)[0].strip().strip("<>")
    return target[len(base):] if target.startswith(base) else target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--roles", type=int, default=50)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--limit", type=int, default=50, help="the first page's size (the cartable page's)")
    parser.add_argument("--heavy-limit", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=16)
    parser.add_argument("--postgres", default=bench.DEFAULT_PG)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    figures = measure(args)
    first, heavy = figures["first_page"], figures["heavy"]
    lines = [
        f"- {args.items:,} work items ({args.open:,} open) for {args.users:,} users in {args.groups} groups and "
        f"{args.roles} roles, PostgreSQL, `charkh web` {args.workers} x {args.server_threads}",
        f"- first page of \"my items\" (limit {args.limit}, {first['items_listed_avg']:.1f} items listed on average, "
        f"{first['n']} users one after another): p50 {first['p50']:.2f} ms, **p95 {first['p95']:.2f} ms** "
        f"(target <= 10 ms: {'met' if first['p95'] <= 10 else 'NOT met'}), p99 {first['p99']:.2f} ms; "
        f"server CPU {first['server_cpu_ms']:.2f} ms per call",
        f"- a user with {heavy['items']:,} open items pages by {heavy['limit']} in {heavy['pages']} pages: first "
        f"{heavy['first_page_ms']:.2f} ms, median {heavy['median_page_ms']:.2f} ms, "
        f"last {heavy['last_page_ms']:.2f} ms, max {heavy['max_page_ms']:.2f} ms",
    ]
    print("\n".join(lines))
    if not args.no_record:
        bench.record("cartable at scale", args, lines, figures, bench.machine_note())
    return 0


if __name__ == "__main__":
    sys.exit(main())
