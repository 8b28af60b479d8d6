"""A diagram for files that have none (bpmn-auto-layout, through the bpmn-io port).

Files written by hand or by other engines often carry no BPMNDiagram; the designer shows them
laid out. The stored file is never changed: export returns it as uploaded.
"""
from __future__ import annotations

from bpmn_io import LayoutError, layout_process
from lxml import etree

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Children a flow node may have before its incoming/outgoing lists (BPMN 2.0 schema order).
_BEFORE_FLOWS = {f"{{{BPMN_NS}}}documentation", f"{{{BPMN_NS}}}extensionElements"}


def has_diagram(root: etree._Element) -> bool:
    return next(root.iter(f"{{{BPMNDI_NS}}}BPMNShape"), None) is not None


def _listing_flows(root: etree._Element) -> bytes:
    """A copy whose flow nodes list their incoming/outgoing flows: the layouter follows them, and
    BPMN does not require a file to carry them."""
    copy = etree.fromstring(etree.tostring(root))
    by_id = {e.get("id"): e for e in copy.iter(etree.Element) if e.get("id")}
    if next(copy.iter(f"{{{BPMN_NS}}}outgoing"), None) is not None:
        return etree.tostring(copy)
    for flow in list(copy.iter(f"{{{BPMN_NS}}}sequenceFlow")):
        for ref, side in (("sourceRef", "outgoing"), ("targetRef", "incoming")):
            node = by_id.get(flow.get(ref))
            if node is None:
                continue
            link = etree.Element(f"{{{BPMN_NS}}}{side}")
            link.text = flow.get("id")
            position = sum(1 for child in node if child.tag in _BEFORE_FLOWS or
                           child.tag in (f"{{{BPMN_NS}}}incoming", f"{{{BPMN_NS}}}outgoing"))
            node.insert(position, link)
    return etree.tostring(copy)


def with_layout(data: bytes, root: etree._Element) -> bytes:
    """The file itself when it has a diagram, else a laid-out copy (or the file, if layout fails)."""
    if has_diagram(root):
        return data
    try:
        return layout_process(_listing_flows(root).decode("utf-8")).encode("utf-8")
    except (LayoutError, ValueError, KeyError, AttributeError, TypeError):
        return data  # shown without a diagram rather than not at all
