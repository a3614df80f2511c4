"""Pathological but legal notes at 1x, 2x and 4x size: every command should grow linearly.

Inputs: one long paragraph full of links (backlink sentences), one long line full of links,
a chain of notes each embedding the next four times, `"<!-- " * n` in a concept note, one
paragraph per token (`opener-N`: unclosed openers of every kind, `$$`, `\\(`, `[[`, fences, `<`...,
inline `#tags`, highlights, closed wikilinks and Markdown links), and a large note below the size
limit.
Each (input, command) runs in a fresh process (killed after the timeout), which times only the
command itself; the last columns are time(2x) / time(1x) and time(4x) / time(2x): about 2 means
linear. Lemma hands Python-Markdown no link syntax it would rescan (links and tags are stashed
HTML) and escapes unclosed openers in pathological paragraphs.
Usage: `python benchmarks/bench_pathological.py [--scale 1] [--timeout 120] [INPUT ...]`.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from pathlib import Path

MKDOCS_YML = """site_name: Bench
docs_dir: notes
site_dir: site
theme:
  name: material
  font: false
plugins:
  - lemma:
      check: false
"""
TOKENS = ["$$ ", "\\( ", "\\[ ", "[[", "![[", "```x ", "<a ", "[x](", "**", "_a ", "$a ",
          "| ", "<!-- ", "[^", "> ", "#", "=="]
#: Closed links, which Lemma rewrites: a paragraph full of them must build in linear time too.
LINK_TOKENS = ["[[Target phrase]] ", "[t](concepts/target.md) "]


def paragraph(scale: int) -> dict[str, str]:
    """One paragraph of 400*scale lines, two links per line (issue 19: 800 lines took 64 s)."""
    line = "Some words about [[Target]] and then [[Target|the target]] again, e.g. twice.\n"
    return {"target.md": "---\ntitle: Target\n---\nThe target.\n",
            "para.md": "---\ntitle: Para\n---\n" + line * (400 * scale)}


def one_line(scale: int) -> dict[str, str]:
    """One line holding 2000*scale links and sentences."""
    return {"target.md": "---\ntitle: Target\n---\nThe target.\n",
            "line.md": "# Line\n" + "A sentence with [[Target]] in it. " * (2000 * scale) + "\n"}


def embed_fanout(scale: int) -> dict[str, str]:
    """A chain of 13*scale notes, each embedding the next four times (13 took 549 s)."""
    n = 13 * scale
    files = {}
    for i in range(n):
        embeds = "\n\n".join(f"![[n{i + 1}]]" for _ in range(4)) if i + 1 < n else "The end."
        files[f"n{i}.md"] = f"# N{i}\n\nText of note {i}.\n\n{embeds}\n"
    return files


def comments(scale: int) -> dict[str, str]:
    """`"<!-- " * 25_000*scale` in a concept note (100,000 took 286 s to lint)."""
    return {"concepts/c.md": "---\ntitle: C\n---\n" + "<!-- " * (25_000 * scale) + "\n"}


def opener(token: str, scale: int) -> dict[str, str]:
    """One paragraph of 5,000*scale `token`s (an unclosed opener, an inline tag, a link...)."""
    return {"concepts/target.md": "---\ntitle: Target phrase\n---\nA concept.\n",
            "open.md": "# Open\n\n" + (token + "target phrase ") * (5_000 * scale)}


def big_note(scale: int) -> dict[str, str]:
    """A note of about 1 MB * scale (below the 5 MB limit): sentences, links, headings."""
    para = ("A sentence about [[Target]] and [[Other#Part|a part]]. Another one, with $x^2$ "
            "and `code`.\nA second line of the same paragraph.\n\n")
    section = "## Section\n\n" + para * 20
    body = section * int(1_000_000 * scale / len(section))
    return {"target.md": "# Target\n", "other.md": "# Other\n\n## Part\n",
            "big.md": "---\ntitle: Big\n---\n" + body}


INPUTS: dict[str, tuple[Callable[[int], dict[str, str]], tuple[str, ...]]] = {
    "paragraph": (paragraph, ("backlinks", "build")),
    "one-line": (one_line, ("backlinks", "lint")),
    "embed-fanout": (embed_fanout, ("build",)),
    "comments": (comments, ("lint",)),
    **{f"opener-{i}": (partial(opener, token), ("lint", "stats", "build"))
       for i, token in enumerate(TOKENS + LINK_TOKENS)},
    "big-note": (big_note, ("lint", "stats", "backlinks", "build")),
}


def write(project: Path, files: dict[str, str]) -> None:
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    for rel, text in files.items():
        path = project / "notes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_command(project: Path, command: str) -> float:
    """Run one command in this process on `project`; its wall time in seconds."""
    os.chdir(project)
    if command == "build":
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        config = load_config(config_file="mkdocs.yml")
        start = time.perf_counter()
        build(config)
        return time.perf_counter() - start
    from click.testing import CliRunner

    from lemma.cli import main

    args = {"lint": ["lint", "--suggest"], "stats": ["graph", "stats"],
            "backlinks": ["graph", "backlinks", "Target"]}[command]
    start = time.perf_counter()
    result = CliRunner().invoke(main, args)
    elapsed = time.perf_counter() - start
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return elapsed


def measure(name: str, command: str, scale: int, timeout: float, workdir: Path) -> float | None:
    """Seconds for `command` on input `name` at `scale`, None if it did not finish in time."""
    project = Path(tempfile.mkdtemp(dir=workdir))
    write(project, INPUTS[name][0](scale))
    argv = [sys.executable, __file__, "--one", name, command, str(project)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as failure:
        raise SystemExit(f"{name} {command} x{scale} failed:\n{failure.stderr}") from None
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help=f"any of {', '.join(INPUTS)}")
    parser.add_argument("--scale", type=int, default=1, help="multiply every base size")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        name, command, project = args.one
        print(f"{run_command(Path(project), command):.4f}")
        return
    unknown = set(args.inputs) - set(INPUTS)
    if unknown:
        parser.error(f"unknown input {', '.join(sorted(unknown))}; choose from {', '.join(INPUTS)}")
    print(f"{'input':14} {'token':22} {'command':10} {'1x':>8} {'2x':>8} {'4x':>8}  2x/1x 4x/2x")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.inputs or INPUTS:
            for command in INPUTS[name][1]:
                times = [measure(name, command, args.scale * k, args.timeout, Path(tmp))
                         for k in (1, 2, 4)]
                shown = [f"{t:8.2f}" if t is not None else f">{args.timeout:6.0f}s" for t in times]
                ratios = [f"{b / a:5.1f}" if a and b else "    -"
                          for a, b in pairwise(times)]
                opener_index = int(name.split("-")[1]) if name.startswith("opener-") else None
                token = "" if opener_index is None else repr((TOKENS + LINK_TOKENS)[opener_index])
                print(f"{name:14} {token:22} {command:10} {' '.join(shown)}  {' '.join(ratios)}",
                      flush=True)


if __name__ == "__main__":
    main()
