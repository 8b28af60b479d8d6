"""Charkh's own lint rules for the server: the Python transposition of bpmn/lint/rules/*.js (the
bpmnlint plugin ``bpmnlint-plugin-charkh`` that the designer bundles), so the designer and a deploy
give the same verdicts. Each rule is a bpmnlint rule factory: ``factory(config) -> {"check"}``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The plugin's package name, as bpmnlint spells "charkh/<rule>" in a configuration.
PLUGIN = "bpmnlint-plugin-charkh"
TASK_WITHOUT_TYPE = "this task has no type; it will wait in a cartable like a user task"


def task_type_required(_config: object = None) -> dict[str, Any]:
    """A task drawn without a type does nothing by itself: Charkh keeps it waiting in a cartable
    like a user task (engine/compiler.py). Usually the analyst meant to choose a type."""

    def check(node: Any, reporter: Any) -> None:
        if getattr(node, "type_", None) == "bpmn:Task":
            reporter.report(node.get("id"), TASK_WITHOUT_TYPE)

    return {"check": check}


RULES: dict[str, Callable[..., dict[str, Any]]] = {
    "task-type-required": task_type_required,
}
