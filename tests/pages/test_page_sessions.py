"""Page sessions as a browser lives them (issue 13, item 4): a cookie that holds no token and is
HttpOnly, SameSite and Secure over https; sessions that end when idle, at their absolute timeout
and on sign-out, taking the pages' token with them."""
from __future__ import annotations

import pytest

from engine.clock import FrozenClock
from tests.pages.forms import config_of, csrf_of, sign_in, sign_out


@pytest.fixture
def clock(charkh):
    charkh.clock = FrozenClock()
    return charkh.clock


def signed_in_page(client) -> int:
    return client.get("/designer").status_code


# --- the cookie ---------------------------------------------------------------------------------

def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_the_session_cookie_is_http_only_and_same_site_and_secure_over_https(app, make_user):
    make_user("ali")
    plain, secure = app.test_client(), app.test_client()

    over_http = _session_cookie(sign_in(plain))
    over_https = _session_cookie(secure.post(
        "/login", base_url="https://charkh.example",
        data={"username": "ali", "password": "secret", "csrf_token": csrf_of(secure, base_url="https://charkh.example")}))

    assert "HttpOnly" in over_http and "SameSite=Lax" in over_http and "Secure" not in over_http
    assert "HttpOnly" in over_https and "Secure" in over_https


def test_the_cookie_is_secure_everywhere_when_the_setting_says_so(settings, charkh, make_user):
    from dataclasses import replace

    from designer.app import create_app

    app = create_app(replace(settings, secure_cookies=True), charkh)
    make_user("ali")

    assert "Secure" in _session_cookie(sign_in(app.test_client()))


def test_the_cookie_holds_no_token(app, client, make_user):
    make_user("ali")
    sign_in(client)
    token = config_of(client.get("/designer").get_data(as_text=True))["token"]
    cookie = client.get_cookie("session")
    contents = app.session_interface.get_signing_serializer(app).loads(cookie.value)

    assert token not in cookie.value and token not in str(contents)
    for value in contents.values():
        answer = client.get("/api/v1/definitions", headers={"Authorization": f"Bearer {value}"})
        assert answer.status_code == 401

# --- sessions end -------------------------------------------------------------------------------

def _page_token(client) -> str:
    return config_of(client.get("/designer").get_data(as_text=True))["token"]


def _api(client, token: str) -> int:
    return client.get("/api/v1/definitions", headers={"Authorization": f"Bearer {token}"}).status_code


def test_sign_out_revokes_the_pages_token(client, make_user):
    make_user("ali")
    sign_in(client)
    token = _page_token(client)
    assert _api(client, token) == 200

    sign_out(client)

    assert _api(client, token) == 401
    assert signed_in_page(client) == 302


def test_an_idle_session_ends_with_its_token(client, make_user, clock):
    make_user("ali")
    sign_in(client)
    token = _page_token(client)

    clock.advance(minutes=31)

    assert signed_in_page(client) == 302
    assert _api(client, token) == 401


def test_using_the_pages_or_their_token_keeps_a_session_alive(client, make_user, clock):
    make_user("ali")
    sign_in(client)
    token = _page_token(client)

    for _ in range(3):
        clock.advance(minutes=20)
        assert signed_in_page(client) == 200
    for _ in range(3):
        clock.advance(minutes=20)
        assert _api(client, token) == 200

    assert signed_in_page(client) == 200


def test_every_session_ends_at_its_absolute_timeout_however_busy(client, make_user, clock):
    make_user("ali")
    sign_in(client)
    token = _page_token(client)
    for _ in range(35):  # eleven hours and forty minutes of work
        clock.advance(minutes=20)
        assert signed_in_page(client) == 200

    clock.advance(minutes=20)

    assert signed_in_page(client) == 302
    assert _api(client, token) == 401


def test_timeouts_follow_the_settings(settings, charkh, make_user):
    from dataclasses import replace

    from designer.app import create_app
    from engine.charkh import Charkh

    engine = Charkh(replace(settings, session_idle_minutes=5), clock=FrozenClock())
    app = create_app(replace(settings, session_idle_minutes=5), engine)
    make_user("ali")
    browser = app.test_client()
    sign_in(browser)

    engine.clock.advance(minutes=6)

    assert signed_in_page(browser) == 302
    engine.close()


def test_signing_out_of_a_page_whose_session_was_already_gone_leads_to_the_sign_in_form(app, make_user):
    make_user("ali")
    browser = app.test_client()
    sign_in(browser)
    old_page_token = csrf_of(browser, "/designer")
    sign_out(browser)

    again = browser.post("/logout", data={"csrf_token": old_page_token})

    assert again.status_code == 302 and again.headers["Location"] == "/login"
