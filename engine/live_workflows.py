"""The workflows this process saved last, kept alive for the next command on their instance.

A completion used to restore its instance's workflow from the stored state every time; the
restore (SpiffWorkflow's DictionaryConverter) was a third of SpiffWorkflow's share of the
command. The next command on an instance usually runs in the process that wrote it (always in
embedded mode), so the object it saved is still here, exactly as saved (Runtime.dump compacts the
object itself, then encodes it).

An entry is keyed by the instance and the revision its state was saved at: a command that reads
another revision (another process wrote since) does not find it. ``take`` removes the entry, so no
two commands ever share an object, and one whose step fails or whose write turns out stale
simply does not put it back; ``put`` comes only after the write committed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

# Enough for every instance people work on at once in a busy hour; each entry is one instance's
# compacted task tree (tens of kilobytes for a CRM process).
DEFAULT_SIZE = 512


class LiveWorkflows:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[int, int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, revision: int, version_id: int) -> Any | None:
        """The workflow saved at exactly this revision of this version, removed from the cache."""
        with self._lock:
            found = self._entries.pop(instance_id, None)
        if found is None or found[0] != revision or found[1] != version_id:
            return None
        return found[2]

    def put(self, instance_id: int, revision: int, version_id: int, workflow: Any) -> None:
        """Keep the workflow its command just committed at ``revision``."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[instance_id] = (revision, version_id, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, instance_id: int) -> None:
        with self._lock:
            self._entries.pop(instance_id, None)

    def __len__(self) -> int:
        return len(self._entries)
