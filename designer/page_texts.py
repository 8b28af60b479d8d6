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


def date_picker_texts() -> dict[str, str]:
    """The date picker's texts (designer/static/pages/common/date-picker.js), on every page with one."""
    return {
        "time": _("Time"), "choose_date": _("Choose a date"), "previous_month": _("Previous month"),
        "next_month": _("Next month"), "today": _("Today"), "clear": _("Clear"), "no_date": _("No date"),
    }


def record_texts() -> dict[str, str]:
    """The records pages' texts (designer/static/pages/records/*.js)."""
    return date_picker_texts() | {
        "any": _("Any"), "none": _("(none)"), "yes": _("Yes"), "no": _("No"), "owner": _("Owner"),
        "nobody": _("nobody"), "someone": _("someone"), "empty": _("(empty)"), "more": _("More"),
        "saved": _("Saved."), "nothing_changed": _("Nothing changed."), "separator": _("; "),
        "edit": _("Edit"), "name": _("Label"), "code": _("Name in scripts"), "fields": _("Fields"),
        "fix_field": _("Check the field “%(field)s”."),
        "wrong_text": _("This text is too long."), "wrong_number": _("This is not a number."),
        "wrong_mobile": _("This is not a mobile number."), "wrong_email": _("This is not an email address."),
        "wrong_date": _("This is not a date."), "wrong_datetime": _("This is not a date and time."),
        "wrong_picklist": _("Pick one of the options."), "wrong_checkbox": _("Tick it or leave it."),
        "wrong_user": _("There is no such user."), "wrong_reference": _("There is no such record."),
        "no_such_user": _("There is no such user."), "no_such_record": _("There is no such record."),
        "related_by": _("%(entity)s (field %(field)s)"), "instance": _("Instance %(id)s"),
        "instance_of": _("%(definition)s #%(id)s"), "started_by": _("started by %(user)s, %(at)s"),
        "status_running": _("running"), "status_completed": _("completed"), "status_error": _("error"),
        "status_cancelled": _("cancelled"),
        "restart": _("Restart"), "restart_title": _("Begin instance %(id)s again from its start, as a new instance"),
        "restarted": _("Restarted as instance %(id)s."),
        "change": _("%(field)s: %(old)s → %(new)s"), "changes_by": _("%(changes)s by %(user)s"),
        "created": _("Created by %(user)s"), "created_with": _("Created by %(user)s: %(values)s"),
        "value": _("%(field)s: %(value)s"),
        "new_entity": _("New entity"), "redefine": _("Redefine %(name)s"),
        "entity_defined": _("Entity %(name)s defined."), "entity_redefined": _("Entity %(name)s redefined."),
        "name_needed": _("Give the entity a name: lower-case letters, digits and _."),
    }
