"""Benchmark `lemma check`: the whole corpus cold and warm, and refuting one invalid link.

    .venv/bin/python benchmarks/bench_check.py [--notes notes] [--jobs 2] [--time-box 10]
                                               [--blocks 1000 [--vault DIR]]

--blocks N: instead of the corpus, a vault of N derivation blocks made from the corpus's blocks
(each copied with a renamed id, ten blocks a note; written to --vault, default a temp dir, and
kept there to be reused), with each run's peak memory: the `lemma` process and its checking
workers (getrusage of the children, KiB on Linux). Target (issue 33): warm ≤ 1 s.

cold: `lemma check` in a fresh process with an empty cache directory (everything parsed and
checked). warm: the same command again, served from the cache (no parsing, no sympy import).
Both include process start-up. refute: in-process `check_derivation` on a one-link block whose
link is wrong (sympy already imported): probe, counterexample shrinking and hints.
Also prints the verdict counts by status and the slowest block against its time box.
Targets (issue 4, 2 cores): cold ≤ 60 s, warm ≤ 1 s, refute ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEMMA = [str(Path(sys.executable).with_name("lemma"))]
WRONG = """```derivation id=bench-wrong
given:
  A, B, C: matrix 2x2
calc:
     trace(A*B*C)
  =  trace(A*C*B)      # slip: the trace is only invariant under cyclic shifts
```
"""


BLOCK = re.compile(r"^```derivation[^\n]*\bid=([\w-]+)[^\n]*\n.*?^```[ \t]*$", re.M | re.S)
PER_NOTE = 10


def write_block_vault(root: Path, blocks: int, corpus: Path) -> int:
    """N notes' worth of the corpus's derivation blocks, cycled, each id renamed `ID-K`; the
    number of blocks written (files already there with the same text are left alone)."""
    found = [m for f in sorted(corpus.rglob("*.md"))
             for m in BLOCK.finditer(f.read_text(encoding="utf-8"))]
    chosen = [(found[k % len(found)], k) for k in range(blocks)]
    root.mkdir(parents=True, exist_ok=True)
    for start in range(0, blocks, PER_NOTE):
        parts = [f"# Blocks {start}\n"]
        for match, k in chosen[start:start + PER_NOTE]:
            text = match[0].replace(f"id={match[1]}", f"id={match[1]}-{k}", 1)
            parts.append(f"Block {k}.\n\n{text}\n")
        note = root / f"blocks-{start // PER_NOTE:04d}.md"
        text = "\n".join(parts)
        if not note.is_file() or note.read_text(encoding="utf-8") != text:
            note.write_text(text, encoding="utf-8")
    return len(chosen)


def run_cli(notes: Path, cache: Path, jobs: int, time_box: float) -> tuple[float, dict]:
    """Wall seconds of one `lemma check --format json` process, and its report (with the
    peak RSS of that process and its workers, `rss_mb`)."""
    args = [*LEMMA, "--notes", str(notes), "check", "--format", "json", "--jobs", str(jobs),
            "--cache-dir", str(cache), "--time-box", str(time_box)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(args, stdout=out, stderr=err, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)  # its rusage covers the workers it reaped
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        proc = subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status),
                                           out.read().decode(), err.read().decode())
    if proc.returncode not in (0, 1):
        sys.exit(f"lemma check failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    report = json.loads(proc.stdout)
    report["rss_mb"] = usage.ru_maxrss / 1024
    return seconds, report


def refute_time() -> tuple[float, dict]:
    """Seconds to check (and refute) a block with one wrong link, and that link's result."""
    from lemma.derive.language.parse import parse_note
    from lemma.derive.running.check import check_derivation

    (block,), problems = parse_note(WRONG, "bench.md")
    assert not problems
    check_derivation(block, time_box=10)  # warm imports and caches once
    start = time.perf_counter()
    result = check_derivation(block, time_box=10)
    return time.perf_counter() - start, result.links[0].to_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=Path, default=REPO / "notes")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time-box", type=float, default=10.0)
    parser.add_argument("--blocks", type=int, help="Check a vault of this many blocks.")
    parser.add_argument("--vault", type=Path, help="Where to write (and reuse) that vault.")
    opts = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
          f"jobs {opts.jobs}; time box {opts.time_box:g} s per link; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    if opts.blocks:
        return many_blocks(opts)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "derive"
        cold, report = run_cli(opts.notes, cache, opts.jobs, opts.time_box)
        warm, again = run_cli(opts.notes, cache, opts.jobs, opts.time_box)
    summary = report["summary"]
    print(f"corpus cold : {cold:6.2f} s  ({summary['derivations']} derivations; target ≤ 60 s)")
    print(f"corpus warm : {warm:6.2f} s  ({again['summary']['cached']} served from cache; "
          "target ≤ 1 s)")
    seconds, link = refute_time()
    print(f"refute link : {seconds:6.2f} s  (status {link['status']}, counterexample "
          f"{link['counterexample']}; target ≤ 1 s)")
    print("verdicts    : " + ", ".join(f"{k} {v}" for k, v in summary["verdicts"].items()))
    print("links       : " + ", ".join(f"{k} {v}" for k, v in summary["links"].items()))
    print(f"passed      : {summary['passed']} of {summary['derivations']} as expected")
    slowest = max(report["derivations"], key=lambda d: d["seconds"])
    print(f"slowest     : block {slowest['id']} {slowest['seconds']:.2f} s "
          f"({len(slowest['links'])} links)")
    links = [(link["seconds"], d["id"], link["index"]) for d in report["derivations"]
             for link in d["links"]]
    seconds, ident, index = max(links)
    over = sum(s > opts.time_box for s, _, _ in links)
    print(f"slowest link: {ident} link {index} {seconds:.2f} s "
          f"(time box {opts.time_box:g} s; {over} links over it)")


def many_blocks(opts: argparse.Namespace) -> None:
    """Cold and warm `lemma check` on a vault of --blocks blocks, with time and memory."""
    with tempfile.TemporaryDirectory() as tmp:
        notes = opts.vault or Path(tmp) / "notes"
        count = write_block_vault(notes, opts.blocks, opts.notes)
        cache = Path(tmp) / "derive"
        cold, report = run_cli(notes, cache, opts.jobs, opts.time_box)
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        warm, again = run_cli(notes, cache, opts.jobs, opts.time_box)
    summary = report["summary"]
    print(f"{count} blocks cold : {cold:7.2f} s, peak RSS {report['rss_mb']:.0f} MB "
          f"(largest process of the run: lemma or a worker; {children:.0f} MB by getrusage "
          f"of the children) ({summary['derivations']} derivations)")
    print(f"{count} blocks warm : {warm:7.2f} s, peak RSS {again['rss_mb']:.0f} MB "
          f"({again['summary']['cached']} served from cache; target ≤ 1 s)")
    print("verdicts    : " + ", ".join(f"{k} {v}" for k, v in summary["verdicts"].items()))
    print(f"passed      : {summary['passed']} of {summary['derivations']} as expected")


if __name__ == "__main__":
    main()
