"""The rows of messages: which instances wait for which message, early messages kept for a while,
and the receipts of inbound events posted with an Idempotency-Key (engine/inbound_events.py)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select

from ..errors import StaleState
from .database import json_text
from .schema import event_effects, event_receipts, instances, kept_messages, message_waits

# Kept messages one step looks at for the messages it waits for (the oldest first).
KEPT_PER_LOOK = 50


@dataclass(frozen=True)
class Address:
    """Whom a message is for: the instances of a record, or those whose variable ``variable``
    holds ``value`` (a correlation)."""

    entity: str | None = None
    record_id: str | None = None
    variable: str | None = None
    value: Any = None

    @property
    def by_record(self) -> bool:
        return self.entity is not None

    def admits(self, record_entity: str | None, record_id: str | None, variables: dict[str, Any]) -> bool:
        if self.by_record:
            return record_entity == self.entity and record_id == self.record_id
        return self.variable is not None and self.variable in variables and variables[self.variable] == self.value


@dataclass(frozen=True)
class KeptMessage:
    id: int
    name: str
    data: dict[str, Any]
    sent_by: str | None
    expires_at: datetime


# --- waits -------------------------------------------------------------------------------------

def sync_waits(conn: Connection, instance_id: int, names: Sequence[str], new_instance: bool) -> None:
    """The instance's rows mirror the messages its step left it waiting for."""
    waiting = set(names)
    known = set() if new_instance else set(conn.execute(
        select(message_waits.c.name).where(message_waits.c.instance_id == instance_id)).scalars())
    gone = known - waiting
    if gone:
        conn.execute(delete(message_waits).where(message_waits.c.instance_id == instance_id,
                                                 message_waits.c.name.in_(sorted(gone))))
    new = waiting - known
    if new:
        conn.execute(insert(message_waits), [{"instance_id": instance_id, "name": n} for n in sorted(new)])


def waiting_instances(conn: Connection, name: str, address: Address) -> list[Any]:
    """The running instances the address names that wait for the message: (id, definition_key,
    variables) rows, oldest first."""
    query = (select(instances.c.id, instances.c.definition_key, instances.c.variables,
                    instances.c.record_entity, instances.c.record_id)
             .join(message_waits, and_(message_waits.c.instance_id == instances.c.id, message_waits.c.name == name))
             .where(instances.c.status == "running").order_by(instances.c.id))
    if address.by_record:
        query = query.where(instances.c.record_entity == address.entity, instances.c.record_id == address.record_id)
    rows = conn.execute(query)
    return [row for row in rows if address.admits(row.record_entity, row.record_id, row.variables or {})]


# --- kept messages -----------------------------------------------------------------------------

def keep(conn: Connection, name: str, address: Address, data: dict[str, Any], sent_by: str,
         at: datetime, expires_at: datetime) -> int:
    kept_id: int = conn.execute(insert(kept_messages).values(
        name=name, record_entity=address.entity, record_id=address.record_id,
        correlation_variable=address.variable,
        correlation_value=None if address.variable is None else json_text(address.value),
        data=data, sent_by=sent_by, created_at=at, expires_at=expires_at).returning(kept_messages.c.id)).scalar_one()
    return kept_id


def _kept(row: Any) -> KeptMessage:
    return KeptMessage(row.id, row.name, row.data or {}, row.sent_by, row.expires_at)


def kept_for(conn: Connection, names: Sequence[str], record_entity: str | None, record_id: str | None,
             variables: dict[str, Any], at: datetime, skip: Sequence[int] = ()) -> KeptMessage | None:
    """The oldest unexpired kept message one of ``names`` that is for this instance: for its record,
    or for a value one of its variables holds."""
    by_record = and_(kept_messages.c.record_entity == record_entity, kept_messages.c.record_id == record_id) \
        if record_entity is not None else None
    scalars = sorted(k for k, v in variables.items() if isinstance(v, (str, int, float, bool)) and len(k) <= 255)
    by_variable = kept_messages.c.correlation_variable.in_(scalars) if scalars else None
    clauses = [c for c in (by_record, by_variable) if c is not None]
    if not clauses:
        return None
    query = (select(kept_messages).where(kept_messages.c.name.in_(sorted(set(names))), or_(*clauses),
                                         kept_messages.c.expires_at > at)
             .order_by(kept_messages.c.id).limit(KEPT_PER_LOOK))
    if skip:
        query = query.where(kept_messages.c.id.not_in(list(skip)))
    for row in conn.execute(query):
        if row.correlation_variable is None or json_text(variables.get(row.correlation_variable)) == \
                row.correlation_value:
            return _kept(row)
    return None


def take(conn: Connection, kept_ids: Sequence[int]) -> None:
    """Delete the kept messages a step consumed: a row is deleted once, so when another step took
    one meanwhile this one is stale (its command reads and runs again, without it)."""
    if not kept_ids:
        return
    gone = conn.execute(delete(kept_messages).where(kept_messages.c.id.in_(list(kept_ids)))).rowcount
    if gone != len(kept_ids):
        raise StaleState("a kept message was delivered to another instance meanwhile; try again")


def take_one(conn: Connection, kept_id: int) -> bool:
    return conn.execute(delete(kept_messages).where(kept_messages.c.id == kept_id)).rowcount == 1


def drop_expired(conn: Connection, at: datetime) -> int:
    return conn.execute(delete(kept_messages).where(kept_messages.c.expires_at <= at)).rowcount


def matches(conn: Connection, at: datetime, limit: int) -> list[tuple[KeptMessage, int, str]]:
    """Kept messages that an instance now waits for (it reached its catch event while the message
    was being kept): (message, instance id, its definition's key), one per message, oldest first."""
    query = (select(kept_messages, instances.c.id.label("instance_id"), instances.c.variables,
                    instances.c.definition_key,
                    instances.c.record_entity.label("i_entity"), instances.c.record_id.label("i_record"))
             .join(message_waits, message_waits.c.name == kept_messages.c.name)
             .join(instances, and_(instances.c.id == message_waits.c.instance_id, instances.c.status == "running"))
             .where(kept_messages.c.expires_at > at,
                    or_(and_(kept_messages.c.record_entity == instances.c.record_entity,
                             kept_messages.c.record_id == instances.c.record_id),
                        kept_messages.c.correlation_variable.is_not(None)))
             .order_by(kept_messages.c.id, instances.c.id).limit(limit * 10))
    found: dict[int, tuple[KeptMessage, int, str]] = {}
    for row in conn.execute(query):
        if row.id in found:
            continue
        if row.correlation_variable is not None and json_text((row.variables or {}).get(row.correlation_variable)) \
                != row.correlation_value:
            continue
        found[row.id] = (_kept(row), row.instance_id, row.definition_key)
    return list(found.values())[:limit]


# --- receipts of events posted with an Idempotency-Key ------------------------------------------

def receipt(conn: Connection, caller: str, key: str, fingerprint: str, at: datetime) -> tuple[int, str]:
    """The receipt of the caller's event under ``key`` (made now if new): (id, its fingerprint).
    The same event posted twice at once: one insert fails on the unique key (IntegrityError,
    the transaction rolls back), and its caller asks again."""
    query = select(event_receipts.c.id, event_receipts.c.fingerprint).where(
        event_receipts.c.caller == caller, event_receipts.c.idempotency_key == key)
    row = conn.execute(query).first()
    if row is None:
        conn.execute(insert(event_receipts).values(caller=caller, idempotency_key=key, fingerprint=fingerprint,
                                                   created_at=at))
        row = conn.execute(query).one()
    return row.id, row.fingerprint


def mark_effect(conn: Connection, receipt_id: int, target: str, instance_id: int | None = None,
                kept_id: int | None = None, expires_at: datetime | None = None) -> bool:
    """Note, in the transaction that does it, that the event did ``target``; False when it was
    done already (a retry). Done at this very moment by the same event posted twice: the unique
    key refuses the insert (IntegrityError) and that transaction, the effect with it, rolls back."""
    done = conn.execute(select(event_effects.c.target).where(event_effects.c.receipt_id == receipt_id,
                                                             event_effects.c.target == target[:300])).first()
    if done is not None:
        return False
    conn.execute(insert(event_effects).values(receipt_id=receipt_id, target=target[:300], instance_id=instance_id,
                                              kept_id=kept_id, expires_at=expires_at))
    return True


def drop_receipts_before(conn: Connection, moment: datetime) -> int:
    """Forget the receipts (and what they did) of events posted before ``moment``."""
    old = select(event_receipts.c.id).where(event_receipts.c.created_at < moment).scalar_subquery()
    conn.execute(delete(event_effects).where(event_effects.c.receipt_id.in_(old)))
    return conn.execute(delete(event_receipts).where(event_receipts.c.created_at < moment)).rowcount


def effects(conn: Connection, receipt_id: int) -> list[Any]:
    return list(conn.execute(select(event_effects).where(event_effects.c.receipt_id == receipt_id)))
