"""A small pool of child processes that run analysts' code (engine/script_child.py).

A request that does not answer within its wall-clock limit has its child killed (SIGKILL) and
replaced: a runaway ends for certain, whatever it catches, and takes no lock, thread or memory of
the server with it. Children start lazily, are reused while they behave, and die with the server
(they exit when their stdin closes).
"""
from __future__ import annotations

import os
import queue
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import orjson

from .errors import ScriptError
from .script_child import _HEADER, READY

# Children running analysts' code at once; more requests wait for a free one.
DEFAULT_POOL_SIZE = 2
# Address space of one child, in MiB (RLIMIT_AS): a script building a huge value fails there.
DEFAULT_MEMORY_MB = 512
# Seconds a new child may take to start (Python and the sandbox's imports) on a busy machine.
START_SECONDS = 30.0
_ROOT = str(Path(__file__).resolve().parent.parent)
_CHILD = ("import sys; sys.path.insert(0, sys.argv[2]); sys.argv.pop(2); "
          "from engine.script_child import main; main()")


class _Child:
    """One child process and its pipes."""

    def __init__(self, memory_mb: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-E", "-s", "-c", _CHILD, str(memory_mb), _ROOT],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True)
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("a script runner was started without its pipes")
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        self.fd = self.stdout.fileno()
        header = self._read(_HEADER.size, time.monotonic() + START_SECONDS)
        if header is None or self._read(_HEADER.unpack(header)[0], time.monotonic() + START_SECONDS) != READY:
            self.kill()
            raise ScriptError("a script runner could not be started")

    def ask(self, request: bytes, deadline: float) -> bytes | None:
        """The child's answer, or None when it did not come by the deadline or the child died."""
        try:
            self.stdin.write(_HEADER.pack(len(request)) + request)
            self.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        header = self._read(_HEADER.size, deadline)
        if header is None:
            return None
        (size,) = _HEADER.unpack(header)
        return self._read(size, deadline)

    def _read(self, size: int, deadline: float) -> bytes | None:
        chunks, missing = [], size
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                return None
            chunk = os.read(self.fd, min(missing, 1 << 20))
            if not chunk:
                return None  # the child died (its memory or CPU backstop, or a crash)
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        self.process.wait()
        for pipe in (self.stdin, self.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class ScriptPool:
    """Runs requests in child processes with a wall-clock limit each.

    size: children at once (default 2); memory_mb: each child's address space (default 512).
    """

    def __init__(self, size: int = DEFAULT_POOL_SIZE, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        self.memory_mb = memory_mb
        self._idle: queue.LifoQueue[_Child | None] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)  # a slot; its child starts on first use
        self._closed = False

    def run(self, request: dict[str, Any], seconds: float) -> dict[str, Any]:
        """Send one request; the child's answer, or ScriptError when it ran past ``seconds``."""
        if self._closed:
            raise ScriptError("the script runner is shut down")
        data = orjson.dumps(request, default=str)
        answer: dict[str, Any] = orjson.loads(self._ask(data, seconds))
        return answer

    def _ask(self, data: bytes, seconds: float) -> bytes:
        try:  # waiting for a free child counts too: a queue of runaways cannot hold a caller forever
            child = self._idle.get(timeout=max(seconds * 4, 1.0))
        except queue.Empty:
            raise ScriptError("every script runner is busy; try again") from None
        try:
            if child is None:
                child = _Child(self.memory_mb)
            started = time.monotonic()  # waiting for a child, or its start-up, is not the script's time
            answer = child.ask(data, started + seconds)
        except BaseException:
            if child is not None:
                child.kill()
            self._idle.put(None)
            raise
        if answer is None:
            child.kill()
            self._replace()
            if time.monotonic() - started >= seconds:
                raise ScriptError(f"the script ran longer than {seconds:g} s and was stopped")
            raise ScriptError("the script was stopped: it needed more memory or CPU than scripts may use")
        self._idle.put(child)
        return answer

    def warm(self) -> None:
        """Start every slot's child now, in the background: a server's first scripts then find
        them ready instead of waiting for a start-up (up to a second on a busy machine)."""
        slots = []
        while True:
            try:
                slots.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for child in slots:
            if child is None:
                self._replace()
            else:
                self._idle.put(child)

    def _replace(self) -> None:
        """Start a killed child's successor at once, so the next script does not wait for it."""
        def start() -> None:
            try:
                child: _Child | None = _Child(self.memory_mb)
            except (ScriptError, OSError):
                child = None
            if self._closed and child is not None:
                child.kill()
            self._idle.put(child)

        threading.Thread(target=start, name="charkh-script-runner", daemon=True).start()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                child = self._idle.get_nowait()
            except queue.Empty:
                return
            if child is not None:
                child.kill()


_shared: dict[tuple[int, int], ScriptPool] = {}
_shared_lock = threading.Lock()


def shared_pool(size: int = DEFAULT_POOL_SIZE, memory_mb: int = DEFAULT_MEMORY_MB) -> ScriptPool:
    """One pool per process and configuration: every engine object in the process shares its
    children (tests build many engines; a server builds one)."""
    with _shared_lock:
        pool = _shared.get((size, memory_mb))
        if pool is None:
            pool = _shared[(size, memory_mb)] = ScriptPool(size, memory_mb)
        return pool
