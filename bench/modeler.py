"""Designer benchmark: how long a 500-element diagram takes to open and to save in the modeler.

Target (issue #3): opens in < 1 s, saves in < 200 ms on this machine. Runs `charkh serve`-like
app in-process on a throwaway SQLite, drives Debian's Chromium with Playwright, and reports
medians over several runs of: page load to the diagram shown (importXML included), importXML
alone, and saveXML (+ the POST that stores the new version).

    .venv/bin/python bench/modeler.py [--elements 500] [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def big_model(elements: int) -> bytes:
    """A laid-out process of about `elements` BPMN elements (flow nodes + sequence flows):
    tasks of three kinds in a chain, with an exclusive split/join every ten tasks."""
    from bpmn_io import layout_process

    nodes = ['<startEvent id="start" name="Start"/>']
    flows = []
    last = "start"
    count = 1
    n = 0
    kinds = ("userTask", "serviceTask", "scriptTask")
    while count + len(flows) < elements - 4:
        n += 1
        if n % 10 == 0:
            split, join, side = f"split_{n}", f"join_{n}", f"side_{n}"
            nodes += [f'<exclusiveGateway id="{split}" name="Check {n}?"/>',
                      f'<userTask id="{side}" name="Side step {n}"/>',
                      f'<exclusiveGateway id="{join}"/>']
            flows += [(last, split), (split, side), (split, join), (side, join)]
            last = join
            count += 3
        else:
            task = f"task_{n}"
            kind = kinds[n % 3]
            nodes.append(f'<{kind} id="{task}" name="Step {n} of the big process"/>')
            flows.append((last, task))
            last = task
            count += 1
    nodes.append('<endEvent id="end" name="End"/>')
    flows.append((last, "end"))
    # The layouter walks each node's outgoing list, so every node lists its flows.
    links: dict[str, list[str]] = {}
    for i, (a, b) in enumerate(flows):
        links.setdefault(a, []).append(f"<outgoing>flow_{i}</outgoing>")
        links.setdefault(b, []).append(f"<incoming>flow_{i}</incoming>")
    nodes = [node.replace("/>", ">" + "".join(links.get(node.split('id="')[1].split('"')[0], [])) + "</"
                          + node[1:].split(" ")[0] + ">") for node in nodes]
    flow_xml = [f'<sequenceFlow id="flow_{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(flows)]
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_big" '
           'targetNamespace="https://charkh.dev/bench">\n'
           '<process id="big" name="Big process" isExecutable="true">\n'
           + "\n".join(nodes + flow_xml) + "\n</process>\n</definitions>\n")
    return layout_process(xml).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to bench/RESULTS.md")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    from designer.app import create_app
    from engine.settings import Settings

    data = big_model(args.elements)
    folder = tempfile.mkdtemp(prefix="charkh-bench-designer-")
    app = create_app(Settings.from_env(folder))
    charkh = app.extensions["charkh"]
    charkh.add_user("bench", "bench", [], [], admin=True, analyst=True)
    stored = charkh.import_bpmn(data, caller=charkh.caller_named("bench"))
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    port = server.socket.getsockname()[1]
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"

    figures: dict[str, list[float]] = {"open_ms": [], "import_ms": [], "save_ms": [], "save_and_store_ms": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", "bench")
        page.click("#sign-in")
        page.wait_for_url(f"{base}/designer")
        for run in range(args.runs + 1):
            page.goto(f"{base}/designer/{stored['key']}")
            page.wait_for_function("window.charkh && window.charkh.ready")
            page.evaluate("window.charkh.ready")
            # Navigation start to the first import done, as the analyst waits for it.
            opened = page.evaluate("window.charkh.openedAt || performance.now()")
            imported = page.evaluate("""async () => {
                const xml = (await window.charkh.modeler.saveXML()).xml;
                const t0 = performance.now();
                await window.charkh.modeler.importXML(xml);
                return performance.now() - t0;
            }""")
            saved = page.evaluate("""async () => {
                const t0 = performance.now();
                await window.charkh.modeler.saveXML({ format: true });
                return performance.now() - t0;
            }""")
            stored_ms = page.evaluate("""async () => {
                const t0 = performance.now();
                await window.charkh.save();
                return performance.now() - t0;
            }""")
            if run == 0:
                elements = page.evaluate("window.charkh.modeler.get('elementRegistry').getAll().length")
                continue  # warm-up: caches, JIT
            figures["open_ms"].append(opened)
            figures["import_ms"].append(imported)
            figures["save_ms"].append(saved)
            figures["save_and_store_ms"].append(stored_ms)
        browser_version = browser.version
        browser.close()
    server.close()

    lines = [f"designer: {args.elements}-element model ({len(data) // 1024} KiB, {elements} shapes and "
             f"connections on the canvas), {args.runs} runs, medians:"]
    for name, values in figures.items():
        lines.append(f"  {name:18} {statistics.median(values):8.1f} ms   "
                     f"(min {min(values):.1f}, max {max(values):.1f})")
    open_ok = statistics.median(figures["open_ms"]) < 1000
    save_ok = statistics.median(figures["save_ms"]) < 200
    lines.append(f"  targets: open < 1000 ms -> {'met' if open_ok else 'NOT met'}; "
                 f"save < 200 ms -> {'met' if save_ok else 'NOT met'}")
    print("\n".join(lines))
    if not args.no_record:
        from run import append_section  # bench/run.py, beside this file

        append_section("designer", [f"- command: `.venv/bin/python bench/modeler.py --elements {args.elements} "
                                    f"--runs {args.runs}` (Chromium {browser_version}, headless)",
                                    "- open_ms: navigation start to the first import shown; import_ms: importXML "
                                    "alone; save_ms: saveXML; save_and_store_ms: saveXML + POST of a new version",
                                    "", "```", *lines, "```"])

if __name__ == "__main__":
    main()
