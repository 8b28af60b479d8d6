"""Static files as a browser keeps them (designer/static_files.py): pages name each script and
stylesheet by a URL that carries the file's fingerprint; that URL is kept a year, any other is
revalidated, and a changed file gets a new URL."""
from __future__ import annotations

import os
import re

from tests.pages.forms import sign_in

SCRIPT = re.compile(r'src="(/static/pages/cartable\.js\?v=([0-9a-f]{12}))"')


def test_a_pages_scripts_are_kept_by_the_browser_until_they_change(client, make_user):
    make_user("ali")
    sign_in(client, "ali")
    html = client.get("/cartable").get_data(as_text=True)
    url = SCRIPT.search(html).group(1)
    kept = client.get(url)
    assert kept.status_code == 200
    assert kept.headers["Cache-Control"] == "public, max-age=31536000"
    assert "(function ()" in kept.get_data(as_text=True)

    for stale in ("/static/pages/cartable.js", "/static/pages/cartable.js?v=000000000000"):
        answer = client.get(stale)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-cache"  # asked again, answered 304 while unchanged
        assert client.get(stale, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304



def test_a_changed_file_gets_a_new_fingerprint(tmp_path):
    from designer.static_files import fingerprint

    script = tmp_path / "pages" / "cartable.js"
    script.parent.mkdir()
    script.write_text("// first\n")
    first = fingerprint(str(tmp_path), "pages/cartable.js")
    script.write_text("// changed\n")
    os.utime(script, ns=(script.stat().st_atime_ns, script.stat().st_mtime_ns + 1_000_000))
    assert fingerprint(str(tmp_path), "pages/cartable.js") not in (None, first)
    assert fingerprint(str(tmp_path), "pages/no-such-file.js") is None
