"""Reading an uploaded BPMN file safely and learning what it holds.

Import must accept any well-formed BPMN 2.0 file, whether or not SpiffWorkflow can run it
(../shared/API.md, "Keys and versions"), so this module uses only lxml: a hardened parse (no
DTD, no entities, no network, a size limit), the checks for dangling references and the
schema (reported as problems, never refused: only deploy refuses them) and the facts the
store needs (key, processes, executable flag). The bytes are stored as uploaded, but for the
conditionExpression of flows with charkh:conditions (engine/condition_expressions.py).
"""
from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import BadInput

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
CHARKH_NS = "https://charkh.dev/schema/bpmn"
VISIBILITIES = ("public", "private")  # charkh:visibility of a process (MISSION F5)


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
    # charkh:visibility on the key's process, when the file says it (the designer's panel writes it).
    visibility: str | None = None

    @property
    def executable_processes(self) -> list[str]:
        return [str(p["id"]) for p in self.processes if p["executable"]]


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
    if has_doctype(data):
        raise BadInput("the document has a DTD (<!DOCTYPE>); DTDs and entity declarations are refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        # exc.msg is lxml's message without the "(<string>, line N)" of its str()
        raise BadInput(f"the file is not well-formed XML: {exc.msg or exc}") from None
    if root is None:
        raise BadInput("the file is not well-formed XML")
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]  # lxml-stubs lack DocInfo.doctype
        raise BadInput("the document has a DTD (<!DOCTYPE>); DTDs and entity declarations are refused")
    return root


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
         (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"))


def has_doctype(data: bytes) -> bool:
    """Whether the prolog (before the root element) holds a document type declaration.

    Only the prolog counts: ``<!DOCTYPE`` inside a comment, a CDATA section or text after the
    root start (an HTML snippet in documentation, a script) is content, not a DTD. UTF-16 and
    UTF-32 files are read in their own encoding; every other encoding BPMN files use keeps
    ASCII as ASCII. The parser's own doctype check after parsing stays as a second guard.
    """
    head = data
    for bom, codec in _BOMS:
        if data.startswith(bom):
            head = data.decode(codec, errors="replace").encode("utf-8", errors="replace")
            break
    i, n = 0, len(head)
    if head.startswith(b"\xef\xbb\xbf"):
        i = 3
    while i < n:
        c = head[i:i + 1]
        if c in (b" ", b"\t", b"\r", b"\n"):
            i += 1
        elif head.startswith(b"<?", i):
            end = head.find(b"?>", i + 2)
            if end < 0:
                return False
            i = end + 2
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i + 4)
            if end < 0:
                return False
            i = end + 3
        else:
            return head[i:i + 9].upper() == b"<!DOCTYPE"
    return False


def read_bpmn(data: bytes, max_bytes: int) -> BpmnFile:
    """Parse, check and describe a BPMN file; raises BadInput only, changes nothing."""
    root = parse_xml(data, max_bytes)
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise BadInput(f"not a BPMN 2.0 file: the root element is {etree.QName(root).localname!r}, "
                       f"expected 'definitions' in namespace {BPMN_NS}")
    processes: list[dict[str, object]] = []
    visibilities: dict[str, str | None] = {}
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        pid = process.get("id")
        if not pid:
            continue
        processes.append({
            "id": pid,
            "name": process.get("name"),
            "executable": process.get("isExecutable") == "true",
        })
        visibilities[pid] = process.get(f"{{{CHARKH_NS}}}visibility")
    # engine/forms.py reads its elements with this module's names: imported here, not above
    from .forms import form_problems

    key = definition_key(root, processes, data)
    visibility = visibilities.get(key)
    return BpmnFile(data=data, root=root, key=key, name=_name(root, processes, key), processes=processes,
                    problems=dangling_references(root) + schema_problems(root) + form_problems(root),
                    visibility=visibility if visibility in VISIBILITIES else None)


# A key names a definition in URLs (/definitions/{key}) and export file names, and is stored in
# a column of 255 characters: an id outside this shape (whitespace, '/', a leading digit) is no
# usable key, as if the file had none. XML ids (NCNames) always fit.
_KEY_SHAPE = re.compile(r"[^\W\d][\w.\-]{0,254}")


def definition_key(root: etree._Element, processes: list[dict[str, object]], data: bytes) -> str:
    """The key API.md's rule gives a file: its one executable process, else the definitions id,
    else the first process; a file with none of them gets a key from its bytes, so the same file
    uploaded again finds its own definition."""
    executable = [str(p["id"]) for p in processes if p["executable"]]
    candidates = [executable[0]] if len(executable) == 1 else []
    candidates += [root.get("id") or ""] + [str(p["id"]) for p in processes[:1]]
    for candidate in candidates:
        candidate = candidate.strip()
        if _KEY_SHAPE.fullmatch(candidate):
            return candidate
    return "bpmn_" + hashlib.sha256(data).hexdigest()[:12]


def _name(root: etree._Element, processes: list[dict[str, object]], key: str) -> str | None:
    """What people call the definition: its key process's name, else the file's, else the first
    named process's (vendor ids such as `_1373649849716` say nothing to a reader)."""
    own = next((p["name"] for p in processes if p["id"] == key), None)
    named = (str(p["name"]) for p in processes if p["name"])
    return str(own or root.get("name") or next(named, "")).strip() or None


# Attributes and child elements of BPMN elements that name another element of the model.
_REF_ATTRIBUTES = ("sourceRef", "targetRef", "attachedToRef", "default", "processRef")
_REF_ELEMENTS = ("incoming", "outgoing", "flowNodeRef")


def dangling_references(root: etree._Element) -> list[Problem]:
    """References to elements the file does not contain.

    Several of these references are QNames (``tns:Task_1``): the prefix is dropped when it is
    bound to the file's own target namespace, or to nothing; a prefix bound to another
    namespace names an element of another (imported) model, which cannot be checked here.
    Extension elements are not BPMN: their attributes are theirs to define and are not read.
    """
    ids = {value.strip() for element in root.iter(etree.Element) if (value := element.get("id")) is not None}
    target = root.get("targetNamespace")
    problems = []

    def missing(element: etree._Element, ref: str) -> str | None:
        ref = ref.strip()
        if not ref:
            return None
        if ":" in ref:
            prefix, local = ref.split(":", 1)
            namespace = element.nsmap.get(prefix)
            if namespace is not None and namespace != target and local not in ids:
                return None  # another model's element
            ref = local
        return None if ref in ids else ref

    for element in root.iter(etree.Element):
        qname = etree.QName(element)
        if qname.namespace == BPMN_NS:
            for attribute in _REF_ATTRIBUTES:
                ref = element.get(attribute)
                if ref is not None and missing(element, ref) is not None:
                    problems.append(Problem(element.get("id") or qname.localname,
                                            f"{attribute} '{ref}' names no element in the file"))
            if qname.localname in _REF_ELEMENTS:
                ref = element.text or ""
                if missing(element, ref) is not None:
                    owner = element.getparent()
                    problems.append(Problem(owner.get("id") if owner is not None else None,
                                            f"{qname.localname} '{ref.strip()}' names no element in the file"))
        elif qname.namespace == BPMNDI_NS:
            ref = element.get("bpmnElement")
            if ref is not None and missing(element, ref) is not None:
                problems.append(Problem(element.get("id"), f"bpmnElement '{ref}' names no element in the file"))
    return _at_most(problems, "dangling references")


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
        element_id = element.get("id")
        line: int | None = element.sourceline  # type: ignore[assignment]  # lxml-stubs type it as ...
        if element_id and line:
            by_line.setdefault(line, element_id)
    errors: list[Any] = list(schema.error_log)  # type: ignore[call-overload]  # lxml-stubs: an empty _ErrorLog
    problems = [Problem(by_line.get(error.line), f"line {error.line}: {error.message}") for error in errors]
    return _at_most(problems, "schema problems")


# Problems listed per check: a vendor's diagram may hold hundreds of the same slip (iGrafx
# leaves every shape's label dangling), and the first ones say what the rest are.
MAX_PROBLEMS = 50


def _at_most(problems: list[Problem], what: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [Problem(None, f"and {rest} more {what}, not listed")]


def connector_of(node: etree._Element) -> tuple[str | None, dict[str | None, str]]:
    """The connector id and input parameters an activity names (camunda:connector, else camunda:type).
    A parameter without a name is kept under None."""
    connector = node.find(f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}connector")
    connector_id = None
    inputs: dict[str | None, str] = {}
    if connector is not None:
        cid = connector.find(f"{{{CAMUNDA_NS}}}connectorId")
        connector_id = (cid.text or "").strip() if cid is not None else None
        for parameter in connector.iterfind(f"{{{CAMUNDA_NS}}}inputOutput/{{{CAMUNDA_NS}}}inputParameter"):
            inputs[parameter.get("name")] = (parameter.text or "").strip()
    return connector_id or node.get(f"{{{CAMUNDA_NS}}}type") or None, inputs
