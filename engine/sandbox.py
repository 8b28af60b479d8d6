"""The sandbox that runs analysts' scripts and expressions.

Analyst text is compiled by RestrictedPython (no imports, no names or attributes that
start with an underscore, guarded item and attribute access), with operators that could
build huge values routed through size checks, and run under a CPU-time limit enforced
by a trace function. Raw ``exec``/``eval`` of model text never happens.
"""
from __future__ import annotations

import ast
import math
import operator
import re
import sys
import time
from functools import lru_cache
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector

from .errors import ScriptError

SCRIPT_FILENAME = "<charkh-script>"
# Largest sequence a script may build by repetition, and largest range() it may iterate.
MAX_SEQUENCE_ITEMS = 1_000_000
# Largest integer (in bits) a power or shift may produce.
MAX_INT_BITS = 100_000
# How often (in trace events) the CPU clock is read.
_CLOCK_EVERY = 64

_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)


class _ScriptTimeout(Exception):
    pass


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus: imports refused at compile time, and ``**``,
    ``*`` and ``<<`` routed through ``_binop_`` so no script can build a huge value."""

    _GUARDED = {ast.Pow: "pow", ast.Mult: "mul", ast.LShift: "lshift"}

    def visit_Import(self, node: ast.AST) -> Any:
        self.error(node, "imports are not allowed in scripts")

    visit_ImportFrom = visit_Import

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        name = self._GUARDED.get(type(node.op))
        if name is None:
            return node
        call = ast.Call(
            func=ast.Name(id="_binop_", ctx=ast.Load()),
            args=[ast.Constant(name), node.left, node.right],
            keywords=[],
        )
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        name = self._GUARDED.get(type(node.op))
        if name is None:
            return super().visit_AugAssign(node)
        if not isinstance(node.target, ast.Name):
            self.error(node, "this augmented assignment is not allowed in scripts")
            return node
        value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
        assign = ast.Assign(targets=[node.target], value=ast.copy_location(value, node))
        return self.visit(ast.fix_missing_locations(ast.copy_location(assign, node)))


def _binop(name: str, left: Any, right: Any) -> Any:
    if name == "pow":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > MAX_INT_BITS:
                raise ValueError("the result of ** would be too large")
        return operator.pow(left, right)
    if name == "lshift":
        if isinstance(right, int) and right > MAX_INT_BITS:
            raise ValueError("the result of << would be too large")
        return operator.lshift(left, right)
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
            if len(seq) * times > MAX_SEQUENCE_ITEMS:
                raise ValueError("the result of * would be too large")
    return operator.mul(left, right)


def _range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_SEQUENCE_ITEMS:
        raise ValueError(f"range() of more than {MAX_SEQUENCE_ITEMS} items is not allowed")
    return r


_INPLACE = {
    "+=": operator.add, "-=": operator.sub, "/=": operator.truediv, "//=": operator.floordiv,
    "%=": operator.mod, ">>=": operator.rshift, "&=": operator.and_, "|=": operator.or_, "^=": operator.xor,
}


def _inplacevar(op: str, left: Any, right: Any) -> Any:
    return _INPLACE[op](left, right)


def _builtins() -> dict[str, Any]:
    names = dict(safe_builtins)
    for fn in (min, max, sum, sorted, any, all, list, dict, set, tuple, enumerate, zip, reversed, map, filter):
        names[fn.__name__] = fn
    names["range"] = _range
    return names


_GLOBALS_TEMPLATE: dict[str, Any] = {
    "__builtins__": _builtins(),
    "__name__": "charkh_script",
    "__metaclass__": type,
    "_getattr_": safer_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_binop_": _binop,
    "_print_": PrintCollector,
}


def strip_expression(text: str) -> str:
    """Camunda files wrap expressions in ``${...}``; the inside is what we evaluate."""
    match = _JUEL.match(text)
    return (match.group(1) if match else text).strip()


@lru_cache(maxsize=4096)
def compile_script(source: str) -> Any:
    """Compile a script once; raise ScriptError naming what the sandbox refuses."""
    result = compile_restricted_exec(source, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    if result.errors:
        raise ScriptError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Any:
    """Compile an expression once; raise ScriptError naming what the sandbox refuses."""
    text = strip_expression(source)
    if not text:
        raise ScriptError("empty expression")
    result = compile_restricted_eval(text, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    if result.errors:
        raise ScriptError("; ".join(result.errors))
    return result.code


class Sandbox:
    """Runs compiled analyst code against a dict of variables.

    cpu_seconds: CPU time one run may use (default 1.0); past it the run stops with ScriptError.
    """

    def __init__(self, cpu_seconds: float = 1.0) -> None:
        self.cpu_seconds = cpu_seconds

    def evaluate(self, expression: str, variables: dict[str, Any]) -> Any:
        code = compile_expression(expression)
        scope = dict(_GLOBALS_TEMPLATE)
        scope.update(variables)
        return self._run(lambda: eval(code, scope), expression)  # noqa: S307 - restricted bytecode

    def execute(self, script: str, variables: dict[str, Any]) -> None:
        """Run a script; the variables it assigns or deletes are written back to ``variables``."""
        code = compile_script(script)
        scope = dict(_GLOBALS_TEMPLATE)
        scope.update(variables)
        self._run(lambda: exec(code, scope), script)  # noqa: S102 - restricted bytecode
        for key in list(variables):
            if key not in scope:
                del variables[key]
        for key, value in scope.items():
            if key.startswith("_") or key in _GLOBALS_TEMPLATE or callable(value):
                continue
            variables[key] = value

    def _run(self, fn: Any, source: str) -> Any:
        deadline = time.thread_time() + self.cpu_seconds
        counter = [0]

        def local_tracer(frame: Any, event: str, arg: Any) -> Any:
            counter[0] += 1
            if counter[0] % _CLOCK_EVERY == 0 and time.thread_time() > deadline:
                raise _ScriptTimeout()
            return local_tracer

        def global_tracer(frame: Any, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename == SCRIPT_FILENAME:
                return local_tracer
            return None

        previous = sys.gettrace()
        sys.settrace(global_tracer)
        try:
            return fn()
        except _ScriptTimeout:
            raise ScriptError(f"script ran longer than {self.cpu_seconds} s of CPU time") from None
        except ScriptError:
            raise
        except Exception as exc:  # the analyst's code failed: report it, never crash the engine
            raise ScriptError(f"{type(exc).__name__}: {exc}") from None
        finally:
            sys.settrace(previous)
