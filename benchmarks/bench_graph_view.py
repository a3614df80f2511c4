"""Benchmark the graph views on a synthetic vault against the budgets of the graph-views issue.

    .venv/bin/python benchmarks/bench_graph_view.py [--notes 1000] [--keep DIR | --site DIR]

Builds the synthetic vault's site with the repository's mkdocs.yml, then measures:
- build-time cost of the layout and the global data;
- payloads: graph JS + CSS (budget 64 KB), global graph data (300 KB at 1,000 notes), the
  largest inline local-graph data of a note page, and that no note page refers to the global data;
- in headless chromium (served from 127.0.0.1): time until the global view is interactive
  (budget 1 s), the longest task after load while hovering and zooming (budget 200 ms) — medians
  of 5 loads, with the worst load shown too — and that
  a note page requests nothing but its own assets (never graph.json, nothing off localhost).
Prints one line per figure and exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
GRAPH_ASSETS = ("lemma-graph.js", "lemma-graph.css", "lemma-preview.js")
RUNS = 5  # page loads of the global view; figures are medians (the machine may be busy)
LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
}).observe({type: "longtask", buffered: true});
"""


WAIT_READY = """new Promise(done => {
  const poll = () => document.querySelector("[data-lemma-graph][data-ready]") ? done()
    : setTimeout(poll, 10);
  poll();
})"""
CANVAS_BOX = """(() => {
  const b = document.querySelector(".lemma-graph-stage canvas").getBoundingClientRect();
  return {x: b.x, y: b.y, width: b.width, height: b.height};
})()"""


def build(notes: int, work: Path) -> tuple[Path, float, float]:
    """Write the vault, time layout + data, build the site; (site, layout s, build s)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from lemma.graph.concept import build_graph
    from lemma.site import graph_view
    from lemma.synth import write_synthetic_vault
    from lemma.vault import load_vault

    vault_dir, site = work / "vault", work / "site"
    write_synthetic_vault(vault_dir, notes)
    graph = build_graph(load_vault(vault_dir))
    start = time.perf_counter()
    graph_view.global_data(graph, {})
    layout_s = time.perf_counter() - start
    graph_view._layout_cache.clear()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    start = time.perf_counter()
    mkdocs_build(load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(vault_dir),
                             site_dir=str(site)))
    return site, layout_s, time.perf_counter() - start


def payloads(site: Path) -> dict[str, float]:
    """Byte sizes of the graph assets, the global data and the inline local data."""
    assets = site / "assets" / "lemma"
    inline = []
    refers = 0
    for page in site.glob("*/*/index.html"):
        text = page.read_text(encoding="utf-8")
        refers += "graph.json" in text
        found = re.search(r'class="lemma-graph-data">(.*?)</script>', text, re.S)
        if found:
            inline.append(len(found.group(1).encode("utf-8")))
    return {
        "graph JS + CSS (bytes)": sum((assets / n).stat().st_size for n in GRAPH_ASSETS),
        "global graph data (bytes)": (assets / "graph.json").stat().st_size,
        "largest inline local data (bytes)": max(inline, default=0),
        "mean inline local data (bytes)": round(sum(inline) / max(len(inline), 1)),
        "note pages referring to graph.json": refers,
    }


def browse(site: Path, note_url: str) -> dict[str, float]:
    """Time-to-interactive of the global view, long tasks, and a note page's requests."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            runs = [_global_view(browser, base) for _ in range(RUNS)]
            figures = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            figures["worst run: interactive (ms)"] = max(r["global view interactive (ms)"]
                                                         for r in runs)
            figures["worst run: longest task (ms)"] = max(r["longest task after load (ms)"]
                                                          for r in runs)
            figures.update(_note_page(browser, base + note_url))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return figures


def _global_view(browser, base: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.add_init_script(LONGTASKS)
    page.goto(base + "graph/")  # returns after the load event
    page.evaluate(WAIT_READY)  # plain evaluate: Playwright's selector engine would run in the
    ready = page.evaluate("performance.getEntriesByName('lemma-graph-ready')[0].startTime")
    drawn = page.evaluate("+document.querySelector('[data-lemma-graph]').dataset.drawn")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    box = page.evaluate(CANVAS_BOX)  # page and show up as its long tasks
    for step in range(40):  # hover across the graph, then zoom in and out
        page.mouse.move(box["x"] + box["width"] * (0.2 + step / 65),
                        box["y"] + box["height"] * (0.3 + (step % 7) / 14))
    for delta in (-300, -300, -300, 600, 300):
        page.mouse.wheel(0, delta)
        page.wait_for_timeout(60)
    page.wait_for_timeout(300)
    tasks = page.evaluate("window.__longtasks")
    after = [d for start, d in tasks if start >= loaded]
    context.close()
    return {"global view interactive (ms)": round(ready), "global nodes drawn": drawn,
            "longest task after load (ms)": round(max(after, default=0))}


def _note_page(browser, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(url)
    page.evaluate(WAIT_READY)
    ready = page.evaluate("performance.getEntriesByName('lemma-graph-ready')[0].startTime")
    context.close()
    return {"note page local graph ready (ms)": round(ready),
            "note page requests for graph.json": sum("graph.json" in u for u in seen),
            "requests off localhost": sum(urlsplit(u).hostname != "127.0.0.1" for u in seen
                                          if urlsplit(u).scheme in ("http", "https"))}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


BUDGETS = {
    "graph JS + CSS (bytes)": 64_000,  # labels clear of nodes and folder colours: +4 KB
    "global graph data (bytes)": 300_000,
    "note pages referring to graph.json": 0,
    "global view interactive (ms)": 1000,
    "longest task after load (ms)": 200,
    "note page requests for graph.json": 0,
    "requests off localhost": 0,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    parser.add_argument("--site", type=Path, help="measure this built site (no build)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures: dict[str, float] = {"notes": args.notes}
        if args.site:
            site = args.site
        else:
            site, layout_s, build_s = build(args.notes, args.keep or Path(tmp))
            figures["layout + global data (s)"] = round(layout_s, 2)
            figures["site build (s)"] = round(build_s, 1)
        figures.update(payloads(site))
        if Path(CHROMIUM).exists():
            note = min(site.glob("papers/paper-*/index.html")).parent.relative_to(site)
            figures.update(browse(site, f"{note.as_posix()}/"))
        else:
            print(f"no browser at {CHROMIUM}: browser figures skipped")
    failed = False
    for name, value in figures.items():
        budget = BUDGETS.get(name)
        verdict = "" if budget is None else ("  ok" if value <= budget else "  OVER BUDGET")
        failed |= budget is not None and value > budget
        limit = f" (budget {budget:,})" if budget is not None else ""
        print(f"{name:38} {value:>10,}{limit}{verdict}")
    if figures.get("global nodes drawn", args.notes) != args.notes:
        print("the global view did not draw every note")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
