"""What completing a work item demands of the person (issue 15): choosing one action where there
are several. (The fields an action requires, charkh:requiredFields, are checked with the task's
form: engine/form_fields.py.) Pure; the commands ask here before a step runs, or when one fails."""
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
