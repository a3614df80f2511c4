"""A deterministic synthetic vault: N linked notes of every kind, for benchmarks and tests.

`write_synthetic_vault(root, n, seed=0)` writes the same files for the same arguments on every
machine: papers, takes, concepts and digests with valid frontmatter, ~300 words each, ~5 wikilinks
in every form (file name, title, alias, path, label, heading, block, embed, attachment), some
`$math$`, and `broken` links that point nowhere.
"""

from __future__ import annotations

import contextlib
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: (folder, share of the notes) — the rest of the N notes are concepts.
KIND_SHARES = (("papers", 0.4), ("takes", 0.2), ("digests", 0.1))
HEADINGS = ("Summary", "Key idea", "Details", "Open questions")
BLOCK_SECTION = "Details"  # its paragraph ends with a block id (`^claim-N`)
ATTACHMENTS = 20  # small PNG figures under assets/, embedded by some notes
CLUSTER = 40  # notes link mostly within a cluster of this many neighbours, so communities exist
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_VOCABULARY = (
    "model gradient kernel feature network training loss alignment prior evidence sample "
    "weight layer signal theory bound estimate update policy reward agent data tangent space "
    "matrix rank norm spectrum limit regime width depth learning scaling law noise variance "
    "bias measure entropy circuit ticket subnetwork pruning lottery outer inner mesa objective "
    "forecast argument claim result proof lemma regularity structure symmetry invariant "
    "representation transfer generalisation memorisation phase transition singular basin "
    "landscape curvature hessian eigenvalue projection operator inference posterior"
)
_WORDS = tuple(_VOCABULARY.split())
_FILLER = ("the", "a", "of", "in", "and", "with", "for", "on", "to", "by", "as", "from")
_NAMES = ("Ada Lovelace", "Alan Turing", "Emmy Noether", "Kurt Gödel", "Grace Hopper",
          "John Wentworth", "Paul Christiano", "Mark Xu", "Tom Davidson", "Radford Neal")
_MATH = ("$x_i^2 + y_i^2 = r^2$", r"$\sum_{i=1}^n w_i = 1$", r"$\lambda_{\max}(H) \le L$",
         r"$f(x) = \sigma(W x + b)$", r"$\mathbb{E}[L] \approx \frac{1}{n}\sum_i \ell_i$")


@dataclass(frozen=True, slots=True)
class SynthNote:
    """One generated note's names: the targets other notes link to."""

    index: int
    folder: str
    stem: str
    title: str
    alias: str

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.stem}.md"


def plan_notes(n: int, seed: int = 0) -> list[SynthNote]:
    """The N notes' folders, file names, titles and aliases (unique, so no link is ambiguous)."""
    rng = random.Random(seed)
    notes = []
    counts = {folder: round(n * share) for folder, share in KIND_SHARES}
    folders = [f for f, c in counts.items() for _ in range(c)]
    folders += ["concepts"] * (n - len(folders))
    rng.shuffle(folders)
    for i, folder in enumerate(folders):
        words = rng.sample(_WORDS, 3)
        title = f"{words[0].capitalize()} {words[1]} {words[2]} {i}"
        stem = f"{folder[:-1]}-{i:05d}"
        alias = "".join(w[0].upper() for w in words) + f"-{i}"
        notes.append(SynthNote(i, folder, stem, title, alias))
    return notes


def write_synthetic_vault(root: str | Path, n: int, seed: int = 0,
                          broken: int | None = None) -> list[str]:
    """Write N notes (and a few PNG attachments) under `root`; return the note paths.

    `broken` is how many links in the whole vault point nowhere (default: one per 50 notes,
    at least one; pass 0 for a vault that lints clean).
    """
    root = Path(root)
    plan = plan_notes(n, seed)
    rng = random.Random(seed + 1)
    broken = max(1, n // 50) if broken is None else broken
    broken_notes = set(rng.sample(range(n), min(broken, n)))
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for k in range(ATTACHMENTS):
        (root / "assets" / f"figure-{k:03d}.png").write_bytes(_PNG)
    for folder in {p.folder for p in plan}:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for note in plan:
        text = _note_text(note, plan, rng, note.index in broken_notes)
        (root / note.path).write_text(text, encoding="utf-8")
    return [p.path for p in plan]


@contextlib.contextmanager
def given_or_synthetic(notes_folder: Path | None, n: int) -> Iterator[Path]:
    """`notes_folder`, or (None) a synthetic vault of `n` notes in a temporary folder that is
    removed afterwards: what a benchmark's `--vault` / `--notes` options mean."""
    if notes_folder is not None:
        yield notes_folder
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "notes"
        write_synthetic_vault(root, n)
        yield root


def _note_text(note: SynthNote, plan: list[SynthNote], rng: random.Random, broken: bool) -> str:
    links = [_link(note, _pick_target(note, plan, rng), rng) for _ in range(5)]
    if broken:
        links[rng.randrange(5)] = f"[[Missing topic {note.index}]]"
    if rng.random() < 0.1:
        links.append(f"![[figure-{rng.randrange(ATTACHMENTS):03d}.png]]")
    sections = []
    per_section = -(-len(links) // len(HEADINGS))
    for h, heading in enumerate(HEADINGS):
        mine = links[h * per_section : (h + 1) * per_section]
        paragraph = _paragraph(rng, mine, math=(h == 2))
        if heading == BLOCK_SECTION:  # an Obsidian block id other notes can link to
            paragraph += f" ^{_block_id(note)}"
        sections.append(f"## {heading}\n\n{paragraph}\n")
    return _frontmatter(note, rng) + "\n".join(sections)


def _pick_target(note: SynthNote, plan: list[SynthNote], rng: random.Random) -> SynthNote:
    """Mostly a note of the same cluster, sometimes any note (never the note itself)."""
    n = len(plan)
    if n == 1:
        return note
    while True:
        if rng.random() < 0.75:
            base = note.index - note.index % CLUSTER
            j = min(n - 1, base + rng.randrange(CLUSTER))
        else:
            j = rng.randrange(n)
        if j != note.index:
            return plan[j]


def _link(source: SynthNote, target: SynthNote, rng: random.Random) -> str:
    """A wikilink to `target` in one of the forms Obsidian users write."""
    form = rng.randrange(8)
    if form == 0:
        return f"[[{target.title}]]"
    if form == 1:
        return f"[[{target.alias}]]"
    if form == 2:
        return f"[[{target.stem}|{target.title.lower()}]]"
    if form == 3:
        return f"[[{target.stem}#{rng.choice(HEADINGS)}]]"
    if form == 4:
        return f"[[{target.folder}/{target.stem}]]"
    if form == 5 and source.index % 7 == 0:
        return f"![[{target.stem}#{HEADINGS[0]}]]"
    if form == 5 and source.index % 7 == 1:
        return f"[[{target.stem}#^{_block_id(target)}]]"
    if form == 6:
        return f"[[{target.title}#{HEADINGS[1]}|the key idea of {target.alias}]]"
    return f"[[{target.stem}]]"


def _block_id(note: SynthNote) -> str:
    return f"claim-{note.index}"


def _paragraph(rng: random.Random, links: list[str], math: bool) -> str:
    """About 75 words in sentences of 8-16 words, with the links (and maybe math) inside."""
    sentences = []
    pending = list(links)
    if math and rng.random() < 0.5:
        pending.append(rng.choice(_MATH))
    for _ in range(6):
        words = [rng.choice(_WORDS if k % 2 else _FILLER) for k in range(rng.randint(8, 16))]
        if pending and rng.random() < 0.7:
            words.insert(rng.randrange(1, len(words)), pending.pop())
        text = " ".join(words)
        sentences.append(text[0].upper() + text[1:] + ".")
    sentences += [f"See also {item}." for item in pending]
    return " ".join(sentences)


def _frontmatter(note: SynthNote, rng: random.Random) -> str:
    tags = sorted(set(rng.sample(_WORDS[:20], 2)))
    lines = ["---", f'title: "{note.title}"']
    if note.folder == "papers":
        authors = ", ".join(rng.sample(_NAMES, 2))
        lines += [f"authors: [{authors}]", f"year: {rng.randint(1990, 2025)}",
                  f"source: https://example.org/papers/{note.index}",
                  "venue: Synthetic Proceedings", f"status: {rng.choice(('read', 'skimmed'))}"]
    elif note.folder == "takes":
        lines += [f"date: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                  f"confidence: {rng.randint(5, 95) / 100}"]
    elif note.folder == "digests":
        lines += [f"date: 2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                  f"source: https://example.org/digests/{note.index}",
                  f"authors: [{rng.choice(_NAMES)}]"]
    lines += [f"aliases: [{note.alias}]", f"tags: [{', '.join(tags)}]", "---", ""]
    return "\n".join(lines)
