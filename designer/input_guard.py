"""What Charkh refuses in any request before a view sees it: NUL characters in what the request
names or sends as text, and JSON bodies that cannot be stored and written back as they came.

Every refusal is a 400 (``BadInput``) naming the problem and, for a JSON body, where it is
(``$.variables.items[3]``). A 500 would be a bug: PostgreSQL cannot store NUL in text, and orjson,
which writes every answer and every JSON column, cannot write integers outside 64 bits, nesting
deeper than 254 levels or lone surrogates; the views' own parser (the standard library's, through
webargs) accepts all of those, and NaN and Infinity as well.

A JSON body is parsed once here with orjson, which is strict (no NaN, no Infinity, no lone
surrogates, valid UTF-8 only), then walked once, iteratively, for what orjson lets through. The
usual body is a small object, so the walk costs a few microseconds.
"""
from __future__ import annotations

import json
import re
from typing import Any

import orjson

from engine.errors import BadInput

# How deep a JSON body may nest. Process variables are records and lists of records; 64 levels
# is far beyond any of them and well inside what orjson writes back (254) and what Python's
# recursive consumers (the standard library's parser, SpiffWorkflow's serializer) survive.
MAX_JSON_DEPTH = 64
# Integers are signed 64-bit: what PostgreSQL's bigint, SQLite and every JSON client keep exactly.
MIN_INTEGER = -(2**63)
MAX_INTEGER = 2**63 - 1

# orjson reads an integer literal beyond 64 bits as a float, silently losing digits; such literals
# are at least 19 digits long, so only a body with a run that long is read again, digit-exact.
_LONG_INTEGER = re.compile(rb"(?<![\d.eE+-])-?\d{19,}(?![\d.eE])")

_NUL_MESSAGE = "text in the request contains a NUL character (\\u0000), which Charkh does not store"


def check_request(request: Any) -> None:
    """Raise BadInput for anything in the request Charkh cannot store or answer with."""
    if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                     for key, value in request.args.items(multi=True)):
        raise BadInput(_NUL_MESSAGE)
    if request.is_json:
        check_json_body(request.get_data(cache=True))
    elif request.mimetype == "application/x-www-form-urlencoded":
        if any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
            raise BadInput(_NUL_MESSAGE)


def check_json_body(body: bytes) -> None:
    """Raise BadInput if a JSON body is malformed or holds a value Charkh cannot keep.

    An empty body passes: endpoints without a body (claim) are often sent a JSON content type.
    """
    if not body.strip():
        return
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadInput(f"the JSON body is not valid JSON: {exc}") from None
    _walk(value, look_for_nul=b"\\u0000" in body)
    if _LONG_INTEGER.search(body):
        json.loads(body, parse_int=_exact_integer)


def _walk(value: Any, look_for_nul: bool) -> None:
    # A stack of (value, depth, parent entry, key): the path is rebuilt only for an error.
    pending: list[tuple[Any, int, Any, Any]] = [(value, 0, None, None)]
    while pending:
        entry = pending.pop()
        item, depth = entry[0], entry[1]
        kind = type(item)
        if kind is dict:
            if depth >= MAX_JSON_DEPTH:
                raise BadInput(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels at {_path(entry)}")
            for key, child in item.items():
                if look_for_nul and "\x00" in key:
                    raise BadInput(f"{_NUL_MESSAGE}: a key in {_path(entry)}")
                pending.append((child, depth + 1, entry, key))
        elif kind is list:
            if depth >= MAX_JSON_DEPTH:
                raise BadInput(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels at {_path(entry)}")
            pending.extend((child, depth + 1, entry, index) for index, child in enumerate(item))
        elif kind is int:
            if not MIN_INTEGER <= item <= MAX_INTEGER:
                raise BadInput(f"the number at {_path(entry)} is outside the signed 64-bit integer range "
                               f"({MIN_INTEGER} to {MAX_INTEGER})")
        elif look_for_nul and kind is str and "\x00" in item:
            raise BadInput(f"{_NUL_MESSAGE}: at {_path(entry)}")


def _exact_integer(literal: str) -> int:
    number = int(literal)
    if not MIN_INTEGER <= number <= MAX_INTEGER:
        raise BadInput(f"the number {literal} in the JSON body is outside the signed 64-bit integer range "
                       f"({MIN_INTEGER} to {MAX_INTEGER})")
    return number


def _path(entry: tuple[Any, int, Any, Any]) -> str:
    keys = []
    while entry[2] is not None:
        keys.append(entry[3])
        entry = entry[2]
    keys.reverse()
    if len(keys) > 8:  # a deep path: its start says where, its length says how deep
        return _format(keys[:6]) + f"...({len(keys)} levels)"
    return _format(keys)


def _format(keys: list[Any]) -> str:
    return "$" + "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys)
