"""The people's half of the engine (issue 15): cartables listed, filtered and counted, one item
with its case, and handing items on (release, forward, comments); the processes a person may
start. Every operation asks the access rule (engine/access.py) first.

Beside Charkh (which moves instances) as ProcessList is beside it for the designer.
"""
from __future__ import annotations

from typing import Any

from . import access as rules
from .access import Caller
from .charkh import Charkh
from .errors import Conflict, Forbidden, Invalid, NotFound
from .parties import parties_of_item
from .store import cartable, handover, people
from .store import instances as instance_store
from .store.notifications import notify
from .store.people import members_of
from .work_filter import WorkFilter, read_cursor

MAX_COMMENT_LENGTH = 4000
MAX_NOTE_LENGTH = 4000
PARTY_KINDS = ("user", "group", "role")
# Names of each kind one call of forward_candidates answers at most: a picker shows a handful.
MAX_CANDIDATES = 100


class Cartables:
    def __init__(self, charkh: Charkh) -> None:
        self.charkh = charkh
        self.db = charkh.db

    # --- lists and counts -------------------------------------------------------------------

    def _user_principals(self, caller: Caller, work_filter: WorkFilter) -> list[str] | None:
        if work_filter.user is None:
            return None
        if work_filter.user == caller.name:
            return list(caller.principals)
        try:
            return list(self.charkh.caller_named(work_filter.user).principals)
        except NotFound:
            raise Invalid(f"user: no user named {work_filter.user!r}") from None

    def _reach(self, caller: Caller, work_filter: WorkFilter) -> dict[str, Any]:
        """What bounds the caller's lists: the access rule's verdict, as query arguments."""
        rules.check_see_work_of(caller, work_filter.user, work_filter.parties)
        wide = work_filter.user is None and not work_filter.mine
        scope = self.charkh.scope(caller) if wide and not rules.may_supervise(caller) else None
        return {"hidden": self.charkh.hidden_definitions(caller), "scope": scope,
                "user_principals": self._user_principals(caller, work_filter)}

    def work_items(self, caller: Caller, work_filter: WorkFilter, limit: int = 100,
                   after: str | None = None) -> list[dict[str, Any]]:
        """A page of the items the filter asks for, among those the caller may see."""
        reach = self._reach(caller, work_filter)
        cursor = read_cursor(work_filter, after) if after else None
        with self.db.read() as conn:
            return cartable.list_items(conn, caller, work_filter, limit, cursor, self.charkh.clock(), **reach)

    def counts(self, caller: Caller, work_filter: WorkFilter) -> dict[str, Any]:
        """How many items match, per process, task and status; for supervisors and administrators
        also per person, group and role."""
        reach = self._reach(caller, work_filter)
        with self.db.read() as conn:
            return cartable.counts(conn, caller, work_filter, self.charkh.clock(),
                                   per_person=rules.may_supervise(caller), **reach)

    # --- one item ---------------------------------------------------------------------------

    def _item(self, conn: Any, item_id: str) -> Any:
        row = instance_store.work_item_row(conn, instance_store.parse_id(item_id, "work item"))
        if row is None:
            raise NotFound(f"no work item with id {item_id}")
        return row

    def _seen_item(self, conn: Any, item_id: str, caller: Caller) -> Any:
        row = self._item(conn, item_id)
        known = instance_store.instance_facts(conn, row.instance_id, self.charkh.definition_facts)
        rules.check_see_instance(caller, known, f"work item {item_id}")
        return row

    def _may_act(self, caller: Caller, row: Any) -> bool:
        definition = self.charkh.definition_facts(row.definition_key or "", None)
        return rules.may_act_on_item(caller, self._parties(row), row.claimed_by, definition)

    @staticmethod
    def _parties(row: Any) -> frozenset[str]:
        return frozenset(parties_of_item(row.assignee, row.users, row.groups, row.roles))

    def work_item(self, item_id: str, caller: Caller) -> dict[str, Any]:
        """The item with its case: the instance's variables and history, the item's comments,
        what the caller may do with it, and its task's form (a form-js schema, or None)."""
        with self.db.read() as conn:
            row = self._seen_item(conn, item_id, caller)
            instance = instance_store.instance_json(conn, str(row.instance_id), caller,
                                                    self.charkh.definition_facts)
            comments = handover.comments_of(conn, row.id)
            process_name = cartable.process_name(conn, row.definition_key)
            form = self.charkh.task_form(conn, row.instance_id, row.element)
        item = next(w for w in instance["work_items"] if w["id"] == str(row.id))
        acting = self._may_act(caller, row) and row.status in instance_store.OPEN_STATUSES
        definition = self.charkh.definition_facts(row.definition_key or "", None)
        return {
            **item,
            "process": {"key": row.definition_key, "name": process_name},
            "form": form,
            "variables": instance["variables"],
            "history": instance["history"],
            "comments": comments,
            "instance": {k: instance[k] for k in ("id", "status", "definition", "process", "version_id",
                                                   "started_by", "created_at", "record")},
            "may": {
                "complete": acting,
                "claim": acting and row.claimed_by is None,
                "release": row.claimed_by is not None and rules.may_release(caller, row.claimed_by),
                "forward": row.status in instance_store.OPEN_STATUSES and rules.may_forward(
                    caller, self._parties(row), row.claimed_by, definition),
            },
        }

    # --- handing on -------------------------------------------------------------------------

    def release(self, item_id: str, caller: Caller) -> dict[str, Any]:
        """Give a claimed item back to its parties: whoever claimed it, or an administrator."""
        with self.db.write() as conn:
            row = self._seen_item(conn, item_id, caller)
            if not (caller.is_admin or row.claimed_by == caller.name
                    or (row.claimed_by is None and self._may_act(caller, row))):
                raise Forbidden(f"only whoever claimed work item {item_id} ({row.claimed_by}) or an "
                                "administrator may release it")
            handover.release(conn, row, caller.name, self.charkh.clock())
            return instance_store.work_item_json(self._item(conn, item_id)._mapping)

    def _forwardable(self, conn: Any, item_id: str, caller: Caller) -> tuple[Any, rules.DefinitionFacts]:
        """The item and its definition's facts, when the caller may forward it now."""
        row = self._seen_item(conn, item_id, caller)
        definition = self.charkh.definition_facts(row.definition_key or "", None)
        if not rules.may_forward(caller, self._parties(row), row.claimed_by, definition):
            raise Forbidden(f"work item {item_id} is not yours to forward: it is not assigned to you, "
                            "your groups or your roles")
        if row.status not in instance_store.OPEN_STATUSES:
            raise Conflict(f"work item {item_id} is {row.status}")
        return row, definition

    def forward_candidates(self, item_id: str, caller: Caller, text: str = "",
                           limit: int = 20) -> dict[str, list[dict[str, str]]]:
        """Whom the caller may forward the item to, for the item page's picker: users, groups and
        roles whose name holds ``text``; a private process's users only from its access list. Asked
        only of an item the caller may forward, so it tells nothing of processes they cannot see."""
        with self.db.read() as conn:
            _, definition = self._forwardable(conn, item_id, caller)
            return people.candidates(conn, text, min(limit, MAX_CANDIDATES), rules.assignable_users(definition))

    def forward(self, item_id: str, caller: Caller, to: dict[str, Any], note: str | None) -> dict[str, Any]:
        """The item's responsible party becomes ``to``: {"user"|"group"|"role": name}."""
        with self.db.write() as conn:
            row, definition = self._forwardable(conn, item_id, caller)
            target = self._target(conn, to, definition)
            note = _text(note, "note", MAX_NOTE_LENGTH, required=False)
            at = self.charkh.clock()
            handover.forward(conn, row, target, note, caller.name, at)
            # "item assigned" is derived from items newer than each person's last look; a forwarded
            # item is older, so its new people are told here.
            kind, name = next(iter(target.items()))
            people = [name] if kind == "user" else members_of(conn, name)
            notify(conn, [p for p in people if p != caller.name], "assigned",
                   f"forward:{row.id}:{int(at.timestamp() * 1000)}", row.title or row.name,
                   {"work_item": str(row.id), "instance": str(row.instance_id)}, at, at)
            # the item as it now is, even when the caller no longer takes part in its case
            return instance_store.work_item_json(self._item(conn, item_id)._mapping)

    @staticmethod
    def _target(conn: Any, to: dict[str, Any], definition: rules.DefinitionFacts) -> dict[str, str]:
        given = {k: v for k, v in (to or {}).items() if v is not None}
        if len(given) != 1 or next(iter(given)) not in PARTY_KINDS:
            raise Invalid('to must name one party: {"user": NAME}, {"group": NAME} or {"role": NAME}')
        kind, name = next(iter(given.items()))
        if not isinstance(name, str) or not name.strip():
            raise Invalid(f"to.{kind} must be a non-empty name")
        name = name.strip()
        if kind == "user":
            if not people.existing_users(conn, [name]):
                raise Invalid(f"to.user: no user named {name!r}")
            rules.check_assignable(name, definition)
        elif people.kind_of(conn, name) != kind:
            raise Invalid(f"to.{kind}: no {kind} named {name!r}")
        return {kind: name}

    def comments(self, item_id: str, caller: Caller) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            row = self._seen_item(conn, item_id, caller)
            return handover.comments_of(conn, row.id)

    def comment(self, item_id: str, caller: Caller, text: Any) -> dict[str, Any]:
        """A comment on the item, by whoever may see its instance."""
        with self.db.write() as conn:
            row = self._seen_item(conn, item_id, caller)
            checked = _text(text, "text", MAX_COMMENT_LENGTH, required=True)
            assert checked is not None
            return handover.add_comment(conn, row, checked, caller.name, self.charkh.clock())

    # --- starting ---------------------------------------------------------------------------

    def startable(self, caller: Caller) -> list[dict[str, Any]]:
        """The processes the caller may start: deployed, active and visible to them."""
        hidden = self.charkh.hidden_definitions(caller)
        found = []
        after = None
        while True:
            page = self.charkh.list_definitions(500, after)
            found += [{"key": d["key"], "name": d.get("name") or d["key"]} for d in page
                      if d["key"] not in hidden and d.get("deployed_version") and d.get("active")]
            if len(page) < 500:
                return found
            after = page[-1]["key"]


def _text(value: Any, what: str, limit: int, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"{what} must not be empty")
        return None
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text")
    if len(value) > limit:
        raise Invalid(f"{what} is {len(value)} characters long; at most {limit}")
    return value.strip()
