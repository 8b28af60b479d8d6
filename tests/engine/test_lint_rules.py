"""Charkh's own lint rules (engine/lint_rules.py, the server's side of the bpmnlint plugin in
bpmn/lint): what they find, and that the server runs the same rules the designer bundles."""
from __future__ import annotations

import json
import re

from engine.lint import lint
from engine.lint_rules import PLUGIN, RULES, TASK_WITHOUT_TYPE
from tests.conftest import ROOT, read_model

PLUGIN_DIR = ROOT / "bpmn" / "lint"


def findings(data: bytes, rule: str) -> list[tuple[str | None, str, str]]:
    return [(p["element"], p["message"], p["severity"]) for p in lint(data) if p["rule"] == rule]


def test_a_task_without_a_type_is_a_warning_and_typed_tasks_are_not():
    found = findings(read_model("untyped_tasks.bpmn"), "charkh/task-type-required")

    assert found == [("file_papers", TASK_WITHOUT_TYPE, "warning"), ("check_stamp", TASK_WITHOUT_TYPE, "warning")]
    assert findings(read_model("invoice.bpmn"), "charkh/task-type-required") == []


def test_the_server_has_every_rule_of_the_designers_plugin_with_its_message():
    package = json.loads((PLUGIN_DIR / "package.json").read_text())
    declared = re.findall(r"'([a-z-]+)': '\./rules/\1'", (PLUGIN_DIR / "index.js").read_text())
    enabled = [name.split("/", 1)[1] for name in json.loads((PLUGIN_DIR / "charkh.json").read_text())["rules"]
               if name.startswith("charkh/")]

    assert package["name"] == PLUGIN
    assert sorted(declared) == sorted(RULES) == sorted(p.stem for p in (PLUGIN_DIR / "rules").glob("*.js"))
    assert set(enabled) <= set(RULES)
    assert TASK_WITHOUT_TYPE in (PLUGIN_DIR / "rules" / "task-type-required.js").read_text()
