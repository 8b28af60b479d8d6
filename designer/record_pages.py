"""The records pages (issue 16, item 2): the entities, an entity's records, one record, and the
administrators' entities page. Thin as the other pages: each renders its texts and config, and
its script in designer/static/pages/records does the rest through /api/v1 with the page
session's token."""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import gettext

from engine.errors import NotFound

from .page_texts import record_texts
from .pages import error_page, page_caller, page_config, pages, select_locale, signed_in


def _records() -> Any:
    return current_app.extensions["charkh"].records


def _label(thing: dict[str, Any]) -> str:
    """An entity's or field's name in the page's language (English when it has none)."""
    labels: dict[str, str] = thing.get("labels") or {}
    return labels.get(select_locale()) or thing["label"]


@pages.get("/records")
@signed_in
def records_index():
    caller = page_caller()
    entities = [{"name": e["name"], "label": _label(e), "fields": len(e["fields"])} for e in _records().entities()]
    return render_template("records_index.html", config=page_config(), entities=entities,
                           admin=bool(caller and caller.is_admin), title=gettext("Records"))


@pages.get("/records/<entity>")
@signed_in
def records_list(entity: str):
    try:
        found = _records().entity(entity)
    except NotFound:
        return error_page(404, gettext("There is no entity %(name)s.", name=entity))
    return render_template("records_list.html", config=page_config(entity=entity), texts=record_texts(),
                           title=_label(found))


@pages.get("/records/<entity>/<record_id>")
@signed_in
def record_page(entity: str, record_id: str):
    caller = page_caller()
    assert caller is not None
    try:
        found = _records().entity(entity)
        _records().get(entity, record_id, caller)
    except NotFound:
        return error_page(404, gettext("There is no record %(id)s of %(entity)s.", id=record_id, entity=entity))
    return render_template("record.html", config=page_config(entity=entity, record=record_id),
                           texts=record_texts(), title=f"{_label(found)} {record_id}", entity_label=_label(found),
                           entity_name=entity)


@pages.get("/admin/entities")
@signed_in
def entities_page():
    caller = page_caller()
    if caller is None or not caller.is_admin:
        return error_page(403, gettext("Only administrators define entities."))
    return render_template("entities.html", config=page_config(), texts=record_texts(),
                           title=gettext("Entities"))
