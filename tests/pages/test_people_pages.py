"""The people's pages over HTTP (issue 15): where each person lands, who may open what, real
404s, the favicon, and the language chosen before signing in."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo

from tests.pages.forms import config_of, sign_in

DESIGNER = Path(__file__).resolve().parents[2] / "designer"


def test_the_people_pages_need_a_sign_in(client):
    for path in ("/cartable", "/cartable/1", "/start", "/work", "/"):
        response = client.get(path, follow_redirects=path == "/")
        assert response.status_code in (200, 302)
        if path != "/":
            assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/", follow_redirects=True).request.path == "/login"


def test_plain_users_land_in_their_cartable_and_people_who_model_in_the_process_list(client, make_user):
    make_user("pia", groups=["sales"])
    make_user("ana", analyst=True)
    make_user("root", admin=True)
    assert sign_in(client, "pia").headers["Location"] == "/cartable"
    assert client.get("/").headers["Location"] == "/cartable"
    assert sign_in(client, "ana").headers["Location"] == "/designer"
    assert sign_in(client, "root").headers["Location"] == "/designer"


def test_the_cartable_page_carries_its_texts_and_a_working_token(client, make_user):
    make_user("pia", groups=["sales"])
    sign_in(client, "pia")
    html = client.get("/cartable?lang=fa").get_data(as_text=True)
    assert 'dir="rtl"' in html and "کارتابل" in html
    token = config_of(html)["token"]
    assert client.get("/api/v1/work-items", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_who_works_on_what_is_for_supervisors_and_administrators(client, make_user, charkh):
    make_user("pia", groups=["sales"])
    make_user("sol", groups=["supervisors"])
    sign_in(client, "pia")
    refused = client.get("/work")
    assert refused.status_code == 403 and "supervisors" in refused.get_data(as_text=True)
    assert 'id="nav-work"' not in client.get("/cartable").get_data(as_text=True)
    sign_in(client, "sol")
    assert client.get("/work").status_code == 200
    assert 'id="nav-work"' in client.get("/cartable").get_data(as_text=True)


def test_a_missing_item_or_instance_is_a_404_page_and_anothers_a_403(client, make_user, model):
    make_user("otto", groups=["others"])
    assert make_user("ana", analyst=True).upload(model("invoice.bpmn")).status_code == 201
    pia = make_user("pia", groups=["sales"])
    started = pia.start("invoice", {"number": 1}).json
    item_id = started["work_items"][0]["id"]
    sign_in(client, "otto")
    for path in ("/instances/999", "/cartable/999", "/instances/abc"):
        response = client.get(path)
        assert response.status_code == 404 and 'id="error-message"' in response.get_data(as_text=True), path
    assert client.get(f"/instances/{started['id']}").status_code == 403
    assert client.get(f"/cartable/{item_id}").status_code == 403
    sign_in(client, "pia")
    assert client.get(f"/instances/{started['id']}").status_code == 200


def test_the_language_chosen_before_signing_in_stays_and_language_links_keep_next(client, make_user):
    make_user("pia", groups=["sales"])
    html = client.get("/login?next=/cartable&lang=ro").get_data(as_text=True)
    assert "next=%2Fcartable" in html.split('lang="fa"')[0].rsplit("href=", 1)[1]
    sign_in(client, "pia", next="/cartable")
    assert 'lang="ro"' in client.get("/cartable").get_data(as_text=True)


def test_the_favicon_is_there(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


@pytest.mark.parametrize("language", ["fa", "ro"])
def test_every_string_of_the_people_pages_is_translated(language):
    with open(DESIGNER / "translations" / language / "LC_MESSAGES" / "messages.mo", "rb") as compiled:
        catalog = read_mo(compiled)
    strings = {message for template in ("cartable.html", "item.html", "start.html", "work.html")
               for _, message, _, _ in extract_from_file("jinja2", DESIGNER / "templates" / template)}
    strings |= {message for source in ("cartable_pages.py", "page_texts.py")
                for _, message, _, _ in extract_from_file("python", DESIGNER / source)}

    untranslated = sorted(s for s in strings if not (catalog.get(s) and catalog.get(s).string))
    assert untranslated == []
