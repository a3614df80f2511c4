"""A note's links as rows of the `links` table: the columns fixed by the parse (made where the
note is parsed) and those its resolution decides, written in statements of many rows."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
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
    flagged broken (a first build), so only the broken ones are flagged.
    """
    if not fresh:
        resolved = list(resolved)
        db.executemany("DELETE FROM links WHERE source = ?", [(s,) for s, _ in resolved])
    write_prepared(db, prepare_links(resolved, columns, fresh,
                                     db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))


@dataclass
class PreparedLinks:
    """`write_links`' statements made ahead: parameters of LINK_CHUNK rows at most each, and
    the notes' broken flags. A first build makes them in its writer thread while the
    full-text index is built, so that storing them is SQLite's work alone, without the GIL,
    while the command computes (100k notes: 510k rows)."""

    per: int
    chunks: list[list[Any]]
    flags: list[tuple[int, str]]


def prepare_links(resolved: Iterable[tuple[str, tuple[ResolvedLink, ...]]],
                  columns: dict[str, list[tuple[Any, ...]]] | None, fresh: bool,
                  variables: int) -> PreparedLinks:
    """The statements' parameters for these notes' links (`variables`: SQLite's limit of
    bound values a statement)."""
    found = columns or {}
    per = max(1, min(LINK_CHUNK, variables // 12))
    chunks: list[list[Any]] = []
    flags: list[tuple[int, str]] = []
    values: list[Any] = []
    for source, links in resolved:
        fixed = found.get(source) or link_columns(source, [r.link for r in links])
        broken = 0
        for f, r in zip(fixed, links, strict=True):
            values += f
            values += (r.status, r.target, r.anchor, "\n".join(r.candidates) or None)
            if r.status != "ok":
                broken = 1
            if len(values) == per * 12:
                chunks.append(values)
                values = []
        if broken or not fresh:
            flags.append((broken, source))
    if values:
        chunks.append(values)
    return PreparedLinks(per, chunks, flags)


#: At most this many links are inserted by one statement.
LINK_CHUNK = 2_000
_LINK_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def write_prepared(db: sqlite3.Connection, prepared: PreparedLinks) -> None:
    """Insert prepared link rows, up to LINK_CHUNK by one statement, which SQLite runs
    without the GIL (row by row, a writer thread got the GIL back only once per switch
    interval while the command ran Python beside it), and set the broken flags. The
    statements' parameters are let go of as they are written."""
    while prepared.chunks:  # (a few hundred at most)
        values = prepared.chunks.pop(0)
        db.execute(_insert(len(values) // 12), values)
    db.executemany("UPDATE notes SET broken = ? WHERE path = ?", prepared.flags)


@functools.lru_cache(maxsize=4)
def _insert(rows: int) -> str:
    """The statement inserting `rows` link rows."""
    return "INSERT INTO links VALUES " + ", ".join([_LINK_ROW] * rows)
