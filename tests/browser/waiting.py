"""Waiting for a condition in the page without eval: the pages' content security policy forbids
it ('unsafe-eval' is not allowed), and Playwright's wait_for_function polls with eval inside the
page. page.evaluate goes through DevTools, which the policy does not govern."""
from __future__ import annotations

import re
import time
from typing import Any

POLL_SECONDS = 0.05
# An arrow function, as Playwright tells a function from an expression.
_FUNCTION = re.compile(r"\s*(async\s+)?(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>|\s*(async\s+)?function\b")


def wait_until(page: Any, expression: str, arg: Any = None, timeout: float = 30_000) -> None:
    """Evaluate ``expression`` (or call it with ``arg``, if it is a function) until it is truthy,
    as wait_for_function does: a promise counts as truthy, it is not awaited. ``timeout`` in ms."""
    check = f"(arg) => !!(({expression})(arg))" if _FUNCTION.match(expression) else f"() => !!({expression})"
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            value = page.evaluate(check, arg)
        except Exception:
            if time.monotonic() > deadline:
                raise
            value = None  # the page is still loading, or the object is not there yet
        if value:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} ms waiting for {expression}")
        time.sleep(POLL_SECONDS)
