"""The commands that move instances: start, claim, complete, message, timer and job.

Each runs in three phases, so that no transaction or lock is held while analysts' code runs:
read what the command needs (one short read transaction), run the step in the runtime (no
transaction), and write (one write transaction) only if the instance is still at the revision
that was read; else the command reads and runs again (StaleState). The store reads and writes
the rows; the runtime runs the steps; this module orders them.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from . import access as rules
from .access import PRIVATE, Caller, DefinitionFacts
from .compiler import CompiledDefinition
from .early_messages import deliver_kept
from .errors import CharkhError, Conflict, Invalid, NotFound, StaleState
from .live_workflows import LiveWorkflows
from .record_steps import RecordSteps, StepContext, has_record_steps
from .runtime import Runtime
from .settings import Settings
from .step import StepResult
from .store import background, people
from .store import definitions as definition_store
from .store import instances as instance_store
from .store import records as record_store
from .store.database import Database, json_text
from .store.messages import KeptMessage
from .store.new_instances import NewInstance
from .store.people import now

logger = logging.getLogger("charkh.engine")
# How many times a command runs its step again when the instance changed while the step ran
# (16 people completing parallel items of one instance at once need up to 16).
COMMAND_ATTEMPTS = 40


@dataclass
class RanStarts:
    """Instances of one definition run to their first wait state, not yet stored: for each start
    asked, the instance (engine/store/new_instances.py stores them in one write) or why it could not
    start (its start form, a script that failed), or None for one whose first step reached a record
    step: those run inside their own start's transaction (engine/record_steps.py), so the caller
    notes them owed and starts each alone."""

    key: str
    version_id: int
    definition: CompiledDefinition
    process: str
    ran: list[NewInstance | str | None]


class Commands:
    """``definition``: a version's compiled definition (cached by the caller); ``definition_facts``:
    the access rule's facts of a definition."""

    def __init__(self, settings: Settings, db: Database, runtime: Runtime,
                 definition: Callable[[Connection, int], CompiledDefinition],
                 definition_facts: Callable[..., DefinitionFacts]) -> None:
        self.settings = settings
        self.db = db
        self.runtime = runtime
        self._definition = definition
        self.definition_facts = definition_facts
        self.live = LiveWorkflows()
        # Record steps run inside the commands' transactions (set once the records exist).
        self.record_steps: RecordSteps | None = None

    def _load(self, definition: CompiledDefinition, instance: Any) -> Any:
        """The instance's workflow as its row's revision saved it: the live object when this
        process saved it, else restored from the row's state."""
        workflow = self.live.take(instance.id, instance.revision, instance.version_id)
        if workflow is None:
            workflow = self.runtime.load(definition, instance.process_id, instance.state)
        return workflow

    def start_and_read(self, key: str, caller: Caller, variables: dict[str, Any] | None = None,
                       process: str | None = None, record: dict[str, Any] | None = None, *,
                       within: Callable[[Connection, int], None] | None = None,
                       check_access: bool = True,
                       message: tuple[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """Start an instance; returns it with its open work items, as of its first wait state.
        ``within``: called with the new instance's id in the transaction that stores it (a
        trigger marks its start there; raising undoes the instance). ``check_access`` False: a
        trigger starts the process, not the caller by hand. ``message``: (name, data) of the
        message that starts it at its message start event (an inbound event)."""
        variables = variables or {}
        if not isinstance(variables, dict):
            raise Invalid("variables must be a JSON object")
        self.check_size(variables, "variables")
        with self.db.read() as conn:
            version = definition_store.latest_deployed(conn, key, caller if check_access else None,
                                                       self.definition_facts)
            definition = self._definition(conn, version.id)
        process_id = instance_store.check_process(definition, key, process)
        if message is None:
            definition.check_start(process_id, variables)  # a start form's fields, before anything runs
        record_entity, record_id = _record_of(record)
        for attempt in _attempts():
            if message is None:  # user code: no transaction
                workflow, result = self.runtime.start(definition, process_id, variables)
            else:
                workflow, result = self.runtime.start_by_message(definition, process_id, variables, *message)
            result = deliver_kept(self.db, self.runtime, definition, workflow, result, record_entity, record_id,
                                  may_take=self._sender_may_reach(key))
            state = self.runtime.dump(workflow)  # and no transaction held while the state is encoded
            context = StepContext(key, process_id, None, record_entity, record_id, caller.name)
            written = False
            with attempt, self.db.write() as conn:
                state, result = self._settle(conn, definition, workflow, result, state, context)
                started = instance_store.insert_instance(conn, state, definition, version.id, key, process_id,
                                                         variables, record, caller, result)
                instance_id = instance_store.parse_id(started["id"], "instance")
                record_store.own_changes(conn, context.change_ids, instance_id)
                if within is not None:
                    within(conn, instance_id)
                written = True
            if written:  # else a kept message it took went elsewhere: run again
                self.live.put(instance_id, 1, version.id, workflow)
                self._after(context)
                return started
        raise AssertionError("unreachable")

    def _settle(self, conn: Connection, definition: CompiledDefinition, workflow: Any, result: StepResult,
                state: bytes, context: StepContext) -> tuple[bytes, StepResult]:
        """In a command's write transaction: run the record steps its step reached, and the steps
        after them (engine/record_steps.py); the state and result to write."""
        if self.record_steps is None or not has_record_steps(result):
            return state, result
        settled = self.record_steps.run(conn, self.runtime, definition, workflow, result, context)
        settled.taken = result.taken  # the kept early messages the step took are deleted with it
        return self.runtime.dump(workflow), settled

    def _needs_own_command(self, definition: CompiledDefinition, result: StepResult) -> bool:
        """Whether a step run for a batch (a schedule's starts, due timers) must be written by its
        own command instead: one that reached record steps (they run in its transaction) or waits
        for a message (a kept one may be there for it; its waits are noted)."""
        return ((self.record_steps is not None and has_record_steps(result))
                or (definition.has_message_catches and bool(result.messages) and result.status == "running"))

    def _after(self, context: StepContext) -> None:
        """After a command committed: the starts its record steps' writes owe."""
        if context.written and self.record_steps is not None:
            self.record_steps.start_owed(context)

    def run_starts(self, key: str, process: str | None,
                   starts: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> RanStarts:
        """Run many starts of the latest deployed version of ``key`` (variables, record), as
        start_and_read runs one, for the caller to store in one transaction (a schedule's batch). A
        trigger starts them: no caller's access is checked. No transaction while they run."""
        with self.db.read() as conn:
            version = definition_store.latest_deployed(conn, key, None, self.definition_facts)
            definition = self._definition(conn, version.id)
        process_id = instance_store.check_process(definition, key, process)
        ran: list[NewInstance | str | None] = []
        for variables, record in starts:
            try:
                self.check_size(variables, "variables")
                definition.check_start(process_id, variables)
                workflow, result = self.runtime.start(definition, process_id, variables)
                if self._needs_own_command(definition, result):
                    ran.append(None)
                    continue
                ran.append(NewInstance(self.runtime.dump(workflow), result, variables, record))
            except CharkhError as refused:
                ran.append(refused.message)
        return RanStarts(key, version.id, definition, process_id, ran)

    def _keep(self, instance: Any, workflow: Any) -> None:
        """After a command committed the instance's next revision."""
        self.live.put(instance.id, instance.revision + 1, instance.version_id, workflow)

    def check_size(self, values: dict[str, Any], what: str) -> None:
        """What a caller hands an instance is bounded like what a script may leave."""
        if not values:
            return
        size = len(json_text(values))
        if size > self.settings.max_variables_bytes:
            raise Invalid(f"{what} take {size} bytes; an instance's variables may take "
                          f"{self.settings.max_variables_bytes} (CHARKH_MAX_VARIABLES_BYTES)")

    def claim(self, item_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            item = instance_store.read_claim(conn, item_id, caller, self.definition_facts)
        with self.db.write() as conn:
            return instance_store.write_claim(conn, item, caller)

    def complete(self, item_id: str, caller: Caller, action: str | None = None,
                 data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Complete a work item with an action; returns {"work_item", "instance"} as they are now."""
        data = data or {}
        if not isinstance(data, dict):
            raise Invalid("data must be a JSON object")
        self.check_size(data, "data")
        for attempt in _attempts():
            with self.db.read() as conn:
                done = instance_store.read_completion(conn, item_id, caller, action, self.definition_facts)
                definition = self._definition(conn, done.instance.version_id)
            workflow = self._load(definition, done.instance)
            result = self.runtime.complete_user_task(definition, workflow, done.item.task_id,
                                                     done.chosen["id"] if done.chosen else None, data)
            result = self._deliver_kept(definition, workflow, result, done.instance)
            state = self.runtime.dump(workflow)
            context = _context(done.instance, caller.name)
            written = False
            with attempt, self.db.write() as conn:
                state, result = self._settle(conn, definition, workflow, result, state, context)
                answer = instance_store.write_completion(conn, state, definition, done, caller, data, result)
                written = True
            if written:  # else the write was stale: read and run again
                self._keep(done.instance, workflow)
                self._after(context)
                return answer
        raise AssertionError("unreachable")

    def send_message(self, instance_id: str, name: str, caller: Caller, data: dict[str, Any] | None = None, *,
                     check_access: bool = True,
                     within: Callable[[Connection, int], None] | None = None) -> dict[str, Any]:
        """Deliver a message to an instance waiting for it (409 when it does not). ``check_access``
        False: the caller was checked already (an inbound event). ``within``: called with the
        instance's id in the transaction that stores the delivery; raising undoes it."""
        if not isinstance(data or {}, dict):
            raise Invalid("data must be a JSON object")
        self.check_size(data or {}, "data")
        for attempt in _attempts():
            with self.db.read() as conn:
                if check_access:
                    instance = instance_store.read_message_target(conn, instance_id, caller, self.definition_facts)
                else:
                    instance = instance_store.read_running(conn, instance_id)
                definition = self._definition(conn, instance.version_id)
            workflow = self._load(definition, instance)
            result = self.runtime.deliver_message(definition, workflow, name, data or {})
            result = self._deliver_kept(definition, workflow, result, instance)
            state = self.runtime.dump(workflow)
            context = _context(instance, caller.name)
            written = False
            with attempt, self.db.write() as conn:
                state, result = self._settle(conn, definition, workflow, result, state, context)
                answer = instance_store.write_message(conn, state, definition, instance, name, data or {},
                                                      caller, result)
                if within is not None:
                    within(conn, instance.id)
                written = True
            if written:  # else the write was stale: read and run again
                self._keep(instance, workflow)
                self._after(context)
                return answer
        raise AssertionError("unreachable")

    def _deliver_kept(self, definition: CompiledDefinition, workflow: Any, result: Any, instance: Any) -> Any:
        return deliver_kept(self.db, self.runtime, definition, workflow, result, instance.record_entity,
                            instance.record_id, self._sender_may_reach(instance.definition_key))

    def _sender_may_reach(self, key: str) -> Callable[[KeptMessage], bool]:
        """Whether a kept message's sender may reach the instances of definition ``key``."""
        def may(kept: KeptMessage) -> bool:
            return self.may_post_event(kept.sent_by, key)
        return may

    def may_post_event(self, sender: str | None, key: str) -> bool:
        """The event rule (engine/access.py may_post_event) for a sender known by name."""
        facts = self.definition_facts(key)
        if facts.visibility != PRIVATE:
            return True
        if sender is None:
            return False
        try:
            with self.db.read() as conn:
                caller = people.caller_named(conn, sender)
        except NotFound:
            return False
        return rules.may_post_event(caller, facts)

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire the timers that are due, soonest first, at most ``limit``; returns how many fired.
        BPMN timers fire as a batch: each one's step runs outside any transaction, as fire_timer
        runs it, and all are written in one transaction (one commit for the batch, not one per
        timer). Escalations, and any timer of a batch whose write failed, fire one at a time."""
        with self.db.read() as conn:
            due = background.due_timer_rows(conn, now(), limit)
            running = background.running_instances(conn, {t.instance_id for t in due if t.kind is None})
            definitions = {i.version_id: self._definition(conn, i.version_id) for i in running.values()}
        ran: list[background.FiredTimer] = []
        alone: list[int] = []
        for timer in due:
            instance = running.pop(timer.instance_id, None)  # one timer per instance and batch
            if timer.kind is not None or instance is None:
                alone.append(timer.id)  # escalations; and fire_timer says why another may not fire
                continue
            definition = definitions[instance.version_id]
            try:
                workflow = self.runtime.load(definition, instance.process_id, instance.state)
                result = self.runtime.fire_timers(definition, workflow)
                if self._needs_own_command(definition, result):
                    alone.append(timer.id)
                    continue
                ran.append(background.FiredTimer(timer, instance, definition, self.runtime.dump(workflow), result))
            except Exception:  # the model's or the engine's failure: fire_timer makes it an incident
                alone.append(timer.id)
        fired = 0
        if ran:
            try:
                with self.db.write() as conn:
                    fired = len(background.write_fired_timers(conn, ran))
            except Exception:  # a database hiccup (a deadlock with a command): one at a time instead
                logger.exception("a batch of %d timers could not be written; firing them one by one", len(ran))
                alone += [one.timer.id for one in ran]
        for timer_id in alone:
            try:
                fired += self.fire_timer(timer_id)
            except Exception:  # one timer's trouble (a database hiccup) never stops the others
                logger.exception("timer %s could not fire; the next pass tries again", timer_id)
        return fired

    def fire_timer(self, timer_id: int) -> bool:
        """Fire one timer. Its step runs outside the transaction; a step that fails (a script, a
        condition, a limit) becomes an incident on the instance, and the timer fires no more."""
        with self.db.read() as conn:
            timer = background.read_waiting_timer(conn, timer_id)
        if timer is None:
            return False  # fired already: a timer fires once
        if timer.kind == "escalation":  # no analyst code: one transaction
            with self.db.write() as conn:
                return background.escalate_timer(conn, self._definition, timer_id)
        for attempt in _attempts():
            with self.db.read() as conn:
                try:
                    instance = instance_store.read_running(conn, timer.instance_id)
                except Conflict:
                    return False  # an instance with an incident moves on once it is retried
                definition = self._definition(conn, instance.version_id)
            try:
                workflow = self.runtime.load(definition, instance.process_id, instance.state)
                result = self.runtime.fire_timers(definition, workflow)
                result = self._deliver_kept(definition, workflow, result, instance)
            except Exception as exc:  # the model's or the engine's failure: this instance's incident
                with self.db.write() as conn:
                    return background.timer_incident(conn, timer, _reason(exc))
            state = self.runtime.dump(workflow)
            context = _context(instance, None)
            fired = None
            try:
                with attempt, self.db.write() as conn:
                    state, result = self._settle(conn, definition, workflow, result, state, context)
                    fired = background.write_timer(conn, state, definition, instance, timer, result)
            except background.AlreadyHandled:
                return False
            except StaleState:
                raise
            except CharkhError as exc:  # a record step failed: nothing was written but the incident
                with self.db.write() as conn:
                    return background.timer_incident(conn, timer, _reason(exc))
            if fired is not None:  # else the write was stale: read and run again
                self._after(context)
                return fired
        raise AssertionError("unreachable")

    def finish_job(self, job_id: int, output: dict[str, Any] | None = None) -> bool:
        """A connector did its work: its task completes and the instance runs on. Idempotent. A
        step after it that fails becomes an incident on the job (retrying sends it again)."""
        for attempt in _attempts():
            with self.db.read() as conn:
                job = background.read_job(conn, job_id)
                if job.status == "done":
                    return False
                instance = instance_store.read_running(conn, job.instance_id)
                definition = self._definition(conn, instance.version_id)
            try:
                workflow = self.runtime.load(definition, instance.process_id, instance.state)
                result = self.runtime.complete_connector_task(definition, workflow, job.task_id, output or {})
                result = self._deliver_kept(definition, workflow, result, instance)
            except Exception as exc:  # the model's or the engine's failure: this instance's incident
                with self.db.write() as conn:
                    background.fail_job(conn, job_id, _reason(exc), final=True)
                return False
            state = self.runtime.dump(workflow)
            context = _context(instance, None)
            done = None
            try:
                with attempt, self.db.write() as conn:
                    state, result = self._settle(conn, definition, workflow, result, state, context)
                    done = background.write_job_done(conn, state, definition, instance, job, result, output or {})
            except background.AlreadyHandled:
                return False
            except StaleState:
                raise
            except CharkhError as exc:  # a record step failed: nothing was written but the incident
                with self.db.write() as conn:
                    background.fail_job(conn, job_id, _reason(exc), final=True)
                return False
            if done is not None:  # else the write was stale: read and run again
                self._after(context)
                return done
        raise AssertionError("unreachable")


def _record_of(record: dict[str, Any] | None) -> tuple[str | None, str | None]:
    if not record or record.get("entity") is None or record.get("id") is None:
        return None, None
    return str(record["entity"]), str(record["id"])


def _context(instance: Any, user: str | None) -> StepContext:
    """The record steps' context of a command on a stored instance (its row as read)."""
    return StepContext(instance.definition_key, instance.process_id, instance.id, instance.record_entity,
                       instance.record_id, user)


def _reason(exc: Exception) -> str:
    """What an incident says about a failure."""
    return exc.message if isinstance(exc, CharkhError) else f"{type(exc).__name__}: {exc}"


class _Attempt:
    """One try of a command's write: a StaleState inside it is swallowed (the command reads and
    runs its step again) unless it is the last try, which answers 409."""

    def __init__(self, last: bool) -> None:
        self.last = last

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> bool:
        if isinstance(error, StaleState) and not self.last:
            time.sleep(random.random() * 0.005)  # racers that lost together do not retry in lockstep
            return True
        return False


def _attempts() -> Iterator[_Attempt]:
    """Commands run their step outside any transaction (analyst code holds no lock) and write
    only if the instance is as they read it; these are the tries."""
    for number in range(COMMAND_ATTEMPTS):
        yield _Attempt(last=number == COMMAND_ATTEMPTS - 1)
