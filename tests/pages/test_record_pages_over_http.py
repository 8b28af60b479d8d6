"""The records pages over HTTP (issue 16, item 2): they need a sign-in, a missing entity or record
is a 404 page, the entities page is the administrators', entities are named in the page's
language, and every string of the pages and their scripts is in fa and ro."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo

from tests.pages.forms import config_of, sign_in

DESIGNER = Path(__file__).resolve().parents[2] / "designer"
TEMPLATES = ("records_index.html", "records_list.html", "record.html", "entities.html")


def test_the_records_pages_need_a_sign_in(client):
    for path in ("/records", "/records/invoice", "/records/invoice/1", "/admin/entities"):
        assert client.get(path).headers["Location"] == f"/login?next={path}"


def test_the_records_index_lists_the_entities_in_the_pages_language(client, make_user):
    make_user("pia")
    sign_in(client, "pia")
    html = client.get("/records?lang=fa").get_data(as_text=True)
    assert 'href="/records/invoice">فاکتور</a>' in html and 'id="nav-records"' in html
    assert 'id="define-entities"' not in html  # not an administrator


def test_a_missing_entity_or_record_is_a_404_page(client, make_user):
    pia = make_user("pia")
    contact = pia.post("/records/contact", json={"fields": {"first_name": "Ana"}}).json
    sign_in(client, "pia")
    for path in ("/records/spaceship", "/records/invoice/999", "/records/invoice/abc",
                 f"/records/invoice/{contact['id']}"):  # a contact, not an invoice
        response = client.get(path)
        assert response.status_code == 404 and 'id="error-message"' in response.get_data(as_text=True), path
    found = client.get(f"/records/contact/{contact['id']}")
    assert found.status_code == 200
    assert config_of(found.get_data(as_text=True))["record"] == contact["id"]


def test_the_entities_page_is_for_administrators(app, make_user):
    make_user("pia")
    make_user("root", admin=True)
    plain, admin = app.test_client(), app.test_client()
    sign_in(plain, "pia")
    sign_in(admin, "root")
    refused = plain.get("/admin/entities?lang=fa")
    assert refused.status_code == 403 and "فقط مدیران سامانه موجودیت تعریف می‌کنند." in refused.get_data(as_text=True)
    assert admin.get("/admin/entities").status_code == 200
    assert 'id="define-entities"' in admin.get("/records").get_data(as_text=True)


@pytest.mark.parametrize("language", ["fa", "ro"])
def test_every_string_of_the_records_pages_is_translated(language):
    with open(DESIGNER / "translations" / language / "LC_MESSAGES" / "messages.mo", "rb") as compiled:
        catalog = read_mo(compiled)
    strings = {message for name in TEMPLATES
               for _, message, _, _ in extract_from_file("jinja2", DESIGNER / "templates" / name)}
    strings |= {message for _, message, _, _ in extract_from_file("python", DESIGNER / "record_pages.py")}
    strings |= {message for _, message, _, _ in extract_from_file("python", DESIGNER / "page_texts.py")}

    untranslated = sorted(s for s in strings if not (catalog.get(s) and catalog.get(s).string))
    assert untranslated == []
