"""A work item's title: the process's charkh:title template (``Invoice ${number} — ${customer}``)
filled with the instance's variables when the item is created.

The template is analyst text but is never evaluated: ``${name}`` and ``${record.field}`` are
looked up in the variables, nothing else. A missing variable, or one that is not a plain value,
renders empty, so a title never fails a step.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Titles are stored in a column of this length (engine/store/schema.py).
MAX_TITLE_LENGTH = 500
_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}")


def value_at(variables: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (``record.due_on``) in the variables, None where it is missing."""
    value: Any = variables
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, tuple)):
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_title(template: str | None, variables: Mapping[str, Any]) -> str | None:
    """The title for one item, or None when its process has no title template."""
    if not template:
        return None
    rendered = _PLACEHOLDER.sub(lambda match: _text(value_at(variables, match.group(1))), template)
    return " ".join(rendered.split())[:MAX_TITLE_LENGTH] or None
