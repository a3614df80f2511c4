"""CPU of resolving every link of a vault, as a first index build does it from the light notes.

Times `Vault(root, notes, attachments, {})` (name index + every link resolved) inside
`gc_paused()`, best of `--repeat` runs, and prints links, CPU seconds and microseconds per link.
Usage: `python benchmarks/bench_resolve.py [--notes 5000] [--vault PATH] [--repeat 3]`
(without `--vault`, a synthetic vault of `--notes` notes is written to a temporary folder).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lemma.index import bulk
from lemma.model import Note
from lemma.note_parse import read_note
from lemma.synth import given_or_synthetic
from lemma.vault import Vault, gc_paused
from lemma.vault_fs import list_vault


def light_notes(root: Path) -> tuple[dict[str, Note], list[str]]:
    """The light notes (as a first build's workers ship them) and attachments of a vault."""
    listing = list_vault(root)
    notes: dict[str, Note] = {}
    with gc_paused():
        for path in listing.notes:
            note, _ = read_note(root, path)
            if note is not None:
                notes[path] = bulk.light(note)
    return notes, listing.attachments


def measure(root: Path, notes: dict[str, Note], attachments: list[str],
            repeat: int) -> tuple[int, float]:
    """Links resolved and the best CPU seconds of building the vault from `notes`."""
    best = float("inf")
    links = 0
    for _ in range(repeat):
        with gc_paused():
            start = time.process_time()
            vault = Vault(root, notes, attachments, {})
            best = min(best, time.process_time() - start)
        links = sum(len(r) for r in vault.resolved.values())
        del vault
    return links, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--vault", type=Path, help="a notes folder (else a synthetic vault)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with given_or_synthetic(args.vault, args.notes) as root:
        notes, attachments = light_notes(root)
        links, seconds = measure(root, notes, attachments, args.repeat)
    vault = f"{root}" if args.vault else f"synthetic, {args.notes} notes"
    print(f"vault: {vault}; {len(notes)} notes, {links} links; CPU best of {args.repeat}")
    print(f"  resolve  {seconds:7.3f} s  {seconds * 1e6 / max(links, 1):6.2f} us/link")


if __name__ == "__main__":
    main()
