"""The cartable at scale through the HTTP API (issue 15, "Targets"): bench/cartable_scale.py's
million work items, served by `charkh web` on PostgreSQL.

    .venv/bin/python bench/cartable_http.py [--items 1000000] [--samples 300] [--no-record]

bench/cartable_scale.py times the engine's queries; this one measures what people meet: each
sampled user opens the first page of their cartable (GET /api/v1/work-items?mine=true&status=open,
latency at the client and the server's CPU per call), and the busy user pages through their 2,000
open items by the Link header. Targets: first page <= 10 ms p95 at the API; paging does not slow
down (the last page costs what the first does).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cartable_scale as scale  # noqa: E402  (bench/cartable_scale.py: the data)
import run as bench  # noqa: E402  (bench/run.py)

BUSY = "user1"  # cartable_scale gives this user BUSY_ITEMS open items of their own


def timed_get(client: Any, path: str, token: str) -> tuple[float, Any]:
    started = time.perf_counter()
    reply = client.get(path, headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - started) * 1000.0
    if reply.status_code != 200:
        raise RuntimeError(f"GET {path}: {reply.status_code} {reply.text[:300]}")
    return elapsed, reply


def measure(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(7)
    sampled = sorted({f"user{2 + rng.randrange(scale.USERS - 1)}" for _ in range(args.samples)})

    def tokens_of(charkh: Any) -> dict[str, str]:
        return {name: charkh.issue_token(name) for name in [*sampled, BUSY]}

    with scale.served(args.items, args.postgres, args.workers, args.server_threads, tokens_of) as (server, tokens):
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
                elapsed, reply = timed_get(client, path, tokens[BUSY])
                pages.append(elapsed)
                seen += len(reply.json())
                path = _next_link(reply, server.url)
    return {
        "items": args.items, "open": args.items // 10, "users": scale.USERS, "groups": scale.GROUPS,
        "roles": scale.ROLES,
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
        f"- {args.items:,} work items ({figures['open']:,} open) for {scale.USERS:,} users in {scale.GROUPS} groups "
        f"and {scale.ROLES} roles (bench/cartable_scale.py's data), PostgreSQL, `charkh web` "
        f"{args.workers} x {args.server_threads}",
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
        bench.record("cartable at scale over HTTP", args, lines, figures, bench.machine_note())
    return 0


if __name__ == "__main__":
    sys.exit(main())
