"""What bpmn-js drops when the designer opens and saves the MIWG reference models unchanged.

Writes docs/miwg-in-the-designer.md: per file, the facts (tests/bpmn_compare.py) lost by
a plain bpmn-js Modeler and by Charkh's modeler (Camunda + Charkh moddles, behaviours, element
templates). Charkh never stores such a rewrite of an unchanged file: saving or exporting an
unchanged diagram gives back the file as uploaded; the figures say what an *edited* file loses.

    .venv/bin/python bench/miwg_modeler.py
"""
from __future__ import annotations

import collections
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.test_miwg import MODELS, ROUND_TRIP, bpmn_compare, lost  # noqa: E402  the same measure

DOC = ROOT / "docs" / "miwg-in-the-designer.md"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def describe(facts: set) -> str:
    """A short account of lost facts: how many of each kind."""
    kinds = collections.Counter(fact[0] if isinstance(fact, tuple) and fact else "fact" for fact in facts)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))


def main() -> None:
    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    from designer.app import create_app
    from engine.settings import Settings

    compare = bpmn_compare
    app = create_app(Settings.from_env(tempfile.mkdtemp(prefix="charkh-miwg-")))
    app.extensions["charkh"].add_user("bench", "bench", [], [], True)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
    threading.Thread(target=server.run, daemon=True).start()

    rows = []
    details = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", "bench")
        page.click("#sign-in")
        page.goto(f"{base}/designer/new")
        page.wait_for_function("window.charkh && window.charkh.ready")
        page.evaluate("window.charkh.ready")
        versions = page.evaluate("window.charkh.versions || null")
        for path in MODELS:
            original = path.read_bytes()
            total = len(compare.facts(original))
            results = page.evaluate(ROUND_TRIP, original.decode("utf-8"))
            cells = []
            for flavour in ("plain", "charkh"):
                gone = lost(compare, original, results[flavour])
                if gone is None:
                    cells.append("cannot save: " + results[flavour]["error"].splitlines()[0][:80])
                    continue
                cells.append(f"{len(gone)} ({describe(gone)})" if gone else "0")
                if gone and flavour == "charkh":
                    details.append((path.name, sorted(map(repr, gone))[:12], len(gone)))
            rows.append(f"| {path.name} | {total} | {cells[0]} | {cells[1]} |")
        browser.close()
    server.close()

    lines = [
        "# MIWG reference models in the designer",
        "",
        "Written by `bench/miwg_modeler.py` (Debian's Chromium, headless); never edited by hand.",
        "",
        "Each of the 21 models of `tests/models/miwg` is imported into bpmn-js and saved",
        "unchanged; `tests/bpmn_compare.py` counts the facts of the original that the",
        "saved XML no longer has. *plain* is a bare bpmn-js Modeler, *Charkh* the designer's",
        "modeler (Camunda and Charkh moddles, Camunda behaviours, element templates).",
        "",
        "Charkh never keeps such a rewrite of an unchanged file: saving or exporting a diagram",
        "the analyst did not change gives back the file as uploaded, byte for byte",
        "(`tests/browser/test_miwg.py`). The losses below apply once a file is edited.",
        "",
        "| file | facts | lost by plain bpmn-js | lost by Charkh's modeler |",
        "| --- | ---: | --- | --- |",
        *rows,
        "",
        "## What is dropped, file by file (Charkh's modeler, first facts of each)",
        "",
    ]
    for name, facts, count in details:
        lines += [f"### {name} ({count} facts)", "", "```", *facts, "```", ""]
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines))
    print("\n".join(rows))
    print(f"written {DOC.relative_to(ROOT)} (bpmn-js {versions or 'see designer/frontend/package.json'})")


if __name__ == "__main__":
    main()
