"""The /calendar page over HTTP: it needs a sign-in, and every one of its strings is in fa and ro."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo

from tests.pages.forms import sign_in

DESIGNER = Path(__file__).resolve().parents[2] / "designer"


def test_the_calendar_needs_a_sign_in_and_then_shows_the_page(client, make_user):
    make_user("ali")
    assert client.get("/calendar").headers["Location"] == "/login?next=/calendar"

    sign_in(client, next="/calendar")
    html = client.get("/calendar?lang=fa").get_data(as_text=True)

    assert 'dir="rtl"' in html and "تقویم" in html and "کار جدید" in html
    assert re.search(r'<script type="module" src="/static/pages/calendar/main.js\?v=[0-9a-f]{12}">', html)


@pytest.mark.parametrize("template", ["calendar.html", "_bell.html", "base.html"])
@pytest.mark.parametrize("language", ["fa", "ro"])
def test_every_string_of_the_calendar_page_and_the_bell_is_translated(language, template):
    with open(DESIGNER / "translations" / language / "LC_MESSAGES" / "messages.mo", "rb") as compiled:
        catalog = read_mo(compiled)
    strings = {message for _, message, _, _ in extract_from_file("jinja2", DESIGNER / "templates" / template)}

    untranslated = sorted(s for s in strings if not (catalog.get(s) and catalog.get(s).string))
    assert untranslated == []
