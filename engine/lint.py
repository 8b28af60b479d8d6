"""bpmnlint's rules on the server (the bpmn-io port): the same verdicts the designer shows.

Pure: XML in, problems out. Kept off the per-step path (a lint costs tens of milliseconds).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from bpmn_io import create_moddle, is_a
from bpmn_io.lint import Linter
from bpmn_io.lint.resolver import NodeResolver
from bpmn_io.moddle_xml.read import ParseError

from .lint_rules import PLUGIN, RULES

# The one lint configuration, shared with the designer's bundle (designer/frontend reads it too);
# its "charkh/..." rules are the plugin in bpmn/lint (rules/*.js for the designer, lint_rules.py here).
CONFIG_PATH = Path(__file__).resolve().parent.parent / "bpmn" / "lint" / "charkh.json"


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads(CONFIG_PATH.read_text())
    return config


class _CharkhResolver(NodeResolver):
    """bpmnlint's rules and configurations, plus the charkh plugin's rules (engine/lint_rules.py)."""

    def resolve_rule(self, pkg: str, rule_name: str) -> Any:
        if pkg == PLUGIN:
            return RULES.get(rule_name)
        return super().resolve_rule(pkg, rule_name)


def _linter() -> Linter:
    # A new linter per file: bpmnlint's rules keep state in their closures (no-duplicate-sequence-flows
    # remembers the flows it saw), and the linter caches rule instances.
    # bpmn-io annotates NodeResolver.resolve_config as returning object, its own Resolver protocol
    # as returning dict | None: the NodeResolver it ships does not match the protocol it asks for.
    return Linter(config=_config(), resolver=_CharkhResolver())  # type: ignore[arg-type]


def _link_flows(elements: dict[str, Any]) -> None:
    """Give flow nodes their incoming/outgoing lists from the flows' source/target references.

    BPMN does not require a node to list its flows, and files from other tools often do not;
    bpmn-js fills the lists when it imports a diagram, so the server does the same before linting.
    """
    flows = [element for element in elements.values() if is_a(element, "bpmn:SequenceFlow")]
    nodes = [element for element in elements.values() if is_a(element, "bpmn:FlowNode")]
    if any(node.get("incoming") or node.get("outgoing") for node in nodes):
        return  # the file lists them itself
    for flow in flows:
        for end, side in (("sourceRef", "outgoing"), ("targetRef", "incoming")):
            node = flow.get(end)
            if node is not None and hasattr(node, "get"):
                node.get(side).append(flow)


def lint(xml: bytes) -> list[dict[str, Any]]:
    """Every finding as {"element", "message", "severity": error|warning, "rule", "source": "lint"}.

    The caller has already refused DTDs and oversize input (engine.bpmn_xml.read_bpmn).
    """
    try:
        parsed = create_moddle().from_xml(xml.decode("utf-8", errors="replace"))
    except ParseError as exc:
        return [{"element": None, "message": f"unreadable: {exc.message}", "severity": "error",
                 "rule": "parse", "source": "lint"}]
    _link_flows(parsed.elements_by_id)
    # bpmn-io types the reader's root as ModdleElement | AnyModdleElement and Linter.lint's
    # argument as ModdleElement; a BPMN file's root is bpmn:Definitions, a typed element.
    reports = _linter().lint(parsed.root_element)  # type: ignore[arg-type]
    problems = []
    for rule, findings in sorted(reports.items()):
        for finding in findings:
            element = finding.get("id")
            problems.append({
                "element": element if isinstance(element, str) and element else None,
                "message": str(finding.get("message") or rule),
                "severity": "error" if finding.get("category") == "error" else "warning",
                "rule": rule,
                "source": "lint",
            })
    return problems
