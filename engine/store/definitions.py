"""Process definitions and their versions: stored exactly as uploaded."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, func, insert, select, update

from .. import access as rules
from ..access import Caller, FactsOf
from ..bpmn_xml import BpmnFile
from ..errors import Invalid, NotFound
from .catalog import facts
from .database import inserted_id
from .people import existing_users, now
from .schema import definition_access, definition_owners, definition_versions, definitions, instances
from .writes import HotStatement


@dataclass(frozen=True)
class StoredVersion:
    id: int
    key: str
    version: int
    deployed: bool


def check_may_store(conn: Connection, key: str, caller: Caller) -> bool:
    """Whether the key exists; Forbidden when it does and the caller may not add its versions."""
    existing = conn.execute(select(definitions.c.key).where(definitions.c.key == key)).first()
    if existing is not None:
        rules.check_edit_definition(caller, facts(conn, key))
    return existing is not None


def import_bpmn(conn: Connection, data: bytes, bpmn: BpmnFile, deploy: bool = False,
                caller: Caller | None = None) -> dict[str, Any]:
    """Store a file (``bpmn``: what read_bpmn found in it) as a new version of its key, deployed
    when ``deploy`` (the caller compiled it first). An existing key needs edit rights on it.
    No caller: the operator at the command line.

    A file byte-identical to its key's latest version adds no version (API.md, "Keys and
    versions"): importing a folder again changes nothing, and the answer says ``unchanged``.
    With deploy, that latest version is deployed."""
    if caller is not None:
        existing = check_may_store(conn, bpmn.key, caller)
    else:
        existing = conn.execute(select(definitions.c.key).where(definitions.c.key == bpmn.key)).first() is not None
    name = _fitting_name(bpmn.name)
    latest = conn.execute(
        select(definition_versions.c.id, definition_versions.c.version, definition_versions.c.bpmn,
               definition_versions.c.deployed)
        .where(definition_versions.c.key == bpmn.key)
        .order_by(definition_versions.c.version.desc()).limit(1)).first()
    problems = [p.as_dict() for p in bpmn.problems]
    summary = {
        "key": bpmn.key,
        "name": name,
        "processes": bpmn.processes,
        "executable": bool(bpmn.executable_processes),
        "problems": problems,
        "new_definition": not existing,
    }
    if latest is not None and bytes(latest.bpmn) == data:
        if deploy and not latest.deployed:
            conn.execute(update(definition_versions).where(definition_versions.c.id == latest.id)
                         .values(deployed=True))
        return {**summary, "version": latest.version, "version_id": str(latest.id),
                "deployed": deploy or bool(latest.deployed), "unchanged": True}
    user = caller.name if caller is not None else None
    if not existing:
        conn.execute(insert(definitions).values(key=bpmn.key, name=name, active=True,
                                                visibility=bpmn.visibility or "public", created_at=now()))
        if user:
            conn.execute(insert(definition_owners).values(key=bpmn.key, user_name=user))
    else:
        # A file that says its visibility (the designer's panel) sets it; one that does not
        # leaves what the process list page set.
        changes = {"name": name} if name else {}
        if bpmn.visibility:
            changes["visibility"] = bpmn.visibility
        if changes:
            conn.execute(update(definitions).where(definitions.c.key == bpmn.key).values(**changes))
    if bpmn.visibility == "private" and user:
        _keep_uploader_on_access_list(conn, bpmn.key, user)
    version = (latest.version if latest is not None else 0) + 1
    version_id = inserted_id(conn.execute(insert(definition_versions).values(
        key=bpmn.key, version=version, bpmn=data, processes=bpmn.processes, problems=problems,
        executable=bool(bpmn.executable_processes), deployed=deploy, created_at=now(), created_by=user,
    )))
    return {**summary, "version": version, "version_id": str(version_id), "deployed": deploy,
            "unchanged": False}


def _fitting_name(name: str | None) -> str | None:
    """A process name as long as its column holds: some tools write whole sentences there, and
    PostgreSQL refuses what SQLite would keep."""
    column = definitions.c.name.type
    limit = column.length if isinstance(column, String) else None
    if name is None or limit is None or len(name) <= limit:
        return name
    return name[:limit - 1] + "\u2026"


def _keep_uploader_on_access_list(conn: Connection, key: str, user: str) -> None:
    """Whoever makes a file private keeps seeing it (the rest of the list is set on the process
    list page)."""
    listed = conn.execute(select(definition_access.c.user_name).where(
        definition_access.c.key == key, definition_access.c.user_name == user)).first()
    if listed is None and existing_users(conn, [user]):
        conn.execute(insert(definition_access).values(key=key, user_name=user))


def version_to_deploy(conn: Connection, key: str, version: int | None, caller: Caller | None = None) -> Any:
    """The stored version a deploy is for (the latest when no number is given): id, version, bpmn."""
    if caller is not None:
        rules.check_edit_definition(caller, facts(conn, key))
    query = select(definition_versions.c.id, definition_versions.c.version, definition_versions.c.bpmn) \
        .where(definition_versions.c.key == key)
    if version is not None:
        query = query.where(definition_versions.c.version == version)
    row = conn.execute(query.order_by(definition_versions.c.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no definition with key {key!r}" + (f" and version {version}" if version else ""))
    return row


def mark_deployed(conn: Connection, version_id: int) -> None:
    conn.execute(update(definition_versions).where(definition_versions.c.id == version_id).values(deployed=True))


# A definition's settings and its newest deployed version (NULL when none is), in one statement.
_LATEST_DEPLOYED = HotStatement(
    select(definitions.c.active, definitions.c.visibility, definition_versions.c.id, definition_versions.c.version)
    .select_from(definitions.outerjoin(definition_versions, and_(definition_versions.c.key == definitions.c.key,
                                                                 definition_versions.c.deployed.is_(True))))
    .where(definitions.c.key == bindparam("key"))
    .order_by(definition_versions.c.version.desc()).limit(1))


def latest_deployed(conn: Connection, key: str, caller: Caller | None = None,
                    facts_of: FactsOf | None = None) -> StoredVersion:
    """The version new instances start on; refuses definitions the caller may not see (MISSION
    F5), then deactivated ones."""
    row = _LATEST_DEPLOYED.first(conn, {"key": key})
    if row is None:
        raise NotFound(f"no definition with key {key!r}")
    if caller is not None:
        known = facts_of(key, row.visibility) if facts_of is not None else facts(conn, key)
        rules.check_see_definition(caller, known)
    if not row.active:
        raise Invalid(f"definition {key!r} is deactivated; activate it before starting instances")
    if row.id is None:
        raise Invalid(f"definition {key!r} has no deployed version; upload it with ?deploy=true")
    return StoredVersion(row.id, key, row.version, True)


def bpmn_of(conn: Connection, key: str, version: int | None = None) -> bytes:
    query = select(definition_versions.c.bpmn).where(definition_versions.c.key == key)
    if version is not None:
        query = query.where(definition_versions.c.version == version)
    row = conn.execute(query.order_by(definition_versions.c.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no definition with key {key!r}" + (f" and version {version}" if version else ""))
    bpmn: bytes = row.bpmn
    return bpmn


def bpmn_of_version_id(conn: Connection, version_id: int) -> bytes:
    bpmn: bytes = conn.execute(select(definition_versions.c.bpmn)
                               .where(definition_versions.c.id == version_id)).scalar_one()
    return bpmn


def list_definitions(conn: Connection, limit: int, after: str | None) -> list[dict[str, Any]]:
    latest = (select(definition_versions.c.key, func.max(definition_versions.c.version).label("latest"))
              .group_by(definition_versions.c.key).subquery())
    deployed = (select(definition_versions.c.key, func.max(definition_versions.c.version).label("deployed"))
                .where(definition_versions.c.deployed.is_(True)).group_by(definition_versions.c.key).subquery())
    query = (select(definitions, latest.c.latest, deployed.c.deployed)
             .join(latest, latest.c.key == definitions.c.key)
             .outerjoin(deployed, deployed.c.key == definitions.c.key)
             .order_by(definitions.c.key).limit(limit))
    if after:
        query = query.where(definitions.c.key > after)
    return [{
        "key": row.key,
        "name": row.name,
        "latest_version": row.latest,
        "deployed_version": row.deployed,
        "deployed": row.deployed is not None,
        "active": bool(row.active),
        "visibility": row.visibility,
    } for row in conn.execute(query)]


@dataclass(frozen=True)
class LatestVersion:
    """A definition's newest version as export writes it: the bytes as uploaded."""

    key: str
    name: str | None
    version: int
    bpmn: bytes


def all_latest(conn: Connection) -> list[LatestVersion]:
    latest = (select(definition_versions.c.key, func.max(definition_versions.c.version).label("v"))
              .group_by(definition_versions.c.key).subquery())
    rows = conn.execute(select(definition_versions.c.key, definitions.c.name, definition_versions.c.version,
                               definition_versions.c.bpmn)
                        .join(latest, (latest.c.key == definition_versions.c.key)
                              & (latest.c.v == definition_versions.c.version))
                        .join(definitions, definitions.c.key == definition_versions.c.key)
                        .order_by(definition_versions.c.key))
    return [LatestVersion(row.key, row.name, row.version, bytes(row.bpmn)) for row in rows]


def version_run_by(conn: Connection, instance_id: int) -> int:
    """The id of the definition version an instance runs (its forms are that version's)."""
    version_id: int = conn.execute(select(instances.c.version_id).where(instances.c.id == instance_id)).scalar_one()
    return version_id


def latest_active_versions(conn: Connection) -> dict[str, int]:
    """The latest deployed version's id of each active definition, by key: what starts by itself
    (an inbound event's message start events)."""
    newest = (select(definition_versions.c.key, definition_versions.c.id)
              .join(definitions, and_(definitions.c.key == definition_versions.c.key, definitions.c.active.is_(True)))
              .where(definition_versions.c.deployed.is_(True))
              .order_by(definition_versions.c.key, definition_versions.c.version.desc()))
    latest: dict[str, int] = {}
    for key, version_id in conn.execute(newest):
        latest.setdefault(key, version_id)
    return latest
