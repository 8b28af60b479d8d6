"""Entities and records under /api/v1 (API.md "Records, triggers and activities"; issue 16).

Thin: engine/records.py checks each body (422 naming the field) and starts what the record's
triggers owe before the answer is sent."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Dict, Integer, Raw, String
from apiflask.validators import Length, Range
from flask import current_app, request

from engine.errors import BadInput
from engine.records import MAX_PAGE

from .api import Lenient, auth, caller, charkh, paged

records_api = APIBlueprint("records_api", __name__, url_prefix="/api/v1")

_PAGING = {"limit", "after", "q"}


class EntityIn(Lenient):
    label = String(metadata={"description": "the entity's name in English"})
    labels = Dict(metadata={"description": 'its name per language, e.g. {"fa": "فاکتور"}'})
    field_list = Raw(data_key="fields",
                     metadata={"description": '[{"name", "label", "labels"?, "type", "options"?, "entity"?}]'})


class RecordIn(Lenient):
    values = Raw(data_key="fields", load_default=dict,
                 metadata={"description": "field name -> value, typed as the entity says"})
    owner = String(load_default=None, allow_none=True, validate=Length(max=150))
    external_id = String(load_default=None, allow_none=True, validate=Length(min=1, max=255),
                         metadata={"description": "the id an outside CRM knows it by: a second POST with "
                                                  "it updates that record (upsert)"})


class RecordChangesIn(Lenient):
    values = Raw(data_key="fields", load_default=dict, metadata={"description": "only the fields that change"})
    owner = String(load_default=None, allow_none=True, validate=Length(max=150))


class RecordPage(Lenient):
    limit = Integer(load_default=50, validate=Range(1, MAX_PAGE))
    after = String(load_default=None, validate=Length(max=30))


class RecordSearch(RecordPage):
    q = String(load_default=None, validate=Length(max=200),
               metadata={"description": "text the record's text, mobile, email or picklist fields contain "
                                        "(any case), or its id"})


class RelatedQuery(Lenient):
    limit = Integer(load_default=20, validate=Range(1, MAX_PAGE))


@records_api.get("/entities")
@records_api.auth_required(auth)
@records_api.doc(summary="The entities records belong to, with their typed fields")
def list_entities():
    return current_app.json.response(charkh().records.entities())


@records_api.put("/entities/<name>")
@records_api.auth_required(auth)
@records_api.input(EntityIn, arg_name="body")
@records_api.doc(summary="Define or redefine an entity (administrators)",
                 responses={200: "Redefined", 201: "Defined", 403: "Not an administrator",
                            422: "A field that is not right, named"})
def put_entity(name: str, body: dict[str, Any]):
    body = {**body, "fields": body.pop("field_list", None)}
    found, created = charkh().records.put_entity(name, body, caller())
    return found, 201 if created else 200


@records_api.post("/records/<entity>")
@records_api.auth_required(auth)
@records_api.input(RecordIn, arg_name="body")
@records_api.doc(summary="Create a record; answers once the instances its triggers start exist",
                 responses={201: "Created, with `instances` its triggers started", 200: "Updated by its external_id",
                            404: "No such entity", 422: "A field of the wrong type or not of the entity, named"})
def create_record(entity: str, body: dict[str, Any]):
    found = charkh().records.create(entity, body["values"], caller(), body["owner"], body["external_id"])
    return found, 201 if found["version"] == 1 else 200


@records_api.patch("/records/<entity>/<record_id>")
@records_api.auth_required(auth)
@records_api.input(RecordChangesIn, arg_name="body")
@records_api.doc(summary="Change some fields of a record; answers once the instances its triggers start exist",
                 responses={404: "No such record", 422: "A field of the wrong type or not of the entity, named"})
def update_record(entity: str, record_id: str, body: dict[str, Any]):
    return charkh().records.update(entity, record_id, body["values"], caller(), body["owner"])


@records_api.get("/records/<entity>/<record_id>")
@records_api.auth_required(auth)
@records_api.doc(summary="One record", responses={404: "No such record"})
def get_record(entity: str, record_id: str):
    return charkh().records.get(entity, record_id, caller())


@records_api.get("/records/<entity>")
@records_api.auth_required(auth)
@records_api.input(RecordSearch, location="query", arg_name="query")
@records_api.doc(summary="A page of an entity's records; FIELD=VALUE keeps those whose field has that value, "
                         "q those that contain a text",
                 responses={422: "A filter that is not a field of the entity, or a value not of its type"})
def list_records(entity: str, query: dict[str, Any]):
    equal = {name: value for name, value in request.args.items() if name not in _PAGING}
    rows = charkh().records.page(entity, equal, caller(), query["limit"] + 1, query["after"], query["q"])
    return paged(rows, query["limit"], "id", {**equal, **query})


@records_api.get("/records/<entity>/<record_id>/history")
@records_api.auth_required(auth)
@records_api.doc(summary="A record's whole history: its field changes and every entry of the instances run for it")
def record_history(entity: str, record_id: str):
    return current_app.json.response(charkh().records.history(entity, record_id, caller()))


@records_api.post("/records/<entity>/<record_id>/macros/<key>")
@records_api.auth_required(auth)
@records_api.doc(summary="Press a macro button: start the process whose on=\"macro\" trigger is on this entity, "
                         "for this record (an Idempotency-Key header makes a retried press start nothing twice)",
                 responses={201: "The instance started", 403: "A private process the caller may not see",
                            404: "No such record, or the process has no macro on the entity",
                            422: "Its conditions do not hold for the record"})
def run_macro(entity: str, record_id: str, key: str):
    press = request.headers.get("Idempotency-Key")
    if press is not None and not 1 <= len(press) <= 80:
        raise BadInput("Idempotency-Key is 1 to 80 characters")
    return charkh().records.run_macro(entity, record_id, key, caller(), press), 201


@records_api.get("/records/<entity>/<record_id>/instances")
@records_api.auth_required(auth)
@records_api.doc(summary="The instances run for a record, newest first: id, definition, process, status, "
                         "started_by, created_at, updated_at", responses={404: "No such record"})
def record_instances(entity: str, record_id: str):
    return current_app.json.response(charkh().records.instances(entity, record_id, caller()))


@records_api.get("/records/<entity>/<record_id>/related")
@records_api.auth_required(auth)
@records_api.input(RelatedQuery, location="query", arg_name="query")
@records_api.doc(summary="The records whose reference fields point to this one: per entity and field, "
                         "how many, the first `limit` and the cursor of the rest",
                 responses={404: "No such record"})
def related_records(entity: str, record_id: str, query: dict[str, Any]):
    return current_app.json.response(charkh().records.related(entity, record_id, caller(), query["limit"]))


@records_api.get("/records/<entity>/<record_id>/related/<other>/<field>")
@records_api.auth_required(auth)
@records_api.input(RecordPage, location="query", arg_name="query")
@records_api.doc(summary="A page of the records of one entity whose reference field points to this record",
                 responses={404: "No such record, or no such reference field"})
def related_page(entity: str, record_id: str, other: str, field: str, query: dict[str, Any]):
    rows = charkh().records.related_page(entity, record_id, other, field, caller(), query["limit"] + 1,
                                         query["after"])
    return paged(rows, query["limit"], "id", query)
