"""Records and the processes their writes start (issue 16; MISSION F1, F2).

A record write is one transaction: the record, its history, and a row for each start its
triggers owe (engine/store/records.py ``trigger_starts``, unique per record, process, trigger and
cause). After it commits, the write starts what it owes, each start in the transaction that stores
its instance and marks its row, and answers with the instances: read your writes. A start the
server did not get to (a crash, a script error's retry) stays pending; the scheduler runs it
(``run_pending``), and the unique row and the guarded mark keep it to once, whoever runs it.

Causes: a create trigger owes "create"; an update trigger in mode "first" owes "first" (once per
record, ever); in mode "every" it owes "v<version>" (each write after which its conditions hold).
Creates count as updates.

Who may: any signed-in person reads and writes records (a shared CRM, as Vtiger's default);
admins define entities; the processes a trigger starts are the analyst's decision, so they start
whether or not the writer could start them by hand, and are started by the writer.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, select

from .access import Caller
from .clock import as_utc
from .entities import checked_entity, types_of
from .errors import CharkhError, Forbidden, Invalid, NotFound
from .record_fields import changes_between, typed_values
from .store import definitions as definition_store
from .store import records as store
from .store.schema import definition_versions, definitions
from .triggers import Trigger, next_run

if TYPE_CHECKING:
    from .charkh import Charkh

log = logging.getLogger(__name__)
MAX_PAGE = 500
# The types of the fields a search looks into (the others hold numbers, dates, names and ids).
SEARCHED_TYPES = ("text", "mobile", "email", "picklist")
# How long the scheduler leaves an owed start to the write that owes it (which starts it at once).
OWED_GRACE = timedelta(seconds=10)
# Records a schedule run reads per transaction, and batches per scheduler tick (so timers, jobs
# and reminders are not held up behind a run over a large entity; the run goes on next tick).
SCHEDULE_BATCH = 500
SCHEDULE_BATCHES_PER_TICK = 20


class Records:
    def __init__(self, charkh: Charkh) -> None:
        self.charkh = charkh
        self.db = charkh.db

    # --- entities -----------------------------------------------------------------------------

    def entities(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return store.all_entities(conn)

    def entity(self, name: str) -> dict[str, Any]:
        with self.db.read() as conn:
            return store.entity(conn, name)

    def put_entity(self, name: str, body: Any, caller: Caller) -> tuple[dict[str, Any], bool]:
        """Define or redefine an entity (admins); returns it and whether it is new."""
        if not caller.is_admin:
            raise Forbidden("only administrators define entities")
        with self.db.write() as conn:
            known = store.entity_names(conn)
            checked = checked_entity(name, body, known)
            before = store.entity(conn, name)["fields"] if name in known else []
            created = store.put_entity(conn, checked, self.charkh.clock())
            store.relink(conn, name, before, checked["fields"])
            found = store.entity(conn, name)
        self.charkh.forget_entities()
        return found, created

    # --- records ------------------------------------------------------------------------------

    def create(self, entity_name: str, values: Any, caller: Caller, owner: str | None = None,
               external_id: str | None = None) -> dict[str, Any]:
        """A new record (or, with an ``external_id`` already known, that record updated: an outside
        CRM pushes its records by its own ids); answers with the instances its triggers started."""
        return self.write(entity_name, values, caller, owner, external_id)[0]

    def write(self, entity_name: str, values: Any, caller: Caller, owner: str | None = None,
              external_id: str | None = None) -> tuple[dict[str, Any], str]:
        """As create, with what it did: "created", "updated" or "unchanged"."""
        self._check_writer(caller)
        at = self.charkh.clock()
        with self.db.write() as conn:
            entity = store.entity(conn, entity_name)
            typed = typed_values(entity["fields"], values)
            targets = store.check_people_and_references(conn, entity["fields"], typed)
            store.check_owner(conn, owner)
            existing = store.record_by_external_id(conn, entity_name, external_id, lock=True) if external_id else None
            if existing is not None:
                row = self.write_changes(conn, entity, existing, typed, targets, owner, owner is not None,
                                         caller.name, at)
                outcome = "unchanged" if row is existing else "updated"
            else:
                row = store.insert_record(conn, entity_name, typed, owner or caller.name, external_id, caller.name,
                                          at)
                store.link(conn, row.id, entity_name, targets)
                self.owe(conn, entity, row, None, caller.name)
                outcome = "created"
        return store.record_json(row, self._run_owed(row.id)), outcome

    def update(self, entity_name: str, record_id: str, values: Any, caller: Caller,
               owner: str | None = None) -> dict[str, Any]:
        """Change the fields given (and the owner, when given); answers with the record and the
        instances its triggers started."""
        self._check_writer(caller)
        number = store.record_number(record_id)
        at = self.charkh.clock()
        with self.db.write() as conn:
            entity = store.entity(conn, entity_name)
            typed = typed_values(entity["fields"], values)
            targets = store.check_people_and_references(conn, entity["fields"], typed)
            store.check_owner(conn, owner)
            row = store.record_row(conn, number, entity_name, lock=True)
            row = self.write_changes(conn, entity, row, typed, targets, owner, owner is not None, caller.name, at)
        return store.record_json(row, self._run_owed(row.id))

    def write_changes(self, conn: Connection, entity: dict[str, Any], row: Any, typed: dict[str, Any],
                      targets: dict[str, int | None], owner: str | None, change_owner: bool, user: str | None,
                      at: Any, instance_id: int | None = None, not_of: tuple[str, str] | None = None) -> Any:
        """Write typed values into a record read under its lock: its history, links and the starts
        it owes (``instance_id``, ``not_of``: a record step's instance and its (definition, process),
        which the write does not start again: see engine/record_steps.py). Returns the record as it is now."""
        changes = changes_between(row.fields, typed)
        if change_owner and owner != row.owner:
            changes["owner"] = [row.owner, owner]
        before = row
        row = store.update_record(conn, row, typed, owner, change_owner, changes, user, at, instance_id)
        if row is not before:
            store.link(conn, row.id, entity["name"], {name: targets[name] for name in changes if name in targets})
            self.owe(conn, entity, row, before, user, not_of)
        return row

    def get(self, entity_name: str, record_id: str, caller: Caller) -> dict[str, Any]:
        with self.db.read() as conn:
            return store.record_json(store.record_row(conn, store.record_number(record_id), entity_name))

    def page(self, entity_name: str, equal: dict[str, str], caller: Caller, limit: int = 50,
             after: str | None = None, search: str | None = None) -> list[dict[str, Any]]:
        """A page of the entity's records whose fields have the values given (in their usual
        spellings, as a write takes them) and, with ``search``, whose id is it or whose text,
        mobile, email or picklist fields contain it."""
        _check_limit(limit)
        cursor = store.record_number(after) if after else None
        with self.db.read() as conn:
            entity = store.entity(conn, entity_name)
            types = types_of(entity)
            unknown = sorted(set(equal) - set(types))
            if unknown:
                raise Invalid(f"{unknown[0]!r} is not a field of {entity_name}", {"field": unknown[0]})
            typed = typed_values(entity["fields"], equal)
            searched = tuple(name for name, type_ in types.items() if type_ in SEARCHED_TYPES)
            rows = store.list_records(conn, entity_name, typed, limit, cursor, search, searched)
            return [store.record_json(row) for row in rows]

    def history(self, entity_name: str, record_id: str, caller: Caller) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            row = store.record_row(conn, store.record_number(record_id), entity_name)
            return store.history_of(conn, row.id, self.charkh.scope(caller))

    def instances(self, entity_name: str, record_id: str, caller: Caller) -> list[dict[str, Any]]:
        """The instances run for the record that the caller may see, newest first (a private
        process's stay hidden from those off its list)."""
        with self.db.read() as conn:
            row = store.record_row(conn, store.record_number(record_id), entity_name)
            return store.instances_for(conn, row.id, self.charkh.scope(caller))

    def related(self, entity_name: str, record_id: str, caller: Caller, limit: int = 20) -> list[dict[str, Any]]:
        """The records whose reference fields point to this one, by entity and field: how many,
        and the first ``limit`` of each (``next``: the cursor of the rest, for related_page)."""
        _check_limit(limit)
        with self.db.read() as conn:
            row = store.record_row(conn, store.record_number(record_id), entity_name)
            groups = []
            for entity, field, count in store.related_counts(conn, row.id):
                rows = store.related_records(conn, row.id, entity, field, limit, None)
                groups.append({"entity": entity, "field": field, "count": count,
                               "records": [store.record_json(r) for r in rows],
                               "next": str(rows[-1].id) if count > len(rows) else None})
            return groups

    def related_page(self, entity_name: str, record_id: str, other: str, field: str, caller: Caller,
                     limit: int = 50, after: str | None = None) -> list[dict[str, Any]]:
        """A page of the records of ``other`` whose ``field`` points to this record."""
        _check_limit(limit)
        cursor = store.record_number(after) if after else None
        with self.db.read() as conn:
            row = store.record_row(conn, store.record_number(record_id), entity_name)
            pointing = store.entity(conn, other)
            if not any(f["name"] == field and f["type"] == "reference" for f in pointing["fields"]):
                raise NotFound(f"{other} has no reference field {field!r}")
            return [store.record_json(r) for r in store.related_records(conn, row.id, other, field, limit, cursor)]

    @staticmethod
    def _check_writer(caller: Caller) -> None:
        del caller  # every signed-in person writes records (the module's docstring)

    def run_macro(self, entity_name: str, record_id: str, key: str, caller: Caller,
                  press: str | None = None) -> dict[str, Any]:
        """A macro button (a process with an on="macro" trigger on the entity) pressed on a record:
        the instance it started. 404 when the process has no macro on the entity, 422 when its
        conditions do not hold for the record, 403 when the caller may not see the process.
        ``press``: the client's id of this press (an Idempotency-Key), so a retried request
        starts nothing twice."""
        number = store.record_number(record_id)
        with self.db.write() as conn:
            row = store.record_row(conn, number, entity_name, lock=True)
            entity = store.entity(conn, entity_name)
            macro = next((t for k, t in self._triggers_on(conn, entity_name, ("macro",)) if k == key), None)
            if macro is None:
                raise NotFound(f"process {key!r} has no macro on {entity_name} records")
            definition_store.latest_deployed(conn, key, caller, self.charkh.definition_facts)  # 403: not theirs
            if not macro.conditions.holds(row.fields, types_of(entity), self.charkh.clock().date()):
                raise Invalid(f"the conditions of {key!r} do not hold for this {entity_name}",
                              {"conditions": repr(macro.conditions)})
            cause = f"macro:{press or uuid.uuid4().hex}"[:100]
            store.owe_starts(conn, number, [(key, trigger_id(macro), cause)], caller.name, self.charkh.clock())
            start = store.owed_start(conn, number, key, trigger_id(macro), cause)
        if start.status == store.STARTED:  # a retried press
            return self.charkh.instance(str(start.instance_id), caller)
        instance_id = self._start(start, caller)
        if instance_id is None:
            with self.db.read() as conn:
                failed = store.owed_start(conn, number, key, trigger_id(macro), cause)
            raise Invalid(f"the macro could not start {key!r}: {failed.error}")
        return self.charkh.instance(instance_id, caller)

    # --- triggers -----------------------------------------------------------------------------

    def owe(self, conn: Connection, entity: dict[str, Any], row: Any, before: Any, user: str | None,
            not_of: tuple[str, str] | None = None) -> None:
        """Note the starts this write owes: each trigger of an active, deployed process on the
        entity (but ``not_of``: a definition's process) whose conditions hold for the record as
        written now."""
        types = types_of(entity)
        today = self.charkh.clock().date()
        owed = []
        for key, trigger in self._triggers_on(conn, entity["name"]):
            if (key, trigger.process) == not_of:
                continue
            cause = _cause(trigger, row, created=before is None)
            if cause is not None and trigger.conditions.holds(row.fields, types, today):
                owed.append((key, trigger_id(trigger), cause))
        store.owe_starts(conn, row.id, owed, user, self.charkh.clock())

    def _triggers_on(self, conn: Connection, entity_name: str | None,
                     kinds: tuple[str, ...] = ("create", "update")) -> list[tuple[str, Trigger]]:
        """(definition key, trigger) of the latest deployed version of each active definition, on
        the entity (None: any). Read at each write: a process deactivated a moment ago never triggers."""
        newest = (select(definition_versions.c.key, definition_versions.c.id)
                  .join(definitions, and_(definitions.c.key == definition_versions.c.key,
                                          definitions.c.active.is_(True)))
                  .where(definition_versions.c.deployed.is_(True))
                  .order_by(definition_versions.c.key, definition_versions.c.version.desc()))
        latest: dict[str, int] = {}
        for key, version_id in conn.execute(newest):
            latest.setdefault(key, version_id)
        found = []
        for key, version_id in latest.items():
            definition = self.charkh.compiled_version(conn, version_id)
            found += [(key, t) for t in definition.triggers
                      if (entity_name is None or t.entity == entity_name) and t.on in kinds]
        return found

    def run_owed(self, record_id: int) -> list[str]:
        """Start what the record's writes owe (a record step's, after its command committed)."""
        return self._run_owed(record_id)

    def _run_owed(self, record_id: int) -> list[str]:
        """Start what the record's writes owe; the ids of the instances started."""
        with self.db.read() as conn:
            owed = store.pending_starts(conn, record_id)
        started = [self._start(start) for start in owed]
        return [instance for instance in started if instance is not None]

    def run_pending(self, limit: int = 100) -> int:
        """Start what records' writes still owe a while after they committed (the scheduler: the
        writer was stopped before it started them); how many started."""
        with self.db.read() as conn:
            owed = store.pending_starts(conn, None, limit, self.charkh.clock() - OWED_GRACE)
        return sum(1 for start in owed if self._start(start) is not None)

    # --- schedules ----------------------------------------------------------------------------

    def run_schedules(self, batches: int = SCHEDULE_BATCHES_PER_TICK) -> int:
        """The scheduler's turn: each schedule trigger that is due goes through its entity's
        records a batch at a time, owing a start to each record its conditions hold for (cause:
        the due time, so a record gets one start per due time however often the batch is
        redone) and making them. A run that is cut short (a crash, the tick's budget of
        ``batches``) goes on from the last record it went through. Returns the starts made."""
        started = 0
        with self.db.read() as conn:
            scheduled = self._triggers_on(conn, None, ("schedule",))
        for key, trigger in scheduled:
            while batches > 0:
                batch = self._schedule_batch(key, trigger)
                if batch is None:
                    break
                batches -= 1
                started += batch
        return started

    def _schedule_batch(self, key: str, trigger: Trigger) -> int | None:
        """One batch of a due schedule; None when it is not due (or another scheduler has it)."""
        at = self.charkh.clock()
        zone = self.charkh.settings.zone
        name = trigger_id(trigger)
        assert trigger.schedule is not None
        with self.db.write() as conn:
            row = store.schedule_row(conn, key, name)
            if row is None:  # new: its first due time is the next one from now, none missed before
                store.start_schedule(conn, key, name, _utc(next_run(trigger.schedule, at.astimezone(zone))))
                return None
            due = as_utc(row.running_due_at)
            if due is None:
                next_due = as_utc(row.next_due_at)
                if next_due > at:
                    return None
                # due times missed while nothing ran are run once, as the latest of them
                following = _utc(next_run(trigger.schedule, max(at, next_due).astimezone(zone)))
                store.set_schedule(conn, key, name, running_due_at=next_due, after_record=0, next_due_at=following)
                due, after = next_due, 0
            else:
                after = row.after_record or 0
            entity = store.entity(conn, trigger.entity)
            types = types_of(entity)
            rows = store.records_after(conn, trigger.entity, after, SCHEDULE_BATCH)
            today = due.astimezone(zone).date()
            cause = f"at:{due.strftime('%Y-%m-%dT%H:%M')}"
            for record in rows:
                if trigger.conditions.holds(record.fields, types, today):
                    store.owe_starts(conn, record.id, [(key, name, cause)], None, at)
            finished = len(rows) < SCHEDULE_BATCH
            store.set_schedule(conn, key, name, after_record=rows[-1].id if rows else after,
                               running_due_at=None if finished else due)
        with self.db.read() as conn:
            owed = store.pending_starts(conn, None, SCHEDULE_BATCH, cause=cause)
        return sum(1 for start in owed if self._start(start) is not None)

    def _start(self, start: Any, caller: Caller | None = None) -> str | None:
        """One owed start: the instance stored and the row marked in one transaction."""
        with self.db.read() as conn:
            row = store.record_row(conn, start.record_id)
        starter = caller or self._starter(start.requested_by)
        variables = {"record": dict(row.fields)}
        record = {"entity": row.entity, "id": str(row.id)}
        try:
            started = self.charkh.commands.start_and_read(
                start.definition_key, starter, variables, process_of(start.trigger_key), record,
                within=_marking(start.id), check_access=False)
        except _AlreadyStarted:
            return None
        except CharkhError as refused:  # deactivated since, its script failed, ...
            with self.db.write() as conn:
                store.mark_failed(conn, start.id, str(refused))
            log.warning("trigger start %s for record %s failed: %s", start.id, start.record_id, refused)
            return None
        instance_id: str = started["id"]
        return instance_id

    def _starter(self, name: str | None) -> Caller:
        if name is not None:
            try:
                return self.charkh.caller_named(name)
            except NotFound:
                pass
        return Caller(name=name or "system", is_admin=False, groups=frozenset())


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE + 1:  # one more than a page tells whether another follows
        raise Invalid(f"limit must be 1 to {MAX_PAGE}")


class _AlreadyStarted(Exception):
    """Another server (or thread) started this owed start first."""


def _marking(start_id: int) -> Callable[[Connection, int], None]:
    def mark(conn: Connection, instance_id: int) -> None:
        if not store.mark_started(conn, start_id, instance_id):
            raise _AlreadyStarted(start_id)
    return mark


def _cause(trigger: Trigger, row: Any, created: bool) -> str | None:
    if trigger.on == "create":
        return "create" if created else None
    if trigger.mode == "every":
        return f"v{row.version}"
    return "first"



def trigger_id(trigger: Trigger) -> str:
    """A trigger's name within its definition: its process and its key there."""
    return f"{trigger.process}/{trigger.key}"[:100]


def process_of(trigger_name: str) -> str | None:
    """The process a trigger starts, from its name within its definition (trigger_id)."""
    return trigger_name.split("/", 1)[0] or None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)  # stored in UTC: SQLite keeps no zone
