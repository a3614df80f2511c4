"""Per-note CPU of parsing a note as a first index build's worker does it, split into parts.

Parts (microseconds per note, CPU time of this process, best of `--repeat` passes):
  read         stat + read + decode + content digest (`index.parse.parse_file`'s I/O)
  frontmatter  `split_frontmatter` + `kind_of` + `validate`
  markdown     `scan_markdown` + building the Note (`_make_note`)
  rows         `note_rows` + `search_rows.search_columns` (what a worker ships)
  total        `bulk._shipped` end to end (all of the above as a worker runs it, prefetch too)
  parse        read + frontmatter + markdown: a note's parse without its index rows
Usage: `python benchmarks/bench_parse.py [--notes 5000] [--vault PATH [--sample N]] [--repeat 3]`
(without `--vault`, a synthetic vault of `--notes` notes is written to a temporary folder).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from lemma import frontmatter as fm
from lemma.index import bulk, search_rows
from lemma.index.filestat import signature
from lemma.index.parse import content_digest
from lemma.index.rows import note_rows
from lemma.model import NoteKind
from lemma.note_parse import _make_note, parse_note
from lemma.synth import given_or_synthetic
from lemma.vault import gc_paused
from lemma.vault_fs import DEFAULT_MAX_BYTES, list_vault, read_or_problem


def _cpu(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def measure(root: Path, repeat: int, sample: int = 0) -> dict[str, float]:
    """Microseconds per note of each part over the notes of the vault at `root` (`sample`:
    only that many, evenly spaced)."""
    paths = list_vault(root).notes
    if 0 < sample < len(paths):
        paths = paths[:: len(paths) // sample][:sample]
    texts = [read_or_problem(root, p)[0] for p in paths]
    pairs = [(p, t.removeprefix("\ufeff").replace("\r\n", "\n"))
             for p, t in zip(paths, texts, strict=True) if t is not None]
    splits = [(p, fm.split_frontmatter(t, p)) for p, t in pairs]
    notes = [parse_note(p, t)[0] for p, t in pairs]

    def read() -> None:
        for p in paths:
            signature(f"{root}/{p}")
            text, _ = read_or_problem(root, p, DEFAULT_MAX_BYTES)
            if text is not None:
                content_digest(text)

    def frontmatter() -> None:
        for p, t in pairs:
            split = fm.split_frontmatter(t, p)
            kind = fm.kind_of(p, split.meta)
            if not split.diagnostics:
                header = t[: t.find("\n---", 3) + 1] if split.meta else ""
                fm.validate(kind, split.meta, p, header)

    def markdown() -> None:
        for p, split in splits:
            _make_note(p, split, NoteKind.NOTE)

    def rows() -> None:
        for note in notes:
            note_rows(note.path, (0, 0, 0, 0), b"", note, None, [], 0)
            search_rows.search_columns(note)

    def total() -> None:
        bulk._shipped(root, paths, None, DEFAULT_MAX_BYTES, 0)

    n = len(paths)
    with gc_paused():
        figures = {name: _cpu(fn, repeat) * 1e6 / n for name, fn in
                   [("read", read), ("frontmatter", frontmatter), ("markdown", markdown),
                    ("rows", rows), ("total", total)]}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=0, help="time only this many notes")
    args = parser.parse_args()
    with given_or_synthetic(args.vault, args.notes) as root:
        figures = measure(root, args.repeat, args.sample)
    parse = sum(figures[k] for k in ("read", "frontmatter", "markdown"))
    vault = f"{root}" if args.vault else f"synthetic, {args.notes} notes"
    sample = f", {args.sample} notes of it" if args.sample else ""
    print(f"vault: {vault}{sample}; CPU us per note (best of {args.repeat})")
    for name, value in figures.items():
        print(f"  {name:12s} {value:7.1f}")
    print(f"  {'parse':12s} {parse:7.1f}  (read + frontmatter + markdown)")


if __name__ == "__main__":
    main()
