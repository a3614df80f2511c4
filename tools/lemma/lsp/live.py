"""The vault as the editor sees it: notes updated from buffer text, one note at a time.

`LiveVault.set_text` re-parses one note and re-resolves only the links its change can affect
(links naming one of its old or new names, links into it when its headings change), so a
keystroke costs one note, not the vault. Diagnostics per note are exactly `lemma lint`'s for
that note; the rules comparing notes with each other (shared names, near-duplicate titles) are
computed vault-wide by `refresh_cross` and reused between keystrokes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..links import Match, fold
from ..lint_rules import extra_diagnostics, near_duplicates
from ..model import Diagnostic, Note
from ..publish import is_private, private_link_problem
from ..vault import Vault, parse_note, read_note


class _One:
    """A one-note view of a vault, for the per-note rules of `extra_diagnostics`."""

    def __init__(self, note: Note) -> None:
        self.note = note

    def __iter__(self) -> Iterator[Note]:
        return iter((self.note,))


def _key(target: str) -> str:
    """The index key a link target is looked up under (see NameIndex.resolve)."""
    return fold(target).lstrip("/").removesuffix(".md")


def _names(note: Note) -> set[str]:
    return {fold(n) for n in (note.title, *note.aliases)}


class LiveVault:
    """A loaded vault plus the texts of the editor's open buffers."""

    def __init__(self, vault: Vault, every_note: bool = False) -> None:
        self.vault = vault
        self.every_note = every_note  # `style_rules: all`
        self.cross: dict[str, list[Diagnostic]] = {}
        self.names_dirty = True  # the vault-wide rules need recomputing
        self._by_key: dict[str, set[str]] = {}  # link lookup key -> notes with such links
        for note in vault:
            self._index_keys(note.path, None, note)

    def _index_keys(self, path: str, old: Note | None, new: Note | None) -> None:
        """Keep `_by_key` in step: which notes have links looked up under which key."""
        for note, add in ((old, False), (new, True)):
            for link in note.links if note is not None else ():
                for key in _lookup_keys(link.target):
                    sources = self._by_key.setdefault(key, set())
                    if add:
                        sources.add(path)
                    else:
                        sources.discard(path)

    @property
    def root(self) -> Path:
        return Path(self.vault.root)

    def relative(self, path: Path) -> str | None:
        """The vault-relative path of a file, or None when it is not a note of the vault."""
        try:
            rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        parts = rel.split("/")
        if not rel.endswith(".md") or any(p.startswith(".") for p in parts):
            return None
        if len(parts) > 1 and parts[0].lower() == "templates":
            return None
        return rel

    def set_text(self, path: str, text: str) -> bool:
        """Replace note `path` (new or known) by this text and re-resolve what it affects;
        whether other notes' links may have changed too."""
        note, problems = parse_note(path, text, self.vault.slugify)
        return self._replace(path, note, problems)

    def revert(self, path: str) -> bool:
        """Back to the file on disk (a closed buffer), or out of the vault if there is none."""
        if (self.root / path).is_file():
            note, problems = read_note(self.root, path, self.vault.slugify, self.vault.max_bytes)
            return self._replace(path, note, problems)  # an unreadable file: out, with its line
        return self._replace(path, None, [])

    def _replace(self, path: str, note: Note | None, problems: list[Diagnostic]) -> bool:
        vault = self.vault
        old = vault.notes.get(path)
        if note is None:
            vault.notes.pop(path, None)
            vault._problems.pop(path, None)
            vault.resolved.pop(path, None)
            if problems:  # a file that could not be read as a note keeps its one diagnostic
                vault._problems[path] = problems
        else:
            vault.notes[path] = note
            vault._problems[path] = problems
            if old is None:
                vault.notes = dict(sorted(vault.notes.items()))
        keys: set[str] = set()
        if old is None or note is None or _names(old) != _names(note):
            keys = self._reindex_names(path, old, note)
            self.names_dirty = True
        elif (old.kind, old.meta.get("title")) != (note.kind, note.meta.get("title")):
            self.names_dirty = True
        moved = old is not None and note is not None and (
            (old.headings, old.block_ids) != (note.headings, note.block_ids))
        self._index_keys(path, old, note)
        stale = {s for k in keys for s in self._by_key.get(k, ())} if keys else set()
        if moved or keys:
            stale |= {source for source, links in vault.resolved.items()
                      if any(r.target == path for r in links)}
        for source in sorted(stale - {path}):
            if source in vault.notes:
                vault.resolved[source] = vault._resolve_all(vault.notes[source])
        if note is not None:
            vault.resolved[path] = vault._resolve_all(note)
            if old is None:
                vault.resolved = dict(sorted(vault.resolved.items()))
        vault.__dict__.pop("diagnostics", None)
        privacy = old is not None and note is not None and is_private(old) != is_private(note)
        return bool(keys) or moved or privacy

    def _reindex_names(self, path: str, old: Note | None, new: Note | None) -> set[str]:
        """Update the name index for one note in place; the folded names whose meaning changed."""
        index = self.vault.index
        stem_key = fold(path.rsplit("/", 1)[-1].removesuffix(".md"))
        path_key = fold(path.removesuffix(".md"))
        changed: set[str] = set()
        for note, add in ((old, False), (new, True)):
            if note is None:
                continue
            changed |= _names(note)
            tables = [(Match.TITLE, note.title), *((Match.ALIAS, a) for a in note.aliases)]
            if (old is None) != (new is None):  # the file itself appears or goes
                tables.append((Match.FILE, stem_key))
                changed |= {stem_key, path_key}
                if add:
                    index.by_path[path_key] = path
                else:
                    index.by_path.pop(path_key, None)
            for how, name in tables:
                bucket = index.by_name[how].setdefault(fold(name), [])
                if add and path not in bucket:
                    bucket.append(path)
                elif not add and path in bucket:
                    bucket.remove(path)
                if not bucket:
                    del index.by_name[how][fold(name)]
        return changed

    def snapshot(self, only: str | None = None) -> Vault:
        """A vault sharing today's notes (all, or just `only`) but none of the live tables, for
        work in another thread while the editor keeps changing this one."""
        copy = object.__new__(Vault)
        copy.root, copy.slugify = self.vault.root, self.vault.slugify
        notes = self.vault.notes
        copy.notes = {only: notes[only]} if only is not None else dict(notes)
        return copy

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
        self.vault._names = None  # "did you mean" learns the new names too

    def diagnostics(self, path: str) -> list[Diagnostic]:
        """What `lemma lint` reports for this note, sorted by position."""
        vault = self.vault
        note = vault.notes.get(path)
        if note is None:
            return []
        found = list(vault._problems.get(path, ()))
        skipped = vault._skipped_by_name()
        found += [d for r in vault.resolved[path]
                  if (d := vault._link_problem(r, skipped)) is not None]
        found += self.cross.get(path, [])
        found += extra_diagnostics(_One(note))  # type: ignore[arg-type]
        if not is_private(note):
            found += [private_link_problem(r) for r in vault.resolved[path]
                      if r.target in vault.notes and is_private(vault.notes[r.target])]
        return sorted(found, key=Diagnostic.sort_key)


def _lookup_keys(target: str) -> tuple[str, ...]:
    """The name-index keys a link target's resolution reads (a path also reads its file name)."""
    if not target:
        return ()
    key = _key(target)
    return (key, key.rsplit("/", 1)[-1]) if "/" in key else (key,)
