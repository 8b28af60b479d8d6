"""The one hierarchy of errors the engine raises; the API maps each to a status and a code."""
from __future__ import annotations

from typing import Any


class CharkhError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadInput(CharkhError):
    """The request or file is malformed: not XML, not BPMN, a DTD, too large."""

    code = "bad_input"


class NotFound(CharkhError):
    """No such definition, instance, work item or user."""

    code = "not_found"


class Unauthorized(CharkhError):
    """No valid credentials were given."""

    code = "unauthorized"


class Forbidden(CharkhError):
    """The caller may not act on this item."""

    code = "forbidden"


class Conflict(CharkhError):
    """The item is taken, done, or changed meanwhile."""

    code = "conflict"


class Throttled(CharkhError):
    """Too many failed sign-ins from this address or for this name: wait ``details["retry_after"]`` seconds."""

    code = "too_many_attempts"


class Invalid(CharkhError):
    """Well-formed but not acceptable: unknown action, non-executable model, dangling reference."""

    code = "invalid"


class FormRefused(Invalid):
    """A task's form cannot be used: not a form-js schema, too large or too deeply nested."""


class ScriptError(CharkhError):
    """An analyst's script or expression failed, was refused by the sandbox, or ran too long."""

    code = "script_error"


class StepFailed(CharkhError):
    """SpiffWorkflow could not run a step of a model (a case it does not handle): the caller's 422."""

    code = "step_failed"


class StaleState(Conflict):
    """The instance changed while a step ran outside the lock; the command reads it again."""

    code = "conflict"
