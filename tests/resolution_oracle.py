"""The link resolution as it was written before its fast paths (commit 4ead618), kept verbatim
in spirit and plain in form: the oracle `test_resolution_fast` compares every link against.

Nothing here is shared with `lemma.resolution` but `find_heading` (headings, not names) and the
model types, so a shortcut taken there cannot hide here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from lemma.links import find_heading
from lemma.model import Note, WikiLink
from lemma.vault import ResolvedLink, citekey_of

FILE, TITLE, ALIAS = "file", "title", "alias"


def fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold().strip()


class OracleIndex:
    """`NameIndex` as it was: by path, file name, title, alias; attachments by file name."""

    def __init__(self, notes: dict[str, Note], attachments: Sequence[str]) -> None:
        self.by_path: dict[str, str] = {}
        self.by_name: dict[str, dict[str, list[str]]] = {FILE: {}, TITLE: {}, ALIAS: {}}
        self.attachments: dict[str, list[str]] = {}
        for path, note in notes.items():
            self.by_path[fold(path.removesuffix(".md"))] = path
            self._add(FILE, path.rsplit("/", 1)[-1].removesuffix(".md"), path)
            self._add(TITLE, note.title, path)
            for alias in note.aliases:
                self._add(ALIAS, alias, path)
        for path in attachments:
            self.by_path[fold(path)] = path
            self.attachments.setdefault(fold(path.rsplit("/", 1)[-1]), []).append(path)

    def _add(self, how: str, name: str, path: str) -> None:
        bucket = self.by_name[how].setdefault(fold(name), [])
        if path not in bucket:
            bucket.append(path)

    def resolve(self, target: str, source_path: str,
                attachment: bool = False) -> tuple[str, str | None, tuple[str, ...]]:
        """(status, path, candidates) of a link target written in `source_path`."""
        key = fold(target).lstrip("/")
        if attachment:
            found = self._attachment(key, source_path)
            if found[0] != "broken" or "." not in key.rsplit("/", 1)[-1]:
                return found
        key = key.removesuffix(".md")
        if key in self.by_path:
            return ("ok", self.by_path[key], ())
        if "/" in key:
            named = self.by_name[FILE].get(key.rsplit("/", 1)[-1], [])
            found = [p for p in named if fold(p.removesuffix(".md")).endswith("/" + key)]
            return nearest(found, source_path) if found else ("broken", None, ())
        for how in (FILE, TITLE, ALIAS):
            candidates = self.by_name[how].get(key)
            if candidates:
                return nearest(candidates, source_path)
        return ("broken", None, ())

    def _attachment(self, key: str, source_path: str) -> tuple[str, str | None, tuple[str, ...]]:
        if key in self.by_path:
            return ("ok", self.by_path[key], ())
        found = self.attachments.get(key.rsplit("/", 1)[-1], [])
        if "/" in key:
            found = [p for p in found if fold(p).endswith("/" + key)]
        return nearest(found, source_path) if found else ("broken", None, ())


def nearest(candidates: Sequence[str], source_path: str) -> tuple[str, str | None, tuple[str, ...]]:
    """The linking note's folder wins, else the nearest ancestor; else ambiguous."""
    if len(candidates) == 1:
        return ("ok", candidates[0], ())
    folder = source_path.rsplit("/", 1)[0] if "/" in source_path else ""
    best: list[str] = []
    best_depth = -1
    for path in candidates:
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        if parent == "" or folder == parent or folder.startswith(parent + "/"):
            depth = parent.count("/") + 1 if parent else 0
            if depth > best_depth:
                best, best_depth = [path], depth
            elif depth == best_depth:
                best.append(path)
    if len(best) == 1:
        return ("ok", best[0], ())
    return ("ambiguous", None, tuple(sorted(candidates)))


def oracle_link(notes: dict[str, Note], index: OracleIndex, link: WikiLink,
                source: Note) -> ResolvedLink:
    """`Vault.resolve` as it was: citations by citekey, then names, then heading or block."""
    if link.cite is not None:
        owners = [n.path for n in notes.values()
                  if (key := citekey_of(n)) is not None and fold(key) == fold(link.target)]
        if len(owners) > 1:
            return ResolvedLink(source.path, link, "ambiguous", candidates=tuple(owners))
        return ResolvedLink(source.path, link, "ok" if owners else "entry",
                            owners[0] if owners else None)
    if not link.target:
        status, path, candidates = "ok", source.path, ()
    else:
        status, path, candidates = index.resolve(link.target, source.path, link.is_attachment)
    if status != "ok" or path is None:
        return ResolvedLink(source.path, link, status, candidates=candidates)
    note = notes.get(path)
    if not link.heading or note is None:
        return ResolvedLink(source.path, link, "ok", path)
    if link.heading.startswith("^"):
        ok = link.heading[1:].casefold() in note.block_ids
        anchor = link.heading[1:] if ok else None
    else:
        heading = find_heading(note.headings, link.heading)
        ok, anchor = heading is not None, heading.anchor if heading else None
    return ResolvedLink(source.path, link, "ok" if ok else "missing-heading", path, anchor)


def oracle_resolved(notes: dict[str, Note],
                    attachments: Sequence[str]) -> dict[str, tuple[ResolvedLink, ...]]:
    """Every note's links resolved by the oracle, by note path (in the notes' order)."""
    index = OracleIndex(notes, attachments)
    return {path: tuple(oracle_link(notes, index, link, note) for link in note.links)
            for path, note in notes.items()}
