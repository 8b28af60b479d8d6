"""Escalation of overdue work items (MISSION F3: no work falls into a black hole).

A user task with ``charkh:escalateAfter`` arms an escalation timer when its item opens. If the
item is still open when it fires, the item also goes to ``charkh:escalateTo``: the superior of
each of its roles, or a named user or group. The item stays where it was too, leaves whoever had
claimed it, and the history records the escalation. One transaction, the instance locked.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..parties import parties_of_item
from . import notifications as notes
from .instances import OPEN_STATUSES, DefinitionLoader, entry, lock_instance
from .people import now, superior_of
from .schema import history, timers, users, work_item_parties, work_items


def _targets(conn: Connection, escalate_to: str, roles: list[str]) -> dict[str, list[str]]:
    """Whom the item goes to, as {"users": [...], "groups": [...], "roles": [...]}."""
    if escalate_to == "superior":
        superiors = sorted({s for s in (superior_of(conn, role) for role in roles) if s})
        return {"users": [], "groups": [], "roles": superiors}
    if conn.execute(select(users.c.id).where(users.c.name == escalate_to)).first() is not None:
        return {"users": [escalate_to], "groups": [], "roles": []}
    return {"users": [], "groups": [escalate_to], "roles": []}


def escalate(conn: Connection, load: DefinitionLoader, timer: Any) -> bool:
    instance = lock_instance(conn, timer.instance_id)
    conn.execute(update(timers).where(timers.c.id == timer.id).values(status="fired"))
    item = conn.execute(select(work_items).where(work_items.c.id == timer.work_item_id)).first()
    if item is None or item.status not in OPEN_STATUSES:
        return False  # done in time
    cartable = load(conn, instance.version_id).cartables.get(item.element)
    escalate_to = cartable.escalate_to if cartable else None
    at = now()
    targets = _targets(conn, escalate_to, list(item.roles)) if escalate_to else {"users": [], "groups": [],
                                                                                   "roles": []}
    principals = parties_of_item(None, targets["users"], targets["groups"], targets["roles"])
    known = set(conn.execute(select(work_item_parties.c.principal)
                             .where(work_item_parties.c.work_item_id == item.id)).scalars())
    fresh = sorted(principals - known)
    if fresh:
        conn.execute(insert(work_item_parties), [{"work_item_id": item.id, "principal": p} for p in fresh])
    conn.execute(update(work_items).where(work_items.c.id == item.id).values(
        status="open", claimed_by=None,
        users=sorted(set(item.users) | set(targets["users"])),
        groups=sorted(set(item.groups) | set(targets["groups"])),
        roles=sorted(set(item.roles) | set(targets["roles"]))))
    reached = targets["users"] + targets["groups"] + targets["roles"]
    people = notes.people_of(conn, targets["users"], targets["groups"] + targets["roles"])
    notes.notify(conn, people, "escalation", f"escalation:{item.id}:{timer.id}", item.name,
                 {"work_item": str(item.id), "instance": str(instance.id)}, at, at)
    conn.execute(insert(history).values(entry(
        instance.id, at, "work_item_escalated", element=item.element, name=item.name, work_item=item.id,
        data={"to": reached, "escalate_to": escalate_to, "was_claimed_by": item.claimed_by,
              "problem": None if reached else f"nobody to escalate to ({escalate_to or 'no charkh:escalateTo'})"})))
    return True
