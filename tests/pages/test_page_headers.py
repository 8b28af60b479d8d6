"""Headers on every answer: the pages' content security policy, no framing, no sniffing."""
from __future__ import annotations

from tests.pages.forms import sign_in


def test_pages_send_a_content_security_policy_and_refuse_framing(client, make_user):
    make_user("ali")
    sign_in(client)

    for path in ("/login", "/designer", "/designer/invoice", "/instances/1"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, path
        assert "base-uri 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path


def test_api_answers_are_not_sniffed(client, make_user):
    user = make_user("ali")

    for response in (user.get("/definitions"), client.get("/api/v1/definitions"), user.get("/instances/x")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
