"""A note's row of full text (`note_text`, which the full-text table `search` indexes): made
where the note is parsed, written by the refresh (one per note, its id the note's in `notes`)."""

from __future__ import annotations

import sqlite3

from ..model import Note
from ..search_text import folded_words, index_text


def write_search(db: sqlite3.Connection, notes: list[Note]) -> None:
    """The full-text rows of these notes (their `notes` rows are written: they give the ids),
    in `note_text`, whose triggers index them in `search`.

    The two control characters that mark matched words in snippets are left out of the text,
    so no note can forge a match.
    """
    write_texts(db, [(note.path, search_columns(note)) for note in notes])


#: Paths whose ids one statement looks up (well below SQLite's limit of bound values).
_IDS_AT_ONCE = 500


def write_texts(db: sqlite3.Connection, rows: list[tuple[str, tuple[str, ...]]]) -> None:
    """`note_text` rows of (path, `search_columns`) pairs whose `notes` rows are written.
    (A streamed first build writes them as chunks arrive, its triggers dropped, then builds
    the full-text index from the table at once.)"""
    for at in range(0, len(rows), _IDS_AT_ONCE):
        some = rows[at:at + _IDS_AT_ONCE]
        ids = dict(db.execute(f"SELECT path, id FROM notes WHERE path IN "
                              f"({','.join('?' * len(some))})", [p for p, _ in some]))
        db.executemany("INSERT INTO note_text VALUES (?, ?, ?, ?, ?, ?)",
                       [(ids[p], *columns) for p, columns in some])


def search_columns(note: Note) -> tuple[str, ...]:
    """A note's columns in the `search` table: title, aliases, tags, body, folded words."""
    text = (note.title, " ".join(note.aliases), " ".join(note.tags), note.body)
    if all(x.isascii() for x in text):  # no CJK and no letter to fold: two scans saved
        return (*(_unmarked(x) for x in text), "")
    return (*(index_text(_unmarked(x)) for x in text), folded_words(*text))


def _unmarked(text: str) -> str:
    if "\x02" in text or "\x03" in text:
        return text.replace("\x02", "").replace("\x03", "")
    return text
