"""Inbound events (MISSION F1.5, F7): a phone call, a received fax or SMS, a payment, a new sale,
told to Charkh by name, for a record or a correlation.

An event starts every active, deployed process whose message start event has its name (for the
record, when it names one: the instance runs for it, with its fields as ``record``), and is
delivered to the running instances of that record (or whose variable holds the correlation's
value) that wait for it at a catch event. When it names a record or a correlation and neither
started nor reached any instance, it is kept for a while (early messages: engine/early_messages.py) and the
first instance of that record to reach a catch event of that name takes it.

Who may: anyone signed in posts events; a private process is started, and its instances reached,
only for callers on its access list (engine/access.py ``may_post_event``); the others' are left
alone and go unmentioned.

With an Idempotency-Key, each thing the event does is noted in the transaction that does it
(engine/store/messages.py receipts), so a retried event does nothing twice: once done, a retry
answers what was done; cut short (a crash), a retry does only what is left.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from . import access as rules
from .access import Caller
from .errors import CharkhError, Conflict, Invalid, NotFound
from .store import definitions as definition_store
from .store import messages as store
from .store import records as record_store
from .store.database import json_text
from .store.instances import iso
from .store.messages import Address
from .store.people import now

if TYPE_CHECKING:
    from .charkh import Charkh

log = logging.getLogger(__name__)
# The longest an event may ask its message to be kept (its "ttl", in seconds).
MAX_MESSAGE_TTL = 30 * 86_400
# Kept messages one sweep delivers to instances that came to wait for them.
SWEEP_LIMIT = 100
# How long a retry with the same Idempotency-Key is recognised (clients retry within minutes).
RECEIPT_KEEP = timedelta(days=7)
_DONE = "done"


@dataclass(frozen=True)
class InboundEvent:
    name: str
    data: dict[str, Any]
    address: Address | None
    ttl: int
    fingerprint: str


def read_event(body: Any, default_ttl: int) -> InboundEvent:
    """An event from its JSON body, or Invalid (422) naming what is wrong."""
    if not isinstance(body, dict):
        raise Invalid("an event is a JSON object with a name")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise Invalid("name must be the message's name, 1 to 255 characters")
    data = body.get("data") or {}
    if not isinstance(data, dict):
        raise Invalid("data must be a JSON object")
    record, correlation = body.get("record"), body.get("correlation")
    if record is not None and correlation is not None:
        raise Invalid("an event names a record or a correlation, not both")
    address = None
    if record is not None:
        if not isinstance(record, dict) or not isinstance(record.get("entity"), str) or record.get("id") in (None, ""):
            raise Invalid('record must be {"entity": name, "id": the record\'s id}')
        address = Address(entity=record["entity"], record_id=str(record["id"]))
    elif correlation is not None:
        if not isinstance(correlation, dict) or len(correlation) != 1:
            raise Invalid('correlation must name one variable and its value, e.g. {"order_no": "A-17"}')
        variable, value = next(iter(correlation.items()))
        if not variable or len(variable) > 255 or not isinstance(value, (str, int, float, bool)):
            raise Invalid("correlation's value must be a text, a number or true/false")
        address = Address(variable=variable, value=value)
    ttl = body.get("ttl", default_ttl)
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= MAX_MESSAGE_TTL:
        raise Invalid(f"ttl must be the seconds to keep an early message, 0 to {MAX_MESSAGE_TTL}")
    fingerprint = hashlib.sha256(json_text([name, data, record, correlation, ttl]).encode()).hexdigest()
    return InboundEvent(name, data, address, ttl, fingerprint)


class _Done(Exception):
    """This event did that already (a retry): the transaction about to do it again rolls back."""


class InboundEvents:
    def __init__(self, charkh: Charkh) -> None:
        self.charkh = charkh
        self.db = charkh.db

    def post(self, body: Any, caller: Caller, idempotency_key: str | None = None) -> dict[str, Any]:
        """Start, deliver or keep; answers {"started", "delivered", "kept", "failed"}."""
        event = read_event(body, self.charkh.settings.message_ttl)
        self.charkh.commands.check_size(event.data, "data")
        if idempotency_key is not None and not 0 < len(idempotency_key) <= 255:
            raise Invalid("Idempotency-Key must be 1 to 255 characters")
        variables: dict[str, Any] = {}
        record = None
        if event.address is not None and event.address.by_record:
            assert event.address.entity is not None and event.address.record_id is not None
            with self.db.read() as conn:
                row = record_store.record_row(conn, record_store.record_number(event.address.record_id),
                                              event.address.entity)
            variables = {"record": dict(row.fields)}
            record = {"entity": row.entity, "id": str(row.id)}
        receipt = self._receipt(caller, idempotency_key, event) if idempotency_key else None
        if receipt is not None:
            with self.db.read() as conn:
                done = store.effects(conn, receipt)
            if any(effect.target == _DONE for effect in done):
                return _answer_from(done, [])
        answer: dict[str, Any] = {"started": [], "delivered": [], "kept": None, "failed": []}
        self._start(event, caller, variables, record, receipt, answer)
        if event.address is not None:
            self._deliver(event, caller, receipt, answer)
            if not answer["delivered"] and not answer["started"] and event.ttl > 0:
                self._keep(event, caller, receipt, answer)
        if receipt is None:
            return answer
        with self.db.write() as conn:
            store.mark_effect(conn, receipt, _DONE)
            return _answer_from(store.effects(conn, receipt), answer["failed"])

    def _receipt(self, caller: Caller, key: str, event: InboundEvent) -> int:
        for attempt in range(2):
            try:
                with self.db.write() as conn:
                    receipt, fingerprint = store.receipt(conn, caller.name, key, event.fingerprint, now())
                break
            except IntegrityError:  # posted twice at once: the other made the receipt
                if attempt:
                    raise
        if fingerprint != event.fingerprint:
            raise Invalid("this Idempotency-Key was used for another event; use a new key for a new event")
        return receipt

    def _start(self, event: InboundEvent, caller: Caller, variables: dict[str, Any], record: dict[str, Any] | None,
               receipt: int | None, answer: dict[str, Any]) -> None:
        with self.db.read() as conn:
            starts = [(key, process) for key, version_id in definition_store.latest_active_versions(conn).items()
                      for process in self.charkh.compiled_version(conn, version_id).message_starts.get(event.name, ())]
        for key, process in starts:
            if not rules.may_post_event(caller, self.charkh.definition_facts(key)):
                continue
            try:
                started = self.charkh.commands.start_and_read(
                    key, caller, variables, process, record, check_access=False,
                    within=_noting(receipt, f"start:{key}/{process}"), message=(event.name, event.data))
            except (_Done, IntegrityError):
                continue
            except CharkhError as refused:  # deactivated meanwhile, its script failed, ...
                answer["failed"].append({"definition": key, "process": process, "message": refused.message})
                continue
            answer["started"].append(started["id"])

    def _deliver(self, event: InboundEvent, caller: Caller, receipt: int | None, answer: dict[str, Any]) -> None:
        assert event.address is not None
        with self.db.read() as conn:
            waiting = store.waiting_instances(conn, event.name, event.address)
        for row in waiting:
            if not rules.may_post_event(caller, self.charkh.definition_facts(row.definition_key)):
                continue
            try:
                self.charkh.commands.send_message(str(row.id), event.name, caller, event.data, check_access=False,
                                                  within=_noting(receipt, f"deliver:{row.id}"))
            except (_Done, IntegrityError, Conflict, NotFound):  # done, or no longer waiting
                continue
            except CharkhError as refused:
                answer["failed"].append({"instance": str(row.id), "message": refused.message})
                continue
            answer["delivered"].append(str(row.id))

    def _keep(self, event: InboundEvent, caller: Caller, receipt: int | None, answer: dict[str, Any]) -> None:
        assert event.address is not None
        at = now()
        expires_at = at + timedelta(seconds=event.ttl)
        try:
            with self.db.write() as conn:
                kept_id = store.keep(conn, event.name, event.address, event.data, caller.name, at, expires_at)
                if receipt is not None and not store.mark_effect(conn, receipt, "keep", kept_id=kept_id,
                                                                 expires_at=expires_at):
                    raise _Done
        except (_Done, IntegrityError):
            return
        answer["kept"] = {"id": str(kept_id), "expires_at": iso(expires_at)}

    # --- the scheduler's turn -----------------------------------------------------------------

    def sweep(self, limit: int = SWEEP_LIMIT) -> int:
        """Drop expired kept messages and old receipts, and deliver each kept one that an instance came to wait
        for while it was being kept (its step read the kept messages just before the message
        was kept); how many were delivered."""
        with self.db.write() as conn:
            store.drop_expired(conn, now())
            store.drop_receipts_before(conn, now() - RECEIPT_KEEP)
        with self.db.read() as conn:
            found = store.matches(conn, now(), limit)
        delivered = 0
        for kept, instance_id, key in found:
            if not self.charkh.commands.may_post_event(kept.sent_by, key):
                continue  # a private process's instance takes only its access list's messages
            sender = Caller(name=kept.sent_by or "system", is_admin=False, groups=frozenset())
            try:
                self.charkh.commands.send_message(str(instance_id), kept.name, sender,
                                                  {**kept.data}, check_access=False, within=_taking(kept.id))
            except (_Done, Conflict, NotFound):
                continue
            except CharkhError as refused:
                log.warning("kept message %s could not reach instance %s: %s", kept.id, instance_id, refused)
                continue
            delivered += 1
        return delivered


def _noting(receipt: int | None, target: str) -> Callable[[Connection, int], None] | None:
    if receipt is None:
        return None

    def note(conn: Connection, instance_id: int) -> None:
        if not store.mark_effect(conn, receipt, target, instance_id=instance_id):
            raise _Done(target)
    return note


def _taking(kept_id: int) -> Callable[[Connection, int], None]:
    def take(conn: Connection, instance_id: int) -> None:
        if not store.take_one(conn, kept_id):
            raise _Done(f"kept message {kept_id}")  # another instance took it meanwhile
    return take


def _answer_from(effects: list[Any], failed: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer of an event posted with an Idempotency-Key: everything it did, on any try."""
    started = [str(e.instance_id) for e in effects if e.target.startswith("start:")]
    delivered = [str(e.instance_id) for e in effects if e.target.startswith("deliver:")]
    keep = next((e for e in effects if e.target == "keep"), None)
    kept = {"id": str(keep.kept_id), "expires_at": iso(keep.expires_at)} if keep is not None else None
    return {"started": sorted(started, key=int), "delivered": sorted(delivered, key=int), "kept": kept,
            "failed": failed}
