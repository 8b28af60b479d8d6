"""A browser's page session: what its cookie holds and the bearer token its pages get.

The signed session cookie holds a random session id, the CSRF token and the page's language;
never a bearer token. The pages' token is derived from the session id with the server's
secret key (HMAC), so the cookie alone does not give it, and it is the same for every page of
the session. The engine stores only that token's hash, as a token of kind "session" whose
expiry is the session's idle and absolute timeouts (engine/page_sessions.py); signing out
revokes it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, session

from engine.access import Caller
from engine.charkh import Charkh
from engine.errors import CharkhError

_ID = "sid"
# Kept across sign-in and sign-out: the page's language is not a secret and not the user's.
_KEPT = ("lang",)


def _charkh() -> Charkh:
    return current_app.extensions["charkh"]


def _token_for(session_id: str) -> str:
    secret = current_app.secret_key
    if not isinstance(secret, str):  # pages.install sets it, from the data directory
        raise RuntimeError("the application has no secret key")
    digest = hmac.new(secret.encode(), b"page-session:" + session_id.encode(),
                      hashlib.sha256).digest()
    return "cs_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def start(caller: Caller) -> None:
    """A new session for a user who just signed in; whatever the cookie held before is dropped
    (a session id planted before sign-in is never the one used after it)."""
    kept = {key: session[key] for key in _KEPT if key in session}
    session.clear()
    session.update(kept)
    session_id = secrets.token_urlsafe(32)
    _charkh().open_page_session(caller.name, _token_for(session_id))
    session[_ID] = session_id


def current() -> tuple[Caller, str] | None:
    """The signed-in user and the pages' token, or None when the session has ended."""
    session_id = session.get(_ID)
    if not session_id:
        return None
    token = _token_for(session_id)
    try:
        return _charkh().caller_for_token(token), token
    except CharkhError:
        end()
        return None


def exists() -> bool:
    """Whether the cookie names a session at all (it may have ended meanwhile)."""
    return bool(session.get(_ID))


def end() -> None:
    """Sign out: the pages' token is revoked and the cookie forgets the session."""
    session_id = session.get(_ID)
    if session_id:
        _charkh().end_page_session(_token_for(session_id))
    kept = {key: session[key] for key in _KEPT if key in session}
    session.clear()
    session.update(kept)
