"""Static files a browser keeps: every URL the pages build for a static file carries the file's
fingerprint (``/static/pages/cartable.js?v=1a2b3c4d5e6f``), and a request with the current
fingerprint is answered with a year's ``max-age``, so a person's second look at a page asks the
server only for the page and its data. A changed file gets a new fingerprint, hence a new URL;
a request without one (or with an old one) is revalidated as before."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, request

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=1024)
def _fingerprint_of(path: str, modified_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def fingerprint(folder: str, filename: str) -> str | None:
    """The file's content fingerprint, computed again only when the file changes on disk."""
    path = os.path.join(folder, filename)
    try:
        modified_ns = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _fingerprint_of(path, modified_ns)


def keep_static_files(app: Flask) -> None:
    folder = app.static_folder
    if folder is None:
        return

    def add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            found = fingerprint(folder, values["filename"])
            if found:
                values["v"] = found

    def max_age(filename: str | None) -> int | None:
        if filename and request.args.get("v") and request.args.get("v") == fingerprint(folder, filename):
            return YEAR
        return None  # revalidated each time (ETag / Last-Modified)

    app.url_defaults(add_fingerprint)
    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
