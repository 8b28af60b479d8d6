"""The caller's cartable items that fall due in a range: the calendar's layer of work items.

"The caller's items" is the cartable's rule (instances.list_work_items, mine=true): claimed by
them, or unclaimed and assigned to them, their groups or their roles, outside the definitions
hidden from them; here only open ones with a due date in the range.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, exists, or_, select

from ..access import Caller
from ..calendar_input import Range
from .instances import OPEN_STATUSES, work_item_json
from .schema import instances, work_item_parties, work_items

# A calendar shows at most this many items; a range with more is a report, not a calendar.
MAX_DUE_ITEMS = 1000


def due_items(conn: Connection, caller: Caller, within: Range, hidden: frozenset[str]) -> list[dict[str, Any]]:
    assigned = exists().where(work_item_parties.c.work_item_id == work_items.c.id,
                              work_item_parties.c.principal.in_(caller.principals))
    query = (select(work_items, instances.c.definition_key)
             .join(instances, instances.c.id == work_items.c.instance_id)
             .where(work_items.c.status.in_(OPEN_STATUSES),
                    work_items.c.due_at >= within.start, work_items.c.due_at < within.end,
                    or_(work_items.c.claimed_by == caller.name,
                        and_(work_items.c.claimed_by.is_(None), assigned)))
             .order_by(work_items.c.due_at, work_items.c.id).limit(MAX_DUE_ITEMS))
    if hidden:
        query = query.where(instances.c.definition_key.not_in(sorted(hidden)))
    return [{**work_item_json(row._mapping), "definition": row.definition_key} for row in conn.execute(query)]
