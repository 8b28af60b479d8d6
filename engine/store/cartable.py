"""The cartable's queries (issue 15): work items listed and counted through a WorkFilter.

Which items a caller may list is decided in engine/access.py; this module writes it in SQL:
"mine" through the cartable index (work_item_parties: the caller's parties, or claimed by them),
another user's cartable the same way with their parties, everything the caller may see through
the access scope. Filters on the definition, status and due date use the item's own columns
(indexed), so a cartable of a million items is never joined to its instances.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, or_, select, union
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from ..access import Caller, Scope
from ..work_filter import Cursor, WorkFilter
from .instances import OPEN_STATUSES, PROCESS_NAME, visible_to, work_item_json
from .schema import definitions, groups, history, work_item_parties, work_items
from .writes import HotStatement


def _whose(caller: Caller, work_filter: WorkFilter,
           user_principals: list[str] | None) -> tuple[str, list[str], bool] | None:
    """Whose cartable the list is (name, parties, whether unassigned items count), if it is one."""
    if work_filter.user is not None:
        return work_filter.user, user_principals or [], False
    if work_filter.mine and not work_filter.parties:
        return caller.name, list(caller.principals), caller.is_admin
    return None


def _conditions(caller: Caller, work_filter: WorkFilter, at: datetime, hidden: frozenset[str],
                scope: Scope | None, user_principals: list[str] | None) -> list[ColumnElement[bool]]:
    """The filter's conditions, but for whose cartable it is (_page_of_each_party writes that)."""
    found: list[ColumnElement[bool]] = []
    whose = _whose(caller, work_filter, user_principals)
    if whose is None and not work_filter.parties and scope is not None and not scope.everything:
        found.append(visible_to(scope, work_items.c.instance_id))
    if hidden:
        found.append(or_(work_items.c.definition_key.is_(None), work_items.c.definition_key.not_in(sorted(hidden))))
    of_entry = _of_entry(work_filter)
    for party in work_filter.parties:  # the open entries only, when the list is of open items
        found.append(exists().where(work_item_parties.c.work_item_id == work_items.c.id,
                                    work_item_parties.c.principal == f"g:{party}", *of_entry))
    statuses = work_filter.statuses
    if statuses is not None:
        found.append(work_items.c.status.in_(statuses))
    if work_filter.definition is not None:
        found.append(work_items.c.definition_key == work_filter.definition)
    if work_filter.element is not None:
        found.append(work_items.c.element == work_filter.element)
    if work_filter.action is not None:
        by_name = exists().where(history.c.instance_id == work_items.c.instance_id,
                                 history.c.work_item == work_items.c.id,
                                 history.c.type == "work_item_completed",
                                 history.c.action_name == work_filter.action)
        found.append(or_(work_items.c.action_id == work_filter.action, by_name))
    if work_filter.claimed_by_me:
        found.append(work_items.c.claimed_by == caller.name)
    found += _due(work_filter.due, at)
    text = work_filter.search
    if text is not None:
        named = exists().where(definitions.c.key == work_items.c.definition_key,
                               definitions.c.name.icontains(text, autoescape=True))
        found.append(or_(work_items.c.title.icontains(text, autoescape=True),
                         work_items.c.name.icontains(text, autoescape=True),
                         work_items.c.definition_key.icontains(text, autoescape=True), named))
    return found


def _due(due: str | None, at: datetime) -> list[ColumnElement[bool]]:
    if due is None:
        return []
    if due == "overdue":
        return [work_items.c.due_at < at, work_items.c.status.in_(OPEN_STATUSES)]
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    days = 1 if due == "today" else 7
    return [work_items.c.due_at >= day, work_items.c.due_at < day + timedelta(days=days)]


def _sort_column(work_filter: WorkFilter) -> Any:
    return work_items.c[work_filter.sort_field]


def _after(work_filter: WorkFilter, after_id: Any, after_value: Any) -> ColumnElement[bool]:
    """Keyset paging: the items after the cursor's (its item id and sort value, as values or
    bound parameters; value None: the cursor's item has none) in the list's order (missing values last)."""
    item_id = work_items.c.id
    later_id: ColumnElement[bool] = item_id < after_id if work_filter.descending else item_id > after_id
    column = _sort_column(work_filter)
    if work_filter.sort_field == "id":
        return later_id
    if after_value is None:
        return and_(column.is_(None), later_id)
    beyond = column < after_value if work_filter.descending else column > after_value
    return or_(beyond, and_(column == after_value, later_id), column.is_(None))


def _order(work_filter: WorkFilter) -> list[Any]:
    column = _sort_column(work_filter)
    if work_filter.sort_field == "id":
        return [column.desc() if work_filter.descending else column.asc()]
    return [column.is_(None), column.desc() if work_filter.descending else column.asc(),
            work_items.c.id.desc() if work_filter.descending else work_items.c.id.asc()]


def _entries_open(statuses: tuple[str, ...] | None) -> bool | None:
    """Which entries of the cartable index the statuses need: the open ones, the closed ones, or
    both (None)."""
    if statuses is None:
        return None
    if set(statuses) <= set(OPEN_STATUSES):
        return True
    if not set(statuses) & set(OPEN_STATUSES):
        return False
    return None


def _of_entry(work_filter: WorkFilter) -> list[ColumnElement[bool]]:
    """The condition on cartable index entries that the list's statuses allow (none: all entries)."""
    entries_open = _entries_open(work_filter.statuses)
    return [] if entries_open is None else [work_item_parties.c.item_open == entries_open]


def _page_of_each_party(name: Any, principals: list[Any], unassigned_too: bool,
                        conditions: list[ColumnElement[bool]], work_filter: WorkFilter, limit: Any) -> Any:
    """The ids of one page of a person's cartable: the first page of each of their parties (and
    of what they claimed), merged.

    Each party's branch reads only its entries of the cartable index (work_item_parties:
    principal, item_open, work_item_id), only the open ones when the list is of open items (the
    party's history is never read), in id order straight from the index when the list is in id order.
    Written as one condition, PostgreSQL read the whole table for a person with few items (a
    million items: 0.3 to 1.5 s). ``limit`` None: all of them (for counting). Name, parties and
    limit may be values or bound parameters (_first_page)."""
    order = _order(work_filter)
    if work_filter.sort_field == "id":
        entry = work_item_parties.c.work_item_id
        by_party = [entry.desc() if work_filter.descending else entry.asc()]
    else:
        by_party = order
    of_entry = _of_entry(work_filter)
    branches = [
        select(work_items.c.id)
        .select_from(work_item_parties.join(work_items, work_items.c.id == work_item_parties.c.work_item_id))
        .where(work_item_parties.c.principal == principal, *of_entry, work_items.c.claimed_by.is_(None),
               *conditions)
        .order_by(*by_party).limit(limit)
        for principal in principals
    ]
    branches.append(select(work_items.c.id).where(work_items.c.claimed_by == name, *conditions)
                    .order_by(*order).limit(limit))
    if unassigned_too:
        unassigned = ~exists().where(work_item_parties.c.work_item_id == work_items.c.id)
        branches.append(select(work_items.c.id).where(work_items.c.claimed_by.is_(None), unassigned, *conditions)
                        .order_by(*order).limit(limit))
    if limit is None:
        return union(*(branch.order_by(None).limit(None) for branch in branches)).subquery("all_of_them")
    # each branch as a subquery: SQLite takes no ORDER BY or LIMIT on a UNION's own parts
    parts = [select(branch.subquery().c.id) for branch in branches]
    return union(*parts).subquery("page")


# The statements of a plain cartable's pages (only whose it is, the status filter and the cursor),
# one per shape, with the values as parameters: "my items" is asked before every action people
# take, and building this expression cost three times running it (bench/run.py invoice --with-cartable).
_PLAIN_PAGES: dict[tuple[Any, ...], HotStatement] = {}


def _is_plain(work_filter: WorkFilter) -> bool:
    return (not work_filter.parties and work_filter.definition is None
            and work_filter.element is None and work_filter.action is None and not work_filter.claimed_by_me
            and work_filter.due is None and work_filter.search is None)


def _plain_page(parties: int, unassigned_too: bool, hidden: int, by_status: int, work_filter: WorkFilter,
                after: str | None) -> HotStatement:
    """``hidden``, ``by_status``: how many hidden processes and statuses it names (each a parameter
    of its own, so the statement is compiled once per shape); ``after``: None on the first page,
    "value" after a cursor with a sort value, "none" after one whose item had none."""
    shape = (parties, unassigned_too, hidden, by_status, _entries_open(work_filter.statuses),
             work_filter.sort_field, work_filter.descending, after)
    statement = _PLAIN_PAGES.get(shape)
    if statement is None:
        conditions: list[ColumnElement[bool]] = []
        if after is not None:
            conditions.append(_after(work_filter, bindparam("after_id"),
                                     bindparam("after_value") if after == "value" else None))
        if hidden:
            named: list[BindParameter[Any]] = [bindparam(f"hidden_{n}") for n in range(hidden)]
            conditions.append(or_(work_items.c.definition_key.is_(None), work_items.c.definition_key.not_in(named)))
        if by_status:
            conditions.append(work_items.c.status.in_([bindparam(f"status_{n}") for n in range(by_status)]))
        page = _page_of_each_party(bindparam("me"), [bindparam(f"party_{n}") for n in range(parties)],
                                   unassigned_too, conditions, work_filter, bindparam("limit"))
        statement = HotStatement(select(work_items, PROCESS_NAME).where(work_items.c.id.in_(select(page.c.id)))
                                 .order_by(*_order(work_filter)).limit(bindparam("limit")))
        _PLAIN_PAGES[shape] = statement
    return statement


def list_items(conn: Connection, caller: Caller, work_filter: WorkFilter, limit: int, cursor: Cursor | None,
               at: datetime, hidden: frozenset[str], scope: Scope | None,
               user_principals: list[str] | None) -> list[dict[str, Any]]:
    """One page of items, each as the API shows it."""
    whose = _whose(caller, work_filter, user_principals)
    if whose is not None and _is_plain(work_filter):
        name, principals, unassigned_too = whose
        statuses = work_filter.statuses
        after = None if cursor is None else ("none" if cursor.value is None else "value")
        statement = _plain_page(len(principals), unassigned_too, len(hidden), len(statuses or ()), work_filter, after)
        values: dict[str, Any] = {"me": name, "limit": limit, **{f"party_{n}": p for n, p in enumerate(principals)}}
        if cursor is not None:
            values["after_id"] = cursor.item_id
            if cursor.value is not None:
                values["after_value"] = cursor.value
        values.update((f"hidden_{n}", key) for n, key in enumerate(sorted(hidden)))
        values.update((f"status_{n}", status) for n, status in enumerate(statuses or ()))
        return [work_item_json(row._mapping) for row in statement.rows(conn, values)]
    if whose is not None:
        conditions = _conditions(caller, work_filter, at, hidden, scope, user_principals)
        if cursor is not None:
            conditions.append(_after(work_filter, cursor.item_id, cursor.value))
        page = _page_of_each_party(*whose, conditions, work_filter, limit)
        query = select(work_items, PROCESS_NAME).where(work_items.c.id.in_(select(page.c.id)))
    else:
        query = select(work_items, PROCESS_NAME).where(
            *_conditions(caller, work_filter, at, hidden, scope, user_principals))
        if cursor is not None:
            query = query.where(_after(work_filter, cursor.item_id, cursor.value))
    query = query.order_by(*_order(work_filter)).limit(limit)
    return [work_item_json(row._mapping) for row in conn.execute(query)]


def counts(conn: Connection, caller: Caller, work_filter: WorkFilter, at: datetime, hidden: frozenset[str],
           scope: Scope | None, user_principals: list[str] | None, per_person: bool) -> dict[str, Any]:
    """How many items match, per process, task and status; ``per_person`` adds per person
    (who holds them), group and role: who works on what."""
    chosen_columns = (work_items.c.id, work_items.c.definition_key, work_items.c.element, work_items.c.name,
                      work_items.c.status, work_items.c.claimed_by)
    whose = _whose(caller, work_filter, user_principals)
    if whose is not None:  # through the cartable index, as list_items
        conditions = _conditions(caller, work_filter, at, hidden, scope, user_principals)
        theirs = _page_of_each_party(*whose, conditions, work_filter, None)
        chosen = select(*chosen_columns).where(work_items.c.id.in_(select(theirs.c.id))).subquery("chosen")
    else:
        chosen = (select(*chosen_columns)
                  .where(*_conditions(caller, work_filter, at, hidden, scope, user_principals)).subquery("chosen"))
    # one pass over the chosen items, summed here per process, task, status and person
    groups_of = conn.execute(select(chosen.c.definition_key, chosen.c.element, func.min(chosen.c.name),
                                    chosen.c.status, chosen.c.claimed_by, func.count())
                             .group_by(chosen.c.definition_key, chosen.c.element, chosen.c.status,
                                       chosen.c.claimed_by)).all()
    processes: Counter[str] = Counter()
    elements: Counter[tuple[str, str]] = Counter()
    element_names: dict[tuple[str, str], str] = {}
    statuses: Counter[str] = Counter()
    holders: Counter[str | None] = Counter()
    for key, element, name, status, holder, count in groups_of:
        processes[key] += count
        elements[(key, element)] += count
        element_names[(key, element)] = name
        statuses[status] += count
        holders[holder] += count
    names = dict(conn.execute(select(definitions.c.key, definitions.c.name)
                              .where(definitions.c.key.in_(list(processes)))).all()) if processes else {}
    found: dict[str, Any] = {
        "total": sum(processes.values()),
        "by_process": [{"key": key, "name": names.get(key) or key, "count": count}
                       for key, count in sorted(processes.items(), key=lambda kv: (-kv[1], kv[0] or ""))],
        "by_element": [{"process": key, "element": element, "name": element_names[(key, element)], "count": count}
                       for (key, element), count in sorted(elements.items(),
                                                           key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][1]))],
        "by_status": dict(statuses),
    }
    if per_person:
        found["by_person"] = [{"user": user, "count": count}
                              for user, count in sorted(holders.items(), key=lambda kv: (-kv[1], kv[0] or ""))]
        kinds = dict(conn.execute(select(groups.c.name, groups.c.kind)).all())
        by_party: dict[str, list[dict[str, Any]]] = {"group": [], "role": [], "user": []}
        of_entry = _of_entry(work_filter)
        for principal, count in conn.execute(
                select(work_item_parties.c.principal, func.count())
                .join(chosen, chosen.c.id == work_item_parties.c.work_item_id).where(*of_entry)
                .group_by(work_item_parties.c.principal)
                .order_by(func.count().desc(), work_item_parties.c.principal)):
            kind, _, name = principal.partition(":")
            sort = "user" if kind == "u" else ("role" if kinds.get(name) == "role" else "group")
            by_party[sort].append({"name": name, "count": count})
        found.update(by_group=by_party["group"], by_role=by_party["role"], by_assigned_user=by_party["user"])
    return found


def process_name(conn: Connection, key: str | None) -> str | None:
    """A definition's name (its key when it has none)."""
    if key is None:
        return None
    return conn.execute(select(definitions.c.name).where(definitions.c.key == key)).scalar() or key
