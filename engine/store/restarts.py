"""The rows a restart reads and writes (engine/restarts.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from .. import access as rules
from ..access import Caller, FactsOf
from ..errors import Conflict, NotFound
from .instances import entry, instance_facts, parse_id
from .people import now
from .schema import history, instances

# An instance may begin again once it is over (an instance with an incident is retried instead).
FINISHED = ("completed", "cancelled")

@dataclass(frozen=True)
class RestartSource:
    """What a restart starts again: the instance's process, record and start variables."""

    id: int
    definition_key: str
    process_id: str
    record: dict[str, Any] | None
    variables: dict[str, Any]

def restart_source(conn: Connection, instance_id: str, caller: Caller, facts_of: FactsOf) -> RestartSource:
    """The finished instance to restart: 404, then 403 (not the caller's to see), then 409
    (not finished)."""
    row = conn.execute(select(instances).where(instances.c.id == parse_id(instance_id, "instance"))).first()
    if row is None:
        raise NotFound(f"no instance with id {instance_id}")
    rules.check_see_instance(caller, instance_facts(conn, row.id, facts_of), f"instance {instance_id}")
    if row.status not in FINISHED:
        raise Conflict(f"instance {row.id} is {row.status}; only a completed or cancelled instance is restarted")
    started = conn.execute(select(history.c.data).where(history.c.instance_id == row.id,
                                                        history.c.type == "instance_started")
                           .order_by(history.c.id).limit(1)).scalar()
    record = {"entity": row.record_entity, "id": row.record_id} if row.record_entity else None
    return RestartSource(row.id, row.definition_key, row.process_id, record,
                         dict(started) if isinstance(started, dict) else {})

def note_restart(conn: Connection, old_id: int, new_id: int, user: str) -> None:
    """Each instance's history says the other: the new one restarts the old one."""
    at = now()
    conn.execute(insert(history), [
        entry(new_id, at, "instance_restarted", user=user, data={"instance": str(old_id)}),
        entry(old_id, at, "restarted_as", user=user, data={"instance": str(new_id)}),
    ])

