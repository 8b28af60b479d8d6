"""What completing a work item with an action demands of the person (issue 15): choosing one
action where there are several, and filling the fields that action requires
(charkh:requiredFields). Pure; the commands ask here before a step runs, or when one fails."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import Invalid


def choose_one_of(actions: Sequence[Mapping[str, Any]]) -> Invalid:
    """The refusal of a completion that names no action where several are possible."""
    names = ", ".join(str(a["name"]) for a in actions)
    return Invalid(f"choose one of: {names}",
                   {"actions": [{"id": a["id"], "name": a["name"]} for a in actions]})


def left_undecided(error: Exception) -> bool:
    """Whether a step that ran without a chosen action failed because its conditions could not
    choose a way out (a name they test is missing, or none of them holds), rather than for a
    limit or a fault in a script: then the person should choose the action."""
    message = str(getattr(error, "message", error))
    return message.startswith("NameError") or "No conditions satisfied" in message


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def check_required_fields(action: Mapping[str, Any] | None, data: Mapping[str, Any]) -> None:
    """422 naming every field the chosen action requires that ``data`` leaves empty."""
    if action is None:
        return
    missing = [name for name in action.get("required_fields") or () if not _filled(data.get(name))]
    if missing:
        raise Invalid(f"{action['name']!r} needs these fields filled: {', '.join(missing)}",
                      {"missing_fields": missing, "action": {"id": action["id"], "name": action["name"]}})
