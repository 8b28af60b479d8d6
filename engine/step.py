"""What a step of an instance produced: plain data from the runtime (engine/runtime.py) to the
store (engine/store), which writes it as rows without knowing SpiffWorkflow."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Event:
    """One history fact produced by a step, before the store adds who and when."""

    type: str
    element: str | None
    name: str | None
    task_id: str | None = None
    data: dict[str, Any] | None = None
    user: str | None = None


@dataclass
class WaitingTask:
    task_id: str
    element: str
    data: dict[str, Any]
    connector: str | None = None
    inputs: dict[str, str] | None = None
    due_at: datetime | None = None


@dataclass
class StepResult:
    """What a step did, for the store to write: its history facts, the tasks it left waiting
    (people's, connectors', timers'), the names of the messages it waits for, the instance's status
    and its variables. ``taken``: the kept early messages (engine/early_messages.py) the step
    consumed, which the store deletes in the step's own transaction."""

    events: list[Event] = field(default_factory=list)
    user_tasks: list[WaitingTask] = field(default_factory=list)
    connector_tasks: list[WaitingTask] = field(default_factory=list)
    timers: list[WaitingTask] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    taken: list[int] = field(default_factory=list)
    status: str = "running"
    variables: dict[str, Any] = field(default_factory=dict)
