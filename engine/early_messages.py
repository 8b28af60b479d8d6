"""Early messages (MISSION F7): a message for a record (or a correlation) that no instance waited
for is kept for a while (engine/inbound_events.py); an instance of that record whose step reaches
a catch event of that name takes it at once.

Every command calls ``deliver_kept`` after its step ran and before it writes: when the step left
the instance waiting for messages, the kept ones for it are delivered to the workflow in memory,
one after the other, and the result names them (``StepResult.taken``). The command's write then
deletes their rows in the transaction that stores the step (engine/store/messages.py ``take``):
the instance is never stored waiting for a message that was already there, and a message taken
by another instance meanwhile makes the write stale, so the command runs again without it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .compiler import CompiledDefinition
from .runtime import Runtime
from .step import Event, StepResult
from .store import messages as message_store
from .store.database import Database
from .store.messages import KeptMessage
from .store.people import now

# Kept messages one command delivers at most (each may lead to the next catch event).
MAX_KEPT_PER_COMMAND = 10


def deliver_kept(db: Database, runtime: Runtime, definition: CompiledDefinition, workflow: Any,
                 result: StepResult, record_entity: str | None, record_id: str | None,
                 may_take: Callable[[KeptMessage], bool]) -> StepResult:
    """The step's result after the kept messages for this instance were delivered (the same
    result when there were none). ``may_take``: whether the message's sender may reach this
    instance (a private process's instances take only their access list's messages)."""
    if not definition.has_message_catches:
        return result
    refused: list[int] = []
    for _ in range(MAX_KEPT_PER_COMMAND):
        if not result.messages or result.status != "running":
            break
        with db.read() as conn:
            kept = message_store.kept_for(conn, result.messages, record_entity, record_id, result.variables,
                                          now(), skip=[*result.taken, *refused])
        if kept is None:
            break
        if not may_take(kept):
            refused.append(kept.id)
            continue
        later = runtime.deliver_message(definition, workflow, kept.name, kept.data)
        received = Event("message_received", None, kept.name, data={**kept.data, "kept": str(kept.id)} if kept.data
                         else {"kept": str(kept.id)}, user=kept.sent_by)
        later.events = [*result.events, received, *later.events]
        later.taken = [*result.taken, kept.id]
        result = later
    return result
