"""Headers every answer carries so browsers do not guess types, frame pages or leak addresses,
and the content security policy of the pages.

The pages load scripts only from this site (no inline script: the config blocks are JSON data,
which is not run). bpmn-js sets style attributes and ``<style>`` on the canvas, so styles
allow 'unsafe-inline'; its fonts and exported images are ``data:`` and ``blob:`` URLs.
"""
from __future__ import annotations

from flask import Response

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# What is not a page (API answers, files) runs nothing and embeds nothing.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    else:
        headers.setdefault("Content-Security-Policy", OTHER_POLICY)
    return response
