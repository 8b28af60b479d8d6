"""Bearer tokens: API tokens (``charkh token NAME``) and page sessions' tokens.

Only a token's SHA-256 is stored; its id, as listed and revoked, is the start of that hash. A
token is valid until its ``expires_at`` and unless revoked.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, bindparam, insert, or_, select

from ..clock import as_utc
from ..errors import Invalid, NotFound, Unauthorized
from .schema import tokens, users

API = "api"
SESSION = "session"
# Shortest id prefix `charkh token NAME --revoke ID` takes: ids are hex, 6 digits make a
# collision among one user's tokens unlikely, and an ambiguous prefix is refused anyway.
MIN_ID_PREFIX = 6
ID_LENGTH = 12


@dataclass(frozen=True)
class TokenRecord:
    """A stored token without its secret: what listing shows and what validity is judged on."""

    id: str
    user: str
    kind: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def status(self, at: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= at:
            return "expired"
        return "valid"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token() -> str:
    return "ck_" + secrets.token_urlsafe(32)


def store_token(conn: Connection, name: str, token: str, kind: str, at: datetime, expires_at: datetime) -> None:
    conn.execute(insert(tokens).values(hash=token_hash(token), user_id=_user_id(conn, name), kind=kind, created_at=at,
                                       expires_at=expires_at))


def valid_token(conn: Connection, token: str, at: datetime) -> TokenRecord:
    """The record of a token that is neither unknown, revoked nor expired; else Unauthorized."""
    row = conn.execute(_BY_HASH, {"hash": token_hash(token)}).first()
    record = _record(row) if row is not None else None
    if record is None or record.status(at) != "valid":
        raise Unauthorized("the bearer token is not valid" if record is None
                           else f"the bearer token is {record.status(at)}")
    return record


def extend(conn: Connection, token: str, expires_at: datetime) -> None:
    conn.execute(tokens.update().where(tokens.c.hash == token_hash(token), tokens.c.revoked_at.is_(None))
                 .values(expires_at=expires_at))


def tokens_of(conn: Connection, name: str) -> list[TokenRecord]:
    _user_id(conn, name)
    rows = conn.execute(_records().where(users.c.name == name).order_by(tokens.c.created_at, tokens.c.hash))
    return [_record(row) for row in rows]


def revoke(conn: Connection, name: str, which: str | None, at: datetime) -> int:
    """Revoke all of a user's valid tokens, or the one ``which`` names (the token itself or an id
    prefix); returns how many were revoked."""
    user_id = _user_id(conn, name)
    chosen = [tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None)]
    if which:
        chosen.append(tokens.c.hash == _hash_named(conn, user_id, which))
    else:
        chosen.append(or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > at))
    return conn.execute(tokens.update().where(*chosen).values(revoked_at=at)).rowcount


def purge(conn: Connection, ended_before: datetime) -> int:
    """Delete the tokens that expired or were revoked before ``ended_before``; returns how many.
    Ended tokens are kept a while so that ``charkh token NAME --list`` still shows them."""
    ended = or_(and_(tokens.c.expires_at.is_not(None), tokens.c.expires_at < ended_before),
                and_(tokens.c.revoked_at.is_not(None), tokens.c.revoked_at < ended_before))
    return conn.execute(tokens.delete().where(ended)).rowcount


def revoke_token(conn: Connection, token: str, at: datetime) -> None:
    conn.execute(tokens.update().where(tokens.c.hash == token_hash(token), tokens.c.revoked_at.is_(None))
                 .values(revoked_at=at))


def _hash_named(conn: Connection, user_id: int, which: str) -> str:
    which = which.strip()
    if which.startswith(("ck_", "cs_")):
        candidates = [token_hash(which)]
        found = conn.execute(select(tokens.c.hash).where(tokens.c.user_id == user_id,
                                                         tokens.c.hash == candidates[0])).scalars().all()
    else:
        prefix = which.lower()
        if len(prefix) < MIN_ID_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
            raise Invalid(f"a token id is at least {MIN_ID_PREFIX} hex digits, as `charkh token NAME --list` shows")
        found = conn.execute(select(tokens.c.hash).where(tokens.c.user_id == user_id,
                                                         tokens.c.hash.startswith(prefix))).scalars().all()
    if not found:
        raise NotFound(f"no token {which[:ID_LENGTH]!r} of this user")
    if len(found) > 1:
        raise Invalid(f"{which!r} starts more than one token id; give more digits")
    token_hash_: str = found[0]
    return token_hash_


def _user_id(conn: Connection, name: str) -> int:
    user_id: int | None = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
    if user_id is None:
        raise NotFound(f"no user named {name!r}")
    return user_id


def _records() -> Select[Any]:
    return (select(tokens.c.hash, users.c.name, tokens.c.kind, tokens.c.created_at, tokens.c.expires_at,
                   tokens.c.revoked_at).join(users, users.c.id == tokens.c.user_id))


# Asked by every API call whose caller is not cached: built once.
_BY_HASH = _records().where(tokens.c.hash == bindparam("hash"))


def _record(row: Row[*tuple[Any, ...]]) -> TokenRecord:
    return TokenRecord(id=row.hash[:ID_LENGTH], user=row.name, kind=row.kind, created_at=as_utc(row.created_at),
                       expires_at=as_utc(row.expires_at), revoked_at=as_utc(row.revoked_at))
