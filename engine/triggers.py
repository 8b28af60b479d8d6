"""What starts a process for records (issue 16): a process's charkh:trigger."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Trigger:
    entity: str
    on: str  # create | update | schedule | macro
    mode: str  # first | every (on update)
    schedule: str | None
    conditions: Any
    key: str
