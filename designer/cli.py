"""The ``charkh`` command (../shared/API.md, Command line)."""
from __future__ import annotations

import argparse
import json
import os
import sys

from engine.errors import CharkhError
from engine.settings import Settings

from .progress import BatchProgress


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(args.data)


def _charkh(args: argparse.Namespace):
    from engine.charkh import Charkh

    return Charkh(_settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    """Embedded mode: one process, SQLite, a multi-threaded production WSGI server."""
    from waitress.server import create_server

    from connectors.broker import Dispatch, Scheduler

    from .app import create_app

    settings = _settings(args)
    app = create_app(settings)
    try:  # listen first: a busy port is one line, before any worker or scheduler starts
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="charkh",
                               connection_limit=1000)
    except OSError as exc:
        print(f"charkh serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc} "
              "(another charkh serve? choose another port with --port)", file=sys.stderr)
        return 1
    charkh = app.extensions["charkh"]
    charkh.warm_script_runners()
    dispatch = Dispatch(charkh, settings.redis_url)
    worker = dispatch.worker(threads=2)
    worker.start()
    Scheduler(charkh, dispatch).start_thread()
    where = settings.database_url if "sqlite" not in settings.database_url else settings.data_dir
    print(f"Charkh on http://{args.host}:{args.port}/ (data: {where})", flush=True)
    server.run()
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    """Distributed mode's web process: gunicorn with threads."""
    from gunicorn.app.base import BaseApplication

    from .app import create_app

    settings = _settings(args)

    class Web(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("worker_class", "gthread")

        def load(self):
            app = create_app(settings)  # in each worker process: its own script children
            app.extensions["charkh"].warm_script_runners()
            return app

    Web().run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Distributed mode's worker: runs outbox jobs from Redis."""
    import signal
    import threading

    from connectors.broker import Dispatch

    settings = _settings(args)
    if not settings.redis_url:
        raise CharkhError("charkh worker needs CHARKH_REDIS_URL (charkh serve runs an in-process worker)")
    dispatch = Dispatch(_charkh(args), settings.redis_url)
    worker = dispatch.worker(threads=args.threads)
    worker.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    worker.stop()
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    """Distributed mode's scheduler: fires timers, hands outbox jobs to Redis. Several may run;
    row locks (SKIP LOCKED) keep them from taking the same timer or job."""
    from connectors.broker import Dispatch, Scheduler

    settings = _settings(args)
    if not settings.redis_url:
        raise CharkhError("charkh scheduler needs CHARKH_REDIS_URL (charkh serve runs an in-process scheduler)")
    charkh = _charkh(args)
    Scheduler(charkh, Dispatch(charkh, settings.redis_url), interval=args.interval).run()
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    charkh = _charkh(args)
    created = charkh.add_user(args.name, args.password, args.group, args.role, args.admin, args.analyst,
                              args.integration)
    print(f"{'created' if created else 'updated'} user {args.name}", file=sys.stderr)
    return 0


def cmd_role_add(args: argparse.Namespace) -> int:
    _charkh(args).add_role(args.name, args.superior)
    print(f"role {args.name}" + (f" reports to {args.superior}" if args.superior else ""), file=sys.stderr)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """Print a new token (stdout holds it alone); or list the user's tokens; or revoke them."""
    charkh = _charkh(args)
    if args.list:
        at = charkh.clock()
        print(f"{'id':<12}  {'kind':<7}  {'created':<20}  {'expires':<20}  status")
        for record in charkh.tokens_of(args.name):
            expires = _when(record.expires_at) if record.expires_at else "never"
            print(f"{record.id:<12}  {record.kind:<7}  {_when(record.created_at):<20}  {expires:<20}  "
                  f"{record.status(at)}")
        return 0
    if args.revoke is not None:
        which = None if args.revoke == _ALL else args.revoke
        count = charkh.revoke_tokens(args.name, which)
        print(f"revoked {count} token{'' if count == 1 else 's'} of {args.name}", file=sys.stderr)
        return 0
    print(charkh.issue_token(args.name, args.days))
    return 0


_ALL = "all"  # `--revoke` alone, or `--revoke all`: every token of the user


def _operator():
    """Who a command run on the server acts as: an administrator named "system"."""
    from engine.access import Caller

    return Caller(name="system", is_admin=True, groups=frozenset())


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_import(args: argparse.Namespace) -> int:
    """Import files and folders; exit 0 when every file is stored (or unchanged), 1 when some
    were refused."""
    from . import transfer

    files = transfer.bpmn_files(args.paths)
    charkh = _charkh(args)
    results = transfer.import_paths(charkh, files, args.deploy, _progress(args, len(files), "importing", "files"))
    summary = transfer.ImportSummary.of(results)
    if args.json:
        print(json.dumps(transfer.import_document(results), ensure_ascii=False, indent=2))
    else:
        print(summary.line(args.deploy))
        refused = [r for r in results if r.refused]
        if refused:
            print("refused:")
            for result in refused:
                print(f"  {result.path}: {result.reason}")
    return 1 if summary.refused else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Every definition's latest version as KEY.bpmn, byte for byte as uploaded."""
    from . import transfer

    folder = transfer.export_folder(args.dir)
    plan = transfer.export_plan(folder, _charkh(args).latest_files(), args.force)
    results = transfer.export_all(plan, _progress(args, len(plan), "exporting", "files"))
    summary = transfer.export_summary(results)
    if args.json:
        print(json.dumps({"files": [vars(r) for r in results], "summary": summary}, ensure_ascii=False, indent=2))
    else:
        print(f"{summary['definitions']} definitions: {summary['written']} written, "
              f"{summary['unchanged']} unchanged, in {folder}")
    return 0


def cmd_entity_list(args: argparse.Namespace) -> int:
    found = _charkh(args).records.entities()
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for entity in found:
            print(f"{entity['name']}\t{entity['label']}\t" + ", ".join(f"{f['name']} ({f['type']})"
                                                                      for f in entity["fields"]))
    return 0


def cmd_entity_put(args: argparse.Namespace) -> int:
    """Define or redefine an entity from a JSON file shaped as PUT /entities/{name}'s body."""
    try:
        body = json.loads(open(args.file, encoding="utf-8").read())
    except FileNotFoundError:
        raise CharkhError(f"{args.file}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as bad:
        raise CharkhError(f"{args.file}: not JSON ({bad})") from None
    found, created = _charkh(args).records.put_entity(args.name, body, _operator())
    print(f"{'defined' if created else 'redefined'} entity {found['name']} with {len(found['fields'])} fields",
          file=sys.stderr)
    return 0


def cmd_records_import(args: argparse.Namespace) -> int:
    """A CSV file's rows as records of an entity; exit 0 when every row is stored, 1 when some were refused."""
    from pathlib import Path

    from . import record_import

    charkh = _charkh(args)
    rows = record_import.read_rows(Path(args.file))
    writer = charkh.caller_named(args.as_user) if args.as_user else _operator()
    result = record_import.import_rows(charkh, args.entity, rows, args.key, writer,
                                       _progress(args, len(rows), "importing", "rows"))
    if args.json:
        print(json.dumps(result.document(), ensure_ascii=False, indent=2))
    else:
        print(result.line(args.entity))
        for refused in result.refused[:50]:
            print(f"  line {refused['line']}: {refused['reason']}")
    return 1 if result.refused else 0


def cmd_event(args: argparse.Namespace) -> int:
    """Tell Charkh an inbound event (as POST /api/v1/inbound-events); prints what it did as JSON."""
    body: dict = {"name": args.name}
    if args.payload is not None:
        try:
            body["data"] = json.loads(args.payload)
        except json.JSONDecodeError as bad:
            raise CharkhError(f"--payload is not JSON ({bad})") from None
    if args.record is not None:
        entity, _, record_id = args.record.partition(":")
        body["record"] = {"entity": entity, "id": record_id}
    if args.correlation is not None:
        variable, _, value = args.correlation.partition("=")
        body["correlation"] = {variable: value}
    if args.ttl is not None:
        body["ttl"] = args.ttl
    charkh = _charkh(args)
    sender = charkh.caller_named(args.as_user) if args.as_user else _operator()
    print(json.dumps(charkh.events.post(body, sender, args.key), ensure_ascii=False, indent=2))
    return 0


def _progress(args: argparse.Namespace, total: int, verb: str, noun: str) -> BatchProgress:
    """A bar on the terminal that shows the results (stderr's under --json, whose stdout is the
    document); plain numbered lines when that is not a terminal, none under --json."""
    screen = sys.stderr if args.json else sys.stdout
    return BatchProgress(total, verb, noun, bar=screen if screen.isatty() else None,
                         out=sys.stdout, err=sys.stderr, lines=not args.json)


def build_parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("--data", default=None, help="data folder (default ./charkh-data, or CHARKH_DATA)")
    # On subcommands the option must not reset a --data given before the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", default=argparse.SUPPRESS, help="data folder (default ./charkh-data, or CHARKH_DATA)")
    parser = argparse.ArgumentParser(prog="charkh", description="Charkh BPMN process engine", parents=[top])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", parents=[common], help="embedded mode: web, API, worker, scheduler")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("CHARKH_PORT", "8000")))
    # Enough threads that requests waiting for a script child (up to its limit) never take them all.
    serve.add_argument("--threads", type=int, default=16)
    serve.set_defaults(run=cmd_serve)

    web = sub.add_parser("web", parents=[common], help="distributed mode's web process (gunicorn)")
    web.add_argument("--host", default="0.0.0.0")
    web.add_argument("--port", type=int, default=8000)
    # A process per core, and enough threads that requests waiting for a script child (up to its
    # limit) never take them all: with 10 runaways, 2 x 2 threads left ordinary calls a p99 of 2 s,
    # 2 x 16 of 66-73 ms, for the same CPU per invoice (bench/RESULTS.md, hostile and invoice).
    # Keep-alive connections wait in the worker's poller, not in a thread.
    web.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    web.add_argument("--threads", type=int, default=16)
    web.set_defaults(run=cmd_web)

    worker = sub.add_parser("worker", parents=[common], help="distributed mode's worker (Dramatiq on Redis)")
    worker.add_argument("--threads", type=int, default=4)
    worker.set_defaults(run=cmd_worker)

    scheduler = sub.add_parser("scheduler", parents=[common], help="distributed mode's timer and outbox sweeper")
    scheduler.add_argument("--interval", type=float, default=0.5)
    scheduler.set_defaults(run=cmd_scheduler)

    user = sub.add_parser("user", parents=[common], help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", parents=[common], help="create a user or add groups and roles to one")
    add.add_argument("name")
    add.add_argument("--password")
    add.add_argument("--group", action="append", default=[])
    add.add_argument("--role", action="append", default=[])
    add.add_argument("--admin", action="store_true", help="may do everything")
    add.add_argument("--analyst", action="store_true",
                     help="may create, import, edit and deploy definitions (and so write scripts)")
    add.add_argument("--integration", action="store_true",
                     help="a machine caller that may post messages to instances")
    add.set_defaults(run=cmd_user_add)

    role = sub.add_parser("role", parents=[common], help="manage roles (positions)")
    role_sub = role.add_subparsers(dest="role_command", required=True)
    role_add = role_sub.add_parser("add", parents=[common], help="create a role or set its superior")
    role_add.add_argument("name")
    role_add.add_argument("--superior", help="the role this one reports to")
    role_add.set_defaults(run=cmd_role_add)

    token = sub.add_parser("token", parents=[common], help="print a new API token for a user; list or revoke them")
    token.add_argument("name")
    token.add_argument("--days", type=float, default=None,
                       help="how long the new token is valid (default CHARKH_TOKEN_DAYS, 90)")
    what = token.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the user's tokens (ids, never secrets)")
    what.add_argument("--revoke", nargs="?", const=_ALL, metavar="ID",
                      help="revoke all the user's tokens and page sessions, or the one given by id "
                           "(from --list, at least 6 digits) or by the token itself")
    token.set_defaults(run=cmd_token)

    imp = sub.add_parser("import", parents=[common], help="import BPMN files or folders")
    imp.add_argument("paths", nargs="+")
    imp.add_argument("--deploy", action="store_true", help="also make each file runnable")
    imp.add_argument("--json", action="store_true", help="print one JSON document: each file's outcome, the summary")
    imp.set_defaults(run=cmd_import)

    exp = sub.add_parser("export", parents=[common], help="write every definition's latest version as KEY.bpmn")
    exp.add_argument("dir")
    exp.add_argument("--force", action="store_true", help="overwrite files of the same name that differ")
    exp.add_argument("--json", action="store_true", help="print one JSON document: each file written, the summary")
    exp.set_defaults(run=cmd_export)

    entity = sub.add_parser("entity", parents=[common], help="list or define the entities records belong to")
    entity_sub = entity.add_subparsers(dest="entity_command", required=True)
    entity_list = entity_sub.add_parser("list", parents=[common], help="each entity with its fields")
    entity_list.add_argument("--json", action="store_true", help="print them as GET /entities does")
    entity_list.set_defaults(run=cmd_entity_list)
    entity_put = entity_sub.add_parser("put", parents=[common], help="define or redefine an entity from a JSON file")
    entity_put.add_argument("name")
    entity_put.add_argument("file", help='{"label", "labels"?, "fields": [{"name", "label", "type", ...}]}')
    entity_put.set_defaults(run=cmd_entity_put)

    records = sub.add_parser("records", parents=[common], help="records of an entity")
    records_sub = records.add_subparsers(dest="records_command", required=True)
    records_import = records_sub.add_parser("import", parents=[common],
                                            help="a CSV file's rows as records (the header names the fields)")
    records_import.add_argument("entity")
    records_import.add_argument("file")
    records_import.add_argument("--key", help="the column holding the outside system's id: known ids update "
                                              "their record, so importing again changes nothing")
    records_import.add_argument("--as", dest="as_user", help="the user the records are written by (their owner, "
                                                            "and who starts what triggers start)")
    records_import.add_argument("--json", action="store_true", help="print one JSON document: counts and refused rows")
    records_import.set_defaults(run=cmd_records_import)

    event = sub.add_parser("event", parents=[common], help="tell an inbound event: start, deliver or keep a message")
    event.add_argument("name", help="the message's name")
    event.add_argument("--record", help="ENTITY:ID, the record it is for")
    event.add_argument("--correlation", help="VARIABLE=VALUE: for the instances whose variable holds the value")
    event.add_argument("--payload", help="a JSON object: what the message carries (its data)")
    event.add_argument("--ttl", type=int, help="seconds to keep it when nothing waits for it yet")
    event.add_argument("--key", help="an idempotency key: the same key again does nothing twice")
    event.add_argument("--as", dest="as_user", help="the user who tells it (default: the operator)")
    event.set_defaults(run=cmd_event)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except CharkhError as exc:
        print(f"charkh {args.command}: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
