"""Users, groups and roles, and checking a password (tokens are in tokens.py)."""
from __future__ import annotations

import functools
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, case, exists, func, insert, select

from ..access import SUPERVISORS, Caller
from ..errors import Invalid, NotFound
from .database import inserted_id
from .schema import groups, memberships, users

_hasher = PasswordHasher()


def now() -> datetime:
    return datetime.now(UTC)


def add_user(conn: Connection, name: str, password: str | None = None, group_names: Sequence[str] = (),
             role_names: Sequence[str] = (), admin: bool = False, analyst: bool = False,
             integration: bool = False) -> bool:
    """Create the user, or add groups, roles and flags to an existing one (flags are only ever
    added here; set_roles takes them away). Returns True if created."""
    name = name.strip()
    if not name or len(name) > 150:
        raise Invalid("a user name must be 1 to 150 characters")
    row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
    created = row is None
    if row is None:
        user_id = inserted_id(conn.execute(insert(users).values(
            name=name, is_admin=admin, is_analyst=analyst, is_integration=integration, created_at=now(),
            password_hash=_hasher.hash(password) if password else None)))
    else:
        user_id = row.id
        changes: dict[str, Any] = {}
        for column, wanted in (("is_admin", admin), ("is_analyst", analyst), ("is_integration", integration)):
            if wanted:
                changes[column] = True
        if password:
            changes["password_hash"] = _hasher.hash(password)
        if changes:
            conn.execute(users.update().where(users.c.id == user_id).values(**changes))
    for kind, names in (("group", group_names), ("role", role_names)):
        for group_name in names:
            group_id = _group_id(conn, group_name, kind)
            if conn.execute(select(memberships).where(memberships.c.user_id == user_id,
                                                      memberships.c.group_id == group_id)).first() is None:
                conn.execute(insert(memberships).values(user_id=user_id, group_id=group_id))
    return created


def _group_id(conn: Connection, name: str, kind: str) -> int:
    name = name.strip()
    if not name:
        raise Invalid("a group or role name must not be empty")
    row = conn.execute(select(groups.c.id).where(groups.c.name == name)).first()
    if row is not None:
        group_id: int = row.id
        return group_id
    return inserted_id(conn.execute(insert(groups).values(name=name, kind=kind)))


def add_role(conn: Connection, name: str, superior: str | None = None) -> None:
    """Create a role (position), or change whom it reports to. Superiors are what escalation
    and "assign to the superior role" follow; a cycle of superiors is refused."""
    role_id = _group_id(conn, name, "role")
    superior_id = None
    if superior:
        superior_id = _group_id(conn, superior, "role")
        seen = {role_id}
        current: int | None = superior_id
        while current is not None:
            if current in seen:
                raise Invalid(f"{superior!r} reports (directly or not) to {name!r}; superiors cannot form a cycle")
            seen.add(current)
            current = conn.execute(select(groups.c.superior_id).where(groups.c.id == current)).scalar()
    conn.execute(groups.update().where(groups.c.id == role_id).values(kind="role", superior_id=superior_id))


def superior_of(conn: Connection, role: str) -> str | None:
    superior = groups.alias("superior")
    return conn.execute(select(superior.c.name)
                        .select_from(groups.join(superior, groups.c.superior_id == superior.c.id))
                        .where(groups.c.name == role)).scalar()


def password_hash_of(conn: Connection, name: str) -> str | None:
    """The user's stored password hash; None for an unknown name or a user without a password."""
    return conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()


def password_matches(stored: str | None, password: str) -> bool:
    """Whether the password fits the stored hash. Without a hash (unknown name, no password) it
    costs the same hashing, against a stand-in, so the time an answer takes does not tell which
    names exist. Call it outside any transaction: hashing takes tens of milliseconds."""
    try:
        matches: bool = _hasher.verify(stored or _stand_in_hash(), password)
    except (VerificationError, InvalidHashError):
        matches = False
    return matches and stored is not None


@functools.cache
def _stand_in_hash() -> str:
    # Made with the same parameters as real hashes, so verifying it costs the same.
    return _hasher.hash(secrets.token_urlsafe(16))


_CALLER_COLUMNS = (users.c.id, users.c.name, users.c.is_admin, users.c.is_analyst, users.c.is_integration)


def _caller_statement() -> Any:
    """A user's flags and each group or role they hold (with whether it is some role's superior),
    one row per group (one row with no group for a user in none): built once, as every API call
    whose caller is not cached asks it."""
    subordinate = groups.alias("subordinate")
    manages = exists().where(subordinate.c.superior_id == groups.c.id).label("manages")
    held = memberships.join(groups, groups.c.id == memberships.c.group_id)
    return (select(*_CALLER_COLUMNS, groups.c.name.label("group_name"), manages)
            .select_from(users.outerjoin(held, memberships.c.user_id == users.c.id))
            .where(users.c.name == bindparam("name")))


_CALLER = _caller_statement()


def caller_named(conn: Connection, name: str) -> Caller:
    rows = conn.execute(_CALLER, {"name": name}).all()
    if not rows:
        raise NotFound(f"no user named {name!r}")
    user = rows[0]
    names = frozenset(row.group_name for row in rows if row.group_name is not None)
    supervises = SUPERVISORS in names or any(row.manages for row in rows if row.group_name is not None)
    return Caller(name=user.name, is_admin=bool(user.is_admin), groups=names,
                  is_analyst=bool(user.is_analyst), is_integration=bool(user.is_integration),
                  is_supervisor=supervises)


def principals(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Everyone a step can be assigned to, for the designer's pickers."""
    superior = groups.alias("superior")
    rows = conn.execute(select(groups.c.name, groups.c.kind, superior.c.name.label("superior"))
                        .select_from(groups.outerjoin(superior, groups.c.superior_id == superior.c.id))
                        .order_by(groups.c.name)).all()
    return {
        "users": [{"name": name, "display": name}
                  for name in conn.execute(select(users.c.name).order_by(users.c.name)).scalars()],
        "groups": [{"name": r.name, "display": r.name} for r in rows if r.kind == "group"],
        "roles": [{"name": r.name, "display": r.name, "superior": r.superior} for r in rows if r.kind == "role"],
    }


def candidates(conn: Connection, text: str, limit: int,
               users_within: frozenset[str] | None = None) -> dict[str, list[dict[str, str]]]:
    """Users, groups and roles whose name holds ``text`` (any case), those that start with it
    first, at most ``limit`` of each kind: whom a person may hand work to. Users only among
    ``users_within`` when given; never integration users (machine callers work no cartable)."""
    needle = text.strip().lower()

    def named(column: Any) -> tuple[Any, Any]:
        lowered = func.lower(column)
        return lowered.contains(needle, autoescape=True), case(
            (lowered.startswith(needle, autoescape=True), 0), else_=1)

    holds, starts_first = named(users.c.name)
    people = select(users.c.name).where(holds, users.c.is_integration.is_(False))
    if users_within is not None:
        people = people.where(users.c.name.in_(sorted(users_within)))
    found = {"users": list(conn.execute(people.order_by(starts_first, users.c.name).limit(limit)).scalars())}
    holds, starts_first = named(groups.c.name)
    for kind in ("group", "role"):
        found[f"{kind}s"] = list(conn.execute(select(groups.c.name).where(holds, groups.c.kind == kind)
                                              .order_by(starts_first, groups.c.name).limit(limit)).scalars())
    return {kind: [{"name": name} for name in names] for kind, names in found.items()}


def set_roles(conn: Connection, name: str, changes: dict[str, bool | None]) -> None:
    """Grant or take away a user's analyst, integration or administrator flag (None: leave it)."""
    if conn.execute(select(users.c.id).where(users.c.name == name)).first() is None:
        raise NotFound(f"no user named {name!r}")
    columns = {"analyst": "is_analyst", "integration": "is_integration", "admin": "is_admin"}
    values = {columns[flag]: bool(wanted) for flag, wanted in changes.items() if wanted is not None}
    if values:
        conn.execute(users.update().where(users.c.name == name).values(**values))


def list_users(conn: Connection) -> list[dict[str, Any]]:
    """Every user with their roles and groups, for the administrators' users page."""
    member_of: dict[int, list[str]] = {}
    for user_id, group in conn.execute(select(memberships.c.user_id, groups.c.name)
                                       .join(groups, groups.c.id == memberships.c.group_id)
                                       .order_by(groups.c.name)):
        member_of.setdefault(user_id, []).append(group)
    return [{"name": row.name, "admin": bool(row.is_admin), "analyst": bool(row.is_analyst),
             "integration": bool(row.is_integration), "groups": member_of.get(row.id, [])}
            for row in conn.execute(select(*_CALLER_COLUMNS).order_by(users.c.name))]


def names_like(conn: Connection, text: str, limit: int) -> list[str]:
    """User names that contain the text (any case), in name order."""
    query = select(users.c.name).order_by(users.c.name).limit(limit)
    if text:
        query = query.where(func.lower(users.c.name).contains(text.lower(), autoescape=True))
    return list(conn.execute(query).scalars())


def analysts_among(conn: Connection, names: list[str]) -> set[str]:
    """Those of the names who are analysts (or administrators): who may own a definition."""
    if not names:
        return set()
    return set(conn.execute(select(users.c.name).where(users.c.name.in_(names),
                                                       (users.c.is_analyst.is_(True)) | (users.c.is_admin.is_(True))))
               .scalars())


def members_of(conn: Connection, group: str) -> list[str]:
    """The users in a group, or holding a role (one namespace)."""
    joined = users.join(memberships, memberships.c.user_id == users.c.id).join(
        groups, groups.c.id == memberships.c.group_id)
    return list(conn.execute(select(users.c.name).select_from(joined).where(groups.c.name == group)
                             .order_by(users.c.name)).scalars())


def existing_users(conn: Connection, names: list[str]) -> set[str]:
    return set(conn.execute(select(users.c.name).where(users.c.name.in_(names))).scalars()) if names else set()


def kind_of(conn: Connection, name: str) -> str | None:
    """"group" or "role" for a known group or role name, else None."""
    kind: str | None = conn.execute(select(groups.c.kind).where(groups.c.name == name)).scalar()
    return kind
