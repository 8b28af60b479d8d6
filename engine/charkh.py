"""The engine's public API: every command and query the web app, the CLI and workers use.

The commands that move instances live in engine/commands.py; this facade adds people, tokens,
sign-in, definitions and the queries. Compiled definitions are cached per version, so a step
never parses BPMN.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from . import access as rules
from . import restarts
from .access import Caller, DefinitionFacts, Scope
from .action_choice import choose_one_of, left_undecided
from .bpmn_xml import read_bpmn
from .calendar import Calendar
from .clock import Clock, system_clock
from .commands import Commands
from .compiler import CompiledDefinition, compile_definition
from .condition_expressions import with_condition_expressions
from .entities import types_of
from .errors import Invalid, NotFound, ScriptError, StepFailed, Throttled, Unauthorized
from .inbound_events import InboundEvents
from .notifications import Notifications
from .page_sessions import SessionPolicy
from .record_steps import RecordSteps
from .records import Records
from .runtime import Runtime
from .sandbox import Sandbox
from .script_pool import shared_pool
from .settings import Settings
from .sign_in import SignInPolicy, address_subject, name_subject
from .store import background, catalog, people, sign_in_failures, tokens
from .store import definitions as definition_store
from .store import instances as instance_store
from .store import records as record_store
from .store.database import Database
from .store.people import now
from .triggers import EntityTypes

# Days an expired or revoked token stays listed (`charkh token NAME --list`) before it is deleted.
TOKEN_KEEP_DAYS = 30
# How long a token's caller (name, groups, roles) is remembered by one process.
CALLER_CACHE = timedelta(seconds=5)
# How long one process trusts its copy of every definition's visibility, access list and owners
# (the access rule's facts). Changes made through this process apply at once; another process's
# within this long, as for group memberships above.
ACCESS_CACHE_SECONDS = 5.0


class Charkh:
    def __init__(self, settings: Settings, clock: Clock = system_clock,
                 entity_types: EntityTypes | None = None) -> None:
        self.settings = settings
        self.clock = clock  # tests move a FrozenClock instead of sleeping
        # An entity's field types, or None for no such entity: what deploy checks triggers and
        # conditions against and gateways test records with (the stored entities by default).
        self.entity_types: EntityTypes = entity_types or self._stored_entity_types
        self._entity_types: tuple[dict[str, dict[str, str]], float] = ({}, 0.0)
        self.session_policy = SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                                            max_age=timedelta(hours=settings.session_max_hours))
        self.sign_in_policy = SignInPolicy(settings.sign_in_free_failures, settings.sign_in_address_free_failures,
                                           settings.sign_in_max_lock_seconds)
        self.db = Database(settings.database_url)
        self.script_pool = shared_pool(settings.script_workers, settings.script_memory_mb)
        sandbox = Sandbox(settings.script_seconds, settings.max_variables_bytes, self.script_pool)
        self.runtime = Runtime(sandbox, settings.max_multi_instance, settings.max_step_tasks,
                               settings.max_step_seconds, timezone=settings.zone)
        self._compiled: dict[int, CompiledDefinition] = {}
        self._compiled_lock = threading.Lock()
        self._callers: dict[str, tuple[Caller, datetime]] = {}
        self._facts: tuple[dict[str, DefinitionFacts], float] = ({}, 0.0)
        self.commands = Commands(settings, self.db, self.runtime, self._definition, self.definition_facts)
        # Office work (MISSION F6): tasks, events, rooms, the calendar, and notifications.
        self.calendar = Calendar(self.db, self.clock, self.definition_facts, self.hidden_definitions,
                                 settings.timezone)
        self.notifications = Notifications(self.db, self.clock, self.hidden_definitions)
        self.records = Records(self)
        self.commands.record_steps = RecordSteps(self.records, sandbox, lambda: self.clock())
        self.events = InboundEvents(self)

    def close(self) -> None:
        self.db.dispose()

    def warm_script_runners(self) -> None:
        """A server starts its script children at once (in the background), not on first use."""
        self.script_pool.warm()

    # --- people -----------------------------------------------------------------------------

    def add_user(self, name: str, password: str | None = None, groups: Sequence[str] = (),
                 roles: Sequence[str] = (), admin: bool = False, analyst: bool = False,
                 integration: bool = False) -> bool:
        with self.db.write() as conn:
            created = people.add_user(conn, name, password, list(groups), list(roles), admin, analyst, integration)
        self._callers.clear()
        return created

    def set_roles(self, name: str, caller: Caller, changes: dict[str, bool | None]) -> dict[str, Any]:
        """Grant or take away analyst, integration and administrator; administrators only."""
        rules.check_admin(caller, "change a user's roles")
        if changes.get("admin") is False and name == caller.name:
            raise Invalid("administrators cannot take away their own administrator role")
        with self.db.write() as conn:
            people.set_roles(conn, name, changes)
            found = next(u for u in people.list_users(conn) if u["name"] == name)
        self._callers.clear()
        return found

    def users(self, caller: Caller) -> list[dict[str, Any]]:
        rules.check_admin(caller, "list users and their roles")
        with self.db.read() as conn:
            return people.list_users(conn)

    def people_named(self, text: str, caller: Caller, limit: int = 20) -> list[dict[str, str]]:
        """Users whose name contains the text: whom a record's user field or owner may name. Any
        signed-in person asks (records are shared, and their history names people anyway)."""
        del caller
        with self.db.read() as conn:
            return [{"name": name} for name in people.names_like(conn, text.strip(), limit)]

    def add_role(self, name: str, superior: str | None = None) -> None:
        with self.db.write() as conn:
            people.add_role(conn, name, superior)

    def superior_of(self, role: str) -> str | None:
        with self.db.read() as conn:
            return people.superior_of(conn, role)

    def issue_token(self, name: str, days: float | None = None) -> str:
        """A new API token for the user, valid for ``days`` (default: the token_days setting)."""
        at = self.clock()
        token = tokens.new_api_token()
        with self.db.write() as conn:
            tokens.store_token(conn, name, token, tokens.API, at,
                               at + timedelta(days=self.settings.token_days if days is None else days))
        return token

    def tokens_of(self, name: str) -> list[tokens.TokenRecord]:
        """The user's tokens, oldest first, without their secrets."""
        with self.db.read() as conn:
            return tokens.tokens_of(conn, name)

    def purge_tokens(self) -> int:
        """Delete tokens (API and page sessions) that ended more than ``TOKEN_KEEP_DAYS`` ago."""
        with self.db.write() as conn:
            return tokens.purge(conn, self.clock() - timedelta(days=TOKEN_KEEP_DAYS))

    def revoke_tokens(self, name: str, which: str | None = None) -> int:
        """Revoke all of the user's tokens (page sessions included), or the one ``which`` names."""
        with self.db.write() as conn:
            count = tokens.revoke(conn, name, which, self.clock())
        self._callers.clear()
        return count

    def caller_for_token(self, token: str) -> Caller:
        """Who a bearer token belongs to. Answers are kept for a few seconds: every API call asks,
        and a new group membership may take that long to reach a running server. Revocation in
        this process is seen at once; from another process (the CLI) within those seconds."""
        at = self.clock()
        cached = self._callers.get(token)
        if cached is not None and cached[1] > at:
            return cached[0]
        with self.db.read() as conn:
            record = tokens.valid_token(conn, token, at)
            caller = people.caller_named(conn, record.user)
        expires_at = record.expires_at
        if record.kind == tokens.SESSION:
            expires_at = self._keep_session_alive(token, record, at)
        if len(self._callers) > 10_000:
            self._callers.clear()
        # Kept for a few seconds, never past the token's expiry.
        keep_until = at + CALLER_CACHE
        self._callers[token] = (caller, min(keep_until, expires_at) if expires_at else keep_until)
        return caller

    def sign_in(self, name: str, password: str, address: str) -> Caller:
        """Check a password, with backoff per name and per client address (engine/sign_in.py):
        a locked attempt is refused before any hashing; a failure is counted."""
        subjects = [name_subject(name), address_subject(address)]
        at = self.clock()
        with self.db.read() as conn:
            counts = sign_in_failures.failures_of(conn, subjects)
            stored = people.password_hash_of(conn, name)
        locked_until = self.sign_in_policy.refusal(counts.get(subjects[0]), counts.get(subjects[1]), at)
        if locked_until is not None:
            raise Throttled("too many failed sign-ins; try again later",
                            {"retry_after": max(1, math.ceil((locked_until - at).total_seconds()))})
        if not people.password_matches(stored, password):
            with self.db.write() as conn:
                sign_in_failures.record_failure(conn, subjects, self.sign_in_policy, self.clock())
            raise Unauthorized("wrong user name or password")
        if subjects[0] in counts:  # the name's owner is back: earlier failures no longer count
            with self.db.write() as conn:
                sign_in_failures.forget(conn, subjects[:1])
        return self.caller_named(name)

    def open_page_session(self, name: str, token: str) -> None:
        """Store ``token`` as a new page session of the user (the pages make the token)."""
        at = self.clock()
        with self.db.write() as conn:
            tokens.store_token(conn, name, token, tokens.SESSION, at, self.session_policy.first_deadline(at))

    def end_page_session(self, token: str) -> None:
        with self.db.write() as conn:
            tokens.revoke_token(conn, token, self.clock())
        self._callers.pop(token, None)

    def _keep_session_alive(self, token: str, record: tokens.TokenRecord, at: datetime) -> datetime:
        # A use moves the idle deadline on (at most once a minute: it is a write).
        assert record.expires_at is not None
        deadline = self.session_policy.slid_deadline(record.created_at, record.expires_at, at)
        if deadline is None:
            return record.expires_at
        with self.db.write() as conn:
            tokens.extend(conn, token, deadline)
        return deadline

    def caller_named(self, name: str) -> Caller:
        with self.db.read() as conn:
            return people.caller_named(conn, name)

    # --- the access rule's facts ------------------------------------------------------------

    def definition_facts(self, key: str, visibility: str | None = None) -> DefinitionFacts:
        """A definition's facts from this process's short-lived copy, read again when it is
        stale, does not know the key, or disagrees with a visibility just read from the database.
        An unknown key counts as public and unowned (the caller's query finds no rows of it)."""
        known, until = self._facts
        found = known.get(key)
        if until <= time.monotonic() or found is None or (visibility is not None and found.visibility != visibility):
            known = self._load_facts()
            found = known.get(key)
        return found or DefinitionFacts(key=key)

    def _all_facts(self) -> dict[str, DefinitionFacts]:
        known, until = self._facts
        return known if until > time.monotonic() else self._load_facts()

    def _load_facts(self) -> dict[str, DefinitionFacts]:
        with self.db.read() as conn:
            known = catalog.all_facts(conn)
        self._facts = (known, time.monotonic() + ACCESS_CACHE_SECONDS)
        return known

    def forget_access(self) -> None:
        """A definition's visibility, access list or owners changed: read them again."""
        self._facts = ({}, 0.0)

    def scope(self, caller: Caller) -> Scope:
        """The instances (and items) the caller may list."""
        return rules.scope(caller, [] if caller.is_admin else self._all_facts().values())

    def hidden_definitions(self, caller: Caller) -> frozenset[str]:
        if caller.is_admin:
            return frozenset()
        return rules.hidden_definitions(caller, self._all_facts().values())

    # --- definitions ------------------------------------------------------------------------

    def import_bpmn(self, data: bytes, deploy: bool = False, caller: Caller | None = None) -> dict[str, Any]:
        """Store a file as the next version of its key; with deploy, make it runnable. No
        caller: the operator at the command line. The file is read, and compiled for deploy,
        outside the write transaction, after the access checks (403 comes before 422). The file is
        stored as uploaded, but for the conditionExpression of each flow with charkh:conditions
        (engine/condition_expressions.py), written when it is missing or out of date."""
        if caller is not None:
            rules.check_create_definitions(caller)
        bpmn = read_bpmn(data, self.settings.max_bpmn_bytes)
        if caller is not None:
            with self.db.read() as conn:
                definition_store.check_may_store(conn, bpmn.key, caller)
        # flows with typed conditions carry their standard conditionExpression too (for other tools)
        data = with_condition_expressions(data, self.settings.max_bpmn_bytes, self.entity_types)
        compiled = compile_definition(data, max(self.settings.max_bpmn_bytes, len(data)), self.entity_types) \
            if deploy else None
        for attempt in range(3):
            try:
                with self.db.write() as conn:
                    summary = definition_store.import_bpmn(conn, data, bpmn, deploy=deploy, caller=caller)
            except IntegrityError:  # another upload of the same key took the version number
                if attempt == 2:
                    raise
                continue
            finally:
                self.forget_access()
            if compiled is not None:
                with self._compiled_lock:
                    self._compiled[int(summary["version_id"])] = compiled
            return summary
        raise AssertionError("unreachable")

    def bpmn(self, key: str, version: int | None = None) -> bytes:
        with self.db.read() as conn:
            return definition_store.bpmn_of(conn, key, version)

    def list_definitions(self, limit: int = 100, after: str | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return definition_store.list_definitions(conn, limit, after)

    def latest_files(self) -> list[definition_store.LatestVersion]:
        """Every definition's newest version, by key: what `charkh export` writes."""
        with self.db.read() as conn:
            return definition_store.all_latest(conn)

    def _stored_entity_types(self, name: str) -> Mapping[str, str] | None:
        """The stored entity's field types (kept a few seconds: gateways ask at every step;
        records.put_entity forgets them at once in this process)."""
        known, until = self._entity_types
        if until <= time.monotonic():
            with self.db.read() as conn:
                known = {entity["name"]: types_of(entity) for entity in record_store.all_entities(conn)}
            self._entity_types = (known, time.monotonic() + ACCESS_CACHE_SECONDS)
        return known.get(name)

    def forget_entities(self) -> None:
        self._entity_types = ({}, 0.0)

    def compiled_version(self, conn: Connection, version_id: int) -> CompiledDefinition:
        """A stored version, compiled (kept per version: versions never change)."""
        return self._definition(conn, version_id)

    def _definition(self, conn: Connection, version_id: int) -> CompiledDefinition:
        compiled = self._compiled.get(version_id)
        if compiled is None:
            data = definition_store.bpmn_of_version_id(conn, version_id)
            compiled = compile_definition(data, max(self.settings.max_bpmn_bytes, len(data)), self.entity_types,
                                          check_entities=False)
            with self._compiled_lock:
                self._compiled[version_id] = compiled
        return compiled

    # --- instances and work items -----------------------------------------------------------

    def start(self, key: str, caller: Caller, variables: dict[str, Any] | None = None,
              process: str | None = None, record: dict[str, Any] | None = None) -> str:
        """Start an instance of the latest deployed version; returns its id."""
        instance_id: str = self.start_and_read(key, caller, variables, process, record)["id"]
        return instance_id

    # --- commands (engine/commands.py) ------------------------------------------------------

    def start_and_read(self, key: str, caller: Caller, variables: dict[str, Any] | None = None,
                       process: str | None = None, record: dict[str, Any] | None = None) -> dict[str, Any]:
        """Start an instance; returns it with its open work items, as of its first wait state. An
        instance started for a record Charkh keeps sees the record's fields as ``record`` (API.md),
        as one its triggers start does, unless the caller gives ``record`` itself; one started for
        a record kept elsewhere (an outside CRM's) only names it."""
        if record is not None and "record" not in (variables or {}):
            try:
                found = self.records.get(str(record.get("entity")), str(record.get("id")), caller)
            except (NotFound, Invalid):
                found = None
            if found is not None:
                variables = {**(variables or {}), "record": dict(found["fields"])}
        return self.commands.start_and_read(key, caller, variables, process, record)

    def restart(self, instance_id: str, caller: Caller) -> dict[str, Any]:
        """A finished instance begins again as a new one (engine/restarts.py)."""
        return restarts.restart(self, instance_id, caller)

    def claim(self, item_id: str, caller: Caller) -> dict[str, Any]:
        return self.commands.claim(item_id, caller)

    def complete(self, item_id: str, caller: Caller, action: str | None = None,
                 data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Complete a work item with an action; returns {"work_item", "instance"} as they are now.
        An item whose actions are conditions on its data may be completed without naming one;
        when that data then leads nowhere, the person is asked to choose, not shown the script's
        error."""
        try:
            return self.commands.complete(item_id, caller, action, data)
        except (ScriptError, StepFailed) as failed:
            if action or not left_undecided(failed):
                raise
            with self.db.read() as conn:
                row = instance_store.work_item_row(conn, instance_store.parse_id(item_id, "work item"))
            if row is None or len(row.actions) < 2:
                raise
            raise choose_one_of(row.actions) from None

    def send_message(self, instance_id: str, name: str, caller: Caller,
                     data: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.commands.send_message(instance_id, name, caller, data)

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire the timers that are due (in batches: engine/commands.py); returns how many fired."""
        return self.commands.fire_due_timers(limit)

    def fire_timer(self, timer_id: int) -> bool:
        return self.commands.fire_timer(timer_id)

    def finish_job(self, job_id: int, output: dict[str, Any] | None = None) -> bool:
        """A connector did its work: its task completes and the instance runs on. Idempotent."""
        return self.commands.finish_job(job_id, output)

    def work_item(self, item_id: str, caller: Caller) -> dict[str, Any]:
        """One work item, for whoever may see its instance."""
        with self.db.read() as conn:
            row = instance_store.work_item_row(conn, instance_store.parse_id(item_id, "work item"))
            if row is None:
                raise NotFound(f"no work item with id {item_id}")
            known = instance_store.instance_facts(conn, row.instance_id, self.definition_facts)
            rules.check_see_instance(caller, known, f"work item {item_id}")
            form = self.task_form(conn, row.instance_id, row.element)
            return {**instance_store.work_item_json(row._mapping), "form": form}

    def task_form(self, conn: Connection, instance_id: int, element: str) -> dict[str, Any] | None:
        """The form-js schema of a task of the version the instance runs, or None."""
        form = self._definition(conn, definition_store.version_run_by(conn, instance_id)).forms.get(element)
        return form.schema if form else None

    def start_form(self, key: str, caller: Caller, process: str | None = None) -> dict[str, Any]:
        """The form whoever starts the process fills in (its plain start event's form-js schema, or
        None), refused as starting it would be: no such definition, then a private one off the
        caller's list, then one that is deactivated, not deployed or has no such process."""
        with self.db.read() as conn:
            version = definition_store.latest_deployed(conn, key, caller, self.definition_facts)
            definition = self._definition(conn, version.id)
        process_id = instance_store.check_process(definition, key, process)
        found = definition.start_form(process_id)
        return {"key": key, "version": version.version, "process": process_id,
                "element": found[0] if found else None, "form": found[1].schema if found else None}

    def work_items(self, caller: Caller, mine: bool = True, status: str | None = "open", limit: int = 100,
                   after: str | None = None) -> list[dict[str, Any]]:
        """mine: the caller's cartable; else every item of the instances the caller may see."""
        hidden = self.hidden_definitions(caller) if mine else frozenset()
        scope = None if mine else self.scope(caller)
        with self.db.read() as conn:
            return instance_store.list_work_items(conn, caller, mine, status, limit, after, hidden, scope)

    def instance(self, instance_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            return instance_store.instance_json(conn, instance_id, caller, self.definition_facts)

    # --- the scheduler's and workers' commands ----------------------------------------------

    def claim_jobs(self, limit: int = 100) -> list[int]:
        """Lease the outbox jobs that are due to be handed to the broker."""
        with self.db.write() as conn:
            return background.claim_jobs(conn, now(), limit)

    def job(self, job_id: int) -> dict[str, Any]:
        with self.db.read() as conn:
            return background.job_json(conn, job_id)

    def fail_job(self, job_id: int, error: str) -> str:
        with self.db.write() as conn:
            return background.fail_job(conn, job_id, error)

    def retry_job(self, job_id: str, caller: Caller) -> dict[str, Any]:
        rules.check_admin(caller, "retry a failed job")
        number = instance_store.parse_id(job_id, "job")
        with self.db.write() as conn:
            background.retry_job(conn, number, caller.name)
        return self.job(number)

    def deploy(self, key: str, version: int | None, caller: Caller | None) -> dict[str, Any]:
        """Make a stored version runnable (the latest when no version is given)."""
        with self.db.read() as conn:
            stored = definition_store.version_to_deploy(conn, key, version, caller)
        compiled = compile_definition(stored.bpmn, max(self.settings.max_bpmn_bytes, len(stored.bpmn)),
                                      self.entity_types)
        with self.db.write() as conn:
            definition_store.mark_deployed(conn, stored.id)
        with self._compiled_lock:
            self._compiled[stored.id] = compiled
        return {"key": key, "version": stored.version, "deployed": True}

    def instance_brief(self, instance_id: str) -> dict[str, Any]:
        """What a command's caller needs next: status, variables and the open work items."""
        with self.db.read() as conn:
            return instance_store.instance_brief(conn, instance_id)

    def instances(self, caller: Caller, status: str | None = None, definition: str | None = None,
                  limit: int = 100, after: str | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return instance_store.list_instances(conn, self.scope(caller), status, definition, limit, after)
