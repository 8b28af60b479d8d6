"""A person's in-app notifications under /api/v1: item assigned, reminder, escalation, task
given or forwarded, invitation (engine/notifications.py). Each person sees only their own."""
from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from apiflask.fields import Boolean

from .api import PageQuery, auth, caller, charkh, paged

notifications_api = APIBlueprint("notifications_api", __name__, url_prefix="/api/v1")


class NotificationQuery(PageQuery):
    unread = Boolean(load_default=False)


@notifications_api.get("/notifications")
@notifications_api.auth_required(auth)
@notifications_api.input(NotificationQuery, location="query", arg_name="query")
@notifications_api.doc(summary="The caller's notifications, newest first (unread=true: only unread ones)")
def list_notifications(query: dict[str, Any]):
    rows = charkh().notifications.list(caller(), query["unread"], query["limit"] + 1, query["after"])
    return paged(rows, query["limit"], "id", query)


@notifications_api.post("/notifications/<notification_id>/read")
@notifications_api.auth_required(auth)
@notifications_api.doc(summary="Mark one notification read", responses={404: "No such notification of yours"})
def mark_read(notification_id: str):
    return charkh().notifications.mark_read(notification_id, caller())


@notifications_api.post("/notifications/read-all")
@notifications_api.auth_required(auth)
@notifications_api.doc(summary="Mark all the caller's notifications read")
def mark_all_read():
    return {"marked": charkh().notifications.mark_all_read(caller())}
