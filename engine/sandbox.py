"""The sandbox that runs analysts' scripts and expressions.

Analyst text is compiled by RestrictedPython (no imports, no names or attributes that start with
an underscore, guarded item and attribute access), with operators that could build huge values
routed through size checks. Raw ``exec``/``eval`` of model text never happens.

Where it runs: scripts, and expressions that could loop or build large values, run in a child
process of engine/script_pool.py, which is killed on a wall-clock limit; only expressions that
cannot run away (comparisons, and/or/not, names, constants, item access, + and -: what gateways
and flow conditions mostly are) run in the server's own process, with no round trip.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
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
from .script_pool import ScriptPool, shared_pool

SCRIPT_FILENAME = "<charkh-script>"
# Largest sequence a script may build by repetition, and largest range() it may iterate.
MAX_SEQUENCE_ITEMS = 1_000_000
# Largest integer (in bits) a power or shift may produce.
MAX_INT_BITS = 100_000

_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)


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


_GUARDED_GETATTR: Callable[..., Any] = safer_getattr  # RestrictedPython's, unannotated


def _getattr(obj: Any, name: str, *default: Any) -> Any:
    """Attribute access as RestrictedPython guards it, and a mapping's keys as attributes: an
    instance started for a record has its fields as ``record.mobile`` (issue 16)."""
    if isinstance(obj, dict) and name in obj:
        return obj[name]
    return _GUARDED_GETATTR(obj, name, *default)


_GLOBALS_TEMPLATE: dict[str, Any] = {
    "__builtins__": _builtins(),
    "__name__": "charkh_script",
    "__metaclass__": type,
    "_getattr_": _getattr,
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


# Expression nodes that cannot loop, call anything or build a value much larger than their
# inputs: such an expression runs in the server's process.
_BOUNDED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Name,
    ast.Load, ast.Constant, ast.Subscript, ast.Attribute, ast.Tuple, ast.List, ast.IfExp, ast.Add, ast.Sub,
)


@lru_cache(maxsize=4096)
def is_bounded(expression: str) -> bool:
    """True when the expression's cost is bounded by the size of its inputs."""
    try:
        tree = ast.parse(strip_expression(expression), mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, (ast.Add, ast.Sub)):
                return False
        elif not isinstance(node, _BOUNDED_NODES):
            return False
    return True


def _scope(variables: dict[str, Any]) -> dict[str, Any]:
    """The names analyst code sees: the variables, under the sandbox's own names, which a
    variable can never shadow."""
    scope = dict(variables)
    scope.update(_GLOBALS_TEMPLATE)
    return scope


def _failed(exc: Exception) -> ScriptError:
    return ScriptError(f"{type(exc).__name__}: {exc}")


def run_compiled(op: str, source: str, variables: dict[str, Any]) -> Any:
    """Run an expression ("eval": its value) or a script ("exec": the variables it leaves) in
    this process. Only script children, and bounded expressions, call this."""
    if op == "eval":
        code = compile_expression(source)
        try:
            return eval(code, _scope(variables))  # noqa: S307 - restricted bytecode
        except ScriptError:
            raise
        except Exception as exc:  # the analyst's code failed: report it, never crash the engine
            raise _failed(exc) from None
    code = compile_script(source)
    scope = _scope(variables)
    try:
        exec(code, scope)  # noqa: S102 - restricted bytecode
    except ScriptError:
        raise
    except Exception as exc:
        raise _failed(exc) from None
    return {key: value for key, value in scope.items()
            if not key.startswith("_") and key not in _GLOBALS_TEMPLATE and not callable(value)}


class Sandbox:
    """Runs analyst code against a dict of variables.

    seconds: wall-clock time one script or expression may take (default 1.0); past it the child
        running it is killed and the step fails with ScriptError.
    max_variables_bytes: largest JSON size of the variables a script may leave (default 1 MiB).
    pool: the child processes (default: the process's shared pool).
    """

    def __init__(self, seconds: float = 1.0, max_variables_bytes: int = 1024 * 1024,
                 pool: ScriptPool | None = None) -> None:
        self.seconds = seconds
        self.max_variables_bytes = max_variables_bytes
        self._pool = pool

    @property
    def pool(self) -> ScriptPool:
        if self._pool is None:
            self._pool = shared_pool()
        return self._pool

    def evaluate(self, expression: str, variables: dict[str, Any]) -> Any:
        text = strip_expression(expression)
        compile_expression(text)  # refused text fails here, with no round trip
        if is_bounded(text):
            return run_compiled("eval", text, variables)
        return self._in_child("eval", text, variables)["value"]

    def execute(self, script: str, variables: dict[str, Any]) -> None:
        """Run a script; the variables it assigns or deletes are written back to ``variables``."""
        compile_script(script)
        left = self._in_child("exec", script, variables)["variables"]
        for key in [k for k in variables if not k.startswith("_") and k not in left]:
            del variables[key]
        variables.update(left)

    def _in_child(self, op: str, source: str, variables: dict[str, Any]) -> dict[str, Any]:
        visible = {k: v for k, v in variables.items() if not k.startswith("_")}
        answer = self.pool.run({"op": op, "source": source, "variables": visible, "seconds": self.seconds,
                                "max_bytes": self.max_variables_bytes}, self.seconds)
        if not answer.get("ok"):
            raise ScriptError(str(answer.get("error") or "the script failed"))
        return answer
