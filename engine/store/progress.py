"""Where instances stand, for the instance viewer and the heat view: read from the index rows
(work items, timers, outbox jobs, history), never from the SpiffWorkflow state."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, func, select, union_all

from .schema import definition_versions, history, instances, outbox_jobs, timers, work_items

OPEN_ITEM = ("open", "claimed")
WAITING_JOB = ("pending", "sent", "failed")
# History entries that mean "this element was passed through".
DONE_TYPES = ("element_completed", "work_item_completed", "timer_fired", "job_done")


def _waiting(instance_filter: Any) -> Any:
    """One row per place a token waits: (instance_id, element)."""
    return union_all(
        select(work_items.c.instance_id, work_items.c.element)
        .where(work_items.c.status.in_(OPEN_ITEM), work_items.c.instance_id.in_(instance_filter)),
        select(timers.c.instance_id, timers.c.element)
        .where(timers.c.status == "waiting", timers.c.instance_id.in_(instance_filter)),
        select(outbox_jobs.c.instance_id, outbox_jobs.c.element)
        .where(outbox_jobs.c.status.in_(WAITING_JOB), outbox_jobs.c.instance_id.in_(instance_filter)),
    )


def positions(conn: Connection, instance_id: int) -> dict[str, Any]:
    """The viewer's overlay: version number, active elements, elements passed and actions taken."""
    version = conn.execute(select(definition_versions.c.version)
                           .join(instances, instances.c.version_id == definition_versions.c.id)
                           .where(instances.c.id == instance_id)).scalar()
    waiting = _waiting(select(instances.c.id).where(instances.c.id == instance_id)).subquery()
    active = sorted(set(conn.execute(select(waiting.c.element)).scalars()))
    done = conn.execute(select(history.c.element, history.c.action_id)
                        .where(history.c.instance_id == instance_id, history.c.type.in_(DONE_TYPES))
                        .order_by(history.c.id)).all()
    completed = list(dict.fromkeys(row.element for row in done if row.element))
    taken = list(dict.fromkeys(row.action_id for row in done if row.action_id))
    return {"version": version, "active_elements": active, "completed_elements": completed,
            "taken_flows": taken}


def heat(conn: Connection, key: str, version: int | None) -> dict[str, Any]:
    """How many running instances wait at each element of a definition (of one version, or all)."""
    running = select(instances.c.id).where(instances.c.definition_key == key,
                                           instances.c.status.in_(("running", "error")))
    if version is not None:
        running = running.join(definition_versions, definition_versions.c.id == instances.c.version_id) \
            .where(definition_versions.c.version == version)
    waiting = _waiting(running).subquery()
    counts = Counter({element: int(n) for element, n in conn.execute(
        select(waiting.c.element, func.count(func.distinct(waiting.c.instance_id))).group_by(waiting.c.element))})
    total = conn.execute(select(func.count()).select_from(running.subquery())).scalar()
    return {"key": key, "version": version, "running": int(total or 0), "elements": dict(sorted(counts.items()))}
