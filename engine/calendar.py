"""The calendar's engine API: tasks and follow-ups, events, rooms, and a person's calendar over a
range (MISSION F4.6, F4.7, F6). The HTTP layer (designer/calendar_api.py) and, later, the
calendar activities call these; each is one transaction, checked by the access rule.

A ``caller`` of None is the system (an activity of a process, F4.6/F4.7), as for imports: it
acts in its own right and names the person it acts for in ``created_by``/``owner``.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from . import access as rules
from .access import Caller, FactsOf
from .calendar_input import (
    INVITATION_RESPONSES,
    WHICH_TASKS,
    Range,
    TaskDraft,
    date_range,
    event_changes,
    event_draft,
    forwarding,
    moment,
    room_draft,
    task_changes,
    task_draft,
)
from .clock import Clock, as_utc
from .errors import Invalid, NotFound
from .store import due_items as due_store
from .store import events as event_store
from .store import instances as instance_store
from .store import tasks as task_store
from .store.database import Database


@dataclass(frozen=True)
class TaskQuery:
    """Which of the caller's tasks a list shows (calendar_input.WHICH_TASKS), by status ("open":
    not done), and due (or, without a due date, starting) within a range."""

    which: str = "all"
    status: str | None = "open"
    within: Range | None = None


class Calendar:
    """``definition_facts``: the access rule's facts of a definition (for links to items and
    instances); ``hidden_definitions``: the definitions whose items a caller may not see;
    ``time_zone``: the zone whose wall clock a recurring event keeps unless it names its own
    (settings.time_zone)."""

    def __init__(self, db: Database, clock: Clock, definition_facts: FactsOf,
                 hidden_definitions: Callable[[Caller], frozenset[str]], time_zone: str = "UTC") -> None:
        self.db = db
        self.clock = clock
        self.definition_facts = definition_facts
        self.hidden_definitions = hidden_definitions
        self.time_zone = time_zone

    # --- tasks ------------------------------------------------------------------------------

    def create_task(self, body: dict[str, Any], caller: Caller | None, created_by: str | None = None) -> dict[str, Any]:
        """A task (a follow-up when it follows a task, an item or an instance). Its owner is the
        creator unless ``owner`` or ``owner_group`` names someone else, who is notified."""
        draft = task_draft(body)
        creator = caller.name if caller is not None else created_by
        if not creator:
            raise Invalid("a task made by the system names the person it is made for (created_by)")
        with self.db.write() as conn:
            draft = self._checked_links(conn, draft, caller)
            task_id = task_store.insert_task(conn, draft, creator, self.clock())
            return self._task_json(conn, task_store.task_row(conn, task_id))

    def _checked_links(self, conn: Connection, draft: TaskDraft, caller: Caller | None) -> TaskDraft:
        """What a follow-up follows must exist and be the caller's to see; a work item brings
        its instance along."""
        if draft.follows_task is not None:
            try:
                self._visible_task(conn, str(draft.follows_task), caller)
            except NotFound:
                raise Invalid(f"follows.task: no task {draft.follows_task} that you may see") from None
        instance_id = draft.instance
        if draft.work_item is not None:
            item = instance_store.work_item_row(conn, draft.work_item)
            if item is None or not self._may_see_instance(conn, item.instance_id, caller):
                raise Invalid(f"follows.work_item: no work item {draft.work_item} that you may see")
            if instance_id is not None and instance_id != item.instance_id:
                raise Invalid(f"follows.instance: work item {draft.work_item} belongs to instance "
                              f"{item.instance_id}, not {instance_id}")
            instance_id = item.instance_id
        elif instance_id is not None and not self._may_see_instance(conn, instance_id, caller):
            raise Invalid(f"follows.instance: no instance {instance_id} that you may see")
        return dataclasses.replace(draft, instance=instance_id)

    def _may_see_instance(self, conn: Connection, instance_id: int, caller: Caller | None) -> bool:
        try:
            facts = instance_store.instance_facts(conn, instance_id, self.definition_facts)
        except NotFound:
            return False
        return caller is None or rules.may_see_instance(caller, facts)

    def _visible_task(self, conn: Connection, task_id: str, caller: Caller | None) -> Any:
        """The task's row, or NotFound when there is none or it is not the caller's to see."""
        number = instance_store.parse_id(task_id, "task")
        row = task_store.task_row(conn, number)
        if caller is not None and not rules.may_see_task(caller, task_store.task_facts(conn, row)):
            raise NotFound(f"no task with id {task_id}")
        return row

    def _task_json(self, conn: Connection, row: Any) -> dict[str, Any]:
        return task_store.task_json(row, task_store.task_history(conn, row.id))

    def task(self, task_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            return self._task_json(conn, self._visible_task(conn, task_id, caller))

    def tasks(self, caller: Caller, query: TaskQuery, limit: int = 100,
              after: str | None = None) -> list[dict[str, Any]]:
        if query.which not in WHICH_TASKS:
            raise Invalid(f"which must be one of {', '.join(WHICH_TASKS)}; not {query.which!r}")
        cursor = None if after is None else instance_store.parse_id(after, "task")
        with self.db.read() as conn:
            return task_store.list_tasks(conn, caller, query.which, query.status, query.within, limit, cursor)

    def update_task(self, task_id: str, body: dict[str, Any], caller: Caller) -> dict[str, Any]:
        with self.db.write() as conn:
            row = self._visible_task(conn, task_id, caller)
            changes = task_changes(body, as_utc(row.start_at), as_utc(row.due_at))
            task_store.update_task(conn, row, changes, caller.name, self.clock())
            return self._task_json(conn, task_store.task_row(conn, row.id))

    def forward_task(self, task_id: str, body: dict[str, Any], caller: Caller) -> dict[str, Any]:
        """The task goes to a colleague or a group, with a note; its new owner is notified."""
        with self.db.write() as conn:
            row = self._visible_task(conn, task_id, caller)
            task_store.forward_task(conn, row, forwarding(body), caller.name, self.clock())
            return self._task_json(conn, task_store.task_row(conn, row.id))

    def complete_task(self, task_id: str, note: str, caller: Caller) -> dict[str, Any]:
        with self.db.write() as conn:
            row = self._visible_task(conn, task_id, caller)
            task_store.complete_task(conn, row, caller.name, note.strip()[:2000], self.clock())
            return self._task_json(conn, task_store.task_row(conn, row.id))

    # --- rooms and events -------------------------------------------------------------------

    def add_room(self, body: dict[str, Any], caller: Caller) -> dict[str, Any]:
        rules.check_manage_rooms(caller)
        draft = room_draft(body)
        with self.db.write() as conn:
            return event_store.insert_room(conn, draft, self.clock())

    def rooms(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return event_store.list_rooms(conn)

    def room_availability(self, room_id: str, start: Any, end: Any) -> dict[str, Any]:
        number = instance_store.parse_id(room_id, "room")
        within = date_range(start, end)
        with self.db.read() as conn:
            return event_store.availability(conn, number, within)

    def create_event(self, body: dict[str, Any], caller: Caller | None, owner: str | None = None) -> dict[str, Any]:
        """A meeting, call or visit, once or recurring (``recurrence``: an RFC 5545 RRULE); its
        room must be free at every occurrence (409 names the clashes), its invitees are notified."""
        draft = event_draft(body, self.time_zone)
        owner_name = caller.name if caller is not None else owner
        if not owner_name:
            raise Invalid("an event made by the system names its owner")
        with self.db.write() as conn:
            if draft.instance is not None and not self._may_see_instance(conn, draft.instance, caller):
                raise Invalid(f"instance: no instance {draft.instance} that you may see")
            event_id = event_store.insert_event(conn, draft, owner_name, self.clock())
            return event_store.full_event_json(conn, event_store.event_row(conn, event_id))

    def _visible_event(self, conn: Connection, event_id: str, caller: Caller) -> Any:
        row = event_store.event_row(conn, instance_store.parse_id(event_id, "event"))
        if not rules.may_see_event(caller, event_store.event_facts(conn, row)):
            raise NotFound(f"no event with id {event_id}")
        return row

    def event(self, event_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            return event_store.full_event_json(conn, self._visible_event(conn, event_id, caller))

    def events(self, caller: Caller, start: Any, end: Any) -> list[dict[str, Any]]:
        within = date_range(start, end)
        with self.db.read() as conn:
            return event_store.list_events(conn, caller, within)

    def update_event(self, event_id: str, body: dict[str, Any], caller: Caller) -> dict[str, Any]:
        """Change an event (its owner and administrators); a new time or room must be free."""
        with self.db.write() as conn:
            row = self._visible_event(conn, event_id, caller)
            rules.check_change_event(caller, event_store.event_facts(conn, row), event_id)
            draft = event_changes(body, event_store.full_event_json(conn, row))
            event_store.update_event(conn, row, draft, self.clock())
            return event_store.full_event_json(conn, event_store.event_row(conn, row.id))

    def answer_invitation(self, event_id: str, response: Any, caller: Caller) -> dict[str, Any]:
        """An invitee accepts or declines; the event shows each invitee's answer."""
        if response not in INVITATION_RESPONSES:
            raise Invalid(f"response must be one of {', '.join(INVITATION_RESPONSES)}; not {response!r}")
        with self.db.write() as conn:
            row = self._visible_event(conn, event_id, caller)
            rules.check_answer_invitation(caller, event_store.event_facts(conn, row), event_id)
            event_store.answer_invitation(conn, row, caller.name, response)
            return event_store.full_event_json(conn, row)

    def cancel_event(self, event_id: str, caller: Caller, occurrence: Any = None) -> dict[str, Any]:
        """Cancel an event (every occurrence of a recurring one), or with ``occurrence`` (its
        start) one occurrence of a recurring event: it frees its room then and sends no more
        reminders for it."""
        when = None if occurrence is None else moment(occurrence, "occurrence")
        with self.db.write() as conn:
            row = self._visible_event(conn, event_id, caller)
            rules.check_change_event(caller, event_store.event_facts(conn, row), event_id)
            if when is None:
                event_store.cancel_event(conn, row, self.clock())
            else:
                event_store.cancel_occurrence(conn, row, when, caller.name, self.clock())
            return event_store.full_event_json(conn, event_store.event_row(conn, row.id))

    # --- the calendar -----------------------------------------------------------------------

    def calendar(self, caller: Caller, start: Any, end: Any) -> dict[str, Any]:
        """Everything in the caller's calendar over a range: their cartable's items due then,
        their open tasks due (or starting) then, and the events they own or are invited to."""
        within = date_range(start, end)
        hidden = self.hidden_definitions(caller)
        with self.db.read() as conn:
            return {
                "from": instance_store.iso(within.start),
                "to": instance_store.iso(within.end),
                "work_items": due_store.due_items(conn, caller, within, hidden),
                "tasks": task_store.list_tasks(conn, caller, "all", None, within, 1000, None),
                "events": event_store.list_events(conn, caller, within),
            }
