"""Helpers for driving the pages as a browser does: read the form's CSRF token, then post it."""
from __future__ import annotations

import json
import re
from typing import Any


def csrf_of(client: Any, path: str = "/login", **request: Any) -> str:
    """The CSRF token in the form the page at ``path`` shows."""
    html = client.get(path, **request).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_in(client: Any, name: str = "ali", password: str = "secret", next: str | None = None,
            address: str = "127.0.0.1") -> Any:
    query = {"next": next} if next is not None else None
    return client.post("/login", query_string=query, environ_base={"REMOTE_ADDR": address},
                       data={"username": name, "password": password, "csrf_token": csrf_of(client)})


def sign_out(client: Any, page: str = "/designer") -> Any:
    return client.post("/logout", data={"csrf_token": csrf_of(client, page)})


def config_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="charkh-config" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no config block"
    return json.loads(found.group(1))
