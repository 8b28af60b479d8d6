"""What starts a workflow by itself for the records of an entity (MISSION F1): the
``charkh:trigger`` elements in a process's extensionElements (bpmn/schema/charkh.xsd).

- ``on="create"``: a record of the entity was created; ``on="update"``: it was written (a create
  counts), with ``mode="first"`` (once per record, the first time its conditions hold; the
  default) or ``mode="every"`` (after each write after which they hold); ``on="schedule"``: at
  each due time of its ``schedule`` (hourly, daily, weekly, monthly, yearly, or a five-field cron
  text) for every record that matches; ``on="macro"``: a button on the entity's records.
- A trigger without ``on`` starts nothing: the designer writes it so when the analyst picks the
  process's entity for its record fields but starts it by hand or by API ("Manual or API only").
  It still names the entity of the process's records (``record_entity``).

Pure: reading and checking triggers; the records layer matches them and the scheduler runs them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import CroniterError, croniter
from lxml import etree

from .bpmn_xml import BPMN_NS, CHARKH_NS
from .conditions import NO_CONDITIONS, Conditions, conditions_of, option_problems, problems_of

TRIGGER_TAG = f"{{{CHARKH_NS}}}trigger"
ON = ("create", "update", "schedule", "macro")
MODES = ("first", "every")
# The schedule words and the cron text each stands for: the minute, hour, day, month and weekday
# cron's own @hourly, @daily, @weekly (Sunday), @monthly and @yearly take. Times are the
# scheduler's time zone's.
SCHEDULE_PRESETS: Mapping[str, str] = {
    "hourly": "0 * * * *",
    "daily": "0 0 * * *",
    "weekly": "0 0 * * 0",
    "monthly": "0 0 1 * *",
    "yearly": "0 0 1 1 *",
}
# Longest schedule text read: a cron line is a few dozen characters.
MAX_SCHEDULE_CHARS = 200

# An entity's field types by field name, or None for an entity that does not exist.
EntityTypes = Callable[[str], Mapping[str, str] | None]


@dataclass(frozen=True)
class Trigger:
    """One way a process starts for a record of ``entity``."""

    entity: str
    on: str  # create | update | schedule | macro
    mode: str  # first | every (update only; "first" by default)
    schedule: str | None  # on="schedule": a SCHEDULE_PRESETS word or a five-field cron text
    conditions: Conditions  # NO_CONDITIONS when it has none
    # Stable within its process: the trigger's id attribute, else its position among the
    # process's charkh:trigger elements ("0", "1", ...). With ``process``, unique in a definition.
    key: str
    process: str = ""  # the id of the process it starts


def triggers_of(process_element: etree._Element) -> tuple[Trigger, ...]:
    """The triggers of a bpmn:process element, as written (``trigger_problems`` checks them);
    a charkh:trigger without ``on`` (manual or API only) is none."""
    return tuple(trigger for trigger in declared_triggers(process_element) if trigger.on)


def declared_triggers(process_element: etree._Element) -> tuple[Trigger, ...]:
    """Every charkh:trigger of the process, those without ``on`` (with on="") included."""
    process = process_element.get("id") or ""
    elements = process_element.iterfind(f"{{{BPMN_NS}}}extensionElements/{TRIGGER_TAG}")
    return tuple(_trigger(element, index, process) for index, element in enumerate(elements))


def _trigger(element: etree._Element, index: int, process: str) -> Trigger:
    on = (element.get("on") or "").strip()
    schedule = (element.get("schedule") or "").strip() or None
    return Trigger(
        entity=(element.get("entity") or "").strip(),
        on=on,
        mode=(element.get("mode") or "").strip() or "first",
        schedule=schedule if on == "schedule" else None,
        conditions=conditions_of(element) or NO_CONDITIONS,
        key=(element.get("id") or "").strip() or str(index),
        process=process,
    )


def record_entity(process_element: etree._Element) -> str | None:
    """The entity whose records the process runs for: the one its charkh:trigger elements name,
    None when they name none or several."""
    named = {trigger.entity for trigger in declared_triggers(process_element) if trigger.entity}
    return named.pop() if len(named) == 1 else None


def trigger_problems(trigger: Trigger, entity_types: EntityTypes) -> list[str]:
    """What keeps a trigger (from ``declared_triggers``) from running, one sentence each, naming
    the entity, field, operator or schedule at fault."""
    what = f"charkh:trigger{f' on {trigger.on}' if trigger.on else ''}" \
           f"{f' of {trigger.entity!r}' if trigger.entity else ''}"
    problems = []
    if trigger.on and trigger.on not in ON:
        problems.append(f"{what}: on must be one of {', '.join(ON)}")
    if trigger.mode not in MODES:
        problems.append(f"{what}: mode {trigger.mode!r} must be first or every")
    if trigger.on == "schedule":
        problem = schedule_problem(trigger.schedule)
        if problem is not None:
            problems.append(f"{what}: {problem}")
    types = entity_types(trigger.entity) if trigger.entity else None
    if not trigger.entity:
        problems.append(f"{what} names no entity")
    elif types is None:
        problems.append(f"{what}: entity {trigger.entity!r} is unknown")
    else:
        problems += [f"{what}: {problem}" for problem in
                     problems_of(trigger.conditions, types) + option_problems(trigger.conditions, types)]
    return problems


def schedule_problem(schedule: str | None) -> str | None:
    """Why a schedule text cannot run, or None: a SCHEDULE_PRESETS word, or five cron fields
    (minute hour day month weekday) that croniter reads and that fall on some day."""
    if not schedule:
        return f"it names no schedule ({', '.join(SCHEDULE_PRESETS)}, or five cron fields)"
    if schedule in SCHEDULE_PRESETS:
        return None
    refusal = (f"schedule {schedule[:MAX_SCHEDULE_CHARS]!r} is neither {', '.join(SCHEDULE_PRESETS)} nor a cron "
               "text of five fields (minute hour day month weekday, e.g. 0 9 * * 1-5)")
    if len(schedule) > MAX_SCHEDULE_CHARS or len(schedule.split()) != 5 or not croniter.is_valid(schedule):
        return refusal
    try:
        croniter(schedule, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterError:
        return f"schedule {schedule!r} never falls on a day (as 30 February)"
    return None


def cron_of(schedule: str) -> str:
    """The cron text a valid schedule stands for."""
    return SCHEDULE_PRESETS.get(schedule, schedule)


def next_run(schedule: str, after: datetime) -> datetime:
    """The first due time of a valid schedule strictly after ``after``, in ``after``'s time zone
    (aware, as Asia/Tehran: the wall clock's hours are kept across a change of offset)."""
    found: datetime = croniter(cron_of(schedule), after).get_next(datetime)
    return found
