"""Citations in the editor: completion of citekeys after `[@` (or `@` after a space, or `; @`
in a group) and go-to-definition from a citation to its paper note or bibliography entry.

Plain data like `features`; the bibliography files are read on first use and again whenever
one of them changes on disk.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..bibliography import Bibliography, load_bibliography
from ..bibliography_cache import cached_bibliography
from ..citations import Citations
from ..cite_style import short_authors, year_of
from ..macros import undefined_macros
from ..model import Diagnostic
from ..vault import Vault
from .features import MAX_ITEMS, Item, Place, Span, link_at

#: A citekey being typed: after `[@`, `[-@`, `; @` inside a group, or `@` after a space.
_TYPING = re.compile(r"(?:\[-?|;\s*-?|(?:^|[\s(])-?)@([\w:.#$%&\-+?<>~/]*)$")


@dataclass
class BibliographySource:
    """The project's bibliography files, parsed again only when one changes."""

    files: list[Path]
    base: Path | None = None
    cache_dir: Path | None = None  # `.lemma-cache`, shared with the CLI
    _stamp: tuple[tuple[int, int], ...] | None = field(default=None, repr=False)
    _bib: Bibliography = field(default_factory=Bibliography, repr=False)

    def get(self) -> Bibliography:
        stamp = tuple(_stat(f) for f in self.files)
        if stamp != self._stamp:
            if not self.files:
                self._bib = Bibliography()
            elif self.cache_dir is not None:
                self._bib = cached_bibliography(self.files, self.base, self.cache_dir)
            else:
                self._bib = load_bibliography(self.files, self.base)
            self._stamp = stamp
        return self._bib


def _stat(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def complete_citekey(citations: Citations, line: int, before: str) -> list[Item] | None:
    """Citekeys starting with (or containing) what is typed after `@`; None when the cursor is
    not in a citekey, so other completions apply."""
    typing = _TYPING.search(before)
    if typing is None:
        return None
    typed = typing.group(1).casefold()
    col = len(before)
    span = Span(line, col - len(typing.group(1)), line, col)
    items = []
    for key in citations.known():
        folded = key.casefold()
        if typed and typed not in folded:
            continue
        ref = citations.reference(key)
        detail = f"{short_authors(ref)}, {year_of(ref)} — {ref.title}" if ref else ""
        sort = ("0" if folded.startswith(typed) else "1") + folded
        items.append(Item(key, "citekey", detail, span, sort))
    items.sort(key=lambda item: item.sort)
    return items[:MAX_ITEMS]


def citation_definition(citations: Citations, vault: Vault, path: str, line: int,
                        col: int) -> Place | None:
    """The paper note or the `.bib` line a citation under the cursor names. A `.bib` file's
    place is an absolute path when the file is outside the vault."""
    resolved = link_at(vault, path, line, col)
    if resolved is None or resolved.link.cite is None:
        return None
    if resolved.target is not None and resolved.target in vault.notes:
        return Place(resolved.target, Span(0, 0, 0, 0))
    entry = citations.bibliography.get(resolved.link.target)
    if entry is None:
        return None
    file = citations.bibliography.files.get(entry.pos.path)
    at = entry.pos.line - 1
    return Place(str(file) if file else entry.pos.path, Span(at, 0, at, 0))


def note_problems(citations: Citations, path: str, macros: dict[str, str]) -> list[Diagnostic]:
    """What `lemma lint` says of a note's citations and formulas beyond the vault's rules:
    unknown citekeys and undefined LaTeX commands."""
    note = citations.vault.notes.get(path)
    if note is None:
        return []
    return citations.problems(path) + undefined_macros(note, macros)
