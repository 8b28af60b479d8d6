"""The process list's settings (MISSION F5): rename, activate/deactivate, public/private, access
list, owners, delete; and the facts the access rule (engine/access.py) decides on.

A definition with running or recurring instances cannot be deactivated; one with history cannot
be deleted. Who may see or change one is engine/access.py's to say.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from .. import access as rules
from ..access import Caller, DefinitionFacts
from ..bpmn_xml import VISIBILITIES
from ..compiler import Cartable
from ..errors import Conflict, Invalid, NotFound
from .people import analysts_among, existing_users
from .schema import definition_access, definition_owners, definition_versions, definitions, instances, timers


def _row(conn: Connection, key: str) -> Any:
    row = conn.execute(select(definitions).where(definitions.c.key == key)).first()
    if row is None:
        raise NotFound(f"no definition with key {key!r}")
    return row


def exists(conn: Connection, key: str) -> bool:
    return conn.execute(select(definitions.c.key).where(definitions.c.key == key)).first() is not None


def access_list(conn: Connection, key: str) -> list[str]:
    return list(conn.execute(select(definition_access.c.user_name).where(definition_access.c.key == key)
                             .order_by(definition_access.c.user_name)).scalars())


def owners_of(conn: Connection, key: str) -> list[str]:
    return list(conn.execute(select(definition_owners.c.user_name).where(definition_owners.c.key == key)
                             .order_by(definition_owners.c.user_name)).scalars())


def facts(conn: Connection, key: str) -> DefinitionFacts:
    """What the access rule needs of one definition, read now (NotFound if there is none)."""
    row = _row(conn, key)
    return DefinitionFacts(key=key, visibility=row.visibility, owners=frozenset(owners_of(conn, key)),
                           access=frozenset(access_list(conn, key)) if row.visibility == "private" else frozenset())


def all_facts(conn: Connection) -> dict[str, DefinitionFacts]:
    """Every definition's facts in three statements, for the engine's short-lived cache."""
    owners: dict[str, set[str]] = {}
    for key, name in conn.execute(select(definition_owners.c.key, definition_owners.c.user_name)):
        owners.setdefault(key, set()).add(name)
    access: dict[str, set[str]] = {}
    for key, name in conn.execute(select(definition_access.c.key, definition_access.c.user_name)):
        access.setdefault(key, set()).add(name)
    return {key: DefinitionFacts(key=key, visibility=visibility, owners=frozenset(owners.get(key, ())),
                                 access=frozenset(access.get(key, ())) if visibility == "private" else frozenset())
            for key, visibility in conn.execute(select(definitions.c.key, definitions.c.visibility))}


def check_visible(conn: Connection, key: str, caller: Caller) -> Any:
    """The definition's row, or NotFound / Forbidden as the access rule says."""
    row = _row(conn, key)
    rules.check_see_definition(caller, facts(conn, key))
    return row


def detail(conn: Connection, key: str, caller: Caller) -> dict[str, Any]:
    row = _row(conn, key)
    known = facts(conn, key)
    rules.check_see_definition(caller, known)
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
    counts: dict[str, int] = dict(conn.execute(select(instances.c.status, func.count())
                                               .where(instances.c.definition_key == key)
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
        "owners": sorted(known.owners),
        "editable": rules.may_edit_definition(caller, known),
        "versions": versions,
        "instances": {status: int(n) for status, n in counts.items()},
    }


def _recurring_or_running(conn: Connection, key: str) -> tuple[int, int]:
    running = conn.execute(select(func.count()).where(instances.c.definition_key == key,
                                                      instances.c.status.in_(("running", "error")))).scalar()
    waiting_timers = conn.execute(select(func.count()).select_from(timers.join(instances,
                                                                               timers.c.instance_id == instances.c.id))
                                  .where(instances.c.definition_key == key, timers.c.status == "waiting")).scalar()
    return int(running or 0), int(waiting_timers or 0)


def assignment_problems(cartables: dict[str | None, Cartable], access: list[str]) -> list[dict[str, Any]]:
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
                    cartables: dict[str | None, Cartable] | None) -> None:
    """Apply name/active/visibility/access/owners changes; cartables are the latest version's, for
    the access-list check (None when the latest version cannot be compiled)."""
    row = _row(conn, key)
    rules.check_edit_definition(caller, facts(conn, key))
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
    owners = changes.get("owners")
    if owners is not None:
        owners = sorted({name.strip() for name in owners if name and name.strip()})
        if not owners:
            raise Invalid("a definition keeps at least one owner")
        not_analysts = sorted(set(owners) - analysts_among(conn, owners))
        if not_analysts:
            raise Invalid(f"owners must be analysts: {', '.join(not_analysts)}", {"users": not_analysts})
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
    if owners is not None:
        conn.execute(delete(definition_owners).where(definition_owners.c.key == key))
        conn.execute(insert(definition_owners), [{"key": key, "user_name": name} for name in owners])


def delete_definition(conn: Connection, key: str, caller: Caller) -> None:
    rules.check_edit_definition(caller, facts(conn, key))
    started = conn.execute(select(func.count()).where(instances.c.definition_key == key)).scalar()
    if started:
        raise Conflict(f"definition {key!r} has history ({started} instance(s)) and cannot be deleted; "
                       "deactivate it instead", {"instances": int(started)})
    conn.execute(delete(definition_access).where(definition_access.c.key == key))
    conn.execute(delete(definition_owners).where(definition_owners.c.key == key))
    conn.execute(delete(definition_versions).where(definition_versions.c.key == key))
    conn.execute(delete(definitions).where(definitions.c.key == key))
