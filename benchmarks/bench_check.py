"""Benchmark `lemma check`: the whole corpus cold and warm, and refuting one invalid link.

    .venv/bin/python benchmarks/bench_check.py [--notes notes] [--jobs 2] [--time-box 10]

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


def run_cli(notes: Path, cache: Path, jobs: int, time_box: float) -> tuple[float, dict]:
    """Wall seconds of one `lemma check --format json` process, and its report."""
    args = [*LEMMA, "--notes", str(notes), "check", "--format", "json", "--jobs", str(jobs),
            "--cache-dir", str(cache), "--time-box", str(time_box)]
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=REPO, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"lemma check failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return seconds, json.loads(proc.stdout)


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
    opts = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
          f"jobs {opts.jobs}; time box {opts.time_box:g} s per link")
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


if __name__ == "__main__":
    main()
