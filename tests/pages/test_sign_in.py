"""Signing in and out as a browser does, and what an attacker meets (issue 13, item 4): backoff
before hashing, the same work for unknown names, redirects only on this site, CSRF tokens.
(Sessions and cookies: test_page_sessions.py; headers: test_page_headers.py.)"""
from __future__ import annotations

import pytest

from engine.clock import FrozenClock
from engine.store import people
from tests.pages.forms import csrf_of, sign_in, sign_out

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.7"


@pytest.fixture
def clock(charkh):
    charkh.clock = FrozenClock()
    return charkh.clock


@pytest.fixture
def hashing(monkeypatch):
    """Counts the password verifications argon2 performs."""
    calls: list[str] = []
    real = people._hasher

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(password)
            return real.verify(stored, password)

        def hash(self, password: str) -> str:
            return real.hash(password)

    monkeypatch.setattr(people, "_hasher", Counting())
    return calls


def signed_in_page(client) -> int:
    return client.get("/designer").status_code

# --- backoff and lockout -----------------------------------------------------------------------

def test_a_name_locked_by_failures_is_refused_without_hashing(app, client, make_user, clock, hashing):
    make_user("ali")
    for _ in range(6):  # five free failures, the sixth locks the name for a second
        assert sign_in(client, password="guess", address=ATTACKER).status_code == 401
    hashed_before = len(hashing)

    refused = sign_in(client, password="secret", address=ATTACKER)

    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    assert len(hashing) == hashed_before
    assert signed_in_page(client) == 302


def test_the_real_user_signs_in_from_another_address_while_an_attacker_keeps_the_name_locked(
        app, make_user, clock):
    make_user("ali")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(8):
        sign_in(attacker, password="guess", address=ATTACKER)
    assert sign_in(attacker, password="secret", address=ATTACKER).status_code == 429

    signed = sign_in(owner, password="secret", address=OFFICE)

    assert signed.status_code == 302 and signed_in_page(owner) == 200


def test_an_address_that_keeps_failing_is_refused_for_every_name_and_others_are_not(
        app, make_user, clock, hashing):
    make_user("ali")
    make_user("sara")
    guesser, colleague = app.test_client(), app.test_client()
    for number in range(21):  # twenty free failures per address, over many names
        assert sign_in(guesser, name=f"user{number}", password="guess", address=ATTACKER).status_code == 401
    hashed_before = len(hashing)

    assert sign_in(guesser, name="sara", password="secret", address=ATTACKER).status_code == 429
    assert len(hashing) == hashed_before
    assert sign_in(colleague, name="sara", password="secret", address=OFFICE).status_code == 302


def test_the_backoff_doubles_and_then_lets_the_name_try_again(client, make_user, clock):
    make_user("ali")
    for _ in range(6):
        sign_in(client, password="guess", address=ATTACKER)
    first_lock = int(sign_in(client, password="guess", address=ATTACKER).headers["Retry-After"])
    clock.advance(seconds=first_lock)
    assert sign_in(client, password="guess", address=ATTACKER).status_code == 401  # heard, and wrong

    second_lock = int(sign_in(client, password="guess", address=ATTACKER).headers["Retry-After"])
    clock.advance(seconds=second_lock)

    assert second_lock == 2 * first_lock
    assert sign_in(client, password="secret", address=ATTACKER).status_code == 302


def test_unknown_names_are_counted_and_locked_like_known_ones(client, clock):
    for _ in range(6):
        assert sign_in(client, name="ghost", password="guess", address=ATTACKER).status_code == 401

    assert sign_in(client, name="ghost", password="guess", address=ATTACKER).status_code == 429


def test_a_successful_sign_in_forgets_the_names_failures(app, make_user, clock):
    make_user("ali")
    for _ in range(4):
        sign_in(app.test_client(), password="typo", address=OFFICE)
    assert sign_in(app.test_client(), password="secret", address=OFFICE).status_code == 302

    for _ in range(5):
        assert sign_in(app.test_client(), password="typo", address=OFFICE).status_code == 401


def test_failures_are_forgotten_after_a_day(client, make_user, clock):
    make_user("ali")
    for _ in range(7):
        sign_in(client, password="guess", address=ATTACKER)
    assert sign_in(client, password="guess", address=ATTACKER).status_code == 429

    clock.advance(hours=25)

    for _ in range(5):  # a fresh count: five free failures again
        assert sign_in(client, password="guess", address=ATTACKER).status_code == 401


# --- the same work for unknown names -----------------------------------------------------------

def test_known_and_unknown_names_and_users_without_a_password_all_cost_one_hashing(
        client, charkh, make_user, hashing):
    make_user("ali")
    charkh.add_user("robot")  # no password: signs in only with tokens

    answers = [sign_in(client, name=name, password="guess").status_code for name in ("ali", "nobody", "robot")]

    assert answers == [401, 401, 401]
    assert len(hashing) == 3


def test_a_forged_forwarded_for_header_does_not_escape_the_address_lock(client, clock):
    for number in range(21):
        sign_in(client, name=f"user{number}", password="guess", address=ATTACKER)

    spoofed = client.post("/login", environ_base={"REMOTE_ADDR": ATTACKER},
                          headers={"X-Forwarded-For": "192.0.2.1"},
                          data={"username": "sara", "password": "guess", "csrf_token": csrf_of(client)})

    assert spoofed.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings, charkh, make_user):
    from dataclasses import replace

    from designer.app import create_app

    app = create_app(replace(settings, trusted_proxies=1), charkh)
    make_user("ali")
    guesser, colleague = app.test_client(), app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(21):
        guesser.post("/login", environ_base=proxy, headers={"X-Forwarded-For": ATTACKER},
                     data={"username": f"user{number}", "password": "guess", "csrf_token": csrf_of(guesser)})

    locked = guesser.post("/login", environ_base=proxy, headers={"X-Forwarded-For": ATTACKER},
                          data={"username": "ali", "password": "secret", "csrf_token": csrf_of(guesser)})
    signed = colleague.post("/login", environ_base=proxy, headers={"X-Forwarded-For": OFFICE},
                            data={"username": "ali", "password": "secret", "csrf_token": csrf_of(colleague)})

    assert locked.status_code == 429 and signed.status_code == 302


# --- redirects after sign-in -------------------------------------------------------------------

@pytest.mark.parametrize("raw_next", [
    "/%09/evil.example/", "/%0a/evil.example/", "%0a", "/x%0d%0aSet-Cookie:%20a=b", "//evil.example/x",
    "https://evil.example/x", "/%5C%5Cevil.example", "/\\evil.example", "javascript:alert(1)",
    "%2F%2Fevil.example", "",
])
def test_sign_in_redirects_only_to_paths_on_this_site(client, make_user, raw_next):
    make_user("ali")
    token = csrf_of(client)

    response = client.post(f"/login?next={raw_next}",
                           data={"username": "ali", "password": "secret", "csrf_token": token})

    assert response.status_code == 302 and response.headers["Location"] == "/cartable"  # a plain user's landing


def test_sign_in_keeps_a_path_with_a_query(client, make_user):
    make_user("ali")

    response = sign_in(client, next="/designer/invoice?lang=fa")

    assert response.headers["Location"] == "/designer/invoice?lang=fa"

# --- CSRF ---------------------------------------------------------------------------------------

def test_a_sign_in_without_the_forms_token_does_nothing(app, make_user):
    make_user("ali")
    browser = app.test_client()
    csrf_of(browser)  # the browser has a session, but the forged form has no token

    missing = browser.post("/login", data={"username": "ali", "password": "secret"})
    wrong = browser.post("/login", data={"username": "ali", "password": "secret", "csrf_token": "forged"})

    assert missing.status_code == 403 and wrong.status_code == 403
    assert "expired" in wrong.get_data(as_text=True)
    assert signed_in_page(browser) == 302


def test_a_token_from_another_browsers_session_does_not_pass(app, make_user):
    make_user("ali")
    attacker, victim = app.test_client(), app.test_client()
    stolen = csrf_of(attacker)
    csrf_of(victim)

    forged = victim.post("/login", data={"username": "ali", "password": "secret", "csrf_token": stolen})

    assert forged.status_code == 403 and signed_in_page(victim) == 302


def test_a_sign_out_without_the_forms_token_leaves_the_user_signed_in(client, make_user):
    make_user("ali")
    sign_in(client)

    forged = client.post("/logout")

    assert forged.status_code == 403 and forged.json["error"]["code"] == "forbidden"
    assert signed_in_page(client) == 200


def test_the_sign_out_form_carries_the_token(client, make_user):
    make_user("ali")
    sign_in(client)

    assert sign_out(client).status_code == 302
    assert signed_in_page(client) == 302
