"""People under /api/v1: the administrators' users page lists users and grants or takes away
their roles (analyst, integration, administrator); everyone's pickers of a user find names."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Boolean, Integer, String
from apiflask.validators import Length, Range
from flask import current_app

from .api import Lenient, auth, caller, charkh

users_api = APIBlueprint("users_api", __name__, url_prefix="/api/v1")


class RolesIn(Lenient):
    analyst = Boolean()
    integration = Boolean()
    admin = Boolean()


class PeopleQuery(Lenient):
    q = String(load_default="", validate=Length(max=150), metadata={"description": "part of the name"})
    limit = Integer(load_default=20, validate=Range(1, 100))


@users_api.get("/people")
@users_api.auth_required(auth)
@users_api.input(PeopleQuery, location="query", arg_name="query")
@users_api.doc(summary="Users whose name contains q, for pickers of a user (a record's owner or user field); "
                       "names only, for everyone signed in")
def people(query: dict[str, Any]):
    return current_app.json.response(charkh().people_named(query["q"], caller(), query["limit"]))


@users_api.get("/users")
@users_api.auth_required(auth)
@users_api.doc(summary="Every user with their roles and groups; administrators only",
               responses={403: "Not an administrator"})
def list_users():
    return current_app.json.response(charkh().users(caller()))


@users_api.patch("/users/<name>")
@users_api.auth_required(auth)
@users_api.input(RolesIn, arg_name="body")
@users_api.doc(summary="Grant or take away analyst, integration or administrator; administrators only",
               responses={403: "Not an administrator", 404: "No such user",
                          422: "An administrator taking away their own administrator role"})
def set_roles(name: str, body: dict[str, Any]):
    return charkh().set_roles(name, caller(), body)
