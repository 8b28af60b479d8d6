"""Charkh's SpiffWorkflow task specs: what a parsed activity does when it runs. The parsers that
make them live in engine/parser.py (a spec never reads XML)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import (
    ExclusiveGateway,
    ParallelMultiInstanceTask,
    SendTask,
    SequentialMultiInstanceTask,
    ServiceTask,
)
from SpiffWorkflow.operators import Operator
from SpiffWorkflow.util.task import TaskState

from .conditions import Conditions, problems_of
from .errors import ScriptError

# Where a completed cartable task keeps the action (flow id) its person chose.
ACTION_KEY = "charkh_action"
# The variable that holds the fields of the record an instance runs for (API.md: record.FIELD).
RECORD_VARIABLE = "record"


class RecordConditions(Operator):
    """A flow's charkh:conditions as a gateway tests them: the typed evaluator
    (engine/conditions.py) on the fields of the instance's record, never a script. An instance
    without a record has every field empty. Today (for relative days) and the time zone are the
    script engine's (engine/runtime.py). Conditions that cannot be tested (the entity changed
    since the deploy that accepted them) stop the step with a ScriptError naming the flow."""

    def __init__(self, conditions: Conditions, types: Mapping[str, str], flow: str | None) -> None:
        super().__init__(conditions)
        self.conditions = conditions
        self.types = types
        self.flow = flow
        self.problems = problems_of(conditions, types)

    def _matches(self, task: Any) -> bool:
        if self.problems:
            raise ScriptError(f"the conditions of flow {self.flow!r} cannot be tested: {'; '.join(self.problems)}",
                              {"element": self.flow})
        record = task.data.get(RECORD_VARIABLE)
        engine = task.workflow.script_engine
        today: date = engine.today() if hasattr(engine, "today") else date.today()
        return self.conditions.holds(record if isinstance(record, Mapping) else {}, self.types, today,
                                     tz=getattr(engine, "timezone", None))


class ActionGateway(ExclusiveGateway):
    """An exclusive gateway that follows the action the user chose on the task before it;
    without a chosen action it decides by its conditions like any exclusive gateway."""

    action_targets: dict[str, str] = {}

    def _run_hook(self, my_task: Any) -> bool:
        parent = my_task.parent
        chosen = parent.internal_data.get(ACTION_KEY) if parent is not None else None
        target = self.action_targets.get(chosen) if chosen else None
        if target is None:
            ran: bool = super()._run_hook(my_task)
            return ran
        output = my_task.workflow.spec.get_task_spec_from_name(target)
        my_task._sync_children([output], TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True


class _CheckedFanOut:
    """A standard multi-instance activity looks at its input collection once its data is in place
    and before it makes any instance: it must be set, and no larger than the runtime allows (the
    script engine holds the cap, CHARKH_MAX_MULTI_INSTANCE)."""

    data_input: Any
    bpmn_id: str

    def _check_input(self, my_task: Any) -> None:
        value = self.data_input.get(my_task) if self.data_input.exists(my_task) else None
        if value is None:
            raise ScriptError(f"multi-instance activity {self.bpmn_id!r} runs over "
                              f"{self.data_input.bpmn_id!r}, which is not set", {"element": self.bpmn_id})
        check = getattr(my_task.workflow.script_engine, "check_fan_out", None)
        if check is not None:
            check(value, self.bpmn_id)


class CheckedParallelMultiInstance(_CheckedFanOut, ParallelMultiInstanceTask):
    def create_children(self, my_task: Any) -> None:
        if self.data_input is not None:
            self._check_input(my_task)
        super().create_children(my_task)


class CheckedSequentialMultiInstance(_CheckedFanOut, SequentialMultiInstanceTask):
    def init_remaining_items(self, my_task: Any) -> Any:
        self._check_input(my_task)
        return super().init_remaining_items(my_task)


class ConnectorTask(ServiceTask):
    """A service task: it leaves itself STARTED; the store writes an outbox job and a worker
    completes the task later (DESIGN.md, the outbox)."""

    def _run_hook(self, my_task: Any) -> None:
        return None


class ConnectorSendTask(SendTask):
    """A send task. With a connector (an email, an SMS: bpmn/templates apply to send tasks) it
    waits for its outbox job like a service task; without one it throws its message, which a
    catch event of the same instance receives, or which leaves the instance (the history says so)."""

    connector_id: str | None = None

    def _run_hook(self, my_task: Any) -> Any:
        if self.connector_id:
            return None
        return super()._run_hook(my_task)
