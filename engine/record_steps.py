"""Record steps (MISSION F4.8-F4.10): service or send tasks that change CRM records inside the
command that reaches them, never through the outbox (DESIGN.md, Records). Their inputs are read
by engine/record_step_inputs.py.

- ``charkh-record-update``: set fields of the instance's record (or of the record named).
- ``charkh-record-create``: create a record, linked back to the instance's record when a
  reference field is named; its id goes into a process variable.
- ``charkh-record-update-related``: update every record of an entity whose reference field
  points to the instance's record.

When the step of a command (start, complete, message, timer, job) leaves such a task waiting, the
command runs it in the transaction that stores the instance's new state: the write, the task
completed, and the steps after it up to the next wait, which therefore run inside that
transaction (bounded by the step limits as everywhere; a record created there has its id only
once inserted). The instance's ``record`` variable then holds its record as written, so later
steps see the new values.

A step that fails (an unknown field, a value of the wrong type, no such record, an expression's
error) undoes the whole command: a person's command answers 422 naming the step, a trigger's
start is marked failed, a timer's or job's command leaves an incident on the instance.

Writes follow the records' rules (engine/records.py): types checked, history ("record_changed"
naming the instance and the person whose command ran it), links, and the starts the entity's
triggers owe, made once the command has committed; except that an instance's record steps never
start its own process again (as Odoo's automation rules do not re-trigger themselves), so an
"every time" trigger cannot loop on its own writes.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from .compiler import CompiledDefinition
from .errors import CharkhError, StepFailed
from .record_fields import typed_values
from .record_step_inputs import (
    RECORD_CREATE,
    RECORD_UPDATE,
    StepInputs,
    fill_template,
    is_record_step,
    read_inputs,
    values_of,
)
from .sandbox import Sandbox
from .step import StepResult, WaitingTask
from .store import records as store
from .task_specs import RECORD_VARIABLE

if TYPE_CHECKING:
    from .records import Records
    from .runtime import Runtime

# Record steps one command may run before its instance waits (a loop of record steps stops here).
MAX_RECORD_STEPS = 100
# Records one "update related" step reads at a time.
RELATED_PAGE = 500
# How deep the starts owed by record steps start other instances at once (each may run record
# steps of its own); deeper ones are left to the scheduler (engine/records.py run_pending).
MAX_CHAIN = 8
_chain = threading.local()
log = logging.getLogger(__name__)


@dataclass
class StepContext:
    """The command a record step runs in: its instance (None until a start has stored it), the
    record the instance runs for, its process, and the person whose command it is."""

    definition_key: str
    process_id: str
    instance_id: int | None
    record_entity: str | None
    record_id: str | None
    user: str | None
    # filled as the steps run: records written (their owed starts run after commit), and the
    # history rows written before the instance had its id
    written: list[int] = field(default_factory=list)
    change_ids: list[int] = field(default_factory=list)

    @property
    def process(self) -> tuple[str, str]:
        return self.definition_key, self.process_id


def has_record_steps(result: StepResult) -> bool:
    return any(is_record_step(task.connector) for task in result.connector_tasks)


class RecordSteps:
    """Runs record steps for the commands (engine/commands.py)."""

    def __init__(self, records: Records, sandbox: Sandbox, clock: Callable[[], datetime]) -> None:
        self.records = records
        self.sandbox = sandbox
        self.clock = clock

    def run(self, conn: Connection, runtime: Runtime, definition: CompiledDefinition, workflow: Any,
            result: StepResult, context: StepContext) -> StepResult:
        """Run each waiting record step, complete it and run on, until the instance waits for
        something else; returns the step's whole result."""
        for _ in range(MAX_RECORD_STEPS):
            task = next((t for t in result.connector_tasks if is_record_step(t.connector)), None)
            if task is None:
                return result
            output = self._apply(conn, definition, task, context)
            after = runtime.complete_connector_task(definition, workflow, task.task_id, output)
            after.events = result.events + after.events
            result = after
        raise StepFailed(f"the process ran {MAX_RECORD_STEPS} record steps without waiting; it is stopped")

    def start_owed(self, context: StepContext) -> None:
        """After the command committed: start what its record writes owe (as a person's write
        does), unless this is already a deep chain of such starts."""
        depth = getattr(_chain, "depth", 0)
        if depth >= MAX_CHAIN:
            return
        _chain.depth = depth + 1
        try:
            for record_id in dict.fromkeys(context.written):
                try:
                    self.records.run_owed(record_id)
                except Exception:  # the command committed: its answer stands, the scheduler starts them
                    log.exception("the starts owed to record %s wait for the scheduler", record_id)
        finally:
            _chain.depth = depth

    # --- the steps ------------------------------------------------------------------------------

    def _apply(self, conn: Connection, definition: CompiledDefinition, task: WaitingTask,
               context: StepContext) -> dict[str, Any]:
        """One step's writes; the variables it gives the instance. Its errors name it."""
        name = definition.element_names.get(task.element) or task.element
        try:
            step = read_inputs(str(task.connector), task.inputs or {})
            own = self._own_record(conn, context)
            variables = {**task.data, RECORD_VARIABLE: dict(own.fields)} if own is not None else dict(task.data)
            if step.connector == RECORD_UPDATE:
                return self._update(conn, step, variables, own, context)
            if step.connector == RECORD_CREATE:
                return self._create(conn, step, variables, own, context)
            return self._update_related(conn, step, variables, own, context)
        except CharkhError as failed:
            raise StepFailed(f"record step {name!r}: {failed.message}",
                             {"element": task.element, **(failed.details if isinstance(failed.details, dict)
                                                          else {})}) from None

    def _update(self, conn: Connection, step: StepInputs, variables: dict[str, Any], own: Any,
                context: StepContext) -> dict[str, Any]:
        entity_name, number = self._target(step, variables, context)
        row = store.record_row(conn, number, entity_name, lock=True)
        row = self._write(conn, row, self._values(step, variables), context)
        is_own = own is not None and row.id == own.id
        return {RECORD_VARIABLE: dict(row.fields)} if is_own else {}

    def _create(self, conn: Connection, step: StepInputs, variables: dict[str, Any], own: Any,
                context: StepContext) -> dict[str, Any]:
        entity = store.entity(conn, str(step.entity))
        values = self._values(step, variables)
        if step.link_field:
            _check_link(entity, step.link_field, own, context)
            values[step.link_field] = str(own.id)
        typed = typed_values(entity["fields"], values)
        targets = store.check_people_and_references(conn, entity["fields"], typed)
        at = self.clock()
        owner = own.owner if own is not None else context.user
        row = store.insert_record(conn, entity["name"], typed, owner, None, context.user, at, context.instance_id)
        self._note_change(conn, row.id, context)
        store.link(conn, row.id, entity["name"], targets)
        self.records.owe(conn, entity, row, None, context.user, context.process)
        context.written.append(row.id)
        return {step.id_variable: str(row.id)} if step.id_variable else {}

    def _update_related(self, conn: Connection, step: StepInputs, variables: dict[str, Any], own: Any,
                        context: StepContext) -> dict[str, Any]:
        entity = store.entity(conn, str(step.entity))
        link_field = str(step.link_field)
        _check_link(entity, link_field, own, context)
        values = self._values(step, variables)
        typed = typed_values(entity["fields"], values)
        targets = store.check_people_and_references(conn, entity["fields"], typed)
        refreshed: dict[str, Any] = {}
        after = None
        while True:
            page = store.related_records(conn, own.id, entity["name"], link_field, RELATED_PAGE, after)
            for related in page:
                row = store.record_row(conn, related.id, lock=True)
                row = self._write_typed(conn, entity, row, typed, targets, context)
                if row.id == own.id:
                    refreshed = {RECORD_VARIABLE: dict(row.fields)}
            if len(page) < RELATED_PAGE:
                return refreshed
            after = page[-1].id

    # --- shared -----------------------------------------------------------------------------------

    def _own_record(self, conn: Connection, context: StepContext) -> Any:
        """The instance's record as it is now, locked for the command (None: it runs for none)."""
        if context.record_entity is None or context.record_id is None:
            return None
        return store.record_row(conn, store.record_number(context.record_id), context.record_entity, lock=True)

    def _target(self, step: StepInputs, variables: dict[str, Any], context: StepContext) -> tuple[str, int]:
        """The record an update step changes: the one its inputs name, else the instance's."""
        entity = _filled(step.entity, variables) or context.record_entity
        record = _filled(step.record, variables) or (context.record_id if entity == context.record_entity else None)
        if not entity or not record:
            raise StepFailed("the instance runs for no record; name the entity and the record to change")
        return entity, store.record_number(record)

    def _values(self, step: StepInputs, variables: dict[str, Any]) -> dict[str, Any]:
        return values_of(step, variables, self.sandbox.evaluate, self.clock())

    def _write(self, conn: Connection, row: Any, values: dict[str, Any], context: StepContext) -> Any:
        entity = store.entity(conn, row.entity)
        typed = typed_values(entity["fields"], values)
        targets = store.check_people_and_references(conn, entity["fields"], typed)
        return self._write_typed(conn, entity, row, typed, targets, context)

    def _write_typed(self, conn: Connection, entity: dict[str, Any], row: Any, typed: dict[str, Any],
                     targets: dict[str, int | None], context: StepContext) -> Any:
        before = row
        row = self.records.write_changes(conn, entity, row, typed, targets, None, False, context.user, self.clock(),
                                         context.instance_id, context.process)
        if row is not before:
            self._note_change(conn, row.id, context)
            context.written.append(row.id)
        return row

    @staticmethod
    def _note_change(conn: Connection, record_id: int, context: StepContext) -> None:
        if context.instance_id is None:  # a start: the instance gets its id when it is stored
            context.change_ids.append(store.last_change_id(conn, record_id))


def _filled(text: str | None, variables: dict[str, Any]) -> str | None:
    if text is None:
        return None
    value = fill_template(text, variables)
    return None if value is None or value == "" else str(value)


def _check_link(entity: dict[str, Any], link_field: str, own: Any, context: StepContext) -> None:
    """The reference field links the entity's records to the instance's record."""
    found = next((f for f in entity["fields"] if f["name"] == link_field), None)
    if found is None or found["type"] != "reference":
        raise StepFailed(f"link_field: {entity['name']} has no reference field {link_field!r}")
    if own is None:
        raise StepFailed(f"link_field: the instance runs for no record for {link_field!r} to point to")
    if found.get("entity") != context.record_entity:
        raise StepFailed(f"link_field: {entity['name']}.{link_field} points to {found.get('entity')} records, "
                         f"not to {context.record_entity} records")
