"""The vault as the editor sees it: notes updated from buffer text, one note at a time.

`LiveVault.set_text` re-parses one note and hands it to `Vault.apply_changes`, which re-resolves
only the links the change can affect (links naming one of its old or new names, links into it
when its headings change), so a keystroke costs one note, not the vault. Diagnostics per note
are exactly `lemma lint`'s for that note; the rules comparing notes with each other (shared
names, near-duplicate titles) are computed vault-wide by `refresh_cross` and reused between
keystrokes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..links import fold
from ..lint_rules import extra_diagnostics, near_duplicates
from ..model import Diagnostic, Note
from ..names import NameSuggester
from ..note_parse import parse_note, read_note
from ..publish import is_private, private_link_problem
from ..resolution import NameIndex
from ..vault import Vault
from .names import NameList


class _One:
    """A one-note view of a vault, for the per-note rules of `extra_diagnostics`."""

    def __init__(self, note: Note) -> None:
        self.note = note

    def __iter__(self) -> Iterator[Note]:
        return iter((self.note,))


def _names(note: Note | None) -> set[str]:
    return {fold(n) for n in (note.title, *note.aliases)} if note is not None else set()


def note_path(root: Path, path: Path) -> str | None:
    """The path of file `path` in the vault at `root`, or None when it is not one of its notes."""
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    parts = rel.split("/")
    if not rel.endswith(".md") or any(p.startswith(".") for p in parts):
        return None
    if len(parts) > 1 and parts[0].lower() == "templates":
        return None
    return rel


@dataclass(slots=True)
class Prepared:
    """Tables of a live vault made in a thread (see `LiveVault.edit_tables`)."""

    changes: int
    index: NameIndex
    by_key: dict[str, set[str]]
    names: NameSuggester
    listed: NameList


class LiveVault:
    """A loaded vault plus the texts of the editor's open buffers."""

    def __init__(self, vault: Vault, every_note: bool = False) -> None:
        self.vault = vault
        self.every_note = every_note  # `style_rules: all`
        self.cross: dict[str, list[Diagnostic]] = {}
        self.names_dirty = True  # the vault-wide rules need recomputing
        self._names: NameList | None = None  # titles and aliases, built on first use
        self.changes = 0  # twice the notes replaced so far (tables made in a thread check it)

    def name_list(self) -> NameList:
        """Every title and alias, sorted (rebuilt after a change of names)."""
        if self._names is None:
            self._names = NameList(self.vault)
        return self._names

    @property
    def root(self) -> Path:
        return Path(self.vault.root)

    def relative(self, path: Path) -> str | None:
        """The vault-relative path of a file, or None when it is not a note of the vault."""
        return note_path(self.root, path)

    def set_text(self, path: str, text: str) -> bool:
        """Replace note `path` (new or known) by this text and re-resolve what it affects;
        whether other notes' links may have changed too."""
        if path not in self.vault.notes and self.vault.problems_of(path):
            # a file lint skips (too large, not UTF-8...): the file decides, not the editor's
            # decoding of it; once fixed and saved it is a note again
            note, problems = read_note(self.root, path, self.vault.slugify,
                                       self.vault.max_bytes)
            if note is None and problems == self.vault.problems_of(path):
                return False
            return self._replace(path, note, problems)
        note, problems = parse_note(path, text, self.vault.slugify)
        if note == self.vault.notes.get(path) and problems == self.vault.problems_of(path):
            return False  # e.g. a note opened as it is on disk: nothing to re-resolve
        return self._replace(path, note, problems)

    def revert(self, path: str) -> bool:
        """Back to the file on disk (a closed buffer), or out of the vault if there is none."""
        if (self.root / path).is_file():
            note, problems = read_note(self.root, path, self.vault.slugify, self.vault.max_bytes)
            return self._replace(path, note, problems)  # an unreadable file: out, with its line
        return self._replace(path, None, [])

    def _replace(self, path: str, note: Note | None, problems: list[Diagnostic]) -> bool:
        """Put the note (None: out of the vault, keeping `problems`) in place; whether other
        notes' diagnostics may have changed: links re-resolved, a name or privacy changed."""
        self.changes += 1  # odd while the vault is being changed
        try:
            old = self.vault.notes.get(path)
            read = (note, problems) if note is not None or problems else None
            resolved = self.vault.apply_changes({path: read})
        finally:
            self.changes += 1
        renamed = (old is None) != (note is None) or _names(old) != _names(note)
        if renamed or (old is not None and note is not None and (
                (old.kind, old.meta.get("title")) != (note.kind, note.meta.get("title")))):
            self.names_dirty = True
        if self._names is not None and (renamed or (old is not None and note is not None and (
                (old.title, old.aliases) != (note.title, note.aliases)))):
            self._names.replace(old, note)
        privacy = old is not None and note is not None and is_private(old) != is_private(note)
        return renamed or privacy or bool(resolved - {path})

    def edit_tables(self) -> Prepared:
        """What the first edit, hint and `[[` completion would build (name index, link keys,
        "did you mean" names, sorted names; 100k notes: seconds), made without changing this
        vault: for a thread, while edits go on (`install` keeps them only if none came)."""
        from ..links import lookup_key
        from ..names import NameSuggester

        vault, changes = self.vault, self.changes
        if changes % 2:
            raise RuntimeError("the vault is being changed")
        notes = list(vault.notes.items())  # a RuntimeError if an edit comes meanwhile
        by_key: dict[str, set[str]] = {}
        for path, note in notes:
            for link in note.links:
                if link.target:
                    by_key.setdefault(lookup_key(link), set()).add(path)
        index = vault._index if vault._index is not None else vault._build_index()
        names = vault._names if vault._names is not None else NameSuggester(index.names())
        listed = self._names if self._names is not None else NameList(vault)
        return Prepared(changes, index, by_key, names, listed)

    def install(self, tables: Prepared) -> bool:
        """Keep tables made by `edit_tables` if no note changed since (else: whether not)."""
        if tables.changes != self.changes:
            return False
        vault = self.vault
        if vault._index is None:
            vault._index = tables.index
        if vault._by_key is None:
            vault._by_key = tables.by_key
        if vault._names is None:
            vault._names = tables.names
        if self._names is None:
            self._names = tables.listed
        return True

    def snapshot(self, only: str | None = None) -> Vault:
        """A vault sharing today's notes (all, or just `only`) but none of the live tables, for
        work in another thread while the editor keeps changing this one."""
        vault, notes = self.vault, self.vault.notes
        return Vault(vault.root, {only: notes[only]} if only is not None else dict(notes),
                     list(vault.attachments), {}, vault.slugify, vault.max_bytes,
                     resolved={})  # nothing resolved: these rules and the checker need none

    def cross_rules(self, snapshot: Vault) -> dict[str, list[Diagnostic]]:
        """The rules that compare notes with each other, by path (seconds on 10k notes)."""
        found = Vault.duplicate_names(snapshot, every_note=False)
        found += near_duplicates(snapshot, self.every_note)
        if self.every_note:
            reported = {d.pos.path for d in found if d.code == "duplicate-name"}
            found += [d for d in Vault.duplicate_names(snapshot) if d.pos.path not in reported]
        cross: dict[str, list[Diagnostic]] = {}
        for diagnostic in found:
            cross.setdefault(diagnostic.pos.path, []).append(diagnostic)
        return cross

    def refresh_cross(self) -> None:
        """Recompute the vault-wide rules now (in this thread)."""
        self.cross = self.cross_rules(self.snapshot())
        self.names_dirty = False

    def diagnostics(self, path: str) -> list[Diagnostic]:
        """What `lemma lint` reports for this note, sorted by position."""
        vault = self.vault
        note = vault.notes.get(path)
        if note is None:
            return vault.problems_of(path)  # e.g. a file lint skips: its one problem
        found = vault.problems_of(path) + vault.link_problems(path)
        found += self.cross.get(path, [])
        found += extra_diagnostics(_One(note))  # type: ignore[arg-type]
        if not is_private(note):
            found += [private_link_problem(r) for r in vault.resolved[path]
                      if r.target in vault.notes and is_private(vault.notes[r.target])]
        return sorted(found, key=Diagnostic.sort_key)

