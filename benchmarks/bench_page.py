"""What a reader waits for on one page: time until its math is visible, layout shift, weight.

    .venv/bin/python benchmarks/bench_page.py SITE_DIR [--page papers/some-note/] [--breakdown]

Serves a built site from 127.0.0.1 and opens the page in headless chromium, at 1x and 4x CPU
throttling (CDP `Emulation.setCPUThrottlingRate`), 3 loads each, and prints medians of:
- first math: ms from navigation until the first formula shows typeset with its fonts loaded;
- all math: until every formula holds typeset KaTeX, the document is parsed and no KaTeX
  font is still loading;
- CLS: the page's cumulative layout shift during the load and 1 s after it;
- weight: bytes of every response the page load moved, raw and gzipped (level 6), and requests
  (`--breakdown` lists them, heaviest first).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import threading
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
RUNS = 3
PROBE = """
window.__cls = 0;
new PerformanceObserver(l => { for (const e of l.getEntries())
  if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({type: 'layout-shift', buffered: true});
window.__firstMath = null; window.__mathAt = null;
(function poll() {
  const formulas = document.querySelectorAll('.arithmatex');
  const fonts = document.fonts && [...document.fonts].every(f => !/KaTeX/.test(f.family)
                                                              || f.status !== 'loading');
  const done = [...formulas].filter(el => el.querySelector('.katex')).length;
  if (window.__firstMath === null && done && fonts) window.__firstMath = performance.now();
  if (formulas.length && done === formulas.length && fonts && document.readyState !== 'loading') {
    window.__mathAt = performance.now();
  } else { requestAnimationFrame(poll); }
})();
window.__shifts = [];
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__shifts.push(
  [Math.round(e.startTime), e.value.toFixed(3), (e.sources || []).map(s => s.node &&
   (s.node.className || s.node.nodeName)).join(' ')]); })
  .observe({type: 'layout-shift', buffered: true});
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(browser: object, url: str, rate: float) -> tuple[Any, ...]:
    """(ms to first math, ms to all math, CLS, raw bytes, gzipped bytes, requests, [(gzipped,
    raw, url)]) of one cold load."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore
    page = context.new_page()
    sizes: list[tuple[int, int, str]] = []

    def record(response: object) -> None:
        try:
            body = response.body()  # type: ignore[attr-defined]
        except Exception:
            return
        sizes.append((len(body), len(gzip.compress(body, 6)), response.url))  # type: ignore
    page.on("response", record)
    page.add_init_script(PROBE)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_function("window.__mathAt !== null", timeout=120_000, polling=50)
    page.wait_for_timeout(1000)
    first, at, cls = page.evaluate("[window.__firstMath, window.__mathAt, window.__cls]")
    page.wait_for_load_state("networkidle")
    context.close()
    return (first, at, cls, sum(s[0] for s in sizes), sum(s[1] for s in sizes), len(sizes),
            sorted(((s[1], s[0], s[2]) for s in sizes), reverse=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--page", default="papers/mechanism-of-feature-learning/")
    parser.add_argument("--breakdown", action="store_true", help="list every response")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{args.page}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for rate in (1, 4):
            runs = [measure(browser, url, rate) for _ in range(RUNS)]
            first, at, cls = (statistics.median(r[i] for r in runs) for i in range(3))
            raw, zipped, count, listing = runs[-1][3:]
            print(f"{args.page} at {rate}x CPU: first math {first:.0f} ms, all math {at:.0f} ms, "
                  f"CLS {cls:.3f}, {raw / 1e3:.0f} KB ({zipped / 1e3:.0f} KB gzipped) in "
                  f"{count} requests")
            if args.breakdown and rate == 1:
                for z, r, u in listing:
                    print(f"  {z / 1e3:6.1f} KB gzipped {r / 1e3:7.1f} KB  {u.split('/', 3)[-1]}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
