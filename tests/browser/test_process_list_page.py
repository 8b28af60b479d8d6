"""The process list in a real browser: import, rename, deploy, make private, delete."""
from __future__ import annotations

from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[2] / "bpmn" / "library"


def test_import_rename_deploy_share_and_delete(signed_in, make_user, shoot):
    page = signed_in
    make_user("bita")
    page.set_input_files("#import-file", str(LIBRARY / "invoice.bpmn"))
    row = page.locator("#definitions tr[data-key=invoice]")
    row.wait_for()
    assert row.locator(".deployed").inner_text() == "none"

    page.once("dialog", lambda dialog: dialog.accept("Invoices 2026"))
    row.locator(".rename").click()
    page.wait_for_selector("#definitions tr[data-key=invoice] a.open:text('Invoices 2026')")

    row.locator(".deploy").click()
    page.wait_for_selector("#definitions tr[data-key=invoice] .deployed:text-is('1')")

    page.once("dialog", lambda dialog: dialog.accept("ana, bita"))
    row.locator(".share").click()
    page.wait_for_selector("#definitions tr[data-key=invoice] .visibility:text('Private')")
    shoot(page, "process-list")

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".delete").click()
    page.wait_for_selector("#definitions tr[data-key=invoice]", state="detached")
    assert page.locator("#empty").is_visible()
    assert page.errors == []


def test_persian_list_is_right_to_left(signed_in, shoot):
    page = signed_in
    page.goto(f"{page.base}/designer?lang=fa")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "فرایندها"
    shoot(page, "process-list-fa")
