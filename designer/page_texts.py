"""The texts the people's pages hand their scripts (designer/static/pages/*.js), translated once
here with flask-babel so every script speaks en, fa and ro alike."""
from __future__ import annotations

from flask_babel import gettext as _


def cartable_texts() -> dict[str, str]:
    return {
        "all": _("All"), "any": _("Any"), "none": _("none"), "loading": _("Loading…"),
        "empty": _("Nothing waits for you here."), "next": _("Next"), "previous": _("Previous"),
        "overdue": _("Overdue"), "due": _("Due"), "claimed_by": _("Claimed by"), "created": _("Created"),
        "claim": _("Claim"), "release": _("Release"), "forward": _("Forward"), "open": _("Open"),
        "done": _("Done."), "claimed": _("Claimed."), "released": _("Released."), "forwarded": _("Forwarded."),
        "started": _("Started."), "comment_added": _("Comment added."),
        "fill_required": _("Fill in: %(fields)s"), "required_for": _("Required for %(action)s"),
        "status_open": _("open"), "status_claimed": _("claimed"), "status_completed": _("completed"),
        "status_cancelled": _("cancelled"), "unclaimed": _("nobody yet"), "user": _("User"),
        "group": _("Group"), "role": _("Role"), "waits_for": _("Waits for"), "count": _("Count"),
        "start": _("Start"), "no_processes": _("There is no process you may start."),
        "confirm_action": _("Take the action “%(action)s”?"),
        "item_count": _("%(count)s items"), "process": _("Process"), "task": _("Task"),
        "title": _("Title"), "status": _("Status"),
    }
