"""Running SpiffWorkflow steps: the pure part of the engine (no session, no I/O).

A command loads an instance's state against the cached spec, applies one change (start,
complete a user task, finish a connector job), runs engine steps until the process waits,
and reports what happened. History and work items are derived here and stored as rows by
engine/store; they are never kept in the serialized state, which is compacted before it is
saved so that a step costs the same at the 1,000th loop turn as at the 10th.
"""
from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as AnyMessageDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from .compiler import RESERVED_IDS, CompiledDefinition
from .errors import CharkhError, Conflict, Invalid, ScriptError, StepFailed
from .sandbox import Sandbox, strip_expression
from .step import Event, StepResult, WaitingTask
from .task_specs import ACTION_KEY, ConnectorSendTask, ConnectorTask
from .timer_moments import is_relative_moment, relative_moment

logger = logging.getLogger("charkh.engine")
# Turns of a loop of automatic steps (no wait state between) one command may run.
MAX_LOOP_TURNS = 100
# Where SpiffWorkflow puts a caught message's payload before Charkh merges it into the variables.
MESSAGE_VARIABLE = "_charkh_message"
_loading_spec: contextvars.ContextVar[tuple[Any, dict[str, Any]]] = contextvars.ContextVar("charkh_spec")


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, backed by the Charkh sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__({})
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        variables = dict(external_context or {})
        variables.update(context)
        return self.sandbox.evaluate(strip_expression(expression), variables)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        self.sandbox.execute(script, context)
        return True


class CappedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with a cap on what a multi-instance activity may create: its
    cardinality (a number, or a collection as Camunda files may give) is evaluated through here.
    It also tells the typed conditions on flows (engine/task_specs.py) the day and time zone they
    are evaluated in: ``timezone`` (None: the server's own)."""

    def __init__(self, environment: SandboxEnvironment, max_multi_instance: int,
                 timezone: tzinfo | None = None) -> None:
        super().__init__(environment=environment)
        self.max_multi_instance = max_multi_instance
        self.timezone = timezone

    def today(self) -> date:
        return datetime.now(self.timezone).date()

    def check_fan_out(self, value: Any, element: str | None) -> None:
        """Standard multi-instance activities ask this as they start (engine/compiler.py)."""
        check_fan_out(value, element, self.max_multi_instance)

    def evaluate(self, task: Any, expression: Any, external_context: Any = None) -> Any:
        if expression is None:  # a Camunda message thrown without camunda:expression carries nothing
            return None
        timer = getattr(task.task_spec, "event_definition", None)
        if (isinstance(timer, TimeDateEventDefinition) and expression == timer.expression
                and is_relative_moment(expression)):  # a date relative to a record's: read, not run
            return relative_moment(expression, task.data, self.timezone)
        value = super().evaluate(task, expression, external_context)
        if expression == getattr(task.task_spec, "cardinality", None):
            check_fan_out(value, task.task_spec.bpmn_id, self.max_multi_instance)
        return value


def check_fan_out(value: Any, element: str | None, cap: int) -> None:
    """A multi-instance activity over more than ``cap`` instances is refused before it starts."""
    count = value if isinstance(value, int) and not isinstance(value, bool) else None
    if count is None and isinstance(value, (list, dict, str)):
        count = len(value)
    if count is not None and count > cap:
        raise ScriptError(f"multi-instance activity {element!r} would create {count} instances; "
                          f"the limit is {cap} (CHARKH_MAX_MULTI_INSTANCE)", {"element": element})


class StatelessSpecConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec: specs are parsed once per version and cached,
    so the state holds only the tasks and data."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = _loading_spec.get()
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = dict(CAMUNDA_CONFIG)
_CONFIG[BpmnWorkflow] = StatelessSpecConverter
_REGISTRY = BpmnWorkflowSerializer.configure(_CONFIG)
# SpiffWorkflow's registry switches itself into an "encoder mode" while it converts a workflow
# for saving; threads that shared one would switch it under each other. Each saving thread gets
# its own, in encoder mode for good.
_saving = threading.local()


def _saving_registry() -> Any:
    registry = getattr(_saving, "registry", None)
    if registry is None:
        registry = _saving.registry = BpmnWorkflowSerializer.configure(_CONFIG)
        registry._encoder_mode = True
    return registry


def _workflows(workflow: BpmnWorkflow) -> Iterator[Any]:
    yield workflow
    yield from workflow.subprocesses.values()


def _all_tasks(workflow: BpmnWorkflow) -> Iterator[Any]:
    for wf in _workflows(workflow):
        yield from wf.tasks.values()


class Runtime:
    """Runs steps of instances of compiled definitions."""

    def __init__(self, sandbox: Sandbox, max_multi_instance: int = 1000, max_step_tasks: int = 10_000,
                 max_step_seconds: float = 10.0, timezone: tzinfo | None = None) -> None:
        self.script_engine = CappedScriptEngine(SandboxEnvironment(sandbox), max_multi_instance, timezone)
        self.max_multi_instance = max_multi_instance
        self.max_step_tasks = max_step_tasks
        self.max_step_seconds = max_step_seconds

    # --- state ---------------------------------------------------------------------------

    def load(self, definition: CompiledDefinition, process_id: str, state: bytes) -> BpmnWorkflow:
        process = definition.processes[process_id]
        token = _loading_spec.set((process.spec, process.subprocess_specs))
        try:
            workflow = _REGISTRY.restore(orjson.loads(state))
        finally:
            _loading_spec.reset(token)
        workflow.script_engine = self.script_engine
        return workflow

    def dump(self, workflow: BpmnWorkflow) -> bytes:
        compact(workflow)
        try:
            return orjson.dumps(_saving_registry().convert(workflow))
        except (TypeError, ValueError) as exc:  # something in the state that is not JSON: the caller's 422
            raise StepFailed(f"the instance's state cannot be saved: {exc}") from None

    # --- commands ------------------------------------------------------------------------

    def start(self, definition: CompiledDefinition, process_id: str,
              variables: dict[str, Any]) -> tuple[BpmnWorkflow, StepResult]:
        process = definition.processes[process_id]
        workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(variables)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(variables)
        return workflow, self._advance(definition, workflow, set())

    def start_by_message(self, definition: CompiledDefinition, process_id: str, variables: dict[str, Any],
                         name: str, data: dict[str, Any]) -> tuple[BpmnWorkflow, StepResult]:
        """An instance of a process whose message start event catches ``name``, started by that
        message: it waits at that start event, the message fires it, and runs on."""
        workflow, started = self.start(definition, process_id, variables)
        result = self.deliver_message(definition, workflow, name, data)
        result.events = started.events + result.events
        return workflow, result

    def complete_user_task(self, definition: CompiledDefinition, workflow: BpmnWorkflow, task_id: str,
                           action: str | None, data: dict[str, Any]) -> StepResult:
        task = self._task(workflow, task_id)
        if task is None or task.state != TaskState.READY:
            raise Invalid("the task is no longer waiting")
        definition.check_completion(definition.original(task.task_spec.name), action, data, task.data)
        done = self._completed_ids(workflow)
        task.data.update(data)
        if action:
            task.internal_data[ACTION_KEY] = action
        self._check_collections(task)
        self._guard(task.run)
        return self._advance(definition, workflow, done)

    def complete_connector_task(self, definition: CompiledDefinition, workflow: BpmnWorkflow, task_id: str,
                                data: dict[str, Any]) -> StepResult:
        task = self._task(workflow, task_id)
        if task is None or task.state != TaskState.STARTED:
            raise Invalid("the task is no longer waiting")
        done = self._completed_ids(workflow)
        task.data.update(data)
        self._guard(task.complete)
        return self._advance(definition, workflow, done)

    def deliver_message(self, definition: CompiledDefinition, workflow: BpmnWorkflow, name: str,
                        data: dict[str, Any]) -> StepResult:
        """A message from outside (a payment arrived, a customer answered): the catch event
        waiting for it fires, and the message's data becomes process variables."""
        done = self._completed_ids(workflow)
        event = BpmnEvent(MessageEventDefinition(name), payload={"payload": data, "result_var": MESSAGE_VARIABLE})
        try:
            workflow.send_event(event)
        except WorkflowException:
            raise Conflict(f"the instance is not waiting for a message named {name!r}") from None
        result = self._advance(definition, workflow, done)
        for data in [workflow.data, *(task.data for task in _all_tasks(workflow))]:
            payload = data.pop(MESSAGE_VARIABLE, None)
            if isinstance(payload, dict):
                data.update(payload)
        result.variables = variables_of(workflow)
        return result

    def fire_timers(self, definition: CompiledDefinition, workflow: BpmnWorkflow) -> StepResult:
        """Let every timer whose moment has come fire, then run on to the next wait state."""
        done = self._completed_ids(workflow)
        self._guard(workflow.refresh_timers)
        return self._advance(definition, workflow, done)

    # --- internals -----------------------------------------------------------------------

    @staticmethod
    def _task(workflow: BpmnWorkflow, task_id: str) -> Any:
        try:
            return workflow.get_task_from_id(UUID(task_id))
        except (SpiffWorkflowException, ValueError):
            return None

    @staticmethod
    def _completed_ids(workflow: BpmnWorkflow) -> set[UUID]:
        return {t.id for t in _all_tasks(workflow) if t.state == TaskState.COMPLETED}

    @staticmethod
    def _guard(step: Any) -> None:
        """Model errors (a failing script, no condition true, a limit) become a 422 for the caller;
        nothing is written, so the instance stays where it was. So does anything else SpiffWorkflow
        raises (a TypeError on a collection that is missing): the model reached a case it does not
        handle, which the caller must hear about, not a server error (a timer's or a job's step
        becomes an incident instead)."""
        try:
            step()
        except CharkhError:
            raise
        except SpiffWorkflowException as exc:
            cause = _script_error_in(exc)
            message = cause.message if cause is not None else str(exc).splitlines()[0]
            element = getattr(getattr(exc, "task_spec", None), "bpmn_id", None)
            raise ScriptError(message, {"element": element}) from None
        except Exception as exc:
            logger.warning("SpiffWorkflow failed on a step", exc_info=True)
            raise StepFailed(f"the engine could not run this step: {type(exc).__name__}: {exc}") from None

    def _check_collections(self, task: Any) -> None:
        """A multi-instance activity over a collection (Camunda's camunda:collection) reads it
        from the data of the task before it, with no expression to evaluate: its size is checked
        before that task runs on. (A standard loopDataInputRef is checked by the activity itself as
        it starts: engine/compiler.py.)"""
        for spec in task.task_spec.outputs:
            output = getattr(spec, "data_output", None)
            if getattr(spec, "cardinality", 0) is None and output is not None:
                check_fan_out(task.data.get(output.bpmn_id), spec.bpmn_id, self.max_multi_instance)

    def _run_engine_steps(self, workflow: BpmnWorkflow) -> None:
        """SpiffWorkflow's engine steps, stopped with an error when one command runs more than
        ``max_step_tasks`` tasks, goes round a loop of automatic steps ``MAX_LOOP_TURNS`` times
        (each turn deepens the task tree, whose cost grows with its depth, and SpiffWorkflow
        loses track of tasks past depth 1,000), or runs longer than ``max_step_seconds``."""
        ran = 0
        deadline = time.monotonic() + self.max_step_seconds

        def before(task: Any) -> None:
            nonlocal ran
            ran += 1
            problem = None
            if ran > self.max_step_tasks:
                problem = f"the process ran {self.max_step_tasks} automatic steps without waiting"
            elif ran % 16 == 0 and time.monotonic() > deadline:
                problem = f"the process ran automatic steps for {self.max_step_seconds:g} s without waiting"
            elif task.depth > 2 * MAX_LOOP_TURNS:
                problem = f"the process went round a loop of automatic steps {MAX_LOOP_TURNS} times without waiting"
            if problem:
                raise ScriptError(f"{problem}; it is stopped", {"element": task.task_spec.bpmn_id})
            self._check_collections(task)

        workflow.do_engine_steps(will_complete_task=before)

    def _advance(self, definition: CompiledDefinition, workflow: BpmnWorkflow, done: set[UUID]) -> StepResult:
        self._guard(lambda: self._run_engine_steps(workflow))
        result = StepResult()
        finished = [t for t in _all_tasks(workflow) if t.state == TaskState.COMPLETED and t.id not in done]
        finished.sort(key=lambda t: t.last_state_change)
        for task in finished:
            if task.task_spec.name in RESERVED_IDS:  # SpiffWorkflow's own Start/End/Root specs
                continue  # (an analyst's element so named was renamed in the parsed copy)
            element = definition.original(task.task_spec.name)
            kind = definition.element_kinds.get(element)
            if kind is None:  # SpiffWorkflow's own bookkeeping specs and Charkh's split gateways
                continue
            result.events.append(Event(f"{kind}_completed", element, definition.element_names.get(element),
                                       str(task.id)))
        result.events += _uncaught_events(definition, workflow, finished)
        for task in _all_tasks(workflow):
            if task.state == TaskState.READY and task.task_spec.manual:
                element = definition.original(task.task_spec.name)
                result.user_tasks.append(WaitingTask(str(task.id), element, task.data))
            elif task.state == TaskState.STARTED and isinstance(task.task_spec, (ConnectorTask, ConnectorSendTask)):
                element = definition.original(task.task_spec.name)
                result.connector_tasks.append(WaitingTask(str(task.id), element, task.data,
                                                          connector=task.task_spec.connector_id,
                                                          inputs=task.task_spec.connector_inputs))
            elif task.state == TaskState.WAITING:
                if timer_spec := _timer_spec_name(task.task_spec):
                    due = _timer_due(task)
                    if due is not None:
                        element = definition.original(timer_spec)
                        result.timers.append(WaitingTask(str(task.id), element, {}, due_at=due))
                result.messages += _message_names(task.task_spec)
        if workflow.is_completed():
            result.status = "completed"
        result.variables = variables_of(workflow)  # before dump compacts the tree
        return result


def _uncaught_events(definition: CompiledDefinition, workflow: BpmnWorkflow, finished: list[Any]) -> list[Event]:
    """What the step threw that nothing in the instance caught (a message to the outside, an
    escalation no boundary event takes): SpiffWorkflow keeps them for its host; Charkh records each
    in the history as ``<kind>_thrown`` and lets the instance go on. Taking them out of the workflow
    also keeps them out of its saved state, which has no JSON form for them."""
    events = []
    for thrown in workflow.get_events():
        what = thrown.event_definition
        kind = type(what).__name__.removesuffix("EventDefinition").lower() or "event"
        # the throwing task: the finished one whose spec holds this very definition
        source = next((t for t in finished if getattr(t.task_spec, "event_definition", None) is what), None)
        element = definition.original(source.task_spec.name) if source is not None else None
        events.append(Event(f"{kind}_thrown", element, getattr(what, "name", None)))
    return events


def _script_error_in(exc: BaseException) -> ScriptError | None:
    """The sandbox's own error inside SpiffWorkflow's wrappers (which may nest), if there is one:
    its message says what the analyst's code did."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ScriptError):
            return current
        seen.add(id(current))
        current = getattr(current, "exception", None) or current.__cause__ or current.__context__
    return None


def _message_names(spec: Any) -> list[str]:
    """The names of the messages a waiting task's event catches (an event-based gateway holds the
    events after it)."""
    definition = getattr(spec, "event_definition", None)
    inner = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    return [d.name for d in inner if isinstance(d, AnyMessageDefinition) and isinstance(d.name, str)]


def _timer_spec_name(spec: Any) -> str | None:
    """The spec whose timer a waiting task holds: the task's own, or, for an event-based gateway
    (SpiffWorkflow moves the events after the gateway into the gateway itself), the timer catch
    event after it. None when the task waits for no timer."""
    definition = getattr(spec, "event_definition", None)
    name: str | None = None
    if isinstance(definition, TimerEventDefinition):
        name = spec.name
    elif isinstance(definition, MultipleEventDefinition):
        for index, inner in enumerate(definition.event_definitions):
            if isinstance(inner, TimerEventDefinition):
                if isinstance(spec, EventBasedGateway) and index < len(spec.outputs):
                    name = spec.outputs[index].name
                else:
                    name = spec.name
                break
    return name


def _timer_due(task: Any) -> datetime | None:
    """SpiffWorkflow keeps a timer's moment as an ISO string in the task's internal data."""
    value = task.internal_data.get("event_value")
    if isinstance(value, str):
        try:
            due = datetime.fromisoformat(value)
        except ValueError:
            return None
        return due if due.tzinfo else due.replace(tzinfo=UTC)
    if isinstance(value, dict) and isinstance(value.get("next"), str):
        return datetime.fromisoformat(value["next"])
    return None


def variables_of(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The instance's variables: the data of its most recent task, else the workflow data."""
    if workflow.is_completed():
        return dict(workflow.data)
    latest = None
    for task in workflow.tasks.values():
        if task.state in (TaskState.READY, TaskState.STARTED, TaskState.COMPLETED, TaskState.WAITING):
            if latest is None or task.last_state_change > latest.last_state_change:
                latest = task
    return dict(latest.data) if latest is not None else dict(workflow.data)


def compact(workflow: BpmnWorkflow) -> None:
    """Splice finished single-child tasks out of the tree, keeping what SpiffWorkflow still reads
    (joins and their inputs, subprocess owners, the last task), so depth and size stay flat."""
    for wf in _workflows(workflow):
        keep = {wf.task_tree.id}
        if wf.last_task is not None:
            keep.add(wf.last_task.id)
        for task in list(wf.tasks.values()):
            if task.id in keep or task.state != TaskState.COMPLETED or task._parent is None:
                continue
            if len(task._children) != 1 or isinstance(task.task_spec, (SubWorkflowTask, UnstructuredJoin)):
                continue
            child = wf.tasks.get(task._children[0])
            parent = wf.tasks.get(task._parent)
            if child is None or parent is None or isinstance(child.task_spec, UnstructuredJoin):
                continue
            if parent.task_spec.name.endswith(".BoundaryEventSplit") or "Boundary" in type(task.task_spec).__name__:
                continue
            parent._children = [child.id if c == task.id else c for c in parent._children]
            child._parent = parent.id
            del wf.tasks[task.id]
