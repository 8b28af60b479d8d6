"""People under /api/v1: the administrators' users page lists users and grants or takes away
their roles (analyst, integration, administrator)."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Boolean
from flask import current_app

from .api import Lenient, auth, caller, charkh

users_api = APIBlueprint("users_api", __name__, url_prefix="/api/v1")


class RolesIn(Lenient):
    analyst = Boolean()
    integration = Boolean()
    admin = Boolean()


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
