"""The process list's rules (MISSION F5): rename, activate/deactivate, public/private, delete.

A private definition is seen, started and assigned only within its access list; a definition with
running or recurring instances cannot be deactivated; one with history cannot be deleted.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..bpmn_xml import VISIBILITIES
from ..compiler import Cartable
from ..errors import Conflict, Forbidden, Invalid, NotFound
from .people import Caller, existing_users
from .schema import definition_access, definition_versions, definitions, instances, timers



def _row(conn: Connection, key: str) -> Any:
    row = conn.execute(select(definitions).where(definitions.c.key == key)).first()
    if row is None:
        raise NotFound(f"no definition with key {key!r}")
    return row


def access_list(conn: Connection, key: str) -> list[str]:
    return list(conn.execute(select(definition_access.c.user_name).where(definition_access.c.key == key)
                             .order_by(definition_access.c.user_name)).scalars())


def may_see(row: Any, access: list[str], caller: Caller) -> bool:
    return row.visibility != "private" or caller.is_admin or caller.name in access


def check_visible(conn: Connection, key: str, caller: Caller) -> Any:
    """The definition's row, or Forbidden when it is private and the caller is not on its list."""
    row = _row(conn, key)
    if row.visibility == "private" and not caller.is_admin and caller.name not in access_list(conn, key):
        raise Forbidden(f"definition {key!r} is private and you are not on its access list")
    return row


def hidden_keys(conn: Connection, caller: Caller) -> set[str]:
    """Private definitions the caller may not see (for lists)."""
    if caller.is_admin:
        return set()
    private = set(conn.execute(select(definitions.c.key).where(definitions.c.visibility == "private")).scalars())
    if not private:
        return set()
    allowed = set(conn.execute(select(definition_access.c.key).where(
        definition_access.c.user_name == caller.name, definition_access.c.key.in_(private))).scalars())
    return private - allowed


def detail(conn: Connection, key: str, caller: Caller) -> dict[str, Any]:
    row = check_visible(conn, key, caller)
    versions = [{
        "version": v.version,
        "created_at": v.created_at.isoformat() if v.created_at else None,
        "created_by": v.created_by,
        "deployed": bool(v.deployed),
        "executable": bool(v.executable),
        "processes": v.processes,
        "problems": v.problems,
    } for v in conn.execute(select(definition_versions.c.version, definition_versions.c.created_at,
                                   definition_versions.c.created_by, definition_versions.c.deployed,
                                   definition_versions.c.executable, definition_versions.c.processes,
                                   definition_versions.c.problems)
                            .where(definition_versions.c.key == key).order_by(definition_versions.c.version))]
    counts = dict(conn.execute(select(instances.c.status, func.count()).where(instances.c.definition_key == key)
                               .group_by(instances.c.status)).all())
    deployed = [v["version"] for v in versions if v["deployed"]]
    return {
        "key": key,
        "name": row.name,
        "latest_version": versions[-1]["version"] if versions else None,
        "deployed_version": deployed[-1] if deployed else None,
        "deployed": bool(deployed),
        "active": bool(row.active),
        "visibility": row.visibility,
        "access": access_list(conn, key),
        "owner": versions[0]["created_by"] if versions else None,
        "versions": versions,
        "instances": {status: int(n) for status, n in counts.items()},
    }


def _may_administer(conn: Connection, key: str, caller: Caller) -> None:
    """Admins, and whoever uploaded the first version, change a definition's settings."""
    if caller.is_admin:
        return
    owner = conn.execute(select(definition_versions.c.created_by).where(definition_versions.c.key == key)
                         .order_by(definition_versions.c.version).limit(1)).scalar()
    if owner != caller.name:
        raise Forbidden(f"only an administrator or the owner ({owner}) may change definition {key!r}")


def _recurring_or_running(conn: Connection, key: str) -> tuple[int, int]:
    running = conn.execute(select(func.count()).where(instances.c.definition_key == key,
                                                      instances.c.status.in_(("running", "error")))).scalar()
    waiting_timers = conn.execute(select(func.count()).select_from(timers.join(instances,
                                                                               timers.c.instance_id == instances.c.id))
                                  .where(instances.c.definition_key == key, timers.c.status == "waiting")).scalar()
    return int(running or 0), int(waiting_timers or 0)


def assignment_problems(cartables: dict[str, Cartable], access: list[str]) -> list[dict[str, Any]]:
    """Users named on steps of a private definition who are not on its access list."""
    allowed = set(access)
    problems = []
    for cartable in cartables.values():
        named = ([cartable.assignee] if cartable.assignee else []) + list(cartable.users)
        for user in named:
            if user not in allowed and not user.startswith("${"):
                problems.append({"element": cartable.element,
                                 "message": f"user {user!r} is assigned to this step but is not on the "
                                            "private definition's access list"})
    return problems


def update_settings(conn: Connection, key: str, caller: Caller, changes: dict[str, Any],
                    cartables: dict[str, Cartable] | None) -> None:
    """Apply name/active/visibility/access changes; cartables are the latest version's, for the
    access-list check (None when the latest version cannot be compiled)."""
    row = _row(conn, key)
    _may_administer(conn, key, caller)
    values: dict[str, Any] = {}
    if changes.get("name") is not None:
        name = changes["name"].strip()
        if not name:
            raise Invalid("a definition's name cannot be empty")
        values["name"] = name
    if changes.get("active") is False and row.active:
        running, recurring = _recurring_or_running(conn, key)
        if running or recurring:
            raise Conflict(f"definition {key!r} cannot be deactivated: {running} instance(s) still running, "
                           f"{recurring} timer(s) waiting", {"running": running, "timers": recurring})
        values["active"] = False
    elif changes.get("active") is True:
        values["active"] = True
    visibility = changes.get("visibility")
    if visibility is not None:
        if visibility not in VISIBILITIES:
            raise Invalid(f"visibility must be one of {', '.join(VISIBILITIES)}")
        values["visibility"] = visibility
    access = changes.get("access")
    if access is not None:
        access = sorted({name.strip() for name in access if name and name.strip()})
        unknown = sorted(set(access) - existing_users(conn, access))
        if unknown:
            raise Invalid(f"no such user(s): {', '.join(unknown)}", {"users": unknown})
    if (visibility or row.visibility) == "private" and cartables is not None:
        problems = assignment_problems(cartables, access if access is not None else access_list(conn, key))
        if problems:
            raise Invalid("assigned users are missing from the access list", {"problems": problems})
    if values:
        conn.execute(update(definitions).where(definitions.c.key == key).values(**values))
    if access is not None:
        conn.execute(delete(definition_access).where(definition_access.c.key == key))
        if access:
            conn.execute(insert(definition_access), [{"key": key, "user_name": name} for name in access])


def delete_definition(conn: Connection, key: str, caller: Caller) -> None:
    _row(conn, key)
    _may_administer(conn, key, caller)
    started = conn.execute(select(func.count()).where(instances.c.definition_key == key)).scalar()
    if started:
        raise Conflict(f"definition {key!r} has history ({started} instance(s)) and cannot be deleted; "
                       "deactivate it instead", {"instances": int(started)})
    conn.execute(delete(definition_access).where(definition_access.c.key == key))
    conn.execute(delete(definition_versions).where(definition_versions.c.key == key))
    conn.execute(delete(definitions).where(definitions.c.key == key))
