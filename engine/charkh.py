"""The engine's public API: every command and query the web app, the CLI and workers use.

Each command is one write transaction. Compiled definitions are cached per version, so a step
never parses BPMN.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from . import access as rules
from .access import Caller, DefinitionFacts, Scope
from .compiler import CompiledDefinition, compile_definition
from .errors import Invalid, NotFound
from .runtime import Runtime
from .sandbox import Sandbox
from .settings import Settings
from .store import background, catalog
from .store import definitions as definition_store
from .store import instances as instance_store
from .store import people
from .store.database import Database
from .store.people import now


# How long a token's caller (name, groups, roles) is remembered by one process.
CALLER_CACHE_SECONDS = 5.0
# How long one process trusts its copy of every definition's visibility, access list and owners
# (the access rule's facts). Changes made through this process apply at once; another process's
# within this long, as for group memberships above.
ACCESS_CACHE_SECONDS = 5.0


class Charkh:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.runtime = Runtime(Sandbox(settings.script_cpu_seconds))
        self._compiled: dict[int, CompiledDefinition] = {}
        self._compiled_lock = threading.Lock()
        self._callers: dict[str, tuple[Caller, float]] = {}
        self._facts: tuple[dict[str, DefinitionFacts], float] = ({}, 0.0)

    def close(self) -> None:
        self.db.dispose()

    # --- people -----------------------------------------------------------------------------

    def add_user(self, name: str, password: str | None = None, groups: list[str] = (),
                 roles: list[str] = (), admin: bool = False, analyst: bool = False,
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

    def add_role(self, name: str, superior: str | None = None) -> None:
        with self.db.write() as conn:
            people.add_role(conn, name, superior)

    def superior_of(self, role: str) -> str | None:
        with self.db.read() as conn:
            return people.superior_of(conn, role)

    def issue_token(self, name: str) -> str:
        with self.db.write() as conn:
            return people.issue_token(conn, name)

    def caller_for_token(self, token: str) -> Caller:
        """Who a bearer token belongs to. Answers are kept for a few seconds: every API call asks,
        and a new group membership may take that long to reach a running server."""
        cached = self._callers.get(token)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        with self.db.read() as conn:
            caller = people.caller_for_token(conn, token)
        if len(self._callers) > 10_000:
            self._callers.clear()
        self._callers[token] = (caller, time.monotonic() + CALLER_CACHE_SECONDS)
        return caller

    def caller_for_password(self, name: str, password: str) -> Caller:
        with self.db.read() as conn:
            return people.caller_for_password(conn, name, password)

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
        caller: the operator at the command line."""
        for attempt in range(3):
            try:
                with self.db.write() as conn:
                    summary, compiled = definition_store.import_bpmn(
                        conn, data, self.settings.max_bpmn_bytes, deploy=deploy, caller=caller)
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

    def latest_files(self) -> list[tuple[str, bytes]]:
        with self.db.read() as conn:
            return definition_store.all_latest(conn)

    def _definition(self, conn: Connection, version_id: int) -> CompiledDefinition:
        compiled = self._compiled.get(version_id)
        if compiled is None:
            data = definition_store.bpmn_of_version_id(conn, version_id)
            compiled = compile_definition(data, max(self.settings.max_bpmn_bytes, len(data)))
            with self._compiled_lock:
                self._compiled[version_id] = compiled
        return compiled

    # --- instances and work items -----------------------------------------------------------

    def start(self, key: str, caller: Caller, variables: dict[str, Any] | None = None,
              process: str | None = None, record: dict[str, Any] | None = None) -> str:
        """Start an instance of the latest deployed version; returns its id."""
        return self.start_and_read(key, caller, variables, process, record)["id"]

    def start_and_read(self, key: str, caller: Caller, variables: dict[str, Any] | None = None,
                       process: str | None = None, record: dict[str, Any] | None = None) -> dict[str, Any]:
        """Start an instance; returns it with its open work items, as of its first wait state."""
        variables = variables or {}
        if not isinstance(variables, dict):
            raise Invalid("variables must be a JSON object")
        with self.db.write() as conn:
            version = definition_store.latest_deployed(conn, key, caller, self.definition_facts)
            definition = self._definition(conn, version.id)
            return instance_store.start_instance(conn, self.runtime, definition, version.id, key,
                                                 process, variables, record, caller)

    def claim(self, item_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.write() as conn:
            instance_store.claim_work_item(conn, item_id, caller, self.definition_facts)
        return self.work_item(item_id, caller)

    def complete(self, item_id: str, caller: Caller, action: str | None = None,
                 data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Complete a work item with an action; returns {"work_item", "instance"} as they are now."""
        data = data or {}
        if not isinstance(data, dict):
            raise Invalid("data must be a JSON object")
        with self.db.write() as conn:
            return instance_store.complete_work_item(conn, self.runtime, self._definition, item_id,
                                                     caller, action, data, self.definition_facts)

    def send_message(self, instance_id: str, name: str, caller: Caller,
                     data: dict[str, Any] | None = None) -> dict[str, Any]:
        if not isinstance(data or {}, dict):
            raise Invalid("data must be a JSON object")
        with self.db.write() as conn:
            return instance_store.deliver_message(conn, self.runtime, self._definition, instance_id, name,
                                                  data or {}, caller, self.definition_facts)

    def work_item(self, item_id: str, caller: Caller) -> dict[str, Any]:
        """One work item, for whoever may see its instance."""
        with self.db.read() as conn:
            row = instance_store.work_item_row(conn, instance_store.parse_id(item_id, "work item"))
            if row is None:
                raise NotFound(f"no work item with id {item_id}")
            known = instance_store.instance_facts(conn, row.instance_id, self.definition_facts)
            rules.check_see_instance(caller, known, f"work item {item_id}")
            return instance_store.work_item_json(row._mapping)

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

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire every timer that is due, each in its own transaction; returns how many fired."""
        fired = 0
        with self.db.read() as conn:
            due = background.due_timers(conn, now(), limit)
        for timer_id in due:
            with self.db.write() as conn:
                fired += background.fire_timer(conn, self.runtime, self._definition, timer_id)
        return fired

    def claim_jobs(self, limit: int = 100) -> list[int]:
        """Lease the outbox jobs that are due to be handed to the broker."""
        with self.db.write() as conn:
            return background.claim_jobs(conn, now(), limit)

    def job(self, job_id: int) -> dict[str, Any]:
        with self.db.read() as conn:
            return background.job_json(conn, job_id)

    def finish_job(self, job_id: int, output: dict[str, Any] | None = None) -> bool:
        with self.db.write() as conn:
            return background.finish_job(conn, self.runtime, self._definition, job_id, output or {})

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
        with self.db.write() as conn:
            version_id, number, compiled = definition_store.deploy_version(
                conn, key, version, self.settings.max_bpmn_bytes, caller)
        with self._compiled_lock:
            self._compiled[version_id] = compiled
        return {"key": key, "version": number, "deployed": True}

    def instance_brief(self, instance_id: str) -> dict[str, Any]:
        """What a command's caller needs next: status, variables and the open work items."""
        with self.db.read() as conn:
            return instance_store.instance_brief(conn, instance_id)

    def instances(self, caller: Caller, status: str | None = None, definition: str | None = None,
                  limit: int = 100, after: str | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return instance_store.list_instances(conn, self.scope(caller), status, definition, limit, after)
