"""The cartable at scale (issue 15's targets): PostgreSQL filled with a million work items (a
tenth of them open) for 10,000 users in 200 groups and 50 roles, then the cartable's queries
timed through the engine: a user's first page, a busy user's pages, filters, counts.

    .venv/bin/python bench/cartable_scale.py [--items N] [--database URL] [--no-record]

Fills its own schema (dropped afterwards) of the database (default: the tests' PostgreSQL), and
appends its figures to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.cartables import Cartables  # noqa: E402
from engine.charkh import Charkh  # noqa: E402
from engine.settings import Settings, normalize_database_url  # noqa: E402
from engine.work_filter import WorkFilter  # noqa: E402

USERS, GROUPS, ROLES = 10_000, 200, 50
REPEATS = 50
T = TypeVar("T")
# One user holds this many open items: paging through them must not slow down.
BUSY_ITEMS = 2_000


def fill(conn: Any, items: int) -> None:
    """Users, groups, one definition, an instance per ten items, the items and their parties,
    written by PostgreSQL itself (generate_series): minutes in Python, seconds this way."""
    statements = [
        "INSERT INTO groups (name, kind) SELECT 'group' || g, 'group' FROM generate_series(1, :groups) g",
        "INSERT INTO groups (name, kind) SELECT 'role' || r, 'role' FROM generate_series(1, :roles) r",
        "INSERT INTO users (name, is_admin, created_at, is_analyst, is_integration) "
        "SELECT 'user' || u, false, now(), false, false FROM generate_series(1, :users) u",
        "INSERT INTO memberships (user_id, group_id) SELECT u.id, g.id FROM users u JOIN groups g "
        "ON g.name = 'group' || (1 + (u.id % :groups)) OR g.name = 'role' || (1 + (u.id % :roles))",
        "INSERT INTO definitions (key, name, active, visibility, created_at) "
        "VALUES ('invoice', 'Invoice cycle', true, 'public', now())",
        "INSERT INTO definition_versions (key, version, bpmn, processes, problems, executable, deployed, created_at) "
        "VALUES ('invoice', 1, '\\x00', '[]', '[]', true, true, now())",
        "INSERT INTO instances (version_id, definition_key, process_id, status, revision, state, variables, "
        "created_at, updated_at) SELECT 1, 'invoice', 'invoice', 'running', 1, '\\x00', '{}', now(), now() "
        "FROM generate_series(1, :instances)",
        # every tenth item open; items of user1 and the first group's open ones many
        "INSERT INTO work_items (instance_id, task_id, element, name, status, assignee, claimed_by, users, groups, "
        "roles, actions, due_at, created_at, title, definition_key) SELECT 1 + (i % :instances), i::text, "
        "'approve_invoice', 'Approve invoice', CASE WHEN i % 10 = 0 THEN 'open' ELSE 'completed' END, "
        "CASE WHEN i % 10 = 0 AND i <= :busy * 10 THEN 'user1' END, NULL, '[]', "
        "json_build_array('group' || (1 + (i % :groups))), '[]', "
        "'[{\"id\": \"flow_approve\", \"name\": \"Approve\", \"conditional\": false}]', "
        "now() + ((i % 20) - 5) * interval '1 day', now() - i * interval '1 second', 'Invoice ' || i || ' — Pars Co', "
        "'invoice' FROM generate_series(1, :items) i",
        "INSERT INTO work_item_parties (work_item_id, principal, item_open) SELECT id, CASE WHEN assignee IS NOT NULL "
        "THEN 'u:' || assignee ELSE 'g:' || (groups->>0) END, status IN ('open', 'claimed') FROM work_items",
    ]
    values = {"groups": GROUPS, "roles": ROLES, "users": USERS, "instances": max(1, items // 10), "items": items,
              "busy": BUSY_ITEMS}
    for statement in statements:
        conn.execute(text(statement), values)


def settle(charkh: Charkh) -> None:
    """VACUUM ANALYZE what fill wrote, as autovacuum does soon after a big insert: left to
    autovacuum, it runs during the measurement and doubles its noise."""
    with charkh.db.writer.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


@contextmanager
def served(items: int, postgres: str, workers: int, threads: int,
           prepare: Callable[[Charkh], T]) -> Iterator[tuple[Any, T]]:
    """``items`` work items (fill) in a fresh PostgreSQL database, settled, ``prepare``'s users or
    tokens made, then served by `charkh web` (bench/run.py's Server) until the block ends."""
    import run as bench  # bench/run.py, beside this file

    with tempfile.TemporaryDirectory(prefix="charkh-scale-") as tmp, bench.fresh_database(postgres) as db_url:
        charkh = Charkh(Settings(data_dir=Path(tmp), database_url=normalize_database_url(db_url)))
        try:
            print(f"filling {items:,} work items ...", flush=True)
            with charkh.db.write() as conn:
                fill(conn, items)
            settle(charkh)
            prepared = prepare(charkh)
        finally:
            charkh.close()
        server = bench.Server(db_url, Path(tmp), workers, threads)
        server.start()
        try:
            yield server, prepared
        finally:
            server.stop()


def timed(call: Callable[[], Any]) -> dict[str, float]:
    call()  # warm the caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "max": times[-1]}


def measure(cartables: Cartables, charkh: Charkh) -> dict[str, dict[str, float]]:
    plain = charkh.caller_named("user2")  # in group3 and role3: about 500 open items
    busy = charkh.caller_named("user1")
    boss = charkh.caller_named("user3")
    boss = type(boss)(**{**boss.__dict__, "is_supervisor": True})

    def fifth_page() -> None:
        after = None
        for _ in range(5):
            rows = cartables.work_items(busy, WorkFilter(), 21, after)
            after = rows[19]["id"]

    return {
        "my items, first page (mine, open)": timed(lambda: cartables.work_items(plain, WorkFilter(), 21)),
        "my items sorted by due date": timed(lambda: cartables.work_items(plain, WorkFilter(sort="due_at"), 21)),
        "my overdue items": timed(lambda: cartables.work_items(plain, WorkFilter(due="overdue"), 21)),
        "my items, text search": timed(lambda: cartables.work_items(plain, WorkFilter(q="Invoice 99"), 21)),
        "my counts per process": timed(lambda: cartables.counts(plain, WorkFilter())),
        f"busy user ({BUSY_ITEMS} open): first page": timed(lambda: cartables.work_items(busy, WorkFilter(), 21)),
        "busy user: five pages in a row": timed(fifth_page),
        "supervisor: one user's cartable": timed(lambda: cartables.work_items(boss, WorkFilter(user="user2"), 21)),
        "supervisor: a group's open items": timed(lambda: cartables.work_items(boss, WorkFilter(group="group5"), 21)),
        "supervisor: counts of all open work": timed(lambda: cartables.counts(boss, WorkFilter(mine=False))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-record", action="store_true")
    options = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_database_url(options.database), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{normalize_database_url(options.database)}?options=-csearch_path%3D{schema}"
    charkh = Charkh(Settings(data_dir=Path(tempfile.mkdtemp()), database_url=url))
    try:
        started = time.perf_counter()
        with charkh.db.write() as conn:
            fill(conn, options.items)
        settle(charkh)
        fill_seconds = time.perf_counter() - started
        results = measure(Cartables(charkh), charkh)
    finally:
        charkh.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    lines = [f"## cartable at scale — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- command: `.venv/bin/python bench/cartable_scale.py --items {options.items}`",
             f"- data: {options.items:,} work items ({options.items // 10:,} open) for {USERS:,} users in {GROUPS} "
             f"groups and {ROLES} roles, on PostgreSQL; filled in {fill_seconds:.0f} s",
             f"- each query through the engine (engine/cartables.py), {REPEATS} times after one warm-up; "
             "target: the first page of my items <= 10 ms p95 at the API", "",
             "| query | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {t['p50']:.2f} | {t['p95']:.2f} | {t['max']:.2f} |" for name, t in results.items()]
    report = "\n".join(lines) + "\n"
    print(report)
    if not options.no_record:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as out:
            out.write("\n" + report)


if __name__ == "__main__":
    main()
