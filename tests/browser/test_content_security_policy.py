"""The pages under their content security policy in a real browser: nothing they do is refused
(a refusal shows as a console message naming the policy), and a script injected inline is."""
from __future__ import annotations

from tests.browser.canvas import open_modeler, saved_xml
from tests.browser.waiting import wait_until


def _refusals(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def test_the_list_the_modeler_and_its_exports_run_under_the_policy(signed_in, shoot):
    page = signed_in
    refused = _refusals(page)
    page.goto(f"{page.base}/designer")
    page.wait_for_selector("#definitions")

    open_modeler(page, "/designer/new")
    assert "<bpmn:startEvent" in saved_xml(page)
    page.locator(".djs-palette").wait_for()
    shoot(page, "modeler-under-csp")

    assert refused == [] and page.errors == []


def test_an_inline_script_is_refused(signed_in):
    page = signed_in
    refused = _refusals(page)

    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = true'; document.body.appendChild(s); }""")

    wait_until(page, "() => true")
    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in text for text in refused)
