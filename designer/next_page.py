"""Where a page goes after sign-in: the ``next`` it was given, only if that is a path on this site.

Anything else goes to the process list, never to another host and never to a 500: not a scheme
(``https://x``), not a network path (``//x``), not a backslash (``/\\x``, which browsers read as
``//x``), and no control characters, which browsers drop (``/%09/x`` becomes ``//x``) and which
cannot go into a Location header at all (``%0a``).
"""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
