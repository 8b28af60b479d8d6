"""A child process that runs analysts' scripts and expressions for engine/script_pool.py.

It runs with a memory limit (RLIMIT_AS), a CPU-time backstop (RLIMIT_CPU, raised per request)
and a lower priority than the server, reads requests from stdin and answers on stdout, one
length-prefixed JSON frame each. Whatever the code does, the parent's wall-clock limit kills this
process for certain; nothing the code can catch is the limit. Answers are JSON, never pickle, so
even code that escaped the sandbox cannot make the server run anything.

Request: {"op": "exec"|"eval", "source", "variables", "seconds", "max_bytes"}.
Answer: {"ok": true, "value"?, "variables"?} or {"ok": false, "error"}.
"""
from __future__ import annotations

import math
import os
import resource
import struct
import sys
from typing import Any, BinaryIO

import orjson

_HEADER = struct.Struct(">I")
READY = b'{"ready":true}'
# Nice increment of script children: on a busy machine the server's own threads come first.
NICENESS = 19


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    return data if len(data) == size else None


def write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _limit_cpu(seconds: float) -> None:
    """A backstop under the parent's wall-clock kill: SIGXCPU ends this process if the parent
    were ever too slow to do it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = int(math.ceil(used + seconds)) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _kind(value: Any) -> str:
    names = {set: "a set", frozenset: "a set", bytes: "bytes", bytearray: "bytes", complex: "a complex number"}
    return names.get(type(value), f"a {type(value).__name__}")


def _encode(value: Any, what: str) -> bytes:
    try:
        data = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError) as exc:
        reason = str(exc)
        if "Type is not JSON serializable" in reason:
            reason = f"it holds {_kind(_first_unstorable(value))}"
        raise ValueError(f"{what} cannot be stored: {reason} (scripts may leave text, numbers, "
                         "true/false, null, lists and objects)") from None
    return data


def _first_unstorable(value: Any) -> Any:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        elif not isinstance(item, (str, int, float, bool, type(None))):
            return item
    return value


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    from .errors import ScriptError
    from .sandbox import run_compiled

    max_bytes = int(request["max_bytes"])
    try:
        outcome = run_compiled(request["op"], request["source"], request["variables"])
    except ScriptError as exc:
        return {"ok": False, "error": exc.message}
    except MemoryError:
        return {"ok": False, "error": "the script needed more memory than scripts may use"}
    if request["op"] == "eval":
        data = _encode(outcome, "the expression's value")
        if len(data) > max_bytes:
            raise ValueError(f"the expression's value is {len(data)} bytes; the limit is {max_bytes}")
        return {"ok": True, "value": outcome}
    total = 0
    for name, value in outcome.items():
        size = len(_encode(value, f"variable {name!r}"))
        if size > max_bytes:
            raise ValueError(f"variable {name!r} is {size} bytes; the limit for an instance's variables "
                             f"is {max_bytes}")
        total += size
    if total > max_bytes:
        raise ValueError(f"the variables would take {total} bytes; the limit for an instance's variables "
                         f"is {max_bytes}")
    return {"ok": True, "variables": outcome}


def main() -> None:
    memory_mb = int(sys.argv[1])
    _limit_memory(memory_mb)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames may reach the parent on stdout
    from . import sandbox  # noqa: F401 - compile the policy before the first request's clock runs

    # Only analysts' code runs at low priority: a successor started while runaways spin must not
    # start up at their priority, or the next script waits for it.
    os.nice(NICENESS)

    write_frame(stdout, READY)  # the first request's clock starts after the start-up
    while True:
        frame = read_frame(stdin)
        if frame is None:
            return  # the parent is gone or closed the pipe
        request = orjson.loads(frame)
        _limit_cpu(float(request["seconds"]))
        try:
            answer = _answer(request)
        except ValueError as exc:
            answer = {"ok": False, "error": str(exc)}
        except MemoryError:
            answer = {"ok": False, "error": "the script needed more memory than scripts may use"}
        write_frame(stdout, orjson.dumps(answer))


if __name__ == "__main__":
    main()
