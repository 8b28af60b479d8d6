"""Handing a work item on (issue 15): release a claim, forward to another party, comment.

Each change is one conditional write (the item must still be open, or claimed by whom the caller
saw), so a change that lost a race to a completion answers 409 and writes nothing; each leaves
its history entry, which the instance's history shows in words.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..errors import Conflict
from ..parties import group_party, user_party
from .database import inserted_id
from .instances import OPEN_STATUSES, entry, iso
from .schema import history, work_item_comments, work_item_parties, work_items


def release(conn: Connection, item: Any, by: str, at: datetime) -> None:
    """Give a claimed item back to the parties it is assigned to."""
    if item.status not in OPEN_STATUSES:
        raise Conflict(f"work item {item.id} is {item.status}")
    if item.claimed_by is None:
        raise Conflict(f"work item {item.id} is not claimed")
    changed = conn.execute(update(work_items).where(
        work_items.c.id == item.id, work_items.c.status == "claimed",
        work_items.c.claimed_by == item.claimed_by).values(status="open", claimed_by=None)).rowcount
    if changed != 1:
        raise Conflict(f"work item {item.id} changed meanwhile; reload it")
    conn.execute(insert(history).values(entry(item.instance_id, at, "work_item_released", element=item.element,
                                              name=item.name, user=by, work_item=item.id,
                                              data={"claimed_by": item.claimed_by})))


def responsible(item: Any) -> dict[str, Any]:
    """Whom an item waits for, as forward entries record it."""
    return {"assignee": item.assignee, "users": list(item.users), "groups": list(item.groups),
            "roles": list(item.roles), "claimed_by": item.claimed_by}


def forward(conn: Connection, item: Any, to: dict[str, str], note: str | None, by: str, at: datetime) -> None:
    """The item's responsible party becomes ``to`` ({"user"|"group"|"role": name}), unclaimed."""
    if item.status not in OPEN_STATUSES:
        raise Conflict(f"work item {item.id} is {item.status}")
    kind, name = next(iter(to.items()))
    values = {"assignee": name if kind == "user" else None, "users": [],
              "groups": [name] if kind == "group" else [], "roles": [name] if kind == "role" else [],
              "status": "open", "claimed_by": None}
    changed = conn.execute(update(work_items).where(
        work_items.c.id == item.id, work_items.c.status == item.status,
        work_items.c.claimed_by.is_(None) if item.claimed_by is None else work_items.c.claimed_by == item.claimed_by,
    ).values(**values)).rowcount
    if changed != 1:
        raise Conflict(f"work item {item.id} changed meanwhile; reload it")
    conn.execute(delete(work_item_parties).where(work_item_parties.c.work_item_id == item.id))
    party = user_party(name) if kind == "user" else group_party(name)
    conn.execute(insert(work_item_parties).values(work_item_id=item.id, principal=party))
    conn.execute(insert(history).values(entry(item.instance_id, at, "work_item_forwarded", element=item.element,
                                              name=item.name, user=by, work_item=item.id,
                                              data={"from": responsible(item), "to": to, "note": note})))


def add_comment(conn: Connection, item: Any, text: str, by: str, at: datetime) -> dict[str, Any]:
    comment_id = inserted_id(conn.execute(insert(work_item_comments).values(work_item_id=item.id, user=by,
                                                                            text=text, at=at)))
    conn.execute(insert(history).values(entry(item.instance_id, at, "work_item_commented", element=item.element,
                                              name=item.name, user=by, work_item=item.id, data={"text": text})))
    return {"id": str(comment_id), "work_item": str(item.id), "user": by, "text": text, "at": iso(at)}


def comments_of(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(work_item_comments).where(work_item_comments.c.work_item_id == item_id)
                        .order_by(work_item_comments.c.id))
    return [{"id": str(r.id), "work_item": str(r.work_item_id), "user": r.user, "text": r.text, "at": iso(r.at)}
            for r in rows]
