"""The v1 REST API (../shared/API.md). Views translate HTTP to engine calls; no SQL here."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from apiflask import APIBlueprint, HTTPTokenAuth, Schema
from apiflask.fields import Boolean, Dict, Integer, Nested, Raw, String
from apiflask.validators import Length, OneOf, Range
from flask import Response, current_app, g, request
from marshmallow import EXCLUDE
from werkzeug.sansio.response import Response as BaseResponse

from engine.access import Caller
from engine.charkh import Charkh
from engine.errors import BadInput, CharkhError
from engine.process_list import ProcessList

api = APIBlueprint("api", __name__, url_prefix="/api/v1")
auth = HTTPTokenAuth(scheme="Bearer", description="A token from `charkh token NAME`")

MAX_PAGE = 1000


def charkh() -> Charkh:
    return current_app.extensions["charkh"]


def process_list() -> ProcessList:
    return current_app.extensions["charkh_process_list"]


def caller() -> Caller:
    user: Caller | None = auth.current_user
    if user is None:  # only views behind auth_required ask
        raise RuntimeError("no authenticated caller in this request")
    return user


@auth.verify_token
def verify_token(token: str) -> Caller | None:
    if not token:
        return None
    try:
        return charkh().caller_for_token(token)
    except CharkhError as refused:
        g.token_refusal = refused.message  # "... is expired", "... is revoked": the 401 says which
        return None


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class PageQuery(Lenient):
    limit = Integer(load_default=100, validate=Range(1, MAX_PAGE))
    after = String(load_default=None, validate=Length(max=100))


class InstanceQuery(PageQuery):
    status = String(load_default=None, validate=OneOf(["running", "completed", "error", "cancelled"]))
    definition = String(load_default=None, validate=Length(max=255))


class DeployQuery(Lenient):
    deploy = Boolean(load_default=False)


class VersionQuery(Lenient):
    version = Integer(load_default=None, validate=Range(1, 2**31 - 1))


class BpmnQuery(VersionQuery):
    layout = String(load_default=None, validate=OneOf(["auto"]))


class RecordIn(Lenient):
    entity = String(required=True, validate=Length(1, 100))
    id = Raw(required=True)


class InstanceIn(Lenient):
    definition = String(required=True, validate=Length(1, 255))
    process = String(load_default=None, allow_none=True, validate=Length(1, 255))
    variables = Dict(keys=String(), load_default=dict)
    record = Nested(RecordIn, load_default=None, allow_none=True)


class CompleteIn(Lenient):
    action = String(load_default=None, allow_none=True, validate=Length(max=255))
    data = Dict(keys=String(), load_default=dict)


def paged(rows: list[dict[str, Any]], limit: int, cursor_of: str, query: dict[str, Any]) -> BaseResponse:
    """A JSON array and, while more remain, a Link header to the next page."""
    response = current_app.json.response(rows[:limit])
    if len(rows) > limit:
        params = {k: v for k, v in query.items() if v is not None and k != "after"}
        params["after"] = rows[limit - 1][cursor_of]
        response.headers["Link"] = f'<{request.base_url}?{urlencode(params)}>; rel="next"'
    return response


# --- definitions ----------------------------------------------------------------------------------

@api.post("/definitions")
@api.auth_required(auth)
@api.input(DeployQuery, location="query", arg_name="query")
@api.doc(summary="Import a BPMN file (raw XML or multipart field `file`)",
         responses={201: "Stored with its problems (`unchanged`: the same bytes as the latest version, "
                         "no version added)", 400: "Not well-formed BPMN, a DTD, or too large",
                    403: "Not an analyst, or the key is someone else's definition", 422: "Not deployable"})
def import_definition(query: dict[str, Any]):
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadInput("multipart upload needs a field named 'file'")
        data = upload.read(charkh().settings.max_bpmn_bytes + 1)
    else:
        data = request.get_data(cache=False)
    # With deploy, the same verdict as POST /definitions/{key}/deploy: lint errors refuse it too.
    return process_list().import_bpmn(data, query["deploy"], caller()), 201


@api.get("/definitions")
@api.auth_required(auth)
@api.input(PageQuery, location="query", arg_name="query")
@api.doc(summary="List process definitions")
def list_definitions(query: dict[str, Any]):
    rows = process_list().list(caller(), query["limit"] + 1, query["after"])
    return paged(rows, query["limit"], "key", query)


@api.get("/definitions/<key>/bpmn")
@api.auth_required(auth)
@api.input(BpmnQuery, location="query", arg_name="query")
@api.doc(summary="The stored BPMN XML, as uploaded (?layout=auto: laid out when the file has no diagram)")
def definition_bpmn(key: str, query: dict[str, Any]):
    data = process_list().bpmn(key, caller(), query["version"], layout=query["layout"] == "auto")
    return Response(data, mimetype="application/xml")


@api.post("/definitions/<key>/deploy")
@api.auth_required(auth)
@api.input(VersionQuery, location="query", arg_name="query")
@api.doc(summary="Make a stored version runnable (the latest unless ?version=N)",
         responses={200: "Deployed", 403: "Not an analyst who owns it", 404: "No such definition or version",
                    422: "Not executable"})
def deploy_definition(key: str, query: dict[str, Any]):
    return process_list().deploy(key, query["version"], caller())


# --- instances ------------------------------------------------------------------------------------

@api.post("/instances")
@api.auth_required(auth)
@api.input(InstanceIn, arg_name="body")
@api.doc(summary="Start an instance of a deployed definition", responses={201: "Started", 404: "No such definition",
                                                                         422: "Not deployed or invalid"})
def start_instance(body: dict[str, Any]):
    return charkh().start_and_read(body["definition"], caller(), body["variables"], body["process"],
                                   body["record"]), 201


@api.get("/instances")
@api.auth_required(auth)
@api.input(InstanceQuery, location="query", arg_name="query")
@api.doc(summary="List instances")
def list_instances(query: dict[str, Any]):
    rows = charkh().instances(caller(), query["status"], query["definition"], query["limit"] + 1, query["after"])
    return paged(rows, query["limit"], "id", query)


@api.get("/instances/<instance_id>")
@api.auth_required(auth)
@api.doc(summary="One instance with its work items, history and variables",
         responses={403: "You neither started it nor have an item on it", 404: "No such instance"})
def get_instance(instance_id: str):
    return process_list().instance_view(instance_id, caller())


class MessageIn(Lenient):
    name = String(required=True, validate=Length(1, 255))
    data = Dict(keys=String(), load_default=dict)


@api.post("/instances/<instance_id>/messages")
@api.auth_required(auth)
@api.input(MessageIn, arg_name="body")
@api.doc(summary="Deliver a message to an instance (a message catch event waiting for it fires)",
         responses={200: "Delivered", 403: "Not a participant nor an integration user", 404: "No such instance",
                    409: "Nothing waits for that message"})
def send_message(instance_id: str, body: dict[str, Any]):
    return charkh().send_message(instance_id, body["name"], caller(), body["data"])


@api.post("/instances/<instance_id>/restart")
@api.auth_required(auth)
@api.doc(summary="Restart a finished instance: a new instance of the same process (latest deployed version), for "
                 "the same record, with the same start variables, whose history says which one it restarts",
         responses={201: "The new instance", 403: "Not yours to see, or a private process off your list",
                    404: "No such instance", 409: "The instance has not finished",
                    422: "The process is deactivated or no longer deployed"})
def restart_instance(instance_id: str):
    return charkh().restart(instance_id, caller()), 201


# --- work items -----------------------------------------------------------------------------------

@api.post("/jobs/<job_id>/retry")
@api.auth_required(auth)
@api.doc(summary="Retry a failed outbox job (an incident); administrators only",
         responses={403: "Not an administrator", 404: "No such job", 409: "The job has not failed"})
def retry_job(job_id: str):
    return charkh().retry_job(job_id, caller())


@api.post("/work-items/<item_id>/claim")
@api.auth_required(auth)
@api.doc(summary="Claim a work item", responses={200: "Claimed", 403: "Not yours", 404: "No such item",
                                                 409: "Held by someone else or done"})
def claim_work_item(item_id: str):
    return charkh().claim(item_id, caller())


@api.post("/work-items/<item_id>/complete")
@api.auth_required(auth)
@api.input(CompleteIn, arg_name="body")
@api.doc(summary="Complete a work item with an action",
         responses={200: "Completed", 403: "Not yours", 404: "No such item", 409: "Done or held by someone else",
                    422: "Unknown action or invalid data"})
def complete_work_item(item_id: str, body: dict[str, Any]):
    return charkh().complete(item_id, caller(), body["action"], body["data"])
