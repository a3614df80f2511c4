"""Keeping a loaded vault in step with edited files: only the links a change can affect are
resolved again, and the name index, link keys and "did you mean" names are updated in place."""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager

from .links import Match, NameIndex, fold, lookup_key, name_keys
from .model import Diagnostic, Note
from .names import NameSuggester

#: What re-reading one file gave: its note (None if unreadable) and problems; None if it is gone.
FileRead = tuple[Note | None, list[Diagnostic]] | None


class VaultChanges:
    """The incremental half of `Vault` (its base class): taking in re-read files."""

    root: object
    notes: dict[str, Note]
    attachments: list[str]
    resolved: dict[str, tuple]
    _problems: dict[str, list[Diagnostic]]
    _index: NameIndex | None
    _names: NameSuggester | None
    _by_key: dict[str, set[str]] | None

    def _resolve_all(self, note: Note) -> tuple:
        raise NotImplementedError

    def links(self) -> Iterator:
        raise NotImplementedError

    def _sources_naming(self, keys: set[str]) -> set[str]:
        raise NotImplementedError

    def _sources_linking_to(self, targets: set[str]) -> set[str]:
        raise NotImplementedError

    def _resolving(self, sources: set[str]) -> AbstractContextManager[None]:
        """Around resolving the links of `sources` again (a stored vault reads only the names
        they look up)."""
        return contextlib.nullcontext()

    def apply_changes(self, reads: dict[str, FileRead],
                      attachments: list[str] | None = None) -> set[str]:
        """Take in re-read files (and a new attachment list); return the notes re-resolved.

        Only links that can have changed are resolved again: those of the re-read notes, those
        whose looked-up name (`link_key`) a note or attachment gained or lost, and those into a
        note whose headings or block ids changed. Everything else keeps its resolution. The
        name index, link keys and "did you mean" names, once built, are updated in place.
        """
        keys: set[str] = set()
        retargeted: set[str] = set()
        renamed: list[tuple[str, Note | None, Note | None]] = []
        added = False
        for path, read in reads.items():
            old = self.notes.get(path)
            note, problems = read if read is not None else (None, None)
            if self._by_key is not None:
                self._track_keys(path, old, note)
            if problems is None:
                self._problems.pop(path, None)
            else:
                self._problems[path] = problems
            if note is None:
                self.notes.pop(path, None)
                self.resolved.pop(path, None)
            else:
                added = added or old is None
                self.notes[path] = note
            keys |= _names_of(old) ^ _names_of(note)
            if citekey_of(old) != citekey_of(note):
                self._citekeys = None
            if _titles_of(old) != _titles_of(note):
                renamed.append((path, old, note))
            if old is not None and note is not None and (
                    (old.headings, old.block_ids) != (note.headings, note.block_ids)):
                retargeted.add(path)
        if attachments is not None and attachments != self.attachments:
            keys |= {k for p in set(attachments) ^ set(self.attachments) for k in name_keys(p)}
            self.attachments = attachments
            self._index = None
        for path, old, note in renamed if self._index is not None else ():
            self._index_names(path, old, add=False)  # a keystroke in a title: a few names
            self._index_names(path, note, add=True)
        if self._index is None:
            self._names = None
        elif self._names is not None:
            self._suggest_names(renamed)
        if added and isinstance(self.notes, dict):
            self.notes = dict(sorted(self.notes.items()))
        todo = {p for p in reads if p in self.notes}
        todo |= self._sources_naming(keys) | self._sources_linking_to(retargeted)
        with self._resolving(todo):
            for source in sorted(todo):
                note = self.notes.get(source)
                if note is not None:
                    self.resolved[source] = self._resolve_all(note)
        if added:  # `links()` goes note by note in path order
            self.resolved = dict(sorted(self.resolved.items()))
        self.__dict__.pop("diagnostics", None)
        return todo

    def _link_keys(self) -> dict[str, set[str]]:
        """`link_key` -> the notes with a link looked up by it: built on first use (one pass
        over every link), then kept in step by `apply_changes`, so a renamed note costs the
        links naming it, not a scan of the vault."""
        if self._by_key is None:
            self._by_key = {}
            for path, note in self.notes.items():
                self._track_keys(path, None, note)
        return self._by_key

    def _track_keys(self, path: str, old: Note | None, new: Note | None) -> None:
        """Move note `path`'s entries in `_by_key` from its old links to its new ones."""
        assert self._by_key is not None
        for note, add in ((old, False), (new, True)):
            for link in note.links if note is not None else ():
                if not link.target:
                    continue
                key = lookup_key(link)
                if add:
                    self._by_key.setdefault(key, set()).add(path)
                elif key in self._by_key:
                    self._by_key[key].discard(path)

    def _suggest_names(self, renamed: list[tuple[str, Note | None, Note | None]]) -> None:
        """Keep the "did you mean" names in step with the (updated) index."""
        assert self._index is not None and self._names is not None
        tables = self._index.by_name.values()
        for path, old, new in renamed:
            for name in _folded_names(path, old):
                if not any(name in table for table in tables):
                    self._names.discard(name)
            for name in _folded_names(path, new):
                self._names.add(name)

    def _index_names(self, path: str, note: Note | None, add: bool) -> None:
        """Add (or remove) one note's path, file name, title and aliases in the built index,
        each table in path order as `NameIndex.build` makes it."""
        if note is None or self._index is None:
            return
        index = self._index
        stem = path.rsplit("/", 1)[-1].removesuffix(".md")
        names = [(Match.FILE, stem), (Match.TITLE, note.title),
                 *((Match.ALIAS, alias) for alias in note.aliases)]
        for how, name in names:
            table = index.by_name[how]
            bucket = table.setdefault(fold(name), [])
            if add and path not in bucket:
                bisect.insort(bucket, path)
            elif not add and path in bucket:
                bucket.remove(path)
            if not bucket:
                del table[fold(name)]
        self._index_path(fold(path.removesuffix(".md")))
        index.changed([fold(name) for _, name in names] + [fold(path.removesuffix(".md"))])

    def _index_path(self, key: str) -> None:
        """Who owns a folded path after a change, as `NameIndex.build` decides: an attachment
        of that path, else the last note in path order (case twins `a.md`/`A.md` share one)."""
        index = self._index
        assert index is not None
        twins = [p for p in index.by_name[Match.FILE].get(key.rsplit("/", 1)[-1], ())
                 if fold(p.removesuffix(".md")) == key]
        owner = next((a for a in reversed(self.attachments) if fold(a) == key),
                     twins[-1] if twins else None)
        if owner is None:
            index.by_path.pop(key, None)
        else:
            index.by_path[key] = owner


def _names_of(note: Note | None) -> set[str]:
    """The lookup keys (see `lookup_key`) a note answers to: its names and `@citekey`."""
    if note is None:
        return set()
    keys = name_keys(note.path, note.title, note.aliases)
    if (key := citekey_of(note)) is not None:
        keys.add("@" + fold(key))
    return keys


def citekey_of(note: Note | None) -> str | None:
    """A note's `citekey` frontmatter (a non-empty string), else None."""
    key = note.meta.get("citekey") if note is not None else None
    return key.strip() if isinstance(key, str) and key.strip() else None


def _titles_of(note: Note | None) -> tuple[str, tuple[str, ...]] | None:
    return (note.title, tuple(note.aliases)) if note is not None else None


def _folded_names(path: str, note: Note | None) -> set[str]:
    """A note's names as the name index holds them: file name, title, aliases (folded)."""
    if note is None:
        return set()
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return {fold(name) for name in (stem, note.title, *note.aliases)}
