"""Helpers for driving the designer the way an analyst does: open it, click elements on the canvas,
use the context pad and the replace menu, type into the properties panel, read what it saved.

Import as `from tests.browser.canvas import ...` (pytest runs with pythonpath ["."])."""
from __future__ import annotations

from typing import Any

from tests.browser.waiting import wait_until

ELEMENTS_OF_TYPE = "(type) => window.charkh.modeler.get('elementRegistry').filter((e) => e.type === type)" \
                   ".map((e) => e.id)"
SELECTED = "window.charkh.modeler.get('selection').get().map((e) => e.id)"


def open_modeler(page: Any, path: str) -> None:
    """Go to a designer page (e.g. "/designer/new", "/designer/invoice?lang=fa") and wait until it has opened."""
    page.goto(f"{page.base}{path}")
    wait_until(page, "window.charkh && window.charkh.ready")
    page.evaluate("window.charkh.ready")


def wait_for_catalog(page: Any) -> None:
    """The pickers are fed by /principals and /entities, loaded once when the page opens."""
    wait_until(page, "window.charkh.modeler.get('charkhCatalog').loaded")


def token_headers(page: Any) -> dict[str, str]:
    token = page.evaluate("JSON.parse(document.getElementById('charkh-config').textContent).token")
    return {"Authorization": f"Bearer {token}"}


def api_get(page: Any, path: str) -> Any:
    """GET /api/v1{path} with the page's token; the response."""
    return page.request.get(f"{page.base}/api/v1{path}", headers=token_headers(page))


def saved_xml(page: Any) -> str:
    """What the modeler writes for the diagram as it is now."""
    return page.evaluate("window.charkh.modeler.saveXML({ format: true }).then((r) => r.xml)")


def only(page: Any, bpmn_type: str) -> str:
    ids = page.evaluate(ELEMENTS_OF_TYPE, bpmn_type)
    assert len(ids) == 1, (bpmn_type, ids)
    return ids[0]


def element_center(page: Any, element_id: str) -> tuple[float, float]:
    box = page.locator(f".djs-element[data-element-id='{element_id}']").first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def click_element(page: Any, element_id: str) -> None:
    selected = page.evaluate(SELECTED)
    if selected != [element_id]:  # a second click on the selected element would unselect it
        if selected:  # the selection's context pad may lie over the element: clear it first
            click_empty_canvas(page)
        page.mouse.click(*element_center(page, element_id))
    page.wait_for_selector(".djs-context-pad.open")
    wait_until(page, f"JSON.stringify({SELECTED}) === JSON.stringify([{element_id!r}])")


def click_empty_canvas(page: Any) -> None:
    """Click the canvas where there is no element: nothing is selected, the panel shows the process."""
    box = page.locator("#canvas").bounding_box()  # below-right of the middle: no palette, minimap or logo
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] - 30)
    wait_until(page, f"{SELECTED}.length === 0")


def context_pad(page: Any, action: str) -> None:
    page.click(f".djs-context-pad .entry[data-action='{action}']")


def append_and_name(page: Any, source: str, action: str, name: str) -> str:
    """Append from `source` through its context pad, type the new element's name, return its id."""
    before = set(page.evaluate("window.charkh.modeler.get('elementRegistry').getAll().map((e) => e.id)"))
    click_element(page, source)
    context_pad(page, action)
    page.wait_for_selector(".djs-direct-editing-parent", state="visible")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    after = page.evaluate("window.charkh.modeler.get('elementRegistry').getAll()"
                          ".filter((e) => !e.waypoints && !e.labelTarget).map((e) => e.id)")
    new = [element for element in after if element not in before]
    assert len(new) == 1, new
    return new[0]


def replace_with(page: Any, element_id: str, replacement: str) -> str:
    """The wrench in the context pad, then an entry of the replace menu (e.g. "replace-with-user-task").
    Replacing keeps the id for tasks; events may get a new one, so the id after is returned."""
    click_element(page, element_id)
    center = element_center(page, element_id)
    context_pad(page, "replace")
    page.click(f".djs-popup [data-id='{replacement}']")
    page.wait_for_selector(".djs-popup", state="detached")
    if page.evaluate("(id) => !!window.charkh.modeler.get('elementRegistry').get(id)", element_id):
        return element_id
    page.mouse.click(*center)  # the replacement sits where the old element was
    [new] = page.evaluate(SELECTED)
    return new


def panel_group(page: Any, group: str) -> Any:
    """Open a properties-panel group (its header) unless it is open; the group's locator."""
    locator = page.locator(f"[data-group-id='group-{group}']")
    header = locator.locator(".bio-properties-panel-group-header").first
    header.wait_for()
    if "open" not in (header.get_attribute("class") or ""):
        header.click()
    return locator


def entry_input(page: Any, entry_id: str) -> Any:
    return page.locator(f"#bio-properties-panel-{entry_id}")


def fill_entry(page: Any, entry_id: str, value: str) -> None:
    """Type into a text entry of the panel and leave it (the panel writes debounced; Tab flushes)."""
    field = entry_input(page, entry_id)
    field.fill(value)
    field.press("Tab")


def choose(page: Any, entry_id: str, value: str) -> None:
    entry_input(page, entry_id).select_option(value)


def options(page: Any, entry_id: str) -> dict[str, str]:
    """A select entry's options: value -> shown label."""
    return page.evaluate("(sel) => Object.fromEntries([...document.querySelector(sel).options]"
                         ".map((o) => [o.value, o.textContent.trim()]))", f"#bio-properties-panel-{entry_id}")


def wait_for_xml(page: Any, *fragments: str) -> str:
    """Wait until the saved XML contains every fragment (the panel writes after a debounce)."""
    wait_until(page, "(parts) => window.charkh.modeler.saveXML().then((r) => parts.every((p) => r.xml.includes(p)))",
                           arg=list(fragments), timeout=5000)
    return saved_xml(page)
