"""The designer's endpoints under /api/v1: definition settings, validation, pickers, heat."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Boolean, List, String
from apiflask.validators import Length, OneOf
from flask import Response, request

from .api import Lenient, VersionQuery, auth, caller, process_list

catalog_api = APIBlueprint("catalog_api", __name__, url_prefix="/api/v1")


class SettingsIn(Lenient):
    name = String(validate=Length(1, 255))
    active = Boolean()
    visibility = String(validate=OneOf(["public", "private"]))
    access = List(String(validate=Length(1, 150)), validate=Length(max=1000))
    owners = List(String(validate=Length(1, 150)), validate=Length(1, 1000))


@catalog_api.get("/definitions/<key>")
@catalog_api.auth_required(auth)
@catalog_api.doc(summary="One definition: settings, access list, versions, instance counts",
                 responses={403: "Private, not on its access list", 404: "No such definition"})
def definition_detail(key: str):
    return process_list().detail(key, caller())


@catalog_api.patch("/definitions/<key>")
@catalog_api.auth_required(auth)
@catalog_api.input(SettingsIn, arg_name="body")
@catalog_api.doc(summary="Rename, activate/deactivate, make public/private, set the access list and owners",
                 responses={403: "Not an administrator or an analyst who owns it", 404: "No such definition",
                            409: "Cannot deactivate: running or recurring instances",
                            422: "Unknown user, an owner who is no analyst, or an assigned user missing from "
                                 "the access list"})
def update_definition(key: str, body: dict[str, Any]):
    return process_list().update(key, caller(), body)


@catalog_api.delete("/definitions/<key>")
@catalog_api.auth_required(auth)
@catalog_api.doc(summary="Delete a definition that has never run", responses={
    204: "Deleted", 403: "Not an administrator or an analyst who owns it", 404: "No such definition",
    409: "It has history; deactivate it instead"})
def delete_definition(key: str):
    process_list().delete(key, caller())
    return Response(status=204)


@catalog_api.post("/validate")
@catalog_api.auth_required(auth)
@catalog_api.doc(summary="Validate a BPMN file (engine checks and bpmnlint); stores nothing",
                 responses={200: "The problems found, each naming its element", 400: "Not BPMN, a DTD, too large",
                            403: "Not an analyst"})
def validate():
    return {"problems": process_list().validate_for(request.get_data(cache=False), caller())}


@catalog_api.get("/definitions/<key>/heat")
@catalog_api.auth_required(auth)
@catalog_api.input(VersionQuery, location="query", arg_name="query")
@catalog_api.doc(summary="How many running instances wait at each element",
                 responses={403: "Private, not on its access list", 404: "No such definition"})
def definition_heat(key: str, query: dict[str, Any]):
    return process_list().heat(key, caller(), query["version"])


@catalog_api.get("/principals")
@catalog_api.auth_required(auth)
@catalog_api.doc(summary="Users, groups and roles a step can be assigned to (for analysts)",
                 responses={403: "Not an analyst"})
def principals():
    return process_list().principals(caller())

