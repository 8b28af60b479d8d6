"""The cartable's endpoints under /api/v1 (issue 15): work items listed with filters and
counted, one item with its case, release, forward (and whom to) and comments, the processes one
may start and their start forms."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from apiflask import APIBlueprint
from apiflask.fields import Boolean, Dict, Integer, String
from apiflask.validators import Length, OneOf, Range
from flask import current_app, request
from werkzeug.sansio.response import Response as BaseResponse

from engine.cartables import MAX_CANDIDATES, Cartables
from engine.work_filter import DUE, SORT_FIELDS, STATUSES, WorkFilter, cursor_text

from .api import Lenient, PageQuery, auth, caller, charkh

cartable_api = APIBlueprint("cartable_api", __name__, url_prefix="/api/v1")
_SORTS = [*SORT_FIELDS, *(f"-{field}" for field in SORT_FIELDS)]


def cartables() -> Cartables:
    return current_app.extensions["charkh_cartables"]


class FilterQuery(Lenient):
    mine = Boolean(load_default=True)
    status = String(load_default="open", validate=OneOf(STATUSES))
    user = String(load_default=None, validate=Length(1, 150))
    group = String(load_default=None, validate=Length(1, 150))
    role = String(load_default=None, validate=Length(1, 150))
    definition = String(load_default=None, validate=Length(1, 255))
    element = String(load_default=None, validate=Length(1, 255))
    action = String(load_default=None, validate=Length(1, 255))
    claimed_by_me = Boolean(load_default=False)
    due = String(load_default=None, validate=OneOf(DUE))
    q = String(load_default=None, validate=Length(max=200))
    sort = String(load_default="id", validate=OneOf(_SORTS))


class WorkItemQuery(FilterQuery, PageQuery):
    pass


def _filter(query: dict[str, Any]) -> WorkFilter:
    return WorkFilter(**{k: v for k, v in query.items() if k not in ("limit", "after")})


@cartable_api.get("/work-items")
@cartable_api.auth_required(auth)
@cartable_api.input(WorkItemQuery, location="query", arg_name="query")
@cartable_api.doc(summary="The caller's cartable (mine=true), or every item of the instances the caller may "
                          "see; filters combine. Another user's cartable (user=), a group's or role's, and all "
                          "work (mine=false) beyond one's own: supervisors and administrators",
                  responses={403: "Another user's, group's or role's work, and you do not supervise",
                             422: "An invalid filter, sort or cursor"})
def list_work_items(query: dict[str, Any]):
    work_filter = _filter(query)
    limit = query["limit"]
    rows = cartables().work_items(caller(), work_filter, limit + 1, query["after"])
    return _paged(rows, limit, work_filter, query)


def _paged(rows: list[dict[str, Any]], limit: int, work_filter: WorkFilter, query: dict[str, Any]) -> BaseResponse:
    """A JSON array and, while more remain, a Link header to the next page (API.md, Lists)."""
    response = current_app.json.response(rows[:limit])
    if len(rows) > limit:
        params = {k: v for k, v in request.args.items() if k != "after"}
        params["limit"] = str(limit)
        params["after"] = cursor_text(work_filter, rows[limit - 1])
        response.headers["Link"] = f'<{request.base_url}?{urlencode(params)}>; rel="next"'
    return response


@cartable_api.get("/work-items/counts")
@cartable_api.auth_required(auth)
@cartable_api.input(FilterQuery, location="query", arg_name="query")
@cartable_api.doc(summary="How many items the same filters find: total, by_process, by_element, by_status; for "
                          "supervisors and administrators also by_person, by_group, by_role, by_assigned_user",
                  responses={403: "Another user's, group's or role's work, and you do not supervise"})
def count_work_items(query: dict[str, Any]):
    return cartables().counts(caller(), _filter(query))


@cartable_api.get("/work-items/<item_id>")
@cartable_api.auth_required(auth)
@cartable_api.doc(summary="One work item with its case: form, the instance's variables and history, comments, "
                          "and what the caller may do with it",
                  responses={403: "Not on an instance you may see", 404: "No such item"})
def get_work_item(item_id: str):
    return cartables().work_item(item_id, caller())


@cartable_api.post("/work-items/<item_id>/release")
@cartable_api.auth_required(auth)
@cartable_api.doc(summary="Give a claimed item back to its parties (whoever claimed it, or an administrator)",
                  responses={403: "Claimed by someone else", 404: "No such item", 409: "Not claimed, or done"})
def release_work_item(item_id: str):
    return cartables().release(item_id, caller())


class ForwardIn(Lenient):
    to = Dict(keys=String(validate=OneOf(["user", "group", "role"])), values=String(validate=Length(1, 150)),
              required=True)
    note = String(load_default=None, allow_none=True, validate=Length(max=4000))


@cartable_api.post("/work-items/<item_id>/forward")
@cartable_api.auth_required(auth)
@cartable_api.input(ForwardIn, arg_name="body")
@cartable_api.doc(summary='Forward an item to {"user": NAME}, {"group": NAME} or {"role": NAME}, with a note',
                  responses={403: "Not yours to forward", 404: "No such item", 409: "Done",
                             422: "Unknown party, or a user outside a private process's access list"})
def forward_work_item(item_id: str, body: dict[str, Any]):
    return cartables().forward(item_id, caller(), body["to"], body["note"])


class CandidateQuery(Lenient):
    q = String(load_default="", validate=Length(max=150))
    limit = Integer(load_default=20, validate=Range(1, MAX_CANDIDATES))


@cartable_api.get("/work-items/<item_id>/forward-candidates")
@cartable_api.auth_required(auth)
@cartable_api.input(CandidateQuery, location="query", arg_name="query")
@cartable_api.doc(summary="Whom the item may be forwarded to, for a picker: users, groups and roles whose name "
                          "holds q (any case; those that start with it first), at most limit of each kind; a "
                          "private process's users only from its access list",
                  responses={403: "Not yours to forward", 404: "No such item", 409: "Done"})
def forward_candidates(item_id: str, query: dict[str, Any]):
    return cartables().forward_candidates(item_id, caller(), query["q"], query["limit"])


class CommentIn(Lenient):
    text = String(required=True, validate=Length(1, 4000))


@cartable_api.get("/work-items/<item_id>/comments")
@cartable_api.auth_required(auth)
@cartable_api.doc(summary="The item's comments, oldest first",
                  responses={403: "Not on an instance you may see", 404: "No such item"})
def list_comments(item_id: str):
    return cartables().comments(item_id, caller())


@cartable_api.post("/work-items/<item_id>/comments")
@cartable_api.auth_required(auth)
@cartable_api.input(CommentIn, arg_name="body")
@cartable_api.doc(summary="Comment on an item", responses={201: "Added", 403: "Not on an instance you may see",
                                                          404: "No such item", 422: "Empty or too long"})
def add_comment(item_id: str, body: dict[str, Any]):
    return cartables().comment(item_id, caller(), body["text"]), 201


@cartable_api.get("/startable")
@cartable_api.auth_required(auth)
@cartable_api.doc(summary="The processes the caller may start: deployed, active and visible to them")
def startable():
    return cartables().startable(caller())


class StartFormQuery(Lenient):
    process = String(load_default=None, validate=Length(1, 255))


@cartable_api.get("/definitions/<key>/start-form")
@cartable_api.auth_required(auth)
@cartable_api.input(StartFormQuery, location="query", arg_name="query")
@cartable_api.doc(summary="The form whoever starts the process fills in: {key, version, process, element, form} "
                          "with form the start event's form-js schema, or null; POST /instances checks the "
                          "variables against it",
                  responses={403: "Private, not on its access list", 404: "No such definition",
                             422: "Deactivated, not deployed, or no such process"})
def start_form(key: str, query: dict[str, Any]):
    return charkh().start_form(key, caller(), query["process"])
