"""The people's pages (issue 15): the cartable, one item, starting a process, and who works on
what. Thin as the other pages: each renders its texts and config, and its script in
designer/static/pages does the rest through /api/v1 with the page session's token."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template, request
from flask_babel import gettext

from engine.access import may_supervise
from engine.errors import Forbidden, NotFound

from .page_texts import cartable_texts
from .pages import error_page, page_caller, page_config, pages, signed_in

FORMS_SCRIPT = "dist/forms.js"


def _forms_bundle() -> bool:
    """Whether the form renderer (designer/static/dist/forms.js, from the forms work) is there."""
    return (Path(current_app.static_folder or "") / FORMS_SCRIPT).is_file()


@pages.get("/cartable")
@signed_in
def cartable():
    return render_template("cartable.html", config=page_config(), texts=cartable_texts(),
                           title=gettext("Cartable"))


@pages.get("/cartable/<item_id>")
@signed_in
def cartable_item(item_id: str):
    caller = page_caller()
    assert caller is not None
    try:
        item = current_app.extensions["charkh_cartables"].work_item(item_id, caller)
    except NotFound:
        return error_page(404, gettext("There is no work item %(id)s.", id=item_id))
    except Forbidden:
        return error_page(403, gettext("Work item %(id)s is not yours to see.", id=item_id))
    return render_template("item.html", texts=cartable_texts(), forms=_forms_bundle(),
                           config=page_config(item=item_id, instance=item["instance_id"], compact=True),
                           title=item.get("title") or item["name"])


@pages.get("/start")
@signed_in
def start_page():
    return render_template("start.html", config=page_config(process=request.args.get("process")),
                           texts=cartable_texts(), forms=_forms_bundle(), title=gettext("Start a process"))


@pages.get("/work")
@signed_in
def work_page():
    caller = page_caller()
    if caller is None or not may_supervise(caller):
        return error_page(403, gettext("Only supervisors and administrators see who works on what."))
    return render_template("work.html", config=page_config(), texts=cartable_texts(),
                           title=gettext("Who works on what"))
