"""What a BPMN file says about the records its processes run for: their triggers, the entity
whose fields the typed conditions on their flows test, and what deploy refuses in either or in
its record steps (engine/record_step_inputs.py).

A process's entity is the one its charkh:trigger elements name (engine/triggers.py); a process
that names none (a called process, a sub-process's own file) takes the file's, when all the
file's triggers name one. Entities and their field types come from ``entity_types``: the built-in
catalog (engine/entities.py) or the stored entities, whichever the caller passes.
"""
from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from .bpmn_xml import BPMN_NS, Problem, connector_of
from .conditions import conditions_of, option_problems, problems_of
from .errors import Invalid
from .record_step_inputs import RECORD_UPDATE, StepInputs, is_record_step, is_static, read_inputs
from .triggers import EntityTypes, Trigger, declared_triggers, record_entity, trigger_problems, triggers_of

_PROCESS = f"{{{BPMN_NS}}}process"


def _processes(root: etree._Element) -> list[etree._Element]:
    return [process for process in root.iterfind(_PROCESS) if process.get("id")]


def read_triggers(root: etree._Element, executable: list[str]) -> tuple[Trigger, ...]:
    """The triggers of the file's executable processes, in the file's order."""
    return tuple(trigger for process in _processes(root) if process.get("id") in executable
                 for trigger in triggers_of(process))


def record_entities(root: etree._Element) -> dict[str, str | None]:
    """Process id → the entity its records are of (see the module's docstring), or None."""
    own = {str(process.get("id")): record_entity(process) for process in _processes(root)}
    named = {trigger.entity for process in _processes(root) for trigger in declared_triggers(process)
             if trigger.entity}
    fallback = next(iter(named)) if len(named) == 1 else None
    return {pid: entity or fallback for pid, entity in own.items()}


def record_types(root: etree._Element, entity_types: EntityTypes) -> dict[str, Mapping[str, str]]:
    """Process id → the field types of its records (empty when it has no known entity)."""
    return {pid: (entity_types(entity) if entity else None) or {}
            for pid, entity in record_entities(root).items()}


def process_of(element: etree._Element) -> str | None:
    """The id of the bpmn:process an element is drawn in (through its sub-processes)."""
    process = next(element.iterancestors(_PROCESS), None)
    return process.get("id") if process is not None else None


def record_problems(root: etree._Element, executable: list[str], entity_types: EntityTypes) -> list[Problem]:
    """Deploy's refusals: a trigger of an executable process with an unknown entity or field, an
    operator that does not fit, a schedule that does not parse; a flow's charkh:conditions that
    test no known entity's fields, or test them wrongly. Each names the process or the flow."""
    problems = []
    for process in _processes(root):
        pid = str(process.get("id"))
        if pid not in executable:
            continue
        triggers = declared_triggers(process)
        for trigger in triggers:
            problems += [Problem(pid, message) for message in trigger_problems(trigger, entity_types)]
        keys = [trigger.key for trigger in triggers]
        for key in sorted({key for key in keys if keys.count(key) > 1}):
            problems.append(Problem(pid, f"several charkh:trigger elements have the id {key!r}"))
    entities = record_entities(root)
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        conditions = conditions_of(flow)
        if conditions is None:
            continue
        owner = process_of(flow)
        entity = entities.get(owner) if owner else None
        types = entity_types(entity) if entity else None
        if entity is None:
            problems.append(Problem(flow.get("id"), f"charkh:conditions test the fields of the instance's record, "
                                                    f"but process {owner!r} {_not_one_entity(root, owner)}"))
        elif types is None:
            problems.append(Problem(flow.get("id"), f"charkh:conditions test the fields of entity {entity!r}, "
                                                    "which is unknown"))
        else:
            problems += [Problem(flow.get("id"), f"charkh:conditions on {entity!r}: {message}")
                         for message in problems_of(conditions, types) + option_problems(conditions, types)]
    return problems


def record_step_problems(root: etree._Element, executable: list[str], entity_types: EntityTypes) -> list[Problem]:
    """Deploy's refusals of the record steps of executable processes: inputs that do not read
    (engine/record_step_inputs.py), and, where the entity is known when deploying (written in the
    step, or the process's own for an update of its record), fields it does not have and a link
    field that is not one of its reference fields. Each names the task."""
    problems = []
    entities = record_entities(root)
    for tag in ("serviceTask", "sendTask"):
        for task in root.iter(f"{{{BPMN_NS}}}{tag}"):
            connector, inputs = connector_of(task)
            owner = process_of(task)
            if not is_record_step(connector) or owner not in executable:
                continue
            assert connector is not None
            try:
                step = read_inputs(connector, inputs)
            except Invalid as refused:
                problems.append(Problem(task.get("id"), f"{connector}: {refused.message}"))
                continue
            problems += [Problem(task.get("id"), f"{connector}: {message}")
                         for message in _field_problems(step, entities.get(owner or ""), entity_types)]
    return problems


def _field_problems(step: StepInputs, own_entity: str | None, entity_types: EntityTypes) -> list[str]:
    entity = step.entity if step.entity or step.connector != RECORD_UPDATE else own_entity
    if not is_static(entity):
        return []  # filled in as the step runs, or the process names no entity: checked then
    assert entity is not None
    types = entity_types(entity)
    if types is None:
        return [f"entity {entity!r} is unknown"]
    problems = [f"{name!r} is not a field of {entity}" for name, _ in step.fields if name not in types]
    if step.connector == RECORD_UPDATE and entity != own_entity and not step.record:
        problems.append(f"record: name the {entity} record to change (the instance's own record is "
                        f"{'a ' + own_entity if own_entity else 'not known'})")
    if step.link_field and types.get(step.link_field) != "reference":
        problems.append(f"link_field: {entity} has no reference field {step.link_field!r}")
    return problems


def _not_one_entity(root: etree._Element, process_id: str | None) -> str:
    """Why a process has no entity: its triggers (or the file's) name none, or several."""
    process = next((p for p in _processes(root) if p.get("id") == process_id), None)
    own = sorted({t.entity for t in declared_triggers(process) if t.entity}) if process is not None else []
    if len(own) > 1:
        return f"names several entities ({', '.join(own)}); the conditions on its flows test one"
    return "names no entity (charkh:trigger entity=)"
