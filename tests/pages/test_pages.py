"""The pages as a browser meets them over HTTP: sign-in, redirects, languages, the config block."""
from __future__ import annotations

import re

from tests.pages.forms import config_of, sign_in, sign_out


def test_pages_need_a_sign_in_and_come_back_after_it(client, make_user):
    make_user("ali")
    for path in ("/designer", "/designer/invoice", "/designer/new", "/instances/1"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")

    wrong = sign_in(client, password="nope", next="/designer/invoice")
    assert wrong.status_code == 401 and "Wrong user name or password." in wrong.get_data(as_text=True)

    right = sign_in(client, next="/designer/invoice")
    assert right.status_code == 302 and right.headers["Location"] == "/designer/invoice"


def test_sign_in_never_redirects_off_site(client, make_user):
    make_user("ali")
    for target in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        response = sign_in(client, next=target)
        assert response.headers["Location"] == "/cartable", target  # a plain user lands in the cartable


def test_the_config_block_carries_a_working_token(client, make_user):
    make_user("ali")
    sign_in(client)
    html = client.get("/designer/invoice").get_data(as_text=True)
    config = config_of(html)
    assert config["key"] == "invoice" and config["api"] == "/api/v1" and config["user"] == "ali"
    assert re.search(r'<script src="/static/dist/modeler.js\?v=[0-9a-f]{12}">', html)
    listed = client.get("/api/v1/definitions", headers={"Authorization": f"Bearer {config['token']}"})
    assert listed.status_code == 200
    # A bearer call neither needs nor touches the page's session: no cookie comes back, and the
    # page is still signed in after it.
    assert "Set-Cookie" not in listed.headers
    assert client.get("/designer/invoice").status_code == 200


def test_a_hostile_key_cannot_break_out_of_the_config_block(client, make_user):
    make_user("ali")
    sign_in(client)
    key = "x<script>alert(1)<!--&"
    html = client.get(f"/designer/{key}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<!--" not in html
    assert config_of(html)["key"] == key


def test_languages_persian_right_to_left_and_romanian(client, make_user):
    make_user("ali")
    sign_in(client)
    persian = client.get("/designer?lang=fa").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in persian and "فرایندها" in persian
    assert config_of(persian)["dir"] == "rtl"
    again = client.get("/designer").get_data(as_text=True)  # the choice sticks for the session
    assert 'dir="rtl"' in again
    romanian = client.get("/designer?lang=ro").get_data(as_text=True)
    assert '<html lang="ro" dir="ltr">' in romanian and "Procese" in romanian
    english = client.get("/login", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_sign_out_ends_the_session(client, make_user):
    make_user("ali")
    sign_in(client)
    assert client.get("/designer").status_code == 200
    sign_out(client)
    assert client.get("/designer").status_code == 302


def test_a_plain_user_gets_no_new_process_page_and_no_users_page(client, make_user):
    make_user("ali")
    sign_in(client)
    listed = client.get("/designer").get_data(as_text=True)
    assert config_of(listed)["models"] is False
    assert 'id="new-process"' not in listed and 'id="import-file"' not in listed
    assert client.get("/designer/new").status_code == 403
    assert client.get("/users").status_code == 403


def test_an_analyst_creates_processes_and_an_administrator_manages_users(app, make_user):
    make_user("ana", analyst=True)
    make_user("root", admin=True)
    analyst, admin = app.test_client(), app.test_client()
    sign_in(analyst, "ana")
    sign_in(admin, "root")
    listed = analyst.get("/designer").get_data(as_text=True)
    assert config_of(listed)["models"] is True and 'id="new-process"' in listed
    assert analyst.get("/designer/new").status_code == 200
    assert analyst.get("/users").status_code == 403
    assert 'id="users-link"' in admin.get("/designer").get_data(as_text=True)
    assert admin.get("/users").status_code == 200
