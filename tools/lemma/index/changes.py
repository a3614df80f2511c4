"""What changed in a vault since its index was refreshed: stat signatures compared with the
stored ones, and racy ones (changed within a clock tick of the indexing) confirmed by hash.

A file whose times are within `RACY_NS` of when it was indexed is re-hashed, so an edit in the
same clock tick as the indexing is still seen; "when" is the file system's clock
(`clock.fs_now_ns`), so a skewed machine clock cannot hide one.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..vault_fs import Listing, read_or_problem
from . import meta_rows, store
from .filestat import signature

#: A file changed less than this before it was indexed is confirmed by content hash next time.
RACY_NS = 50_000_000
#: On a file system with whole-second times (FAT, some network shares) the tick is coarser.
COARSE_RACY_NS = 2_000_000_000
#: (new or changed notes, removed notes, racy notes to hash, attachments changed)
Found = tuple[list[str], list[str], list[str], bool]


def differences(db: sqlite3.Connection, root: Path, listing: Listing | Callable[[], Listing],
                only: frozenset[str] | None = None) -> Found | None:
    """(new or changed notes, removed notes, racy notes to hash, attachments changed), or
    None when the index matches the files. `only`: the notes to look at (a watcher
    vouches for the listing and the others)."""
    if only is not None:
        return few_differences(db, root, only)
    listing = loaded(listing)
    stored = meta_rows.signatures(db)
    changed, doubtful = [], []
    prefix = f"{root}/"
    stat = os.stat
    for path in listing.notes:
        old = stored.pop(path, None)
        if old is None:  # new (every note of a first build): no stat to compare
            changed.append(path)
            continue
        try:
            info = stat(prefix + path)
        except OSError:  # e.g. a broken symlink: changed unless the same link was broken
            if tuple(old[:4]) != signature(prefix + path):
                changed.append(path)
            continue
        if old[0] != info.st_size or old[1] != info.st_mtime_ns or (
                old[2] != info.st_ctime_ns or old[3] != info.st_ino):
            changed.append(path)
        elif racy(info.st_mtime_ns, info.st_ctime_ns, old[4]):
            doubtful.append(path)
    attachments = [r[0] for r in db.execute("SELECT path FROM attachments ORDER BY path")]
    moved = attachments != listing.attachments
    if changed or stored or doubtful or moved:
        return changed, sorted(stored), doubtful, moved
    return None

def few_differences(db: sqlite3.Connection, root: Path, only: frozenset[str]) -> Found | None:
    """`differences` when a watcher names the only notes that may have changed."""
    changed, doubtful = [], []
    for path in sorted(only):
        old = db.execute("SELECT size, mtime_ns, ctime_ns, ino, indexed_ns FROM notes "
                              "WHERE path = ?", (path,)).fetchone()
        now = signature(root / path)
        if old is None or tuple(old[:4]) != now:
            changed.append(path)
        elif racy(now[1], now[2], old[4]):
            doubtful.append(path)
    return (changed, [], doubtful, False) if changed or doubtful else None


def confirm(db: sqlite3.Connection, root: Path, max_bytes: int, paths: list[str], now: int
            ) -> list[str]:
    """Of notes whose stat looks unchanged but whose times are racy, those whose content
    hash differs (or, unreadable, whose reason differs); the others are stamped as indexed
    now."""
    from .parse import content_digest, signature

    changed = []
    for path in paths:
        sig = signature(root / path)
        text, problems = read_or_problem(root, path, max_bytes)
        row = db.execute("SELECT hash, note, problems FROM notes WHERE path = ?",
                              (path,)).fetchone()
        if row is None:
            same = False
        elif text is None:  # still unreadable: unchanged if for the same reason
            same = row[1] is None and row[2] is not None and \
                store.load_problems(row[2]) == problems
        else:
            same = content_digest(text) == row[0]
        if not same:
            changed.append(path)
        else:
            db.execute("UPDATE notes SET indexed_ns = ?, size = ?, mtime_ns = ?, "
                            "ctime_ns = ?, ino = ? WHERE path = ?", (now, *sig, path))
    if len(changed) < len(paths):
        meta_rows.save_signatures(db)
    return changed


def loaded(listing: Listing | Callable[[], Listing]) -> Listing:
    """The listing itself, read now if it was left for later."""
    return listing if isinstance(listing, Listing) else listing()


def racy(mtime_ns: int, ctime_ns: int, indexed_ns: int | None) -> bool:
    """Whether a stat-clean file may still have changed within the timestamp's tick."""
    if indexed_ns is None:
        return True
    coarse = mtime_ns % 1_000_000_000 == 0
    return max(mtime_ns, ctime_ns) >= indexed_ns - (COARSE_RACY_NS if coarse else RACY_NS)
