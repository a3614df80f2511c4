"""Finding notes for `lemma list`: filter by kind, tag, date, orphans and broken links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..frontmatter import parse_date
from ..model import Note
from ..vault import Vault


@dataclass(frozen=True, slots=True)
class NoteFilter:
    """The filters of `lemma list`; every given one must hold (None/False = not filtering)."""

    kind: str | None = None
    tag: str | None = None
    since: dt.date | None = None
    orphans: bool = False
    broken: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One listed note."""

    path: str
    kind: str
    title: str
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    date: dt.date

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "title": self.title,
                "tags": list(self.tags), "aliases": list(self.aliases),
                "date": self.date.isoformat()}


def note_date(vault: Vault, note: Note) -> dt.date:
    """The note's frontmatter `date` if it has a valid one, else its file's modification day."""
    written = parse_date(note.meta.get("date"))
    if written is not None:
        return written
    try:
        return dt.date.fromtimestamp((vault.root / note.path).stat().st_mtime)
    except OSError:
        return dt.date.today()


def _has_tag(note: Note, tag: str) -> bool:
    wanted = tag.lstrip("#").casefold()
    return any(t.casefold() == wanted or t.casefold().startswith(wanted + "/") for t in note.tags)


def linked_paths(vault: Vault) -> set[str]:
    """Notes that some other note links to (so not orphans)."""
    return {r.target for r in vault.links() if r.target and r.target != r.source
            and r.status in ("ok", "missing-heading")}


def select_notes(vault: Vault, wanted: NoteFilter) -> list[Row]:
    """The notes passing every filter, in path order."""
    linked = linked_paths(vault) if wanted.orphans else set()
    rows = []
    for note in vault:
        if wanted.kind and note.kind.value != wanted.kind:
            continue
        if wanted.tag and not _has_tag(note, wanted.tag):
            continue
        if wanted.orphans and note.path in linked:
            continue
        if wanted.broken and all(r.ok for r in vault.resolved[note.path]):
            continue
        date = note_date(vault, note)
        if wanted.since and date < wanted.since:
            continue
        rows.append(Row(note.path, note.kind.value, note.title, note.tags, note.aliases, date))
    return rows
