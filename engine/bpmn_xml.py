"""Reading an uploaded BPMN file safely and learning what it holds.

Import must accept any valid BPMN 2.0 file, whether or not SpiffWorkflow can run it, so
this module uses only lxml: a hardened parse (no DTD, no entities, no network, a size
limit), the schema check (reported as problems, not refused) and the facts the store
needs (key, processes, executable flag). The bytes are stored as uploaded.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .errors import BadInput, Invalid

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
CHARKH_NS = "https://charkh.dev/schema/bpmn"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


@dataclass(frozen=True)
class Problem:
    element: str | None
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {"element": self.element, "message": self.message}


@dataclass
class BpmnFile:
    """What an uploaded file holds, as far as import needs to know."""

    data: bytes
    root: etree._Element
    key: str
    name: str | None
    processes: list[dict[str, object]]
    problems: list[Problem] = field(default_factory=list)

    @property
    def executable_processes(self) -> list[str]:
        return [p["id"] for p in self.processes if p["executable"]]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, max_bytes: int) -> etree._Element:
    """Parse untrusted XML: refuse a DTD, oversize input and anything not well formed."""
    if not data or not data.strip():
        raise BadInput("the file is empty")
    if len(data) > max_bytes:
        raise BadInput(f"the file is {len(data)} bytes; the limit is {max_bytes} bytes")
    if _DOCTYPE.search(data):
        raise BadInput("the document has a DTD (<!DOCTYPE>); DTDs and entity declarations are refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"the file is not well-formed XML: {exc}") from None
    if root is None:
        raise BadInput("the file is not well-formed XML")
    if root.getroottree().docinfo.doctype:
        raise BadInput("the document has a DTD (<!DOCTYPE>); DTDs and entity declarations are refused")
    return root


def read_bpmn(data: bytes, max_bytes: int) -> BpmnFile:
    """Parse, check and describe a BPMN file; raises BadInput or Invalid, changes nothing."""
    root = parse_xml(data, max_bytes)
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise BadInput(f"not a BPMN 2.0 file: the root element is {etree.QName(root).localname!r}, "
                       f"expected 'definitions' in namespace {BPMN_NS}")
    dangling = dangling_references(root)
    if dangling:
        raise Invalid("the file refers to elements it does not contain",
                      {"problems": [p.as_dict() for p in dangling]})
    processes = []
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        pid = process.get("id")
        if not pid:
            continue
        processes.append({
            "id": pid,
            "name": process.get("name"),
            "executable": process.get("isExecutable") == "true",
        })
    executable = [p for p in processes if p["executable"]]
    key = executable[0]["id"] if len(executable) == 1 else root.get("id")
    if not key:
        key = processes[0]["id"] if len(processes) == 1 else None
    if not key:
        raise Invalid("the file has no key: give 'definitions' an id or mark one process executable")
    name = (executable[0]["name"] if len(executable) == 1 else None) or root.get("name")
    return BpmnFile(data=data, root=root, key=str(key), name=name, processes=processes,
                    problems=schema_problems(root))


def dangling_references(root: etree._Element) -> list[Problem]:
    ids = set(root.xpath("//@id"))
    problems = []
    for element in root.iter(etree.Element):
        for attribute in ("sourceRef", "targetRef", "attachedToRef", "default", "processRef"):
            ref = element.get(attribute)
            if ref is not None and ref not in ids:
                problems.append(Problem(element.get("id") or etree.QName(element).localname,
                                        f"{attribute} '{ref}' names no element in the file"))
        if etree.QName(element).localname in ("incoming", "outgoing", "flowNodeRef") \
                and etree.QName(element).namespace == BPMN_NS:
            ref = (element.text or "").strip()
            if ref and ref not in ids:
                owner = element.getparent()
                problems.append(Problem(owner.get("id") if owner is not None else None,
                                        f"{etree.QName(element).localname} '{ref}' names no element in the file"))
        if etree.QName(element).namespace == BPMNDI_NS:
            ref = element.get("bpmnElement")
            if ref is not None and _local(ref) not in ids:
                problems.append(Problem(element.get("id"), f"bpmnElement '{ref}' names no element in the file"))
    return problems


def _local(ref: str) -> str:
    """A QName reference such as ``tns:Task_1`` names the element ``Task_1``."""
    return ref.rsplit(":", 1)[-1]


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    import SpiffWorkflow.bpmn.parser as spiff_parser

    path = Path(spiff_parser.__file__).parent / "schema" / "BPMN20.xsd"
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)))


def schema_problems(root: etree._Element) -> list[Problem]:
    """XSD findings, each tied to the nearest element with an id."""
    schema = _schema()
    document = copy.deepcopy(root)
    if schema.validate(document):
        return []
    by_line: dict[int, str] = {}
    for element in root.iter(etree.Element):
        if element.get("id") and element.sourceline:
            by_line.setdefault(element.sourceline, element.get("id"))
    problems = []
    for error in list(schema.error_log)[:50]:
        problems.append(Problem(by_line.get(error.line), f"line {error.line}: {error.message}"))
    return problems
