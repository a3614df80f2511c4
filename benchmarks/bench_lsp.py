"""Benchmark `lemma lsp` on a synthetic vault, through a real client over stdio.

    .venv/bin/python benchmarks/bench_lsp.py [--notes-count 10000] [--keys 40] [--warm-starts 3]

start: process start to the `initialize` answer (the vault loads meanwhile, in a thread), and
to the first diagnostics of a note opened right after it (needs the whole vault). Measured cold
(no index yet: every note parsed, the index written) and warm (later servers on the same vault:
the vault read back from `.lemma-cache/`, nothing parsed), with the server's CPU time by then
(its wall time on an idle core).
keystroke: one-character `didChange` in the body of a note with a broken link to its
`publishDiagnostics` (median, p95, max over --keys edits); title keystroke: the same in the
`title:` line, which changes a name (name index, link keys and "did you mean" names are updated
in place and only links naming the old or new title re-resolve).
Also `[[` completion over every title and alias, and references (backlinks) of a note.
Wall times on 2 shared cores, so they include waiting for the CPU: the load average is shown.
Targets (issue 15): first response ≤ 1 s with a warm index, keystroke diagnostics ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def started(root: Path, uri: str, text: str):
    """Start a server, initialize, open the note: (client, s to initialize, s to diagnostics,
    the server's CPU s by then: what the wall time would be on an idle core)."""
    from tests.lsp_client import StdioClient

    start = time.perf_counter()
    client = StdioClient(root, timeout=120)
    try:
        client.initialize(root)
        initialized = time.perf_counter() - start
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        client.diagnostics(uri, timeout=120)
        first = time.perf_counter() - start
    except BaseException:
        client.close()
        raise
    return client, initialized, first, cpu_seconds(client.proc.pid)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes-count", type=int, default=10000)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--warm-starts", type=int, default=3,
                        help="warm starts, each reported (the last one is measured further)")
    args = parser.parse_args()
    from lemma.synth import write_synthetic_vault

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "notes"
        paths = write_synthetic_vault(root, args.notes_count)
        # a concept note with a broken link: every keystroke also asks for "did you mean"
        note = next(p for p in paths if p.startswith("concepts/")
                    and "[[Missing topic" in (root / p).read_text(encoding="utf-8"))
        text = (root / note).read_text(encoding="utf-8")
        uri = (root / note).as_uri()
        loads = [load()]
        client, cold_init, cold_first, cold_cpu = started(root, uri, text)
        client.close()
        loads.append(load())
        warm = []
        for _ in range(args.warm_starts - 1):
            client, *figures = started(root, uri, text)
            client.close()
            warm.append(figures)
        client, initialized, first, cpu = started(root, uri, text)
        warm.append([initialized, first, cpu])
        try:
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
        loads.append(load())
    print(f"vault: {args.notes_count} synthetic notes; {os.cpu_count()} cores; edited: {note}")
    print(f"cold start (no index):    initialize {ms(cold_init)}, first diagnostics "
          f"{ms(cold_first)} after process start (server CPU {ms(cold_cpu)})")
    for initialized, first, cpu in warm:
        print(f"warm start (index):       initialize {ms(initialized)}, first diagnostics "
              f"{ms(first)} after process start (server CPU {ms(cpu)})")
    print(f"keystroke diagnostics:    {summary(body_times)} ({len(body_times)} body edits)")
    print(f"title keystroke:          {summary(title_times)} ({len(title_times)} edits)")
    print(f"completion '[[Mod':       {ms(completion)} ({len(found['items'])} items, "
          f"incomplete={found['isIncomplete']})")
    print(f"references (backlinks):   {ms(references)} ({len(refs)} links)")
    print(f"{loads[0]} (before), {loads[1]} (after the cold start), {loads[2]} (at the end)")


if __name__ == "__main__":
    main()
