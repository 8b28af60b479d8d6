"""API tokens expire, can be revoked, and are answered with 401 from then on (issue 13)."""
from __future__ import annotations

import pytest

from engine.clock import FrozenClock


@pytest.fixture
def clock(charkh):
    charkh.clock = FrozenClock()
    return charkh.clock


def _definitions(client, token: str):
    return client.get("/api/v1/definitions", headers={"Authorization": f"Bearer {token}"})


def test_a_token_expires_after_the_configured_days(client, charkh, clock):
    charkh.add_user("ali")
    token = charkh.issue_token("ali")
    clock.advance(days=89)
    assert _definitions(client, token).status_code == 200

    clock.advance(days=1)

    refused = _definitions(client, token)
    assert refused.status_code == 401 and "expired" in refused.json["error"]["message"]


def test_a_token_may_be_issued_for_fewer_days(client, charkh, clock):
    charkh.add_user("ali")
    token = charkh.issue_token("ali", days=1)

    clock.advance(hours=25)

    assert _definitions(client, token).status_code == 401


def test_a_revoked_token_is_refused_at_once_though_it_was_just_used(client, charkh):
    charkh.add_user("ali")
    token, other = charkh.issue_token("ali"), charkh.issue_token("ali")
    assert _definitions(client, token).status_code == 200  # now remembered by this process

    [record] = [r for r in charkh.tokens_of("ali") if r.status(charkh.clock()) == "valid"][:1]
    charkh.revoke_tokens("ali", record.id)

    answers = {_definitions(client, token).status_code, _definitions(client, other).status_code}
    assert answers == {200, 401}


def test_revoking_all_of_a_users_tokens_ends_their_page_sessions_too(client, charkh, make_user):
    from tests.pages.forms import config_of, sign_in

    user = make_user("ali")
    sign_in(client)
    page_token = config_of(client.get("/designer").get_data(as_text=True))["token"]

    assert charkh.revoke_tokens("ali") == 2

    assert user.get("/definitions").status_code == 401
    assert _definitions(client, page_token).status_code == 401
    assert client.get("/designer").status_code == 302


def test_listing_shows_kinds_and_states_never_secrets(charkh, clock):
    charkh.add_user("ali")
    old = charkh.issue_token("ali", days=1)
    clock.advance(seconds=1)
    kept = charkh.issue_token("ali")
    clock.advance(seconds=1)
    charkh.open_page_session("ali", "cs_page")
    clock.advance(days=2)

    records = charkh.tokens_of("ali")

    assert [(r.kind, r.status(clock())) for r in records] == [("api", "expired"), ("api", "valid"),
                                                              ("session", "expired")]
    shown = repr(records)
    assert old not in shown and kept not in shown and "cs_page" not in shown


def test_tokens_that_ended_long_ago_are_purged_and_recent_ones_kept(charkh, clock):
    charkh.add_user("ali")
    charkh.issue_token("ali", days=1)
    revoked = charkh.issue_token("ali")
    charkh.revoke_tokens("ali", revoked)
    clock.advance(days=20)
    recent_revoked = charkh.issue_token("ali")
    charkh.revoke_tokens("ali", recent_revoked)
    valid = charkh.issue_token("ali")
    clock.advance(days=15)  # the first two ended 34-35 days ago, the third 15

    assert charkh.purge_tokens() == 2

    listed = {record.id for record in charkh.tokens_of("ali")}
    assert len(listed) == 2
    assert charkh.caller_for_token(valid).name == "ali"
    assert charkh.purge_tokens() == 0


def test_the_scheduler_purges_ended_tokens(charkh, clock):
    from connectors.broker import Dispatch, Scheduler

    charkh.add_user("ali")
    charkh.issue_token("ali", days=1)
    clock.advance(days=40)

    Scheduler(charkh, Dispatch(charkh, None)).tick()

    assert charkh.tokens_of("ali") == []
