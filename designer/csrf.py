"""CSRF protection for the pages' forms: a random token bound to the browser's session.

Every form that changes something (sign in, sign out) carries the token in a hidden field named
``csrf_token``; a POST to a page whose field does not match the session's token is refused and
does nothing. Another site can make a browser send the form, but cannot read the token, which
sits only in this site's pages and in its HttpOnly, signed session cookie.
"""
from __future__ import annotations

import hmac
import secrets

from flask import request, session

FIELD = "csrf_token"
_KEY = "csrf"


def csrf_token() -> str:
    """The session's token, made on first use (templates call it for each form)."""
    token = session.get(_KEY)
    if not token:
        token = session[_KEY] = secrets.token_urlsafe(32)
    return token


def form_is_genuine() -> bool:
    """Whether this POST's form carries the session's token."""
    expected = session.get(_KEY)
    sent = request.form.get(FIELD, "")
    if not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())
