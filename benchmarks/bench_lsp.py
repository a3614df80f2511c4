"""Benchmark `lemma lsp` on a synthetic vault, through a real client over stdio.

    .venv/bin/python benchmarks/bench_lsp.py [--notes-count 10000] [--keys 40]

start: process start to the `initialize` answer (the vault loads meanwhile, in a thread), and
to the first diagnostics of an opened note (needs the whole vault: load_vault, no index yet).
keystroke: one-character `didChange` in a note's body to its `publishDiagnostics` (median,
p95, max over --keys edits); title keystroke: the same in the `title:` line, which changes a
name (the index is updated in place and only links naming the old or new title re-resolve).
Also `[[` completion over every title and alias, and references (backlinks) of a note.
Wall times on 2 shared cores, so they include waiting for the CPU.
Targets (issue 15): first response ≤ 1 s with a warm index, keystroke diagnostics ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # for tests.lsp_client, the stdio client the tests use


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def keystrokes(client, uri: str, line: int, col: int, count: int,
               version: int) -> list[float]:
    """Insert `count` characters one by one at (line, col); seconds to each one's diagnostics."""
    times = []
    for i in range(count):
        where = {"line": line, "character": col + i}
        start = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version + i},
            "contentChanges": [{"range": {"start": where, "end": where}, "text": "x"}]})
        client.diagnostics(uri, timeout=60, version=version + i)
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {ms(statistics.median(times))}, p95 {ms(p95)}, max {ms(max(times))}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes-count", type=int, default=10000)
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    from tests.lsp_client import StdioClient

    from lemma.synth import write_synthetic_vault

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "notes"
        paths = write_synthetic_vault(root, args.notes_count)
        note = next(p for p in paths if p.startswith("concepts/"))
        text = (root / note).read_text(encoding="utf-8")
        uri = (root / note).as_uri()
        start = time.perf_counter()
        client = StdioClient(root, timeout=120)
        try:
            client.initialize(root)
            initialized = time.perf_counter() - start
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
            client.diagnostics(uri, timeout=120)
            first = time.perf_counter() - start
            lines = text.split("\n")
            body = lines.index("## Summary") + 2
            title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
            time.sleep(3)  # let the vault-wide rules finish in their thread
            client.notifications.clear()
            body_times = keystrokes(client, uri, body, 0, args.keys, 2)
            title_times = keystrokes(client, uri, title, len(lines[title]) - 1, 10,
                                     2 + args.keys)
            end = {"line": len(lines) - 1, "character": 0}
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": 100},
                "contentChanges": [{"range": {"start": end, "end": end}, "text": "[[Mod"}]})
            client.diagnostics(uri, timeout=60)
            t0 = time.perf_counter()
            found = client.request("textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": end["line"],
                                                           "character": 5}})
            completion = time.perf_counter() - t0
            t0 = time.perf_counter()
            refs = client.request("textDocument/references", {
                "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0},
                "context": {"includeDeclaration": False}})
            references = time.perf_counter() - t0
        finally:
            client.close()
    print(f"vault: {args.notes_count} synthetic notes")
    print(f"initialize answered:      {ms(initialized)} after start")
    print(f"first diagnostics:        {ms(first)} after start (vault loaded)")
    print(f"keystroke diagnostics:    {summary(body_times)} ({len(body_times)} body edits)")
    print(f"title keystroke:          {summary(title_times)} ({len(title_times)} edits)")
    print(f"completion '[[Mod':       {ms(completion)} ({len(found['items'])} items, "
          f"incomplete={found['isIncomplete']})")
    print(f"references (backlinks):   {ms(references)} ({len(refs)} links)")


if __name__ == "__main__":
    main()
