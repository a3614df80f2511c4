"""Obsidian's resolution rules: which note a link target names.

Case- and form-insensitively, by path, file name, title or alias (in that order), with folder
nearness deciding between same-named notes; `lemma.links` re-exports these names. A link that
one note answers to from anywhere (most of them) costs one look-up (`NameIndex.unique_targets`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache


def fold(name: str) -> str:
    """The case- and form-insensitive key under which names are compared.

    ASCII (NFC already; casefold is lower) is folded at once, as fast as a cache hit: a 100k-note
    vault's 400k names and 342k targets made nearly every look-up a miss, 5x dearer.
    """
    return name.lower().strip() if name.isascii() else _fold_unicode(name)


@lru_cache(maxsize=65536)
def _fold_unicode(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold().strip()


class Match(StrEnum):
    """How a link target named a note, strongest first."""

    PATH = "path"
    FILE = "file"
    TITLE = "title"
    ALIAS = "alias"


_FILE, _TITLE, _ALIAS = Match.FILE, Match.TITLE, Match.ALIAS


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link points: a note or attachment path, or why it points nowhere."""

    status: str  # "ok" | "broken" | "ambiguous"
    path: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(slots=True)
class NameIndex:
    """Case-insensitive lookup of notes by path, file name, title and alias; attachments by name.

    Whoever changes `by_path` or `by_name` in place tells `changed` which keys it touched.
    """

    by_path: dict[str, str]
    by_name: dict[Match, dict[str, list[str]]]
    attachments: dict[str, list[str]]
    _unique: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(
        cls, notes: Iterable[tuple[str, str, Sequence[str]]], attachments: Iterable[str] = ()
    ) -> NameIndex:
        """Index (path, title, aliases) triples and attachment paths."""
        by_path: dict[str, str] = {}
        files: dict[str, list[str]] = {}
        titles: dict[str, list[str]] = {}
        named: dict[str, list[str]] = {}
        for path, title, aliases in notes:  # 100k notes: written out, it is 15% faster
            by_path[fold(path.removesuffix(".md"))] = path
            for table, name in ((files, path.rsplit("/", 1)[-1].removesuffix(".md")),
                                (titles, title)):
                key = fold(name)
                bucket = table.get(key)
                if bucket is None:
                    table[key] = [path]
                elif path not in bucket:
                    bucket.append(path)
            for alias in aliases:
                key = fold(alias)
                bucket = named.get(key)
                if bucket is None:
                    named[key] = [path]
                elif path not in bucket:
                    bucket.append(path)
        index = cls(by_path, {Match.FILE: files, Match.TITLE: titles, Match.ALIAS: named}, {})
        for path in attachments:
            index.by_path[fold(path)] = path
            index.attachments.setdefault(fold(path.rsplit("/", 1)[-1]), []).append(path)
        return index

    def names(self) -> list[str]:
        """Every note name (file names, titles, aliases) for "did you mean" suggestions."""
        return sorted({name for table in self.by_name.values() for name in table})

    def unique_path(self, target: str) -> str | None:
        """The one path a (non-attachment) link to `target` resolves to whichever note it is
        in; None when the rules must decide: nothing or several notes by that name, a partial
        path, a leading "/" or a `.md` to drop. One look-up once `unique_targets` is built."""
        key = fold(target)
        table = self._unique
        return table.get(key) if table is not None else self._unique_entry(key)

    def unique_targets(self) -> dict[str, str]:
        """Folded target -> its `unique_path`, for every target that has one: built on first
        use (0.2 s at 100k notes), so worth it only to resolve many links; kept in step by
        `changed`."""
        if self._unique is None:
            self._unique = self._unique_table()
        return self._unique

    def _unique_table(self) -> dict[str, str]:
        """Every key's `_unique_entry`, in bulk: names from the weakest table to the strongest,
        then paths, so that the strongest bucket decides, as the rules read them."""
        table: dict[str, str] = {}
        for how in (Match.ALIAS, Match.TITLE, Match.FILE):
            for key, bucket in self.by_name[how].items():
                if not bucket:
                    continue  # the rules pass over an empty bucket as over a missing one
                if len(bucket) == 1 and "/" not in key and not key.endswith(".md"):
                    table[key] = bucket[0]
                else:
                    table.pop(key, None)
        table.update(self.by_path)
        for key in [k for k in self.by_path if k.endswith(".md") or k.startswith("/")]:
            del table[key]
        return table

    def _unique_entry(self, key: str) -> str | None:
        """`unique_path` of a folded target, read from the tables as the rules read them."""
        if key.endswith(".md") or key.startswith("/"):
            return None  # the rules look it up under another key
        path = self.by_path.get(key)
        if path is not None or "/" in key:
            return path
        by_name = self.by_name
        bucket = (by_name[_FILE].get(key) or by_name[_TITLE].get(key)
                  or by_name[_ALIAS].get(key))
        return bucket[0] if bucket and len(bucket) == 1 else None

    def changed(self, keys: Iterable[str]) -> None:
        """Keep `unique_targets` (if built) in step once `by_path` or `by_name` changed in place
        under these folded keys."""
        table = self._unique
        if table is None:
            return
        for key in keys:
            path = self._unique_entry(key)
            if path is None:
                table.pop(key, None)
            else:
                table[key] = path

    def resolve(self, target: str, source_path: str, attachment: bool = False) -> Resolution:
        """Resolve a link target written in `source_path` with Obsidian's precedence rules."""
        path = None if attachment else self.unique_path(target)
        if path is not None:
            return resolved_to(path)
        return self.resolve_by_rules(target, source_path, attachment)

    def resolve_by_rules(self, target: str, source_path: str,
                         attachment: bool = False) -> Resolution:
        """`resolve` without the `unique_path` shortcut: the rules, step by step."""
        key = fold(target).lstrip("/")
        if attachment:
            found = self._resolve_attachment(key, source_path)
            if found.status != "broken" or "." not in key.rsplit("/", 1)[-1]:
                return found
            # not a file: a note whose name has a dot ("Release 2.0beta") is looked up as one
        key = key.removesuffix(".md")
        if key in self.by_path:
            return resolved_to(self.by_path[key])
        if "/" in key:
            return self._by_suffix(key, source_path)
        for how in (Match.FILE, Match.TITLE, Match.ALIAS):
            found = self.by_name[how].get(key)
            if found:
                return nearest(found, source_path)
        return Resolution("broken")

    def _by_suffix(self, key: str, source_path: str) -> Resolution:
        """A partial path `folder/name` matches every note whose path ends with it."""
        named = self.by_name[Match.FILE].get(key.rsplit("/", 1)[-1], [])
        found = [p for p in named if fold(p.removesuffix(".md")).endswith("/" + key)]
        return nearest(found, source_path) if found else Resolution("broken")

    def _resolve_attachment(self, key: str, source_path: str) -> Resolution:
        if key in self.by_path:
            return Resolution("ok", self.by_path[key])
        found = self.attachments.get(key.rsplit("/", 1)[-1], [])
        if "/" in key:
            found = [p for p in found if fold(p).endswith("/" + key)]
        return nearest(found, source_path) if found else Resolution("broken")


def link_key(target: str, attachment: bool = False) -> str:
    """The name a link target is looked up by: its folded last path segment (no `.md`).

    A link's resolution can only change when a note or attachment gains or loses this name
    (see `name_keys`), which is what lets an index re-resolve only the links a change touches.
    """
    key = fold(target).lstrip("/")
    if not attachment:
        key = key.removesuffix(".md")
    return key.rsplit("/", 1)[-1]


def name_keys(path: str, title: str = "", aliases: Iterable[str] = ()) -> set[str]:
    """Every `link_key` under which a note (path, title, aliases) or an attachment can be found."""
    stem = path.rsplit("/", 1)[-1]
    stem = stem.removesuffix(".md") if path.endswith(".md") else stem
    return {fold(name).rsplit("/", 1)[-1] for name in (stem, title, *aliases) if name}


@lru_cache(maxsize=1 << 17)
def resolved_to(path: str) -> Resolution:
    """The (immutable, shared) resolution to `path`: 50k links make 50k of them otherwise."""
    return Resolution("ok", path)


def nearest(candidates: Sequence[str], source_path: str) -> Resolution:
    """Pick among same-named candidates: the linking note's folder, else the nearest ancestor."""
    if len(candidates) == 1:
        return resolved_to(candidates[0])
    folder = source_path.rsplit("/", 1)[0] if "/" in source_path else ""
    best: list[str] = []
    best_depth = -1
    for path in candidates:
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        if _is_ancestor(parent, folder):
            depth = parent.count("/") + 1 if parent else 0
            if depth > best_depth:
                best, best_depth = [path], depth
            elif depth == best_depth:
                best.append(path)
    if len(best) == 1:
        return Resolution("ok", best[0])
    return Resolution("ambiguous", candidates=tuple(sorted(candidates)))


def _is_ancestor(parent: str, folder: str) -> bool:
    return parent == "" or folder == parent or folder.startswith(parent + "/")
