"""Finding notes for `lemma list`: filter by kind, tag, date, orphans and broken links.

The filters work on `NoteRow`s, which the index gives without loading the vault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..index.queries import NoteRow


@dataclass(frozen=True, slots=True)
class NoteFilter:
    """The filters of `lemma list`; every given one must hold (None/False = not filtering)."""

    kind: str | None = None
    tag: str | None = None
    since: dt.date | None = None
    orphans: bool = False
    broken: bool = False


def note_date(written: str | None, mtime_ns: int) -> dt.date:
    """The note's frontmatter `date` if it has a valid one, else its file's modification day."""
    if written is not None:
        return dt.date.fromisoformat(written)
    return dt.date.fromtimestamp(mtime_ns / 1e9) if mtime_ns >= 0 else dt.date.today()


def _has_tag(tags: tuple[str, ...], tag: str) -> bool:
    wanted = tag.lstrip("#").casefold()
    return any(t.casefold() == wanted or t.casefold().startswith(wanted + "/") for t in tags)


def select_notes(rows: list[NoteRow], wanted: NoteFilter) -> list[NoteRow]:
    """The notes passing every filter, in path order."""
    found = []
    for row in rows:
        if wanted.kind and row.kind != wanted.kind:
            continue
        if wanted.tag and not _has_tag(row.tags, wanted.tag):
            continue
        if wanted.orphans and row.linked:
            continue
        if wanted.broken and not row.broken:
            continue
        if wanted.since and note_date(row.date, row.mtime_ns) < wanted.since:
            continue
        found.append(row)
    return found


def row_json(row: NoteRow) -> dict[str, Any]:
    """A listed note as `lemma list --format json` prints it."""
    return {"path": row.path, "kind": row.kind, "title": row.title, "tags": list(row.tags),
            "aliases": list(row.aliases), "date": note_date(row.date, row.mtime_ns).isoformat()}
