"""Inbound events under /api/v1 (MISSION F1.5, F7; issue 16 item 6): a phone call, a fax, an SMS,
a payment told to Charkh by name. Thin: engine/inbound_events.py checks the body, starts,
delivers or keeps, and answers what it did."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Dict, Integer, Raw, String
from apiflask.validators import Length, Range
from flask import request

from engine.inbound_events import MAX_MESSAGE_TTL

from .api import Lenient, auth, caller, charkh

inbound_events_api = APIBlueprint("inbound_events_api", __name__, url_prefix="/api/v1")


class InboundEventIn(Lenient):
    name = String(required=True, validate=Length(1, 255),
                  metadata={"description": "the message's name (a message start or catch event's message)"})
    data = Dict(keys=String(), load_default=dict,
                metadata={"description": "what the message carries; it becomes process variables"})
    record = Raw(load_default=None, allow_none=True,
                 metadata={"description": '{"entity", "id"}: start for this record, deliver to its instances'})
    correlation = Raw(load_default=None, allow_none=True,
                      metadata={"description": 'one variable and its value, e.g. {"order_no": "A-17"}: deliver '
                                               "to the instances whose variable holds it (instead of a record)"})
    ttl = Integer(load_default=None, allow_none=True, validate=Range(0, MAX_MESSAGE_TTL),
                  metadata={"description": "seconds to keep the message when no instance waits for it yet "
                                           "(default CHARKH_MESSAGE_TTL; 0: do not keep it)"})


@inbound_events_api.post("/inbound-events")
@inbound_events_api.auth_required(auth)
@inbound_events_api.input(InboundEventIn, arg_name="body")
@inbound_events_api.doc(
    summary="An inbound event: start the processes whose message start event has its name, deliver it to "
            "the instances of its record (or correlation) waiting for it, else keep it for them a while",
    description='Answers `{"started": [instance ids], "delivered": [instance ids], "kept": {"id", "expires_at"} '
                'or null, "failed": [{"definition"|"instance", "message"}]}`. A private process is started or '
                "reached only for callers on its access list. An `Idempotency-Key` header makes a retried event "
                "do nothing twice (it answers what the first did).",
    responses={200: "What the event started, delivered or kept", 404: "No such record",
               422: "Bad event, or an Idempotency-Key used before for another event"})
def post_inbound_event(body: dict[str, Any]):
    if body.get("ttl") is None:
        body.pop("ttl", None)
    return charkh().events.post(body, caller(), request.headers.get("Idempotency-Key"))
