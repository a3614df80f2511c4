"""Live preview benchmark: how soon `mkdocs serve --dirty` shows an edit, at N notes.

Writes a synthetic vault (`lemma.synth`), starts `mkdocs serve --dirty` on it, waits for the
first build, then (1) appends a sentence to a note and polls its page until the sentence is
served, (2) writes a new note linking to an existing one and polls until its page is served,
then until the takes index lists it (the pages the new note changes besides its own come in
the preview's second build). Prints the first-build time, each latency measured from the
moment the file was saved, and the server's peak memory. The edit and the new note are each
done ROUNDS times (the median shown).
Usage: `python benchmarks/bench_serve.py [N [ROUNDS]]` (default 10000 notes, 3 rounds).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_site import CONFIGS  # a sibling script: benchmarks/ is first on sys.path

from lemma.synth import write_synthetic_vault

MKDOCS = str(Path(sys.executable).with_name("mkdocs"))
CONFIG = CONFIGS["lemma"]  # the same project as the site benchmark's lemma build
POLL = 0.02  # seconds between two requests for the page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str | None:
    """The page's text, None while it is not served."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, since: float, limit: float) -> float:
    """Seconds from `since` until `url` serves a page containing `text`."""
    while time.perf_counter() - since < limit:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - since
        time.sleep(POLL)
    raise SystemExit(f"{url} did not show {text!r} within {limit} s")


def settle(base: str) -> None:
    """Wait until the server is idle: the preview asks for its second build a second after the
    first (`plugin_preview.NEXT_BUILD_AFTER`), and `serve` answers a request only between
    builds. The next save is then timed alone."""
    time.sleep(1.6)
    fetch(base, timeout=600)
    time.sleep(0.5)


def peak_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(n: int, workdir: Path, rounds: int = 3) -> None:
    project = workdir / "project"
    write_synthetic_vault(project / "notes", n, seed=0, broken=0)
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    server = subprocess.Popen([MKDOCS, "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = wait_for(base, "</html>", start, 3600)
        time.sleep(2)  # let the watcher start
        edited = sorted((project / "notes" / "concepts").glob("*.md"))[0]
        url = base + edited.relative_to(project / "notes").with_suffix("").as_posix() + "/"
        edits, news, listed = [], [], []
        for i in range(rounds):
            marker = f"Edited sentence number {i}."
            text = edited.read_text(encoding="utf-8")
            saved = time.perf_counter()
            edited.write_text(text + f"\n{marker}\n", encoding="utf-8")
            edits.append(wait_for(url, marker, saved, 3600))
            settle(base)
            new = project / "notes" / "takes" / f"bench-new-{i}.md"
            saved = time.perf_counter()
            new.write_text(f"---\ntitle: Bench new {i}\ndate: 2024-01-0{i + 1}\n---\n"
                           f"A new take linking [[{edited.stem}]]. Marker new {i}.\n",
                           encoding="utf-8")
            news.append(wait_for(base + f"takes/bench-new-{i}/", f"Marker new {i}.", saved,
                                 3600))
            listed.append(wait_for(base + "takes/", f"Bench new {i}<", saved, 3600))
            settle(base)
        memory = peak_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"serve --dirty at {n} notes: first build {first:.1f} s; edited note shown "
          f"{statistics.median(edits):.2f} s after save (runs {_runs(edits)}); new note "
          f"{statistics.median(news):.2f} s (runs {_runs(news)}), listed on the takes index "
          f"{statistics.median(listed):.2f} s (runs {_runs(listed)}); server peak memory "
          f"{memory:.0f} MB")


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 10000, Path(tmp),
            int(sys.argv[2]) if len(sys.argv) > 2 else 3)
