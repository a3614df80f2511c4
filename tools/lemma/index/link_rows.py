"""A note's links as rows of the `links` table: the columns fixed by the parse (made where the
note is parsed) and those its resolution decides, written in statements of many rows."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..model import WikiLink

if TYPE_CHECKING:
    from ..vault import ResolvedLink


def link_columns(source: str, links: Iterable[WikiLink]) -> list[tuple[Any, ...]]:
    """A note's links as rows of `links` up to their resolution: source, ord, key, position,
    embed."""
    from ..links import lookup_key  # the parser, only when a note is written

    return [(source, i, lookup_key(link), link.pos.line, link.pos.col, link.start, link.end,
             int(link.embed)) for i, link in enumerate(links)]


def write_links(db: sqlite3.Connection,
                resolved: Iterable[tuple[str, tuple[ResolvedLink, ...]]],
                columns: dict[str, list[tuple[Any, ...]]] | None = None,
                fresh: bool = False) -> None:
    """Replace the resolved links of these notes (and their `broken` flags).

    `columns` has the resolution-free columns of notes parsed just now (`NoteRows.links`);
    other notes' are made here. `fresh`: the notes have no links stored yet and are not
    flagged broken (a first build), so only the broken ones are flagged. The rows are made
    as SQLite takes them (500k at 100k notes: no list of them all).
    """
    found = columns or {}
    flags: list[tuple[int, str]] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        for source, links in resolved:
            fixed = found.get(source) or link_columns(source, [r.link for r in links])
            for f, r in zip(fixed, links, strict=True):
                yield (*f, r.status, r.target, r.anchor, "\n".join(r.candidates) or None)
            flags.append((int(any(r.status != "ok" for r in links)), source))

    if not fresh:
        resolved = list(resolved)
        db.executemany("DELETE FROM links WHERE source = ?", [(s,) for s, _ in resolved])
    _insert_links(db, rows())
    db.executemany("UPDATE notes SET broken = ? WHERE path = ?",
                   [f for f in flags if f[0]] if fresh else flags)


#: At most this many links are inserted by one statement.
LINK_CHUNK = 2_000
_LINK_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _insert_links(db: sqlite3.Connection, rows: Iterator[tuple[Any, ...]]) -> None:
    """Insert link rows, up to LINK_CHUNK by one statement, which SQLite runs without the
    GIL: row by row, a writer thread got the GIL back only once per switch interval (5 ms)
    while the command ran Python beside it (500k links at 100k notes)."""
    per = max(1, min(LINK_CHUNK, db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 12))
    many = "INSERT INTO links VALUES " + ", ".join([_LINK_ROW] * per)
    while chunk := list(itertools.islice(rows, per)):
        if len(chunk) == per:
            db.execute(many, [value for row in chunk for value in row])
        else:
            db.executemany(f"INSERT INTO links VALUES {_LINK_ROW}", chunk)
