"""A user task's form, and a process's start form: a form-js schema (https://bpmn.io/toolkit/form-js)
kept in the BPMN file.

The designer writes it as the JSON text of a ``charkh:form`` element in the task's (or the start
event's) extensionElements, so the form travels with its element (copy, paste, delete, export) and
the file needs no other namespace. A process's start form is the form of its plain start event
(one without an event definition, directly in the process): what a person fills in to start it.
Files from Camunda 8 embed their forms at the process level instead (``zeebe:userTaskForm`` with
an id, named by the element's ``zeebe:formDefinition formKey="camunda-forms:bpmn:ID"``); those are
read too. Camunda 7's ``camunda:formKey`` and
``camunda:formData`` stay as SpiffWorkflow's Camunda parser reads them: they are not forms here.

A form is analyst text that every cartable page renders, so an oversized or absurdly nested one
is a problem of the file (reported at upload, refused at deploy) before anything parses it further.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from lxml import etree

from .bpmn_xml import BPMN_NS, CHARKH_NS, Problem
from .errors import FormRefused
from .form_fields import FormFields, fields_of

ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
FORM_TAG = f"{{{CHARKH_NS}}}form"
_ZEEBE_FORM_KEY_PREFIX = "camunda-forms:bpmn:"

# A form of a hundred fields with labels in three languages takes about 60 kB of JSON; four times
# that is room to spare, and bounds what every cartable page downloads with an item.
MAX_FORM_CHARS = 256 * 1024
# form-js nests groups and lists in groups; a real form is a handful of levels deep. The limit
# keeps the walkers here and in the browser far from any recursion limit.
MAX_FORM_DEPTH = 24
# Components of one form, counted through every group: a long form has a few hundred.
MAX_FORM_COMPONENTS = 1000
_TOO_DEEP = f"the form nests deeper than {MAX_FORM_DEPTH} levels"


def _form_text(element: etree._Element, zeebe_forms: dict[str, str]) -> str | None:
    """The JSON text of a task's or start event's form, where the file keeps it; None when it has none."""
    extensions = element.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return None
    own = extensions.find(FORM_TAG)
    if own is not None:
        return own.text or ""
    definition = extensions.find(f"{{{ZEEBE_NS}}}formDefinition")
    form_key = (definition.get("formKey") or "") if definition is not None else ""
    if form_key.startswith(_ZEEBE_FORM_KEY_PREFIX):
        return zeebe_forms.get(form_key.removeprefix(_ZEEBE_FORM_KEY_PREFIX))
    return None


def _zeebe_forms(root: etree._Element) -> dict[str, str]:
    """Camunda 8's embedded forms by id (they sit in a process's extensionElements)."""
    return {form_id: form.text or "" for form in root.iter(f"{{{ZEEBE_NS}}}userTaskForm")
            if (form_id := form.get("id"))}


def _depth(value: Any) -> int:
    """How deep a parsed JSON value nests, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_FORM_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def parse_form(text: str) -> dict[str, Any]:
    """A form's JSON text as a form-js schema; FormRefused says what is wrong with it."""
    if len(text) > MAX_FORM_CHARS:
        raise FormRefused(f"the form takes {len(text)} characters; a form may take {MAX_FORM_CHARS}")
    try:
        schema = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc):  # orjson stops past its own nesting limit
            raise FormRefused(_TOO_DEEP) from None
        raise FormRefused(f"the form is not JSON: {exc}") from None
    if not isinstance(schema, dict) or not isinstance(schema.get("components"), list):
        raise FormRefused("the form is not a form-js schema: a JSON object with a list of components")
    if _depth(schema) > MAX_FORM_DEPTH:
        raise FormRefused(_TOO_DEEP)
    return schema


class TaskForm:
    """A task's or start event's form: the schema the pages render and the fields a completion (or
    a start) is checked against."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.fields: FormFields = fields_of(schema, MAX_FORM_COMPONENTS)


@dataclass
class FileForms:
    """The forms of a file: by element id (user tasks and start events), which start event holds
    each process's start form, and the problems of the forms that cannot be used."""

    by_element: dict[str, TaskForm] = field(default_factory=dict)
    start_events: dict[str, str] = field(default_factory=dict)  # process id -> start event id
    problems: list[Problem] = field(default_factory=list)

    def read(self, element: etree._Element, zeebe_forms: dict[str, str]) -> bool:
        """Keep the element's form, if it has one; False when it has none or it cannot be used."""
        text = _form_text(element, zeebe_forms)
        element_id = element.get("id")
        if text is None or element_id is None:
            return False
        try:
            self.by_element[element_id] = TaskForm(parse_form(text))
        except FormRefused as refused:
            self.problems.append(Problem(element_id, refused.message))
            return False
        return True


def _plain_start_events(process: etree._Element) -> list[etree._Element]:
    """The start events a person starts the process at: directly in it, with no event definition
    (a message's, timer's or signal's start is not a person filling in a form)."""
    return [event for event in process.iterfind(f"{{{BPMN_NS}}}startEvent")
            if not any(etree.QName(child).localname.endswith("EventDefinition") for child in event
                       if isinstance(child.tag, str))
            and event.find(f"{{{BPMN_NS}}}eventDefinitionRef") is None]


def read_forms(root: etree._Element) -> FileForms:
    """Every user task's form and every process's start form."""
    zeebe_forms = _zeebe_forms(root)
    found = FileForms()
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        found.read(task, zeebe_forms)
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        process_id = process.get("id")
        for event in _plain_start_events(process):
            if not found.read(event, zeebe_forms) or process_id is None:
                continue
            if process_id in found.start_events:
                found.problems.append(Problem(event.get("id"), (
                    f"process {process_id!r} has start forms on {found.start_events[process_id]!r} and "
                    f"{event.get('id')!r}; whoever starts it fills in one: keep one of them")))
            else:
                found.start_events[process_id] = event.get("id") or ""
    return found


def form_problems(root: etree._Element) -> list[Problem]:
    """What is wrong with the forms of a file (import reports these; deploy refuses them)."""
    return read_forms(root).problems
