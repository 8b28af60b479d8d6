"""Turning a stored BPMN file into runnable SpiffWorkflow specs plus Charkh's cartable facts.

SpiffWorkflow parses a *copy* of the file, rewritten where it has known traps (DESIGN.md):
ids that collide with its internal specs are renamed, and an activity with several outgoing
flows gets a gateway after it (for a user task, an exclusive gateway that routes on the chosen
action). The stored file is never changed. Cartable facts (who may act, which actions) are
read from the original XML, so they carry the analyst's ids and names.
"""
from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .bpmn_xml import BPMN_NS, CAMUNDA_NS, CHARKH_NS, Problem, read_bpmn
from .conditions import conditions_of
from .entities import field_types
from .errors import Invalid, ScriptError
from .form_fields import check_submission
from .forms import TaskForm, read_forms
from .parser import CharkhParser
from .parties import parties_of_item
from .process_records import read_triggers, record_problems, record_step_problems, record_types
from .sandbox import compile_expression, compile_script, strip_expression
from .triggers import EntityTypes, Trigger

# SpiffWorkflow names internal task specs so; a BPMN element with such an id breaks it.
RESERVED_IDS = frozenset({"Start", "End", "Root"})
RENAMED_SUFFIX = "__charkh"
_REF_ATTRIBUTES = ("sourceRef", "targetRef", "default", "attachedToRef", "bpmnElement")
# Tasks that wait in a cartable: user tasks, manual tasks, and plain tasks (what bpmn-js draws by
# default), which SpiffWorkflow also leaves for a person to complete.
CARTABLE_TASKS = ("task", "userTask", "manualTask")
# Cartable tasks whose item goes to the instance's starter when nobody else is named on them or
# their lane: a drawn task with no assignment must still reach someone.
_STARTER_FALLBACK = frozenset({"task", "manualTask"})
_ACTIVITIES = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction",
})


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


@dataclass(frozen=True)
class Action:
    id: str | None  # the flow's id; BPMN lets a sequence flow have none
    name: str
    conditional: bool = False
    # charkh:order places the action's button; charkh:requiredFields must be filled to take it.
    order: int | None = None
    required_fields: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The action as a work item keeps it (the API shows its id and name)."""
        return {"id": self.id, "name": self.name, "conditional": self.conditional,
                "required_fields": list(self.required_fields)}


@dataclass(frozen=True)
class Cartable:
    """Who may act on a user task and what they may choose."""

    element: str | None  # the task's id; BPMN lets a task have none
    name: str
    assignee: str | None
    users: tuple[str, ...]
    groups: tuple[str, ...]
    roles: tuple[str, ...]
    actions: tuple[Action, ...]
    due: str | None = None
    # Escalation (MISSION F3): after this ISO duration an open item also goes to escalate_to
    # ("superior" of its roles, a user, or a group).
    escalate_after: str | None = None
    escalate_to: str | None = None
    # A plain or manual task that names nobody (nor does its lane) goes to the instance's starter.
    to_starter: bool = False
    # The charkh:title of the task's process (``Invoice ${number}``): each item's title says
    # which case it is about (engine/title.py renders it).
    title: str | None = None

    @property
    def principals(self) -> set[str]:
        return parties_of_item(self.assignee, self.users, self.groups, self.roles)

    def for_instance(self, starter: str | None) -> Cartable:
        """The cartable as one instance's item has it: with the starter as assignee where it falls back."""
        if self.to_starter and starter and not (self.assignee or self.users or self.groups or self.roles):
            return dataclasses.replace(self, assignee=starter)
        return self


@dataclass
class CompiledProcess:
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]


@dataclass
class CompiledDefinition:
    key: str
    processes: dict[str, CompiledProcess]
    default_process: str
    cartables: dict[str | None, Cartable]
    element_names: dict[str, str | None]
    element_kinds: dict[str, str]
    # SpiffWorkflow spec name → the element id the analyst wrote.
    original_ids: dict[str, str] = field(default_factory=dict)
    has_timers: bool = False
    # A user task's or start event's form (engine/forms.py) by the element's id.
    forms: dict[str, TaskForm] = field(default_factory=dict)
    # What starts the executable processes for records by themselves (engine/triggers.py).
    triggers: tuple[Trigger, ...] = ()
    # The start event that holds a process's start form, by process id.
    start_forms: dict[str, str] = field(default_factory=dict)
    # Message name -> the executable processes a message start event of that name starts (F1.5).
    message_starts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Whether an instance may wait for a message: its steps then keep the waits' index
    # (engine/store/messages.py) up to date.
    has_message_catches: bool = False

    def check_completion(self, element: str, action: str | None, data: dict[str, Any],
                         current: dict[str, Any]) -> None:
        """Raise Invalid (422) naming every field ``data`` leaves wrong: against the task's form,
        and the fields the chosen action requires. ``current``: the task's variables before."""
        form = self.forms.get(element)
        cartable = self.cartables.get(element)
        required = next((a.required_fields for a in cartable.actions if a.id == action), ()) \
            if cartable is not None and action else ()
        if form is not None or required:
            check_submission(form.fields if form is not None else None, data, current, required)

    def start_form(self, process_id: str) -> tuple[str, TaskForm] | None:
        """The start event whose form whoever starts the process fills in, with that form."""
        element = self.start_forms.get(process_id)
        return (element, self.forms[element]) if element is not None else None

    def check_start(self, process_id: str, variables: dict[str, Any]) -> None:
        """Raise Invalid (422) naming every field the variables leave wrong against the process's
        start form, as a completion is checked against its task's form; no form, no check."""
        found = self.start_form(process_id)
        if found is not None:  # ``record``: the fields of the record it starts for, not the form's
            check_submission(found[1].fields, {k: v for k, v in variables.items() if k != "record"}, {})

    def original(self, spec_name: str) -> str:
        # SpiffWorkflow names the inner task of a multi-instance activity "<id> [child]".
        spec_name = spec_name.removesuffix(" [child]")
        return self.original_ids.get(spec_name, spec_name)


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _lanes(root: etree._Element) -> dict[str, tuple[str, ...]]:
    """Element id → the groups its lanes name (charkh:group/charkh:role on the lane, else its name)."""
    found: dict[str, list[str]] = {}
    for lane in root.iter(_q("lane")):
        parties = list(_split(lane.get(f"{{{CHARKH_NS}}}groups")) + _split(lane.get(f"{{{CHARKH_NS}}}roles")))
        name = lane.get("name")
        if not parties and name:
            parties = [name.strip()]
        for ref in lane.iterfind(_q("flowNodeRef")):
            found.setdefault((ref.text or "").strip(), []).extend(parties)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def _potential_owners(task: etree._Element) -> tuple[list[str], list[str]]:
    """Users and groups named by BPMN's potentialOwner/humanPerformer: user(x), group(x) or x."""
    users: list[str] = []
    groups: list[str] = []
    for tag in ("potentialOwner", "humanPerformer", "performer"):
        for expr in task.iterfind(f"{_q(tag)}/{_q('resourceAssignmentExpression')}/{_q('formalExpression')}"):
            for part in _split(expr.text):
                if part.startswith("user(") and part.endswith(")"):
                    users.append(part[5:-1].strip())
                elif part.startswith("group(") and part.endswith(")"):
                    groups.append(part[6:-1].strip())
                else:
                    groups.append(part)
    return users, groups


def _flows_by_source(root: etree._Element) -> dict[str | None, list[etree._Element]]:
    flows: dict[str | None, list[etree._Element]] = {}
    for flow in root.iter(_q("sequenceFlow")):
        flows.setdefault(flow.get("sourceRef"), []).append(flow)
    return flows


def _condition(flow: etree._Element) -> str | None:
    expression = flow.find(_q("conditionExpression"))
    text = (expression.text or "").strip() if expression is not None else ""
    return text or None


def _conditional(flow: etree._Element) -> bool:
    """Whether a flow has a condition: an expression, or typed charkh:conditions."""
    return _condition(flow) is not None or conditions_of(flow) is not None


def read_cartables(root: etree._Element) -> dict[str | None, Cartable]:
    by_id = {e.get("id"): e for e in root.iter(etree.Element) if e.get("id")}
    flows = _flows_by_source(root)
    lanes = _lanes(root)

    def target_name(flow: etree._Element) -> str:
        target = by_id.get(flow.get("targetRef"))
        name = target.get("name") if target is not None else None
        return (name or flow.get("targetRef") or flow.get("id") or "").strip()

    def actions_of(task: etree._Element) -> tuple[Action, ...]:
        outgoing = flows.get(task.get("id"), [])
        default = task.get("default")
        if len(outgoing) == 1:
            target = by_id.get(outgoing[0].get("targetRef"))
            if target is not None and target.tag == _q("exclusiveGateway") \
                    and len(flows.get(target.get("id"), [])) > 1:
                outgoing = flows[target.get("id")]
                default = target.get("default")
        actions = [
            Action(f.get("id"), (f.get("name") or "").strip() or target_name(f),
                   conditional=_conditional(f) or f.get("id") == default,
                   order=_order(f), required_fields=_split(f.get(f"{{{CHARKH_NS}}}requiredFields")))
            for f in outgoing
        ]
        # Buttons in charkh:order; those without one after them, as drawn.
        return tuple(sorted(actions, key=lambda a: (a.order is None, a.order or 0)))

    titles = {}
    for process in root.iter(_q("process")):
        template = (process.get(f"{{{CHARKH_NS}}}title") or "").strip() or None
        for node in process.iter(*(_q(kind) for kind in CARTABLE_TASKS)):
            titles[node.get("id")] = template

    cartables: dict[str | None, Cartable] = {}
    for task in root.iter(*(_q(kind) for kind in CARTABLE_TASKS)):
        tid = task.get("id")
        users, groups = _potential_owners(task)
        users += _split(task.get(f"{{{CAMUNDA_NS}}}candidateUsers")) + _split(task.get(f"{{{CHARKH_NS}}}users"))
        groups += _split(task.get(f"{{{CAMUNDA_NS}}}candidateGroups")) + _split(task.get(f"{{{CHARKH_NS}}}groups"))
        if not users and not groups and not task.get(f"{{{CAMUNDA_NS}}}assignee") and tid is not None:
            groups += lanes.get(tid, ())
        cartables[tid] = Cartable(
            element=tid,
            name=(task.get("name") or tid or "").strip(),
            assignee=task.get(f"{{{CAMUNDA_NS}}}assignee") or task.get(f"{{{CHARKH_NS}}}assignee") or None,
            users=tuple(dict.fromkeys(users)),
            groups=tuple(dict.fromkeys(groups)),
            roles=_split(task.get(f"{{{CHARKH_NS}}}roles")),
            actions=actions_of(task),
            due=task.get(f"{{{CAMUNDA_NS}}}dueDate") or None,
            escalate_after=(task.get(f"{{{CHARKH_NS}}}escalateAfter") or "").strip() or None,
            escalate_to=(task.get(f"{{{CHARKH_NS}}}escalateTo") or "").strip() or None,
            to_starter=etree.QName(task).localname in _STARTER_FALLBACK,
            title=titles.get(tid),
        )
    return cartables


def _order(flow: etree._Element) -> int | None:
    try:
        return int((flow.get(f"{{{CHARKH_NS}}}order") or "").strip())
    except ValueError:
        return None


# Elements that become SpiffWorkflow task specs; only these can collide with its internal ones.
_FLOW_NODES = _ACTIVITIES | frozenset({
    "adHocSubProcess", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
})


def _rename_reserved_ids(root: etree._Element) -> dict[str, str]:
    """Rename flow nodes called Start/End/Root. A process, a sequence flow (an action's id) or a
    message so called keeps its id: they are not task specs, and renaming them would break
    get_spec(process id), action routing and messageRef."""
    flow_node_ids = {element_id for e in root.iter(etree.Element)
                     if (element_id := e.get("id")) in RESERVED_IDS and etree.QName(e).namespace == BPMN_NS
                     and etree.QName(e).localname in _FLOW_NODES}
    renames = {old: old + RENAMED_SUFFIX for old in flow_node_ids}
    if not renames:
        return {}
    for element in root.iter(etree.Element):
        for attribute in ("id", *_REF_ATTRIBUTES):
            if (ref := element.get(attribute)) in renames:
                element.set(attribute, renames[ref])
        text = (element.text or "").strip()
        if element.tag in (_q("incoming"), _q("outgoing"), _q("flowNodeRef")) and text in renames:
            element.text = renames[text]
    return {new: old for old, new in renames.items()}


def _split_multiple_outgoing(root: etree._Element) -> None:
    """Give each activity with several outgoing flows a gateway that SpiffWorkflow accepts."""
    flows = _flows_by_source(root)
    for element in list(root.iter(etree.Element)):
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        kind = etree.QName(element).localname
        tid = element.get("id")
        outgoing = flows.get(tid, [])
        parent = element.getparent()
        # (a flow always has a sourceRef, and an activity a parent: the schema check came first)
        if kind not in _ACTIVITIES or len(outgoing) < 2 or tid is None or parent is None:
            continue
        if kind in CARTABLE_TASKS:
            gateway_kind = "exclusiveGateway"
        elif any(_conditional(f) for f in outgoing):
            gateway_kind = "inclusiveGateway"
        else:
            gateway_kind = "parallelGateway"
        gateway_id = f"{tid}__split"
        gateway = etree.Element(_q(gateway_kind), id=gateway_id)
        if element.get("default"):
            gateway.set("default", element.attrib.pop("default"))
        link = etree.Element(_q("sequenceFlow"), id=f"{tid}__out", sourceRef=tid, targetRef=gateway_id)
        parent.append(gateway)
        parent.append(link)
        for flow in outgoing:
            flow.set("sourceRef", gateway_id)
        for out in element.iterfind(_q("outgoing")):
            element.remove(out)


_ISO_TIME = re.compile(r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}T[0-9:.+\-Z]+)(/P[0-9YMWDTHS.,]+)?$")


def _quote_literal_timers(root: etree._Element) -> None:
    """Camunda writes timers as bare ISO text (PT1H); SpiffWorkflow evaluates them as expressions."""
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for element in root.iter(_q(tag)):
            text = strip_expression((element.text or "").strip())
            if _ISO_TIME.match(text):
                element.text = repr(text)


def runnable_copy(root: etree._Element) -> tuple[etree._Element, dict[str, str]]:
    """The copy of the file SpiffWorkflow parses, and spec name → original id."""
    work = copy.deepcopy(root)
    renames = _rename_reserved_ids(work)
    _split_multiple_outgoing(work)
    _quote_literal_timers(work)
    return work, renames


def _script_problems(root: etree._Element) -> list[Problem]:
    problems = []
    for task in root.iter(_q("scriptTask")):
        script = task.find(_q("script"))
        if script is not None and (script.text or "").strip():
            try:
                compile_script(script.text)
            except ScriptError as exc:
                problems.append(Problem(task.get("id"), f"script refused: {exc.message}"))
    for flow in root.iter(_q("sequenceFlow")):
        # beside charkh:conditions, an expression is for other tools: Charkh never runs it
        text = _condition(flow) if conditions_of(flow) is None else None
        if text:
            try:
                compile_expression(strip_expression(text))
            except ScriptError as exc:
                problems.append(Problem(flow.get("id"), f"condition refused: {exc.message}"))
    return problems


def _plain(exc: BaseException) -> str:
    """An exception as a sentence: its message, named by its kind when it says little alone."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _validation_message(exc: ValidationException) -> str:
    """SpiffWorkflow wraps any error of a task's parser as the repr of that error
    ('TypeError("ThrowingEvent.__init__() missing ...")'): say instead which kind of element
    it could not build, and why."""
    cause = exc.__context__
    if cause is not None and not isinstance(cause, SpiffWorkflowException):
        kind = exc.tag.split(":")[-1] if exc.tag else "element"
        return f"SpiffWorkflow cannot build this {kind}: {_plain(cause)}"
    return str(exc).splitlines()[0]


def compile_definition(data: bytes, max_bytes: int, entity_types: EntityTypes = field_types,
                       check_entities: bool = True) -> CompiledDefinition:
    """Parse and validate a file for running; raises Invalid naming every problem found.

    ``entity_types`` tells the field types of an entity (None for no such entity): its triggers
    and the typed conditions on its flows are checked against them, and gateways test records
    with them. ``check_entities=False`` loads a version deployed before: what its deploy accepted
    is not refused because an entity changed since (such a condition fails when it is tested)."""
    bpmn = read_bpmn(data, max_bytes)
    problems = list(bpmn.problems)
    executable = bpmn.executable_processes
    if not executable:
        problems.append(Problem(None, "no process is executable (isExecutable=\"true\")"))
    problems += _script_problems(bpmn.root)
    if check_entities:
        problems += record_problems(bpmn.root, executable, entity_types)
        problems += record_step_problems(bpmn.root, executable, entity_types)
    if problems:
        raise Invalid("the model cannot be deployed", {"problems": [p.as_dict() for p in problems]})
    work, renames = runnable_copy(bpmn.root)
    parser = CharkhParser(record_types(bpmn.root, entity_types))
    compiled: dict[str, CompiledProcess] = {}
    try:
        parser.add_bpmn_xml(etree.ElementTree(work), filename=f"{bpmn.key}.bpmn")
        for pid in executable:
            spec = parser.get_spec(pid)
            compiled[pid] = CompiledProcess(pid, spec, parser.get_subprocess_specs(pid))
    except ValidationException as exc:
        element = renames.get(exc.id, exc.id) or None
        raise Invalid("the model cannot be deployed",
                      {"problems": [{"element": element, "message": _validation_message(exc)}]}) from None
    except SpiffWorkflowException as exc:
        raise Invalid("the model cannot be deployed",
                      {"problems": [{"element": None, "message": str(exc).splitlines()[0]}]}) from None
    except Exception as exc:  # noqa: BLE001
        # SpiffWorkflow's parser trusts the files it reads (a Camunda element without the
        # attribute it expects is a KeyError); for an uploaded file that is a deploy refusal.
        raise Invalid("the model cannot be deployed", {"problems": [
            {"element": None, "message": f"SpiffWorkflow cannot read this model: {_plain(exc)}"}]}) from None
    names: dict[str, str | None] = {}
    kinds: dict[str, str] = {}
    for element in bpmn.root.iter(etree.Element):
        element_id = element.get("id")
        if element_id and etree.QName(element).namespace == BPMN_NS:
            names[element_id] = (element.get("name") or "").strip() or None
            kinds[element_id] = etree.QName(element).localname
    default = bpmn.key if bpmn.key in compiled else executable[0]
    forms = read_forms(bpmn.root)
    return CompiledDefinition(
        key=bpmn.key,
        processes=compiled,
        default_process=default,
        cartables=read_cartables(bpmn.root),
        element_names=names,
        element_kinds=kinds,
        original_ids=renames,
        has_timers=next(bpmn.root.iter(_q("timerEventDefinition")), None) is not None,
        forms=forms.by_element,
        start_forms=forms.start_events,
        triggers=read_triggers(bpmn.root, executable),
        message_starts=_message_starts(compiled),
        has_message_catches=any(next(bpmn.root.iter(_q(tag)), None) is not None
                                for tag in ("messageEventDefinition", "receiveTask")),
    )


def _message_starts(compiled: dict[str, CompiledProcess]) -> dict[str, tuple[str, ...]]:
    """Which processes each message starts: their top-level start events that catch a message,
    as SpiffWorkflow parsed them (so the name is the one a message is delivered by)."""
    found: dict[str, list[str]] = {}
    for process_id, process in compiled.items():
        for spec in process.spec.task_specs.values():
            definition = getattr(spec, "event_definition", None)
            if isinstance(spec, StartEvent) and isinstance(definition, MessageEventDefinition):
                found.setdefault(definition.name, []).append(process_id)
    return {name: tuple(processes) for name, processes in found.items()}
