"""How many requests of one server process do their work at once.

A server needs many threads, so that requests waiting for a script child (up to its limit, a
second by default) never leave ordinary requests without one; but steps are CPU-bound, and more
than a few threads working at once in one process only queue for its GIL, which costs CPU
(docs/performance.md). So each request works inside the gate, which lets ``size`` through at
once, in the order they came; one steps out while it only waits for a script child
(engine/script_pool.py), and one that has worked for a while lets those waiting go first
(engine/runtime.py, between automatic steps), so a long step never holds ordinary requests up.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

# A request that has worked this long inside the gate goes to the back of the line when others wait.
TURN_SECONDS = 0.02


class WorkGate:
    """A first-come, first-served semaphore that knows which threads are inside it, so that code
    deep in a step can step out while it waits and back in afterwards (a thread that never
    entered steps nowhere). A leaving thread hands its slot to the first in line: none can barge."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a work gate lets at least one request through")
        self._lock = threading.Lock()
        self._free = size
        self._line: deque[threading.Lock] = deque()
        self._inside = threading.local()

    def _enter(self) -> None:
        with self._lock:
            if self._free and not self._line:
                self._free -= 1
                self._inside.since = time.monotonic()
                return
            turn = threading.Lock()
            turn.acquire()
            self._line.append(turn)
        turn.acquire()  # released by the thread that hands this one its slot
        self._inside.since = time.monotonic()

    def _leave(self) -> None:
        with self._lock:
            if self._line:
                self._line.popleft().release()
            else:
                self._free += 1

    @contextmanager
    def working(self) -> Iterator[None]:
        self._enter()
        self._inside.depth = getattr(self._inside, "depth", 0) + 1
        try:
            yield
        finally:
            self._inside.depth -= 1
            self._leave()

    def _entered(self) -> bool:
        return bool(getattr(self._inside, "depth", 0))

    @contextmanager
    def waiting(self) -> Iterator[None]:
        if not self._entered():
            yield
            return
        self._leave()
        try:
            yield
        finally:
            self._enter()

    def take_turns(self) -> None:
        """Let those in line go first if this thread has worked a turn's time since it came in."""
        if not self._entered() or not self._line or time.monotonic() - self._inside.since < TURN_SECONDS:
            return
        self._leave()
        self._enter()


_gate: WorkGate | None = None


def install(size: int) -> WorkGate:
    """The process's gate (one per process: the web server's threads share it)."""
    global _gate
    if _gate is None:
        _gate = WorkGate(size)
    return _gate


@contextmanager
def waiting() -> Iterator[None]:
    """Step out of the process's gate, if this thread is inside it, while the block waits."""
    if _gate is None:
        yield
        return
    with _gate.waiting():
        yield


def take_turns() -> None:
    """Between steps of long work: let requests waiting for the process's gate go first."""
    if _gate is not None:
        _gate.take_turns()
