"""The index's copies of itself in its `meta` table, which a refresh reads before any row:
every note's stat signature in one row, and the main tables' row counts (so an emptied or cut
table is noticed)."""

from __future__ import annotations

import marshal
import sqlite3

from .store import IndexCorrupt


def save_signatures(db: sqlite3.Connection,
                    found: dict[str, tuple[int, ...]] | None = None) -> None:
    """Keep the one-row copy of every note's stat signature that a refresh checks first;
    `found`: those of every `notes` row, when the caller has them (a first build)."""
    if found is None:
        rows = db.execute("SELECT path, size, mtime_ns, ctime_ns, ino, indexed_ns FROM notes")
        found = {r[0]: r[1:] for r in rows}
    blob = marshal.dumps(found)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('signatures', ?)", (blob,))


def update_signatures(db: sqlite3.Connection, written: dict[str, tuple[int, ...]],
                      removed: list[str]) -> None:
    """`save_signatures` after a refresh that rewrote the `written` notes' rows and removed
    `removed`: the saved copy patched (100k notes: 0.3 s less than reading every row again)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'signatures'").fetchone()
    try:
        found = marshal.loads(row[0]) if row is not None else None
    except (EOFError, ValueError, TypeError):
        found = None
    if not isinstance(found, dict):  # none saved, or unreadable: made from the rows
        save_signatures(db)
        return
    for path in removed:
        found.pop(path, None)
    found.update(written)
    save_signatures(db, found)


#: Tables whose row counts are recorded; the search table's are counted in its shadow table
#: of document sizes (one row per note, read 20 times faster than the table itself).
_COUNTED = {"notes": "notes", "links": "links", "search": "search_docsize", "names": "names"}


def _counts(db: sqlite3.Connection) -> list[int]:
    return [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in _COUNTED.values()]


def save_counts(db: sqlite3.Connection) -> None:
    """Record how many rows the main tables hold, so an emptied or truncated one is noticed."""
    db.execute("INSERT OR REPLACE INTO meta VALUES ('counts', ?)", (marshal.dumps(_counts(db)),))


def check_counts(db: sqlite3.Connection) -> str | None:
    """Why the tables do not hold what the last write left (a table emptied or cut short by
    hand or by damage), or None when they do; read in one snapshot."""
    db.execute("BEGIN")
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
        counts = _counts(db)
    finally:
        db.execute("COMMIT")
    if row is None:
        return None if counts == [0, 0, 0, 0] else "it is damaged (its row counts are missing)"
    try:
        saved = marshal.loads(row[0])
    except (EOFError, ValueError, TypeError):
        saved = None
    if not isinstance(saved, list) or len(saved) != len(counts):
        return "it is damaged (its row counts are unreadable)"
    for table, now, written in zip(_COUNTED, counts, saved, strict=True):
        if now != written:
            return f"it is damaged (its {table} table holds {now} rows, {written} were written)"
    return None


def signatures(db: sqlite3.Connection) -> dict[str, tuple[int, int, int, int, int]]:
    """path -> (size, mtime_ns, ctime_ns, inode, indexed_ns) of every stored note file."""
    row = db.execute("SELECT value FROM meta WHERE key = 'signatures'").fetchone()
    try:
        found = marshal.loads(row[0]) if row is not None else {}
    except (EOFError, ValueError, TypeError) as error:
        raise IndexCorrupt(f"unreadable signatures ({error})") from None
    if not isinstance(found, dict):
        raise IndexCorrupt("unreadable signatures")
    return found
